package server_test

// draftingRouteRules are the authorisation rules of the drafting routes (see allRoutes).
var draftingRouteRules = map[string]expect{
	//                          anon sec  pres del  mgr  obs  partner
}
