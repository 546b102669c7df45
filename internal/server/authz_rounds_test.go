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

// roundRouteRules are the authorisation rules of the rounds routes (see allRoutes).
// Each /rounds/{id} cell runs on a fresh open round on 5559/26 consulting BE
// and FR (matrixRoundPath): the delegate and the manager (BE) are consulted,
// the observer (EUROPOL) and the partner (TN) are not, so for them the round
// does not exist. Replies are sealed (not released): a delegation's
// compilation is "not found". POSTs send an empty form.
var roundRouteRules = map[string]expect{
	//                                          anon sec  pres del  mgr  obs  partner
	"GET /rounds":                         {303, 200, 200, 200, 200, 200, 200},
	"GET /documents/{id}/rounds/new":      {303, 200, 200, 403, 403, 403, 403},
	"POST /documents/{id}/rounds":         {303, 422, 422, 403, 403, 403, 403},
	"GET /rounds/{id}":                    {303, 200, 200, 200, 200, 404, 404},
	"POST /rounds/{id}/questions/{qid}":   {303, 403, 403, 422, 422, 403, 404}, // no status chosen
	"POST /rounds/{id}/extensions":        {303, 422, 422, 403, 403, 403, 403},
	"POST /rounds/{id}/proxy":             {303, 422, 403, 403, 403, 403, 403},
	"POST /rounds/{id}/release":           {303, 422, 422, 403, 403, 403, 403}, // no audience chosen
	"POST /rounds/{id}/close":             {303, 303, 303, 403, 403, 403, 403},
	"GET /rounds/{id}/matrix":             {303, 200, 200, 403, 403, 403, 403},
	"GET /rounds/{id}/compilation":        {303, 200, 200, 404, 404, 404, 404}, // sealed
	"POST /rounds/{id}/summaries/{qid}":   {303, 303, 303, 403, 403, 403, 403},
	"POST /rounds/{id}/compilation/issue": {303, 409, 409, 403, 403, 403, 403}, // the round is still open
	"GET /rounds/{id}/export.csv":         {303, 200, 200, 200, 200, 404, 404},
	"GET /rounds/{id}/export.json":        {303, 200, 200, 200, 200, 404, 404},
}

// matrixRoundPath fills {id} and {qid} of a /rounds/ route with a fresh
// round on the note doc consulting BE and FR, open now (by the test's clock
// and the database's), so that no cell depends on another (closing,
// releasing, extending).
func matrixRoundPath(t *testing.T, st *store.Store, doc int64, path string) string {
	t.Helper()
	ctx := context.Background()
	ds, err := st.Delegations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, d := range ds {
		if d.Code == "BE" || d.Code == "FR" {
			ids = append(ids, d.ID)
		}
	}
	note, err := st.Document(ctx, dialogue.Viewer{SeeAll: true}, doc)
	if err != nil || len(note.Questions) == 0 {
		t.Fatalf("note %d: %v", doc, err)
	}
	id, err := st.CreateRound(ctx, dialogue.Actor{Name: "test"}, store.NewRound{DocumentID: doc, Title: "Matrix round",
		OpensAt: fixedNow.Add(-24 * time.Hour), Deadline: time.Now().Add(24 * time.Hour), DelegationIDs: ids,
		ReleaseAudience: dialogue.ReleaseMemberStates})
	if err != nil {
		t.Fatal(err)
	}
	path = strings.ReplaceAll(path, "{id}", strconv.FormatInt(id, 10))
	return strings.ReplaceAll(path, "{qid}", strconv.FormatInt(note.Questions[0].ID, 10))
}
