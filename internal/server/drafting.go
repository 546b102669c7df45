package server

// draftingRoutes registers the routes of drafting, editing, previewing and issuing documents (and their REVs).
func (s *server) draftingRoutes(with withAction) {}
