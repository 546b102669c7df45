package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
)

// TestReplyCountsFollowEverySave: the counts the round lists show (kept by
// a trigger, migration 9) are, after each kind of save, what counting the
// replies gives: a first draft, a draft submitted, a given reply revised,
// a reply taken back to a draft, a reply recorded by proxy.
func TestReplyCountsFollowEverySave(t *testing.T) {
	ctx := context.Background()
	f := newRoundFixture(t, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	counted := func(delegation int64) (given, drafts int) {
		t.Helper()
		ps, err := f.st.RoundPositions(ctx, f.round, delegation)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			if p.Status == dialogue.PositionDraft {
				drafts++
			} else {
				given++
			}
		}
		return given, drafts
	}
	check := func(step string) {
		t.Helper()
		beGiven, beDrafts := counted(f.be)
		frGiven, frDrafts := counted(f.fr)
		all, err := f.st.Rounds(ctx, dialogue.Viewer{SeeAll: true})
		if err != nil || len(all) != 1 {
			t.Fatalf("%s: %+v %v", step, all, err)
		}
		if all[0].Final != beGiven+frGiven || all[0].Drafts != beDrafts+frDrafts || all[0].Eligible != 2 {
			t.Errorf("%s: the Presidency sees %d given, %d drafts, %d consulted; the replies are %d given, %d drafts of 2",
				step, all[0].Final, all[0].Drafts, all[0].Eligible, beGiven+frGiven, beDrafts+frDrafts)
		}
		be, err := f.st.Rounds(ctx, dialogue.Viewer{DelegationID: f.be, DelegationKind: dialogue.MemberState})
		if err != nil || len(be) != 1 || be[0].Final != beGiven || be[0].Drafts != beDrafts {
			t.Errorf("%s: Belgium sees %+v (%v); its replies are %d given, %d drafts", step, be, err, beGiven, beDrafts)
		}
	}
	save := func(step string, delegation, question int64, base int, status dialogue.PositionStatus, proxy string) store.SavedPosition {
		t.Helper()
		p, err := f.st.SavePosition(ctx, cli, store.PositionSave{RoundID: f.round, QuestionID: question, DelegationID: delegation,
			BaseRevision: base, Status: status, Body: "Our view.", ProxySource: proxy})
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		check(step)
		return p
	}
	check("no reply yet")
	p := save("Belgium's first draft", f.be, f.text, 0, dialogue.PositionDraft, "")
	p = save("the draft submitted", f.be, f.text, p.Revision, dialogue.PositionSubmitted, "")
	p = save("the reply revised", f.be, f.text, p.Revision, dialogue.PositionSubmitted, "")
	save("France's reservation", f.fr, f.text, 0, dialogue.PositionScrutinyReservation, "")
	save("the reply back to a draft", f.be, f.text, p.Revision, dialogue.PositionDraft, "")
	save("France's reply by e-mail, recorded", f.fr, f.agree, 0, dialogue.PositionNoPosition, "email")
}

func TestRoundListsAreSealedPerDelegation(t *testing.T) {
	ctx := context.Background()
	f := newRoundFixture(t, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	// FR replies to two questions; BE drafts one.
	for _, q := range []int64{f.text, f.agree} {
		if _, err := f.st.SavePosition(ctx, cli, store.PositionSave{RoundID: f.round, QuestionID: q, DelegationID: f.fr,
			Status: dialogue.PositionNoPosition}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.save(0, "draft"); err != nil {
		t.Fatal(err)
	}

	all, err := f.st.Rounds(ctx, dialogue.Viewer{SeeAll: true})
	if err != nil || len(all) != 1 || all[0].Final != 2 || all[0].Drafts != 1 || all[0].Eligible != 2 || all[0].Questions != 3 {
		t.Fatalf("presidency list %+v %v", all, err)
	}
	be, _ := f.st.Rounds(ctx, dialogue.Viewer{DelegationID: f.be, DelegationKind: dialogue.MemberState})
	if len(be) != 1 || be[0].Final != 0 || be[0].Drafts != 1 || be[0].Eligible != 0 {
		t.Fatalf("BE sees %+v: only its own progress, nothing of FR's", be)
	}
	outsider, _ := f.st.Rounds(ctx, dialogue.Viewer{DelegationID: f.be + f.fr + 1000, DelegationKind: dialogue.MemberState})
	if len(outsider) != 0 {
		t.Fatalf("a delegation not consulted sees %d rounds", len(outsider))
	}
	// The rounds offered as choices follow the same rule.
	for _, c := range []struct {
		v    dialogue.Viewer
		want int
	}{
		{dialogue.Viewer{SeeAll: true}, 1},
		{dialogue.Viewer{DelegationID: f.be, DelegationKind: dialogue.MemberState}, 1},
		{dialogue.Viewer{DelegationID: f.be + f.fr + 1000, DelegationKind: dialogue.MemberState}, 0},
	} {
		latest, err := f.st.LatestRounds(ctx, c.v, 10)
		if err != nil || len(latest) != c.want || (c.want == 1 && (latest[0].ID != f.round || latest[0].DocumentRef == "")) {
			t.Errorf("LatestRounds for %+v: %+v %v, want %d", c.v, latest, err, c.want)
		}
	}
	own, _ := f.st.RoundPositions(ctx, f.round, f.be)
	if len(own) != 1 || own[0].DelegationID != f.be {
		t.Fatalf("BE's own positions: %+v", own)
	}
	detail, _ := f.st.RoundDetail(ctx, f.round)
	eligible := detail.Eligible
	if len(eligible) != 2 || eligible[0].Delegation.Code != "BE" || eligible[1].Delegation.Code != "FR" {
		t.Fatalf("eligible %+v", eligible)
	}

	if err := f.st.ReleaseRound(ctx, cli, f.round, dialogue.ReleasePresidency); dialogue.KindOf(err) != dialogue.KindInvalid {
		t.Fatalf("release to presidency only: %v", err)
	}
	if err := f.st.ReleaseRound(ctx, cli, f.round, dialogue.ReleaseMemberStates); err != nil {
		t.Fatal(err)
	}
	detail, _ = f.st.RoundDetail(ctx, f.round)
	r := detail.Round
	if r.ReleasedAt == nil || !r.RepliesVisible(false, dialogue.MemberState) || r.RepliesVisible(false, dialogue.Partner) {
		t.Fatalf("after release: %+v", r)
	}
}

func TestSummaryConflict(t *testing.T) {
	ctx := context.Background()
	f := newRoundFixture(t, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	v, err := f.st.SaveSummary(ctx, cli, f.round, f.choice, "Most delegations prefer a phased approach.", 0)
	if err != nil || v != 1 {
		t.Fatalf("first save: %d %v", v, err)
	}
	if _, err := f.st.SaveSummary(ctx, cli, f.round, f.choice, "Someone else's first version", 0); dialogue.KindOf(err) != dialogue.KindConflict {
		t.Fatalf("second first save: %v", err)
	}
	if v, err := f.st.SaveSummary(ctx, cli, f.round, f.choice, "Revised.", 1); err != nil || v != 2 {
		t.Fatalf("revise: %d %v", v, err)
	}
	if _, err := f.st.SaveSummary(ctx, cli, f.round, f.choice, "Stale.", 1); dialogue.KindOf(err) != dialogue.KindConflict {
		t.Fatalf("stale save: %v", err)
	}
	sums, _ := f.st.Summaries(ctx, f.round)
	if sums[f.choice].Body != "Revised." || sums[f.choice].Version != 2 {
		t.Fatalf("summaries %+v", sums)
	}
}
