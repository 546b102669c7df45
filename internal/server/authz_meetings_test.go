package server_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
)

// meetingRouteRules are the authorisation rules of the meetings routes (see allRoutes).
//
// The meeting is COSI's of 18 November 2025 (held, from the demo data):
// the member states see it, Europol (an observer) and Tunisia (a partner)
// are not invited, so for them it does not exist. Forms are sent empty.
var meetingRouteRules = map[string]expect{
	//                                         anon sec  pres del  mgr  obs  partner
	"GET /meetings/new":                        {303, 200, 403, 403, 403, 403, 403},
	"POST /meetings":                           {303, 422, 403, 403, 403, 403, 403},
	"GET /meetings/plan":                       {303, 200, 403, 403, 403, 403, 403},
	"POST /meetings/plan":                      {303, 422, 403, 403, 403, 403, 403},
	"GET /meetings/{id}":                       {303, 200, 200, 200, 200, 404, 404},
	"GET /meetings/{id}/calendar.ics":          {303, 200, 200, 200, 200, 404, 404},
	"GET /meetings/{id}/edit":                  {303, 200, 403, 403, 403, 403, 403},
	"POST /meetings/{id}":                      {303, 422, 403, 403, 403, 403, 403},
	"POST /meetings/{id}/invitations":          {303, 422, 403, 403, 403, 403, 403},
	"POST /meetings/{id}/attendance":           {303, 403, 403, 422, 422, 404, 404},
	"POST /meetings/{id}/attended":             {303, 303, 403, 403, 403, 403, 403}, // held: nothing to record is fine
	"POST /meetings/{id}/agenda":               {303, 422, 403, 403, 403, 403, 403},
	"POST /meetings/{id}/agenda/{item}":        {303, 422, 403, 403, 403, 403, 403},
	"POST /meetings/{id}/agenda/{item}/move":   {303, 422, 403, 403, 403, 403, 403},
	"POST /meetings/{id}/agenda/{item}/delete": {303, 303, 403, 403, 403, 403, 403},
	"POST /meetings/{id}/minutes":              {303, 422, 403, 403, 403, 403, 403},
	"POST /meetings/{id}/minutes/status":       {303, 422, 403, 403, 403, 403, 403},
	"POST /meetings/{id}/actions":              {303, 422, 403, 403, 403, 403, 403},
	"POST /actions/{id}/status":                {303, 422, 403, 403, 403, 403, 403},
	"GET /account/calendar":                    {303, 200, 200, 200, 200, 200, 200},
	"POST /account/calendar/renew":             {303, 303, 303, 303, 303, 303, 303},
	"POST /account/calendar/revoke":            {303, 303, 303, 303, 303, 303, 303},
	"GET /calendar/{token}":                    {404, 404, 404, 404, 404, 404, 404}, // unknown token, session or not
}

// meetingMatrixPath fills in a meetings route for the matrix: {id} is the
// COSI meeting of 18 November 2025 (under /actions, a fresh action point
// of it), {item} a fresh agenda item of it, so that no cell depends on
// another (a deleted item, say).
func meetingMatrixPath(t *testing.T, st *store.Store, path string) string {
	t.Helper()
	ctx := context.Background()
	cosi := cosiMeeting(t, st, time.Date(2025, 11, 18, 10, 0, 0, 0, dialogue.Brussels))
	actor := dialogue.Actor{Name: "test"}
	if strings.HasPrefix(path, "/actions/{id}") {
		p, err := st.AddActionPoint(ctx, actor, store.ActionPointInput{MeetingID: cosi, Title: "Report back", Owner: "Presidency"})
		if err != nil {
			t.Fatal(err)
		}
		return strings.ReplaceAll(path, "{id}", strconv.FormatInt(p, 10))
	}
	if strings.Contains(path, "{item}") {
		item, err := st.AddAgendaItem(ctx, actor, cosi, store.AgendaItemInput{Kind: store.AgendaInformation, Title: "Any other business"})
		if err != nil {
			t.Fatal(err)
		}
		path = strings.ReplaceAll(path, "{item}", strconv.FormatInt(item, 10))
	}
	return strings.ReplaceAll(path, "{id}", strconv.FormatInt(cosi, 10))
}

// cosiMeeting finds the COSI meeting starting at start.
func cosiMeeting(t *testing.T, st *store.Store, start time.Time) int64 {
	t.Helper()
	ms, err := st.Meetings(context.Background(), store.MeetingFilter{COSIOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.StartsAt.Equal(start) {
			return m.ID
		}
	}
	t.Fatalf("no COSI meeting at %s in the demo data", start)
	return 0
}
