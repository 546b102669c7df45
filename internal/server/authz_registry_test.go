package server_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/dialogue-secretariat/portal/internal/store"
)

// registryRouteRules are the authorisation rules of the routes that keep
// the registry (see allRoutes): the secretariat's alone. An empty form is
// refused (422); an empty edit names no version, a conflict (409).
var registryRouteRules = map[string]expect{
	//                                                  anon sec  pres del  mgr  obs  partner
	"GET /dialogues/{code}/initiatives/new":          {303, 200, 403, 403, 403, 403, 403},
	"POST /dialogues/{code}/initiatives":             {303, 422, 403, 403, 403, 403, 403},
	"GET /dialogues/{code}/initiatives/{id}/edit":    {303, 200, 403, 403, 403, 403, 403},
	"POST /dialogues/{code}/initiatives/{id}":        {303, 409, 403, 403, 403, 403, 403},
	"POST /dialogues/{code}/initiatives/{id}/remove": {303, 422, 403, 403, 403, 403, 403},
	"GET /dialogues/{code}/participants/edit":        {303, 200, 403, 403, 403, 403, 403},
	"POST /dialogues/{code}/participants":            {303, 409, 403, 403, 403, 403, 403},
	"GET /dialogues/{code}/priorities/edit":          {303, 200, 403, 403, 403, 403, 403},
	"POST /dialogues/{code}/priorities":              {303, 409, 403, 403, 403, 403, 403},
	// The delegations and the Presidencies ({delegation}: TN, a partner).
	"GET /delegations/new":               {303, 200, 403, 403, 403, 403, 403},
	"POST /delegations":                  {303, 422, 403, 403, 403, 403, 403},
	"GET /delegations/{delegation}/edit": {303, 200, 403, 403, 403, 403, 403},
	"POST /delegations/{delegation}":     {303, 409, 403, 403, 403, 403, 403},
	"GET /presidencies/new":              {303, 200, 403, 403, 403, 403, 403},
	"POST /presidencies":                 {303, 422, 403, 403, 403, 403, 403},
}

// medInitiative is the path of an initiative of the demo's med dialogue.
func medInitiative(t *testing.T, st *store.Store, path string) string {
	t.Helper()
	ctx := context.Background()
	med, err := st.DialogueByCode(ctx, "med")
	if err != nil {
		t.Fatal(err)
	}
	ins, err := st.Initiatives(ctx, med.ID)
	if err != nil || len(ins) == 0 {
		t.Fatalf("no initiative of the med dialogue: %v", err)
	}
	return strings.ReplaceAll(path, "{id}", strconv.FormatInt(ins[0].ID, 10))
}
