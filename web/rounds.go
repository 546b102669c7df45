package web

import (
	"strconv"

	"github.com/a-h/templ"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// View models of the consultation pages: rounds, replies, the reply matrix
// and the compilation. Sealing is decided by the server: these hold only
// what the viewer may see.

// RoundsView is the list of rounds: every round with its counts for the
// Presidency and the secretariat; "My consultations" for a delegation.
type RoundsView struct {
	SeeAll   bool // the Presidency and the secretariat
	CanRun   bool // may open rounds
	Rows     []RoundRow
	Notes    []RoundNoteChoice // issued notes with questions, to open a round on
	Flash    string
	Page     int
	PrevHref string // "" on the first page
	NextHref string // "" on the last page
}

// RoundRow is a round in the list.
type RoundRow struct {
	Href        string
	Title       string
	Note        string // the note's reference, "5559/26"
	State       string
	StateKey    string
	Opens       string
	OpensISO    string
	Deadline    string // a delegation's own deadline (its extension, if any)
	DeadlineISO string
	Extended    bool
	TimeLeft    string
	Released    bool
	Demo        bool
	// A delegation's status per question.
	Questions []RoundQuestionStatus
	// The Presidency's counts.
	Eligible, Expected, Final, Drafts int
}

// RoundQuestionStatus is a delegation's status on one question.
type RoundQuestionStatus struct {
	Number    int
	Status    string
	StatusKey string
}

// RoundNoteChoice is an issued note on which a round can be opened.
type RoundNoteChoice struct {
	Href      string // the new-round form
	DocHref   string
	Reference string
	Subject   string
	Questions int
	Rounds    int
	Limite    bool
}

// NewRoundView is the form opening a round on a note.
type NewRoundView struct {
	Action      string
	NoteRef     string
	NoteSubject string
	NoteHref    string
	Limite      bool
	Questions   []dialogue.Question
	Form        NewRoundForm
	Groups      []RoundDelegationGroup
	Audiences   []Option
}

// NewRoundForm is the new-round form as typed.
type NewRoundForm struct {
	Title    string
	OpensAt  string // datetime-local, Brussels time
	Deadline string
	Audience string
	Selected map[int64]bool
	Errors   dialogue.FieldErrors
}

// RoundDelegationGroup is a group of checkboxes: member states, institutions,
// partners, observers.
type RoundDelegationGroup struct {
	Key         string
	Label       string
	Delegations []dialogue.Delegation
}

// RoundView is one round: a delegation's replies and forms, or the
// Presidency's and secretariat's follow-up.
type RoundView struct {
	ID          int64
	Title       string
	Note        string
	NoteSubject string
	NoteHref    string // "" when the viewer may not open the note
	Limite      bool
	Demo        bool
	State       string
	StateKey    string
	Opens       string
	OpensISO    string
	Deadline    string
	DeadlineISO string
	Audience    string // who the replies are (or will be) released to
	Released    string // when released; "" while sealed
	ReleasedISO string
	Flash       string
	// Message is a refusal for the whole page, e.g. the deadline passed;
	// Unsaved is what the user had typed then, so that nothing is lost.
	Message  string
	Unsaved  *RoundUnsavedReply
	Compiled *Link // the compilation document, once issued

	// A delegation's view.
	Delegation      string
	YourDeadline    string
	YourDeadlineISO string
	ExtensionReason string
	Extended        bool
	TimeLeft        string
	Writable        bool
	ReadOnlyReason  string
	Questions       []RoundQuestionView
	CompilationHref string // set when the replies are released to the viewer

	// The Presidency's and the secretariat's view.
	Manage       bool
	CanProxy     bool
	Closed       bool
	IsReleased   bool
	Links        []Link // matrix, compilation, exports
	Eligible     []RoundEligibleRow
	ExtForm      RoundExtensionForm
	ProxyForm    RoundProxyForm
	ReleaseForm  RoundReleaseForm
	Delegations  []Option // the eligible delegations
	QuestionOpts []Option
	OptionGroups []RoundOptionGroup // the options of choice questions, by question
	StatusOpts   []Option
	SourceOpts   []Option
	AudienceOpts []Option
}

// RoundUnsavedReply is a reply the portal refused to record, shown back to its
// author to copy.
type RoundUnsavedReply struct {
	Question int
	Choice   string
	Body     string
}

// RoundQuestionView is a question of a round with the delegation's reply.
type RoundQuestionView struct {
	ID        int64
	Number    int
	Prompt    string
	KindLabel string
	Options   []RoundChoice
	Current   *PositionView  // nil: no reply yet
	History   []PositionView // newest first; perhaps only the latest
	// Revisions is how many the reply has; when History holds fewer,
	// AllHistoryHref shows them all.
	Revisions      int
	AllHistoryHref string
	Form           PositionForm
	Action         string // where the reply form posts
}

// RoundChoice is an option offered by a question.
type RoundChoice struct {
	Value string
	Label string
	Body  string
}

// PositionView is one revision of a reply.
type PositionView struct {
	Revision  int
	Status    string
	StatusKey string
	Choice    string
	Body      string
	Author    string
	When      string
	WhenISO   string
	Via       string // how the secretariat received it, for a proxy reply
	Late      bool
}

// PositionForm is a reply form as typed (or as last saved).
type PositionForm struct {
	Base   int
	Option string
	Body   string
	Errors dialogue.FieldErrors
}

// RoundEligibleRow is a consulted delegation with its extension.
type RoundEligibleRow struct {
	Delegation dialogue.Delegation
	Kind       string
	Extension  string // "" without one
	Reason     string
}

// RoundExtensionForm grants one delegation a later deadline.
type RoundExtensionForm struct {
	Delegation string
	Until      string
	Reason     string
	Errors     dialogue.FieldErrors
}

// RoundProxyForm records a reply received outside the portal.
type RoundProxyForm struct {
	Delegation string
	Question   string
	Status     string
	Option     string
	Body       string
	Source     string
	Errors     dialogue.FieldErrors
}

// RoundReleaseForm releases the replies to an audience.
type RoundReleaseForm struct {
	Audience string
	Errors   dialogue.FieldErrors
}

// RoundOptionGroup is an <optgroup> of a <select>.
type RoundOptionGroup struct {
	Label   string
	Options []Option
}

// RoundConflictView is the page shown when a colleague saved the same reply
// first: their revision, and the user's text ready to resubmit on top of it.
type RoundConflictView struct {
	RoundTitle string
	RoundHref  string
	Note       string
	Limite     bool
	Question   RoundQuestionView // Form: the user's text, Base: the current revision
	Current    PositionView
	Tried      string // what the user tried to do: "Submit", "Save draft"...
}

// RoundMatrixView is the reply matrix: delegations × questions.
type RoundMatrixView struct {
	Title      string
	Note       string
	RoundHref  string
	Limite     bool
	State      string
	Questions  []dialogue.Question
	Rows       []RoundMatrixRow
	NotReplied []dialogue.Delegation
	Links      []Link
}

// RoundMatrixRow is one delegation's line of the matrix.
type RoundMatrixRow struct {
	Delegation dialogue.Delegation
	Cells      []RoundMatrixCell
}

// RoundMatrixCell is one delegation's status on one question.
type RoundMatrixCell struct {
	Status    string
	StatusKey string
	Revision  int
	Late      bool
	Proxy     bool
}

// RoundCompilationView is the compilation of a round's replies, laid out like a
// Council document.
type RoundCompilationView struct {
	Title        string
	Note         string
	NoteSubject  string
	NoteHref     string
	RoundHref    string
	Limite       bool
	Date         string
	Period       string
	Consulted    int
	Questions    []CompiledQuestionView
	CanEdit      bool // the Presidency may edit the summaries
	CanIssue     bool
	IssueBlocked string // why the compilation cannot be issued yet
	Issued       *Link
	Issue        CompilationIssueForm
	SeriesOpts   []Option
	Links        []Link
	Flash        string
	Message      string
}

// CompiledQuestionView is everything the compilation says of a question.
type CompiledQuestionView struct {
	ID          int64
	Number      int
	Prompt      string
	Summary     string
	SummaryForm RoundSummaryForm
	Action      string
	Tally       []RoundTallyView
	Replies     []CompiledReplyView
	NonReplies  []dialogue.Delegation
}

// RoundSummaryForm is a Presidency summary as typed, on top of Version.
type RoundSummaryForm struct {
	Version int
	Body    string
	Errors  dialogue.FieldErrors
	Current string // the text saved meanwhile, on a conflict
}

// RoundTallyView is the count of one option.
type RoundTallyView struct {
	Label string
	Body  string
	Count int
}

// CompiledReplyView is one delegation's reply in the compilation.
type CompiledReplyView struct {
	Delegation dialogue.Delegation
	Status     string
	StatusKey  string
	Choice     string
	Body       string
	Provenance string // "Received by e-mail, entered by ..."
	Late       bool
}

// CompilationIssueForm issues the compilation as a document.
type CompilationIssueForm struct {
	Series string
	Errors dialogue.FieldErrors
}

// roundsURL marks a link the server built (from ids only) as a URL.
func roundsURL(href string) templ.SafeURL { return templ.SafeURL(href) }

// revisionBy is ", revision 2 by Ann Example, " before the time of a revision.
func revisionBy(r PositionView) string {
	s := ", revision " + strconv.Itoa(r.Revision)
	if r.Author != "" {
		s += " by " + r.Author
	}
	return s + ", "
}

func roundsID(id int64) string { return strconv.FormatInt(id, 10) }

func roundsAnchor(n int) string { return "q-" + strconv.Itoa(n) }

func roundsFieldID(prefix string, id int64, field string) string {
	return prefix + "-" + strconv.FormatInt(id, 10) + "-" + field
}

func roundsOptionID(q int64, i int) string {
	return "q-" + strconv.FormatInt(q, 10) + "-option-" + strconv.Itoa(i+1)
}

var newRoundFieldOrder = []string{"document", "title", "opens_at", "deadline", "delegations", "release_audience"}
var newRoundFieldIDs = map[string]string{"document": "r-title", "title": "r-title", "opens_at": "r-opens", "deadline": "r-deadline",
	"delegations": "r-delegations-member_state", "release_audience": "r-audience-1"}

var roundExtFieldOrder = []string{"delegation", "until", "reason", "form"}
var roundExtFieldIDs = map[string]string{"delegation": "ext-delegation", "until": "ext-until", "reason": "ext-reason", "form": "ext-delegation"}

var roundProxyFieldOrder = []string{"delegation", "question", "status", "option", "body", "source", "form"}
var roundProxyFieldIDs = map[string]string{"delegation": "px-delegation", "question": "px-question", "status": "px-status",
	"option": "px-option", "body": "px-body", "source": "px-source", "form": "px-delegation"}
