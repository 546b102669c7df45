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

var initiativeFieldOrder = []string{"name", "description", "implementers", "priorities", "partners", "form"}
var initiativeFieldIDs = map[string]string{"name": "i-name", "description": "i-description", "implementers": "i-implementers",
	"priorities": "i-priorities", "partners": "i-partners", "form": "i-name"}

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
