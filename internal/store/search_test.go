package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
)

func hitsOf(t *testing.T, st *store.Store, v dialogue.Viewer, q string) (docs, replies []string) {
	t.Helper()
	res, err := st.Search(context.Background(), v, q)
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	for _, h := range res.Documents {
		docs = append(docs, h.Document.Reference())
		if !strings.Contains(h.Passage, store.MatchStart) {
			t.Errorf("search %q: passage of %s marks no match: %q", q, h.Document.Reference(), h.Passage)
		}
	}
	for _, h := range res.Replies {
		replies = append(replies, h.Delegation.Code)
	}
	return docs, replies
}

func TestSearchDocumentsByDistribution(t *testing.T) {
	st, _ := demoStore(t)
	ctx := context.Background()
	ds, _ := st.Delegations(ctx)
	ids := map[string]int64{}
	for _, d := range ds {
		ids[d.Code] = d.ID
	}
	// Accents and case are ignored: "Communaute" finds nothing in our
	// English notes, but "MEDITERRANEE" would; take words of the seeds.
	docs, _ := hitsOf(t, st, presidency, "smuggling")
	if len(docs) < 2 {
		t.Fatalf("presidency: %v", docs)
	}
	be := dialogue.Viewer{UserID: 5, DelegationID: ids["BE"], DelegationKind: dialogue.MemberState}
	tn := dialogue.Viewer{UserID: 6, DelegationID: ids["TN"], DelegationKind: dialogue.Partner}
	if docs, _ := hitsOf(t, st, be, "Estoril"); len(docs) != 1 || docs[0] != "5559/26" {
		t.Fatalf("BE searching Estoril: %v", docs)
	}
	if docs, _ := hitsOf(t, st, tn, "Estoril"); len(docs) != 0 {
		t.Fatalf("TN finds LIMITE notes not sent to it: %v", docs)
	}
	if docs, _ := hitsOf(t, st, be, "ministeres de l'interieur"); len(docs) != 0 {
		t.Fatalf("nonsense query: %v", docs)
	}
	if docs, _ := hitsOf(t, st, be, `"joint declaration" -Mediterranean`); len(docs) != 1 || docs[0] != "6762/22" {
		t.Fatalf("phrase and exclusion: %v", docs)
	}
}

func TestSearchRepliesAreSealed(t *testing.T) {
	f := newRoundFixture(t, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	ctx := context.Background()
	if _, err := f.st.SavePosition(ctx, cli, store.PositionSave{RoundID: f.round, QuestionID: f.text, DelegationID: f.be,
		Status: dialogue.PositionSubmitted, Body: "Belgium favours a gradual approach to the Méditerranée partners."}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.SavePosition(ctx, cli, store.PositionSave{RoundID: f.round, QuestionID: f.agree, DelegationID: f.fr,
		Status: dialogue.PositionDraft, Body: "France drafts on the mediterranee too."}); err != nil {
		t.Fatal(err)
	}
	be := dialogue.Viewer{UserID: 1, DelegationID: f.be, DelegationKind: dialogue.MemberState}
	fr := dialogue.Viewer{UserID: 2, DelegationID: f.fr, DelegationKind: dialogue.MemberState}
	all := dialogue.Viewer{UserID: 3, SeeAll: true}

	cases := []struct {
		name string
		v    dialogue.Viewer
		want string
	}{
		{"BE finds its own reply, accents ignored", be, "BE"},
		{"FR finds only its own draft, not BE's reply (sealed)", fr, "FR"},
		{"the Presidency finds the submitted reply, not FR's draft", all, "BE"},
	}
	for _, c := range cases {
		_, replies := hitsOf(t, f.st, c.v, "mediterranee")
		if strings.Join(replies, ",") != c.want {
			t.Errorf("%s: %v, want %s", c.name, replies, c.want)
		}
	}
	if err := f.st.ReleaseRound(ctx, cli, f.round, dialogue.ReleaseMemberStates); err != nil {
		t.Fatal(err)
	}
	if _, replies := hitsOf(t, f.st, fr, "mediterranee"); strings.Join(replies, ",") != "BE,FR" && strings.Join(replies, ",") != "FR,BE" {
		t.Fatalf("after release FR finds %v, want BE's reply and its own draft", replies)
	}
	tn := dialogue.Viewer{UserID: 4, DelegationID: f.be + f.fr + 50, DelegationKind: dialogue.Partner}
	if _, replies := hitsOf(t, f.st, tn, "mediterranee"); len(replies) != 0 {
		t.Fatalf("a partner finds %v in a round released to member states", replies)
	}
}
