package server_test

// searchRouteRules are the authorisation rules of the search routes (see allRoutes).
var searchRouteRules = map[string]expect{
	//                          anon sec  pres del  mgr  obs  partner
	"GET /search": {303, 200, 200, 200, 200, 200, 200},
}
