package server_test

import (
	"context"
	"testing"
	"time"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
)

// draftingRouteRules are the authorisation rules of the drafting routes (see allRoutes).
// The matrix sends empty forms: a new or edited draft without its fields,
// an issue without the version it was based on, are 422. /drafts/{id} is a
// fresh draft (matrixDraft); /documents/{id} is 5559/26, whose REV the
// secretariat starts and the Presidency continues.
var draftingRouteRules = map[string]expect{
	//                                  anon sec  pres del  mgr  obs  partner
	"GET /drafts":                 {303, 200, 200, 403, 403, 403, 403},
	"GET /drafts/new":             {303, 200, 200, 403, 403, 403, 403},
	"POST /drafts":                {303, 422, 422, 403, 403, 403, 403},
	"GET /drafts/{id}/edit":       {303, 200, 200, 403, 403, 403, 403},
	"POST /drafts/{id}":           {303, 422, 422, 403, 403, 403, 403},
	"GET /drafts/{id}/preview":    {303, 200, 200, 403, 403, 403, 403},
	"POST /drafts/{id}/issue":     {303, 422, 422, 403, 403, 403, 403},
	"POST /documents/{id}/revise": {303, 303, 303, 403, 403, 403, 403},
}

// matrixDraft creates a draft for one cell of the authorisation matrix.
func matrixDraft(t *testing.T, st *store.Store) int64 {
	t.Helper()
	id, err := st.CreateDraft(context.Background(), dialogue.Actor{Name: "test"}, store.DraftInput{
		Year: 2026, Date: time.Date(2026, time.March, 2, 0, 0, 0, 0, time.UTC), Marking: dialogue.MarkingLimite,
		Sender: "Presidency", Recipients: "Delegations", Subject: "A draft of the authorisation matrix",
		Questions: []dialogue.Question{{Kind: dialogue.QuestionAgreement, Prompt: "Do you agree?"}},
	})
	if err != nil {
		t.Fatalf("matrix draft: %v", err)
	}
	return id
}
