package web

import "github.com/dialogue-secretariat/portal/internal/dialogue"

// The view models below are filled by the server's handlers: dates and
// times are already formatted (in Brussels), links already built. Domain
// values are passed as they are where a page shows them as they are.

// Page is what the layout needs to know about a page.
type Page struct {
	Title   string // the <title>, before the portal's name
	Section string // the navigation item marked as current: see navItems
	Limite  bool   // the page shows LIMITE content: its printed copies say so, and for whom they were printed
}

// Link is a hyperlink.
type Link struct {
	Href string
	Text string
}

// HomeView is the home page.
type HomeView struct {
	Meetings  []MeetingView // the next few meetings
	Documents []DocumentRow // the latest issued documents
	Dialogues []Link
	// Role decides what the page puts first: "presidency", "secretariat",
	// or "delegation" (delegates and observers).
	Role       string
	Delegation string
	Rounds     []HomeRound       // the open rounds that concern the user
	Cadence    []DialogueCadence // the secretariat: each dialogue's meeting cadence
	// Handover: the secretariat, in the weeks before the Presidency changes.
	Handover string
	// AccessEnds: the user's own last day of access, when it is near.
	AccessEnds string
}

// HomeRound is an open consultation round as the home page lists it.
type HomeRound struct {
	Href     string
	Title    string
	Note     string // the note's reference
	Deadline string // Brussels time with the zone
	TimeLeft string // "5 days left", "3 hours left"
	Progress string // delegations: "2 of 3 questions answered"; Presidency: "14 replies"
	Demo     bool
}

// DocumentRow is a line of the document register.
type DocumentRow struct {
	Href      string
	Reference string
	Date      string // "12 February 2026"
	DateISO   string // "2026-02-12"
	Subject   string
	Series    dialogue.Series
	Limite    bool
	Draft     bool
	Demo      bool
}

// DocumentsForm is the register's filter form as the user typed it, with a
// message per invalid field.
type DocumentsForm struct {
	Series   string
	Year     string
	Marking  string
	Code     string
	Dialogue string // a dialogue's code
	Errors   dialogue.FieldErrors
	// DialogueOptions are the dialogues to choose from, "any" first.
	DialogueOptions []Option
}

// DocumentsView is the register page.
type DocumentsView struct {
	Form     DocumentsForm
	Rows     []DocumentRow
	Page     int
	PrevHref string // "" on the first page
	NextHref string // "" on the last page
}

// DocumentView is one document laid out like a Council note.
type DocumentView struct {
	Flash     string // what the user's last action did (a compilation issued)
	Doc       dialogue.Document
	BodyMD    string // the body to render (see the server's documentBody)
	Reference string
	Date      string // "12 February 2026"
	OnDate    string // "" when the note has no "On:" line
	Previous  *Link  // the previous document, when the register holds it
	Revises   *Link  // the document this one revises
	Dialogue  *Link
	Audience  string
}

// MeetingView is a meeting as lists show it.
type MeetingView struct {
	Anchor       string // element id, "meeting-12"
	Href         string // the meeting's page
	When         string // "Tue 8 Dec 2026, 10:00–13:00 CET" (Brussels)
	WhenISO      string // the start, RFC 3339
	Local        string // local time at the venue when it differs, else ""
	Level        string
	Dialogue     *Link // nil for COSI's own meetings
	Title        string
	Place        string // "Brussels, Justus Lipsius"
	Format       string
	Status       string
	Cancelled    bool
	CancelReason string
	BackToBack   *Link
	Presidency   string
	Note         string
	Demo         bool
}

// Option is a choice of a <select>.
type Option struct {
	Value string
	Label string
}

// MeetingsForm is the meeting list's filter form.
type MeetingsForm struct {
	Dialogue        string // a dialogue code, "cosi" or ""
	Level           string
	DialogueOptions []Option
	LevelOptions    []Option
	View            string // "" (the list) or "month"
	Month           string // "2026-12", for the month view
	Errors          dialogue.FieldErrors
}

