package dialogue

import (
	"strings"
	"testing"
	"time"
)

func brussels(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, Brussels)
}

func TestRoundStateAt(t *testing.T) {
	r := Round{OpensAt: brussels(2026, 2, 12, 9, 0), Deadline: brussels(2026, 3, 2, 17, 0)}
	closed := brussels(2026, 3, 5, 10, 0)
	cases := []struct {
		name string
		r    Round
		now  time.Time
		want RoundState
	}{
		{"before opening", r, r.OpensAt.Add(-time.Nanosecond), RoundScheduled},
		{"at opening", r, r.OpensAt, RoundOpen},
		{"last instant before deadline", r, r.Deadline.Add(-time.Nanosecond), RoundOpen},
		{"at the deadline", r, r.Deadline, RoundPastDue},
		{"closed", Round{OpensAt: r.OpensAt, Deadline: r.Deadline, ClosedAt: &closed}, r.Deadline, RoundClosed},
		{"compiled", Round{OpensAt: r.OpensAt, Deadline: r.Deadline, ClosedAt: &closed, CompilationDocumentID: 9}, closed, RoundCompiled},
	}
	for _, c := range cases {
		if got := c.r.StateAt(c.now); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

func TestRoundCheckWritable(t *testing.T) {
	// Deadline across the switch to summer time (29 March 2026, 02:00 CET
	// becomes 03:00 CEST): instants, not wall clocks, decide.
	r := Round{OpensAt: brussels(2026, 3, 1, 9, 0), Deadline: brussels(2026, 3, 29, 12, 0)}
	ext := brussels(2026, 4, 2, 17, 0)
	earlier := brussels(2026, 3, 20, 0, 0)
	closed := brussels(2026, 3, 30, 0, 0)
	cases := []struct {
		name      string
		r         Round
		now       time.Time
		extension *time.Time
		ok        bool
	}{
		{"before opening", r, r.OpensAt.Add(-time.Second), nil, false},
		{"open", r, brussels(2026, 3, 29, 3, 30), nil, true},
		{"one nanosecond before the deadline", r, r.Deadline.Add(-time.Nanosecond), nil, true},
		{"exactly at the deadline", r, r.Deadline, nil, false},
		{"after the deadline, extension running", r, r.Deadline.Add(time.Hour), &ext, true},
		{"after the extension", r, ext, &ext, false},
		{"an extension earlier than the deadline changes nothing", r, r.Deadline.Add(-time.Minute), &earlier, true},
		{"closed round, even with an extension", Round{OpensAt: r.OpensAt, Deadline: r.Deadline, ClosedAt: &closed}, r.Deadline.Add(time.Hour), &ext, false},
	}
	for _, c := range cases {
		err := c.r.CheckWritable(c.now, c.extension)
		if (err == nil) != c.ok {
			t.Errorf("%s: err = %v, want ok=%v", c.name, err, c.ok)
		}
		if err != nil && KindOf(err) != KindDeadline {
			t.Errorf("%s: kind %v, want KindDeadline", c.name, KindOf(err))
		}
	}
	// The message names the deadline in Brussels time with its zone.
	err := r.CheckWritable(r.Deadline, nil)
	if want := "Sun 29 Mar 2026, 12:00 CEST"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("message %q lacks %q", err, want)
	}
}

func TestRepliesVisible(t *testing.T) {
	released := brussels(2026, 3, 10, 9, 0)
	sealed := Round{ReleaseAudience: ReleaseMemberStates}
	toMS := Round{ReleaseAudience: ReleaseMemberStates, ReleasedAt: &released}
	toAll := Round{ReleaseAudience: ReleaseMemberStatesPartners, ReleasedAt: &released}
	presidencyOnly := Round{ReleaseAudience: ReleasePresidency, ReleasedAt: &released}
	cases := []struct {
		name   string
		r      Round
		seeAll bool
		kind   DelegationKind
		want   bool
	}{
		{"presidency sees a sealed round", sealed, true, "", true},
		{"member state does not see a sealed round", sealed, false, MemberState, false},
		{"member state sees a round released to member states", toMS, false, MemberState, true},
		{"Commission counts with the member states", toMS, false, Institution, true},
		{"partner does not see a round released to member states", toMS, false, Partner, false},
		{"partner sees a round released to partners too", toAll, false, Partner, true},
		{"observer never sees other replies", toAll, false, Observer, false},
		{"release to the Presidency only keeps it sealed", presidencyOnly, false, MemberState, false},
	}
	for _, c := range cases {
		if got := c.r.RepliesVisible(c.seeAll, c.kind); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
