package server_test

// meetingRouteRules are the authorisation rules of the meetings routes (see allRoutes).
var meetingRouteRules = map[string]expect{
	//                          anon sec  pres del  mgr  obs  partner
}
