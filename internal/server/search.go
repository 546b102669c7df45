package server

// searchRoutes registers the routes of full-text search over what the user may see.
func (s *server) searchRoutes(with withAction) {}
