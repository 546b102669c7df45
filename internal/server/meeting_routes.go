package server

// meetingRoutes registers the routes of meetings beyond the list: scheduling, agendas, attendance, minutes, calendar feeds.
func (s *server) meetingRoutes(with withAction) {}
