package web

import (
	"strings"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// InitiativeForm is the form on which the secretariat records or edits an
// initiative of a dialogue, as typed.
type InitiativeForm struct {
	Dialogue       dialogue.Dialogue
	ID             int64 // 0: a new initiative
	Version        int   // the version the form started from
	Name           string
	Description    string
	Implementers   string // one implementing body per line
	Priorities     []InitiativeChoice
	Partners       []InitiativeChoice
	OtherDialogues []string // names of the other dialogues it serves
	Errors         dialogue.FieldErrors
	// Conflict: someone saved the initiative after the form was opened;
	// the form keeps what was typed and shows the initiative as saved.
	Conflict        *InitiativeView
	ConflictMessage string
}

// InitiativeChoice is a priority or a partner the form offers.
type InitiativeChoice struct {
	Value   string
	Label   string
	Note    string // "possible future", a partner's phase
	Checked bool
	// Delegation: a partner, named as everywhere (with its designation
	// footnote); Label is then unused.
	Delegation *dialogue.Delegation
}

var initiativeFieldOrder = []string{"name", "description", "implementers", "priorities", "partners", "confirm", "form"}
var initiativeFieldIDs = map[string]string{"name": "i-name", "description": "i-description", "implementers": "i-implementers",
	"priorities": "i-priorities", "partners": "i-partners", "confirm": "i-confirm", "form": "i-name"}

func orNone(s string) string {
	if s == "" {
		return "none recorded"
	}
	return s
}

func delegationCodes(ds []dialogue.Delegation) string {
	codes := make([]string, len(ds))
	for i, d := range ds {
		codes[i] = d.Code
	}
	return strings.Join(codes, ", ")
}

// ParticipationForm is the form on which the secretariat records a
// dialogue's geographical scope and its partners and observers, as typed.
type ParticipationForm struct {
	Dialogue dialogue.Dialogue
	Version  int
	Scope    string
	Rows     []ParticipantRow
	// The participant to add: a delegation (its code), a role, a phase, a start date.
	AddChoices                              []Option
	AddDelegation, AddRole, AddPhase, AddOn string
	AddNote                                 string
	Errors                                  dialogue.FieldErrors
	ErrorOrder                              []string          // the fields in the form's order, for the summary
	ErrorIDs                                map[string]string // each field's element
	ConflictMessage                         string
}

// ParticipantRow is a participant's row of the form.
type ParticipantRow struct {
	Delegation dialogue.Delegation
	Role       string // "Partner", "Observer"
	Phase      string
	StartsOn   string
	Note       string
	Remove     bool
}

var scopeOptions = []Option{
	{Value: "", Label: "Not decided yet"},
	{Value: "phased", Label: "A phased approach, starting with a few partners"},
	{Value: "all", Label: "All partners from the start"},
}

var participantRoleOptions = []Option{
	{Value: "partner", Label: "Partner"},
	{Value: "observer", Label: "Observer"},
}

// PrioritiesForm is the form on which the secretariat records a dialogue's
// thematic priorities, as typed; the last row is the one to add.
type PrioritiesForm struct {
	Dialogue        dialogue.Dialogue
	Version         int
	Rows            []PriorityRow
	Errors          dialogue.FieldErrors
	ErrorOrder      []string
	ErrorIDs        map[string]string
	ConflictMessage string
}

// PriorityRow is a priority's row of the form; Key is its id, or "new".
type PriorityRow struct {
	Key                                        string
	Code, Title, Status, EmpactCycle, Position string
	Remove                                     bool
}

var priorityStatusOptions = []Option{
	{Value: "initial", Label: "Initial"},
	{Value: "possible_future", Label: "Possible future"},
}

func orNew(title string) string {
	if title == "" {
		return "the new priority"
	}
	return title
}

// numbersPriority reports whether a priority's label is how the note
// numbers it (i, ii, iv, 3) and so reads before its title as "ii)"; a word
// label (drugs, cyber) is the registry's key, not shown.
func numbersPriority(label string) bool {
	if label == "" {
		return false
	}
	roman := strings.Trim(label, "ivxlc") == ""
	digits := strings.Trim(label, "0123456789") == ""
	return roman || digits
}

// DelegationForm is the form on which the secretariat records a delegation
// or edits one (Code set), as typed.
type DelegationForm struct {
	Editing       bool   // the delegation exists: its code and kind are fixed
	SavedName     string // its name as saved, for the title
	Version       int
	Code          string
	Kind          string
	Name          string
	NativeName    string
	ProtocolOrder string
	Footnote      string
	MemberStates  int // how many there are, for the protocol order's hint
	Errors        dialogue.FieldErrors
	// Conflict: someone saved the delegation after the form was opened;
	// the form keeps what was typed and shows the delegation as saved.
	Conflict        *dialogue.Delegation
	ConflictMessage string
}

var delegationFieldOrder = []string{"code", "kind", "name", "native_name", "protocol_order", "footnote", "form"}
var delegationFieldIDs = map[string]string{"code": "d-code", "kind": "d-kind", "name": "d-name", "native_name": "d-native-name",
	"protocol_order": "d-protocol-order", "footnote": "d-footnote", "form": "d-name"}

var delegationKindOptions = []Option{
	{Value: "partner", Label: "Partner country or regional body"},
	{Value: "observer", Label: "Observer (an agency, an international organisation)"},
	{Value: "institution", Label: "EU institution"},
	{Value: "member_state", Label: "Member state"},
}

// kindLabel names a kind of delegation as the form's list does.
func kindLabel(kind string) string {
	for _, o := range delegationKindOptions {
		if o.Value == kind {
			return o.Label
		}
	}
	return kind
}

// PresidencyForm is the form on which the secretariat records the
// Presidency of a semester to come, as typed. Was is what the form showed
// for that semester (store.PresidencyWas).
type PresidencyForm struct {
	Year, Semester, Delegation string
	Was                        string
	Current                    string // the member state recorded for the semester when the form was opened, or ""
	MemberStates               []Option
	Recorded                   []PresidencyRow // from the one in office on
	Errors                     dialogue.FieldErrors
	ConflictMessage            string
}

var presidencyFieldOrder = []string{"year", "semester", "delegation", "form"}
var presidencyFieldIDs = map[string]string{"year": "pr-year", "semester": "pr-semester", "delegation": "pr-delegation", "form": "pr-year"}

var semesterOptions = []Option{
	{Value: "1", Label: "January–June"},
	{Value: "2", Label: "July–December"},
}

// PresidencyRow is a Presidency of the list: the one in office (begun: it
// stays as recorded) or one to come.
type PresidencyRow struct {
	Presidency dialogue.Presidency
	InOffice   bool
}
