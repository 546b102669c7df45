package server_test

// roundRouteRules are the authorisation rules of the rounds routes (see allRoutes).
var roundRouteRules = map[string]expect{
	//                          anon sec  pres del  mgr  obs  partner
}
