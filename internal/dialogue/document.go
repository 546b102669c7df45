package dialogue

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Marking is a document's distribution marking. LIMITE is not a security
// classification: a LIMITE document may go to national administrations, the
// Commission and the EEAS, never to the public. Classified levels are out of
// scope and refused.
type Marking string

const (
	MarkingNone   Marking = "none"
	MarkingLimite Marking = "LIMITE"
)

// ParseMarking accepts "", "none" and "LIMITE" (any case) and refuses
// classification levels with a clear message.
func ParseMarking(s string) (Marking, error) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "", "NONE":
		return MarkingNone, nil
	case "LIMITE":
		return MarkingLimite, nil
	case "RESTREINT UE", "RESTREINT UE/EU RESTRICTED", "EU RESTRICTED", "CONFIDENTIEL UE", "EU CONFIDENTIAL",
		"SECRET UE", "EU SECRET", "TRES SECRET UE", "EU TOP SECRET":
		return "", fmt.Errorf("classified documents (%s) cannot be held in this portal: only unmarked and LIMITE documents are allowed", strings.TrimSpace(s))
	}
	return "", fmt.Errorf("unknown marking %q: use LIMITE or leave it empty", s)
}

// IsLimite reports whether the marking restricts distribution.
func (m Marking) IsLimite() bool { return m == MarkingLimite }

// DocumentStatus is draft (editable) or issued (read-only; changed by a REV).
type DocumentStatus string

const (
	DocumentDraft  DocumentStatus = "draft"
	DocumentIssued DocumentStatus = "issued"
)

// Audience says to whom a document is distributed; Recipients always add to it.
type Audience string

const (
	AudienceDelegations  Audience = "delegations" // member states, the Commission and the EEAS
	AudienceMemberStates Audience = "member_states"
	AudienceWorkingParty Audience = "working_party"
	AudienceNamed        Audience = "named" // only the named recipients
)

// Label describes the audience for people.
func (a Audience) Label() string {
	switch a {
	case AudienceDelegations:
		return "All delegations (member states, Commission, EEAS)"
	case AudienceMemberStates:
		return "Member states only"
	case AudienceWorkingParty:
		return "A working party"
	case AudienceNamed:
		return "Named delegations only"
	}
	return string(a)
}

// DistributionCode is a subject code with its running number ("JAI 79");
// Number is 0 for codes printed without one ("EUROPOL").
type DistributionCode struct {
	Code   string
	Number int
}

func (c DistributionCode) String() string {
	if c.Number == 0 {
		return c.Code
	}
	return c.Code + " " + strconv.Itoa(c.Number)
}

// ParseDistributionCodes reads codes as printed on a note, e.g.
// "COSI 11, MED 12, JAI 79, EUROPOL": separated by commas, semicolons or
// line breaks; a code is 2–16 capital letters or digits, optionally followed
// by its running number. The same code may not appear twice.
func ParseDistributionCodes(s string) ([]DistributionCode, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' || r == '\t' })
	var out []DistributionCode
	seen := map[string]bool{}
	for _, f := range fields {
		parts := strings.Fields(f)
		if len(parts) == 0 {
			continue
		}
		if len(parts) > 2 {
			return nil, fmt.Errorf("%q is not a distribution code: write a code and its number, e.g. JAI 79", strings.TrimSpace(f))
		}
		code := strings.ToUpper(parts[0])
		if !validCode(code) {
			return nil, fmt.Errorf("%q is not a distribution code: use 2 to 16 capital letters or digits, e.g. COSI", parts[0])
		}
		dc := DistributionCode{Code: code}
		if len(parts) == 2 {
			n, err := strconv.Atoi(parts[1])
			if err != nil || n < 1 || n > 99999 || parts[1][0] == '0' {
				return nil, fmt.Errorf("%q: the running number of %s must be a whole number from 1 to 99999", strings.TrimSpace(f), code)
			}
			dc.Number = n
		}
		if seen[code] {
			return nil, fmt.Errorf("the code %s appears twice", code)
		}
		seen[code] = true
		out = append(out, dc)
	}
	return out, nil
}

func validCode(s string) bool {
	if len(s) < 2 || len(s) > 16 || s[0] < 'A' || s[0] > 'Z' {
		return false
	}
	for _, r := range s {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') && r != '-' {
			return false
		}
	}
	return true
}

// Footnote is a numbered footnote of a document's body.
type Footnote struct {
	N    int
	Body string
}

// QuestionKind is how a question is answered.
type QuestionKind string

const (
	QuestionText      QuestionKind = "text"      // free text
	QuestionChoice    QuestionKind = "choice"    // one option, with an optional comment
	QuestionAgreement QuestionKind = "agreement" // agree / partly agree / disagree, with a comment
)

// Label describes the kind for people.
func (k QuestionKind) Label() string {
	switch k {
	case QuestionText:
		return "Free text"
	case QuestionChoice:
		return "One choice among options, with optional comment"
	case QuestionAgreement:
		return "Agree / partly agree / disagree, with comment"
	}
	return string(k)
}

// Option is one answer a choice question offers, e.g. label "i)" and body
// "a phased approach ...".
type Option struct {
	ID       int64
	Position int
	Label    string
	Body     string
}

// Question is one question a note puts to delegations.
type Question struct {
	ID       int64
	Position int
	Kind     QuestionKind
	Prompt   string
	Options  []Option
}

// Document is a Council document: a note, a working document, a call for a
// meeting. A draft may have no number yet (Ref.Number == 0).
type Document struct {
	ID                 int64
	Ref                Reference
	Date               time.Time
	Place              string
	OriginalLanguage   string // "en", "fr"
	Marking            Marking
	DocType            string // "NOTE"
	Sender             string // "Presidency"
	Recipients         string // "Delegations", "Working Party on ... (EMWP)"
	OnDate             *time.Time
	PreviousReference  string // "6314/1/22" as printed
	PreviousDocumentID int64  // set when the register holds the previous document
	RevisesID          int64
	Subject            string
	BodyMD             string
	Status             DocumentStatus
	Audience           Audience
	WorkingParty       string // code, when Audience is AudienceWorkingParty
	DialogueID         int64
	Demo               bool
	Version            int
	IssuedAt           *time.Time

	Codes           []DistributionCode
	Footnotes       []Footnote
	Questions       []Question
	NamedRecipients []Delegation // named recipients (added to the audience)
}

// Reference returns the document's reference as printed, or "draft" when a
// draft has no number yet.
func (d Document) Reference() string {
	if d.Ref.Number == 0 {
		return "draft (no number yet)"
	}
	return d.Ref.String()
}

// LanguageCode is the original-language line of the header: "(OR. en)".
func (d Document) LanguageCode() string { return "(OR. " + d.OriginalLanguage + ")" }
