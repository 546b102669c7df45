package server

// roundRoutes registers the routes of consultation rounds: opening, answering, following, compiling, exporting.
func (s *server) roundRoutes(with withAction) {}
