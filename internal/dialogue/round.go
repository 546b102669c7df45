package dialogue

import (
	"time"
)

// RoundState is where a consultation round stands at a given instant.
type RoundState string

const (
	RoundScheduled RoundState = "scheduled" // before its opening time
	RoundOpen      RoundState = "open"      // between opening and deadline
	RoundPastDue   RoundState = "past_due"  // deadline passed, not yet closed (extensions may run)
	RoundClosed    RoundState = "closed"    // closed by the Presidency: read-only
	RoundCompiled  RoundState = "compiled"  // closed, and its compilation issued
)

// Label is the state as shown to users.
func (s RoundState) Label() string {
	switch s {
	case RoundScheduled:
		return "Scheduled"
	case RoundOpen:
		return "Open"
	case RoundPastDue:
		return "Deadline passed"
	case RoundClosed:
		return "Closed"
	case RoundCompiled:
		return "Compiled"
	}
	return string(s)
}

// ReleaseAudience is who may read the replies once the Presidency releases them.
type ReleaseAudience string

const (
	ReleasePresidency           ReleaseAudience = "presidency" // never beyond Presidency and secretariat
	ReleaseMemberStates         ReleaseAudience = "member_states"
	ReleaseMemberStatesPartners ReleaseAudience = "member_states_partners"
)

// Label describes the audience for people.
func (a ReleaseAudience) Label() string {
	switch a {
	case ReleasePresidency:
		return "Presidency and secretariat only"
	case ReleaseMemberStates:
		return "Member states (with the Commission and the EEAS)"
	case ReleaseMemberStatesPartners:
		return "Member states and partners"
	}
	return string(a)
}

// Valid reports whether a is a known audience.
func (a ReleaseAudience) Valid() bool {
	switch a {
	case ReleasePresidency, ReleaseMemberStates, ReleaseMemberStatesPartners:
		return true
	}
	return false
}

// Includes reports whether delegations of kind k belong to the audience.
func (a ReleaseAudience) Includes(k DelegationKind) bool {
	switch a {
	case ReleaseMemberStates:
		return k == MemberState || k == Institution
	case ReleaseMemberStatesPartners:
		return k == MemberState || k == Institution || k == Partner
	}
	return false
}

// Round is one consultation round: a set of questions put to delegations,
// open from OpensAt until Deadline (instants).
type Round struct {
	ID                    int64
	DocumentID            int64
	DocumentRef           string
	Title                 string
	OpensAt               time.Time
	Deadline              time.Time
	ClosedAt              *time.Time
	ReleasedAt            *time.Time
	ReleaseAudience       ReleaseAudience
	CompilationDocumentID int64
	Demo                  bool
}

// StateAt returns the round's state at now.
func (r Round) StateAt(now time.Time) RoundState {
	switch {
	case r.CompilationDocumentID != 0 && r.ClosedAt != nil:
		return RoundCompiled
	case r.ClosedAt != nil:
		return RoundClosed
	case now.Before(r.OpensAt):
		return RoundScheduled
	case now.Before(r.Deadline):
		return RoundOpen
	}
	return RoundPastDue
}

// DeadlineFor is the deadline that applies to a delegation: its extension
// when the Presidency granted one later than the round's deadline.
func (r Round) DeadlineFor(extension *time.Time) time.Time {
	if extension != nil && extension.After(r.Deadline) {
		return *extension
	}
	return r.Deadline
}

// CheckWritable says whether a delegation (with its extension, if any) may
// save or submit a reply received at now. The database re-checks the same
// rule at commit time, against the same instant, and refuses a save into a
// round closed meanwhile.
func (r Round) CheckWritable(now time.Time, extension *time.Time) error {
	if r.ClosedAt != nil {
		return Errorf(KindDeadline, "This round is closed: replies can no longer be changed.")
	}
	if now.Before(r.OpensAt) {
		return Errorf(KindDeadline, "This round opens on %s.", FormatInstant(r.OpensAt))
	}
	if d := r.DeadlineFor(extension); !now.Before(d) {
		return Errorf(KindDeadline, "The deadline (%s) has passed: ask the Presidency for an extension.", FormatInstant(d))
	}
	return nil
}

// RepliesVisible reports whether a viewer may see other delegations' replies
// to the round. seeAll is true for the Presidency and the secretariat, who
// see everything at any time. A delegation always sees its own replies; that
// is not decided here.
func (r Round) RepliesVisible(seeAll bool, viewerKind DelegationKind) bool {
	if seeAll {
		return true
	}
	return r.ReleasedAt != nil && r.ReleaseAudience.Includes(viewerKind)
}

// PositionStatus is a delegation's status on one question.
type PositionStatus string

const (
	PositionNone                PositionStatus = "none" // no reply: no row exists
	PositionDraft               PositionStatus = "draft"
	PositionSubmitted           PositionStatus = "submitted"
	PositionNoPosition          PositionStatus = "no_position"
	PositionScrutinyReservation PositionStatus = "scrutiny_reservation"
)

// Label is the status as shown to users.
func (s PositionStatus) Label() string {
	switch s {
	case PositionNone:
		return "No reply"
	case PositionDraft:
		return "Draft"
	case PositionSubmitted:
		return "Submitted"
	case PositionNoPosition:
		return "No position yet"
	case PositionScrutinyReservation:
		return "Scrutiny reservation"
	}
	return string(s)
}

// Final reports whether the status counts as a reply given to the
// Presidency (a draft does not).
func (s PositionStatus) Final() bool {
	return s == PositionSubmitted || s == PositionNoPosition || s == PositionScrutinyReservation
}

// AgreementOptions are the fixed answers of an agreement question.
var AgreementOptions = []Option{
	{Position: 1, Label: "Agree", Body: "Agree"},
	{Position: 2, Label: "Partly agree", Body: "Partly agree"},
	{Position: 3, Label: "Disagree", Body: "Disagree"},
}

// FormatInstant shows an instant in Brussels time with its zone, e.g.
// "Mon 7 Dec 2026, 17:00 CET".
func FormatInstant(t time.Time) string {
	return t.In(Brussels).Format("Mon 2 Jan 2006, 15:04 MST")
}

// Position is a delegation's reply to one question: its latest revision.
type Position struct {
	ID           int64
	RoundID      int64
	QuestionID   int64
	DelegationID int64
	Revision     int
	Status       PositionStatus
	OptionID     int64
	Body         string
	Late         bool
	ProxySource  string // "email", "note_verbale", ... when recorded by the secretariat
	AuthorName   string
	UpdatedAt    time.Time
	Demo         bool
}

// ProxySources are the ways a reply can reach the secretariat outside the portal.
var ProxySources = map[string]string{
	"email":        "E-mail",
	"note_verbale": "Note verbale",
	"letter":       "Letter",
	"meeting":      "Stated in a meeting",
}

// ConflictError is returned when a reply was saved by someone else since the
// revision the user started from. It carries the current revision so the
// conflict page can show both texts and lose neither.
type ConflictError struct {
	Current Position
}

func (e *ConflictError) Error() string {
	return "this reply was changed by someone else since you opened it"
}
