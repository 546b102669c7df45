package store_test

import (
	"context"
	"testing"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
)

func TestQueryCount(t *testing.T) {
	st, _ := demoStore(t)
	ctx, count := store.WithQueryCount(context.Background())
	if _, err := st.Delegations(ctx); err != nil {
		t.Fatal(err)
	}
	list, err := st.Documents(ctx, store.DocumentFilter{Viewer: presidency})
	if err != nil {
		t.Fatal(err)
	}
	if count.Statements() != 2 || count.RoundTrips() != 2 {
		t.Fatalf("after two queries: %d statements, %d round trips", count.Statements(), count.RoundTrips())
	}
	// Document loads its related rows in one batch of four.
	if _, err := st.Document(ctx, presidency, list.Documents[0].ID); err != nil {
		t.Fatal(err)
	}
	if count.Statements() != 7 || count.RoundTrips() != 4 {
		t.Fatalf("after a document: %d statements, %d round trips, want 7 and 4", count.Statements(), count.RoundTrips())
	}
	// Queries of other contexts are not counted.
	if _, err := st.Delegations(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Rounds(context.Background(), dialogue.Viewer{SeeAll: true}); err != nil {
		t.Fatal(err)
	}
	if count.Statements() != 7 {
		t.Fatal("a query of another context was counted")
	}
}