// MeetingsView is the meeting list.
type MeetingsView struct {
	Form      MeetingsForm
	Upcoming  []MeetingView
	Past      []MeetingView
	Month     *MonthView // the month view (view=month), else nil
	ListHref  string     // the list with the same filters
	MonthHref string     // the month view with the same filters
	CanPlan   bool       // the secretariat: links to schedule and plan
}

// PartnerView is a partner's participation in a dialogue.
type PartnerView struct {
	Delegation dialogue.Delegation
	Start      string // "Since 1 March 2026", "Not started"
	Note       string
}

// PhaseGroup is the partners of one participation phase.
type PhaseGroup struct {
	Phase    int
	Partners []PartnerView
}

// DialogueParticipation is a dialogue's partners (by phase) and observers.
type DialogueParticipation struct {
	Dialogue  dialogue.Dialogue
	Href      string
	Phases    []PhaseGroup
	Observers []dialogue.Delegation
}

// DelegationsView is the delegations page.
type DelegationsView struct {
	MemberStates []dialogue.Delegation
	Institutions []dialogue.Delegation
	Observers    []dialogue.Delegation
	Others       []dialogue.Delegation // partners taking part in no dialogue
	Dialogues    []DialogueParticipation
	// Presidencies: the one in office and those recorded after it.
	Presidencies []PresidencyRow
	// Unrecorded: the coming semester, when no Presidency is recorded for it.
	Unrecorded string
	// EditRegistry: the viewer keeps the registry (links to the forms).
	EditRegistry bool
	Flash        string
}

// InitiativeView is an initiative with its priorities and partners named.
type InitiativeView struct {
	Initiative      dialogue.Initiative
	Priorities      []string // titles of the initial priorities it addresses
	LaterPriorities []string // titles of the possible future ones
	Partners        []dialogue.Delegation
}

// DialogueView is a dialogue's page.
type DialogueView struct {
	Participation DialogueParticipation
	Scope         string // the geographical scope decided, or ""
	Initial       []dialogue.Priority
	Later         []dialogue.Priority // possible future additions
	Initiatives   []InitiativeView
	Coverage      dialogue.Coverage // initial priorities × partners
	Future        dialogue.Coverage // possible future priorities × partners
	Documents     []DocumentRow     // the latest
	DocumentsHref string            // the register, filtered by the dialogue
	Upcoming      []MeetingView
	Past          []MeetingView    // the past twelve months
	MeetingsHref  string           // the meetings list, filtered by the dialogue
	Cadence       []CadenceRow     // the cadence rules of 5559/26 and whether they hold
	Actions       []ActionPointRow // open action points, until done
	EditRegistry  bool             // the secretariat: initiatives can be recorded and edited
	Flash         string           // what the secretariat's last change did
}

// MissionView is a CSDP mission with its status on the day shown.
type MissionView struct {
	Name       string
	Host       string
	Started    string
	MandateEnd string
	Status     dialogue.MissionStatus
	Frontex    bool
	Note       string
	Source     string
}

// MissionsView is the CSDP missions page.
type MissionsView struct {
	Today    string // the day the statuses are computed for
	Missions []MissionView
}

// ActionView is a row of the action-tracking table.
type ActionView struct {
	Heading     string
	SameHeading bool // the row above has the same heading (shown once, read on every row)
	Topic       string
	Ongoing     string
	NextSteps   string
	Timeline    string // as written, "Q1 2024"
	Range       string // derived, "1 January – 31 March 2024", or ""
	Source      string
}

// ActionSection is a section of the action-tracking table.
type ActionSection struct {
	ID   string // element id
	Name string
	Rows []ActionView
}

// ActionsView is the action-tracking page.
type ActionsView struct {
	Sources  []string
	Sections []ActionSection
}

// ErrorView is an error page: the status and a message meant for people.
type ErrorView struct {
	Status  int
	Title   string
	Message string
}

// anyLimite reports whether a list shows a LIMITE document, in which case
// its page is printed with the marking and for whom it was printed.
func anyLimite(rows []DocumentRow) bool {
	for _, r := range rows {
		if r.Limite {
			return true
		}
	}
	return false
}
