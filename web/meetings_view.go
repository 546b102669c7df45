package web

import (
	"strconv"

	"github.com/a-h/templ"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// View models of the meetings area (web/meeting*.templ): the month view, a
// meeting's page with its agenda, invitations, minutes and action points,
// the edit form, the scheduling assistant, cadence and the calendar feed.
// As elsewhere, times are formatted by the server (Brussels, with the zone).

// MonthView is the month view of the meetings page: a calendar table.
type MonthView struct {
	Caption   string // "December 2026"
	Value     string // "2026-12"
	PrevHref  string
	NextHref  string
	PrevLabel string // "November 2026"
	NextLabel string
	Weeks     [][]MonthDay // Monday first
	Count     int          // meetings shown in the month
}

// MonthDay is one cell of the month view.
type MonthDay struct {
	Day      int
	ISO      string // "2026-12-08"
	Label    string // "Tuesday 8 December 2026", for screen readers
	InMonth  bool
	Today    bool
	Weekend  bool
	Meetings []MonthEntry
}

// MonthEntry is a meeting in a day of the month view.
type MonthEntry struct {
	Href      string
	Title     string
	Time      string // "10:00–13:00" (Brussels), "from 09:00", "until 13:00" or "all day"
	Cancelled bool
	Demo      bool
}

// CadenceRow is one cadence rule for one year, with what decides it.
type CadenceRow struct {
	Rule      string
	Year      int
	Status    string // "Met", "Planned", "At risk", "Missed"
	StatusKey string // "met", "planned", "at_risk", "missed": for the badge's class
	Detail    string // the dates that decide it
	Deciding  *Link  // the meeting that meets or plans it
}

// DialogueCadence is a dialogue's cadence, as the secretariat's home shows it.
type DialogueCadence struct {
	Dialogue Link
	Launched bool
	Rows     []CadenceRow
}

// ActionPointRow is an action point agreed at a meeting or for a dialogue.
type ActionPointRow struct {
	ID        int64
	Title     string
	Owner     string
	Due       string // "30 April 2027" or ""
	DueISO    string
	Overdue   bool
	Status    string
	StatusKey string
	Meeting   *Link // the meeting that agreed it
}

// MeetingPageView is one meeting's page.
type MeetingPageView struct {
	ID       int64
	Meeting  MeetingView
	Flash    string
	Problems PageErrors // the problems of the form just sent
	ICSHref  string

	CanEdit  bool // the secretariat: edit, agenda, invitations, minutes, action points
	SeeAll   bool // the secretariat and the Presidency: invitation table, draft minutes, history
	EditHref string
	History  []MeetingChangeRow

	Agenda          []AgendaItemView
	AgendaForm      AgendaForm // a new item (the secretariat)
	KindOptions     []Option
	DocumentOptions []Option
	RoundOptions    []Option
	PriorityOptions []Option

	Invitations    []InvitationRow // the secretariat and the Presidency
	ListDrawn      bool            // an invitation list exists (else the default list applies)
	InviteForm     InviteForm
	AttendanceOpen bool // the meeting has started and is not cancelled: attendance can be recorded
	AttendedErrors dialogue.FieldErrors

	Own *OwnInvitation // a delegation's own invitation and reply form

	Minutes      []MinutesView // newest first; delegations see circulated and final versions only
	MinutesForm  MinutesForm
	MinutesNext  *MinutesStep // the next status of the latest version, for the secretariat
	StatusErrors dialogue.FieldErrors

	Actions       []ActionPointRow
	ActionEdit    *ActionEdit
	ActionForm    ActionForm
	ActionOptions []Option // statuses
	OwnerOptions  []Option // delegations
}

// MeetingChangeRow is one edit of a meeting in its history.
type MeetingChangeRow struct {
	Version   int
	ChangedBy string
	ChangedAt string
	Changed   string // the fields the edit changed, in words
	Before    string // the meeting before the edit: title, time, status
}

// AgendaItemView is one agenda item, with its edit form for the secretariat.
type AgendaItemView struct {
	ID         int64
	Position   int
	Kind       string
	KindKey    string
	Title      string
	Document   *Link
	Round      *Link
	Priorities []string
	First      bool
	Last       bool
	Form       AgendaForm
	// Editing shows the item's form (asked for by EditHref, or sent back
	// with its problems); only then are its lists of documents and rounds
	// written, which on a long agenda made the page hundreds of kilobytes.
	Editing  bool
	EditHref string
}

// AgendaForm is an agenda item as the secretariat typed it.
type AgendaForm struct {
	Kind       string
	Title      string
	Document   string
	Round      string
	Priorities map[string]bool
	Errors     dialogue.FieldErrors
}

// InvitationRow is one line of the invitation and attendance table.
type InvitationRow struct {
	Delegation dialogue.Delegation
	Reply      string
	ReplyKey   string
	Level      string
	Attendees  string
	RepliedBy  string
	RepliedAt  string
	Attended   string // "Yes", "No" or "Not recorded"
	AttendedV  string // "yes", "no" or ""
}

// InviteForm is the invitation list's checkboxes, grouped by kind.
type InviteForm struct {
	Groups []InviteGroup
	Errors dialogue.FieldErrors
}

// InviteGroup is one kind of delegation in the invitation form.
type InviteGroup struct {
	Key         string
	Label       string
	Delegations []InviteChoice
}

// InviteChoice is one delegation's checkbox.
type InviteChoice struct {
	Delegation dialogue.Delegation
	Checked    bool
	Default    bool // on the dialogue's default list
}

// OwnInvitation is what a delegation sees of its own invitation.
type OwnInvitation struct {
	Delegation string
	Invited    bool
	ListDrawn  bool
	Reply      string // the reply as recorded, in words
	Level      string
	Attendees  string
	RepliedBy  string
	RepliedAt  string
	Open       bool   // replies are open
	Closed     string // why they are not
	Form       ReplyForm
}

// ReplyForm is a delegation's attendance reply as typed.
type ReplyForm struct {
	Reply     string
	Level     string
	Attendees string
	Levels    []Option
	Errors    dialogue.FieldErrors
}

// MinutesView is one version of the minutes.
type MinutesView struct {
	Version   int
	Status    string
	StatusKey string
	Body      string // Markdown
	UpdatedBy string
	UpdatedAt string
}

// MinutesForm is the secretariat's minutes editor.
type MinutesForm struct {
	Body        string
	BaseVersion int
	BaseSaved   string // when the base version was last saved (RFC 3339), to tell two editors apart
	Note        string // what saving does: edit in place, or start a correction
	Conflict    string
	Errors      dialogue.FieldErrors
}

// MinutesStep is the button that moves the latest minutes forward.
type MinutesStep struct {
	Version int
	Status  string // "circulated" or "final"
	Label   string // "Circulate version 1"
}

// ActionForm is a new action point as typed.
type ActionForm struct {
	Title           string
	Owner           string
	OwnerDelegation string
	Due             string // "2027-04-30"
	Errors          dialogue.FieldErrors
}

// MeetingForm is the create and edit form of a meeting, as typed.
type MeetingForm struct {
	ID           int64 // 0 when new
	Version      int
	Dialogue     string // code, "" for COSI
	Level        string
	Title        string
	StartsAt     string // "2027-03-16T14:30", in the venue's zone
	EndsAt       string
	TimeZone     string
	Venue        string
	City         string
	Format       string
	Status       string
	CancelReason string
	BackToBack   string // meeting id
	Note         string
	Errors       dialogue.FieldErrors

	// Conflict is the meeting as someone else saved it meanwhile: the form
	// keeps what the user typed, the page shows both.
	Conflict        *MeetingView
	ConflictMessage string

	DialogueOptions   []Option
	LevelOptions      []Option
	FormatOptions     []Option
	StatusOptions     []Option
	BackToBackOptions []Option
}

// PlanForm is the scheduling assistant's request as typed.
type PlanForm struct {
	Dialogue string
	Level    string
	From     string // "2027-01-01"
	To       string
	Length   string // "half_day" or "day"
	Errors   dialogue.FieldErrors

	DialogueOptions []Option
	LevelOptions    []Option
	LengthOptions   []Option
}

// PlanView is the scheduling assistant's page.
type PlanView struct {
	Form     PlanForm
	Searched bool // the form was submitted without errors: show the results
	Message  string
	Slots    []SlotView
	Excluded []ExcludedSlotView
	COSI     int // COSI meetings in or next to the period
}

// SlotView is a proposed slot with its reasons and the values that plan it.
type SlotView struct {
	When     string // Brussels time
	WhenISO  string
	Local    string
	Relation string
	COSI     Link
	City     string
	Reasons  []string
	Start    string // RFC 3339, for the form
	End      string
	COSIID   int64
	Button   string // "Plan on Mon 18 Jan 2027, 14:30"
}

// ExcludedSlotView is a near slot that does not fit, and why.
type ExcludedSlotView struct {
	When     string
	WhenISO  string
	Relation string
	COSI     Link
	Reason   string
}

// CalendarFeedView is the personal calendar subscription page.
type CalendarFeedView struct {
	URL     string // "" when the feed is switched off
	Flash   string
	Revoked bool
}

// ActionEdit lets the secretariat change an action point's status in place.
type ActionEdit struct {
	Options []Option
	Next    string // where to come back after the change
}

// PageErrors are a page's form problems, for the summary at its top.
type PageErrors struct {
	Errors dialogue.FieldErrors
	Order  []string
	IDs    map[string]string
}

// meetingAction is a form's target on the meetings' pages.
func meetingAction(path string) templ.SafeURL { return templ.SafeURL(path) }

func id64(id int64) string { return strconv.FormatInt(id, 10) }

// ownReplyDetail is the level and attendees after a delegation's reply:
// ", Senior official: Jan Peeters, Director".
func ownReplyDetail(o *OwnInvitation) string {
	out := ""
	if o.Level != "" {
		out += ", " + o.Level
	}
	if o.Attendees != "" {
		out += ": " + o.Attendees
	}
	return out
}
