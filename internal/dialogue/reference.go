package dialogue

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Series is the document series of a Council reference.
type Series string

// The document series used by the Council.
const (
	SeriesST Series = "ST" // standard documents (the default)
	SeriesWK Series = "WK" // working documents
	SeriesCM Series = "CM" // calls for meetings
)

// Valid reports whether s is one of the known series.
func (s Series) Valid() bool {
	switch s {
	case SeriesST, SeriesWK, SeriesCM:
		return true
	}
	return false
}

// Limits of the parts of a Reference.
//
// Short-form years have two digits and always map to 2000+yy, so the only
// years a reference can carry (and still print and parse back to itself) are
// 2000 to 2099.
const (
	MinReferenceYear   = 2000
	MaxReferenceYear   = 2099
	MaxReferenceNumber = 99999
	MaxReferencePart   = 99 // REV, ADD and COR numbers
)

// Reference identifies a Council document or one of its revisions, addenda
// or corrigenda.
type Reference struct {
	Series      Series
	Number      int // 1..99999
	Year        int // full year, e.g. 2026 (two-digit years map to 2000+yy)
	Revision    int // 0 = none; REV n
	Addendum    int // 0 = none; ADD n
	Corrigendum int // 0 = none; COR n
}

// ReferenceError reports a document reference that cannot be parsed or is
// out of range. Reason is written for a person and can be shown next to the
// form field the reference was typed into.
type ReferenceError struct {
	Input  string
	Reason string
}

func (e *ReferenceError) Error() string {
	return fmt.Sprintf("invalid document reference %q: %s", e.Input, e.Reason)
}

// exampleRef is the example offered in error messages.
const exampleRef = "5559/26"

// ParseReference parses a Council document reference such as "5559/26",
// "ST 5559/26", "6314/1/22 REV 1", "9802/1/18 REV 1 ADD 1",
// "16072/22 ADD 1 COR 1", "WK 13259/20", "WK 13259/2020 INIT" or
// "CM 1234/26".
//
// It tolerates extra, leading and trailing whitespace (including
// non-breaking spaces), whitespace around "/" and any letter case. Everything
// else is strict: numbers are ASCII digits without leading zeros, years have
// two digits (WK also accepts four digits and a trailing INIT), and REV, ADD
// and COR each appear at most once, in that order. A revision written only
// after REV ("6314/22 REV 1") is accepted and normalised to "6314/1/22 REV 1";
// a revision in the middle must match REV n.
//
// Errors are of type *ReferenceError.
func ParseReference(s string) (Reference, error) {
	r, reason := parseReference(s)
	if reason == "" {
		reason = r.invalidReason()
	}
	if reason != "" {
		return Reference{}, &ReferenceError{Input: s, Reason: reason}
	}
	return r, nil
}

// String returns the short Council form: "5559/26", "6314/1/22 REV 1",
// "9802/1/18 REV 1 ADD 1", "WK 13259/20", "CM 1234/26". The ST series is
// implied and not printed.
func (r Reference) String() string {
	var b strings.Builder
	if r.Series != SeriesST && r.Series != "" {
		b.WriteString(string(r.Series))
		b.WriteByte(' ')
	}
	r.writeBody(&b)
	return b.String()
}

// Full returns the reference with its series always spelled out:
// "ST 5559/26", "ST 6314/1/22 REV 1", "WK 13259/20".
func (r Reference) Full() string {
	var b strings.Builder
	if r.Series != "" {
		b.WriteString(string(r.Series))
		b.WriteByte(' ')
	}
	r.writeBody(&b)
	return b.String()
}

// Base returns the same document without revision, addendum or corrigendum.
func (r Reference) Base() Reference {
	r.Revision, r.Addendum, r.Corrigendum = 0, 0, 0
	return r
}

// Validate checks that every part of r is in range: a known series, number
// 1..99999, year 2000..2099 (the years a two-digit short form can express)
// and REV/ADD/COR numbers 0..99. Errors are of type *ReferenceError.
func (r Reference) Validate() error {
	if reason := r.invalidReason(); reason != "" {
		return &ReferenceError{Input: r.Full(), Reason: reason}
	}
	return nil
}

func (r Reference) invalidReason() string {
	switch {
	case r.Series == "":
		return "the series is missing; use ST, WK or CM"
	case !r.Series.Valid():
		return fmt.Sprintf("unknown series %q; use ST, WK or CM", clip(string(r.Series)))
	case r.Number < 1 || r.Number > MaxReferenceNumber:
		return fmt.Sprintf("the document number must be between 1 and %d", MaxReferenceNumber)
	case r.Year < MinReferenceYear || r.Year > MaxReferenceYear:
		return fmt.Sprintf("the year must be between %d and %d", MinReferenceYear, MaxReferenceYear)
	case r.Revision < 0 || r.Revision > MaxReferencePart:
		return fmt.Sprintf("the REV number must be between 1 and %d", MaxReferencePart)
	case r.Addendum < 0 || r.Addendum > MaxReferencePart:
		return fmt.Sprintf("the ADD number must be between 1 and %d", MaxReferencePart)
	case r.Corrigendum < 0 || r.Corrigendum > MaxReferencePart:
		return fmt.Sprintf("the COR number must be between 1 and %d", MaxReferencePart)
	}
	return ""
}

// writeBody writes everything after the series prefix.
func (r Reference) writeBody(b *strings.Builder) {
	b.WriteString(strconv.Itoa(r.Number))
	b.WriteByte('/')
	if r.Revision != 0 {
		b.WriteString(strconv.Itoa(r.Revision))
		b.WriteByte('/')
	}
	b.WriteString(shortYear(r.Year))
	if r.Revision != 0 {
		b.WriteString(" REV ")
		b.WriteString(strconv.Itoa(r.Revision))
	}
	if r.Addendum != 0 {
		b.WriteString(" ADD ")
		b.WriteString(strconv.Itoa(r.Addendum))
	}
	if r.Corrigendum != 0 {
		b.WriteString(" COR ")
		b.WriteString(strconv.Itoa(r.Corrigendum))
	}
}

// shortYear prints a year in 2000..2099 as two digits. Any other year is
// printed in full, so that an out-of-range reference never prints as a
// different, valid one.
func shortYear(y int) string {
	if y >= MinReferenceYear && y <= MaxReferenceYear {
		return fmt.Sprintf("%02d", y-2000)
	}
	return strconv.Itoa(y)
}

// Tokens of a reference: words (ASCII letters), numbers (ASCII digits) and
// slashes. Whitespace only separates tokens.
type refTokenKind int

const (
	refWord refTokenKind = iota + 1
	refNumber
	refSlash
)

type refToken struct {
	kind refTokenKind
	text string
}

func isASCIILetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }
func isASCIIDigit(r rune) bool  { return r >= '0' && r <= '9' }

// tokenizeReference splits s into tokens, or returns a reason why it cannot.
func tokenizeReference(s string) ([]refToken, string) {
	var toks []refToken
	spaced := true // whether whitespace (or the start) precedes the next token
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return nil, "contains a character that is not valid text; retype the reference (e.g. " + exampleRef + ")"
		case unicode.IsSpace(r):
			spaced = true
			i += size
			continue
		case r == '/':
			toks = append(toks, refToken{refSlash, "/"})
			i += size
		case isASCIILetter(r), isASCIIDigit(r):
			kind, in := refWord, isASCIILetter
			if isASCIIDigit(r) {
				kind, in = refNumber, isASCIIDigit
			}
			j := i
			for j < len(s) && in(rune(s[j])) {
				j++
			}
			tok := refToken{kind, s[i:j]}
			if !spaced && len(toks) > 0 {
				if prev := toks[len(toks)-1]; prev.kind != refSlash {
					return nil, fmt.Sprintf("put a space between %q and %q", clip(prev.text), clip(tok.text))
				}
			}
			toks = append(toks, tok)
			i = j
		default:
			return nil, fmt.Sprintf("unexpected character %q; a reference contains only letters, digits, spaces and \"/\" (e.g. %s)", string(r), exampleRef)
		}
		spaced = false
	}
	return toks, ""
}

// suffixRank gives the required order of the suffix keywords, 0 if kw is not
// one.
func suffixRank(kw string) int {
	switch kw {
	case "REV":
		return 1
	case "ADD":
		return 2
	case "COR":
		return 3
	}
	return 0
}

// parseReference parses s, returning a reason on failure. Ranges that the
// grammar already enforces are checked again by invalidReason.
func parseReference(s string) (Reference, string) {
	toks, reason := tokenizeReference(s)
	if reason != "" {
		return Reference{}, reason
	}
	if len(toks) == 0 {
		return Reference{}, "the reference is empty; enter one such as " + exampleRef
	}

	ref := Reference{Series: SeriesST}
	p := 0
	at := func(kind refTokenKind) bool { return p < len(toks) && toks[p].kind == kind }

	// Optional series.
	if at(refWord) {
		w := strings.ToUpper(toks[p].text)
		switch {
		case Series(w).Valid():
			ref.Series = Series(w)
			p++
		case suffixRank(w) != 0 || w == "INIT":
			return Reference{}, fmt.Sprintf("%s must follow a document number, e.g. 6314/1/22 REV 1", w)
		default:
			return Reference{}, fmt.Sprintf("unknown series %q; use ST, WK or CM, or no prefix for ST (e.g. %s)", clip(toks[p].text), exampleRef)
		}
	}

	// Document number.
	if !at(refNumber) {
		switch {
		case p == len(toks):
			return Reference{}, fmt.Sprintf("missing the document number after %s (expected e.g. %s %s)", ref.Series, ref.Series, exampleRef)
		case toks[p].kind == refSlash:
			return Reference{}, fmt.Sprintf("missing the document number before \"/\" (expected e.g. %s)", exampleRef)
		case p > 0:
			return Reference{}, fmt.Sprintf("unexpected %q after %s; expected the document number (e.g. %s %s)", clip(toks[p].text), ref.Series, ref.Series, exampleRef)
		default:
			return Reference{}, fmt.Sprintf("unexpected %q; the document number must come first (expected e.g. %s)", clip(toks[p].text), exampleRef)
		}
	}
	if ref.Number, reason = parseDocNumber(toks[p].text); reason != "" {
		return Reference{}, reason
	}
	p++

	// "/year" or "/revision/year".
	if !at(refSlash) {
		if at(refNumber) {
			return Reference{}, fmt.Sprintf("missing \"/\" between the document number and the year (expected e.g. %s)", exampleRef)
		}
		return Reference{}, fmt.Sprintf("missing \"/year\" (expected e.g. %s)", exampleRef)
	}
	p++
	if !at(refNumber) {
		return Reference{}, fmt.Sprintf("missing the year after \"/\" (expected e.g. %s)", exampleRef)
	}
	yearText, midText := toks[p].text, ""
	p++
	if at(refSlash) {
		p++
		if !at(refNumber) {
			return Reference{}, "missing the year after the last \"/\" (expected e.g. 6314/1/22 REV 1)"
		}
		midText, yearText = yearText, toks[p].text
		p++
	}
	if ref.Year, reason = parseYear(ref.Series, yearText); reason != "" {
		return Reference{}, reason
	}
	midRev := 0
	if midText != "" {
		if midRev, reason = parsePart("the revision number in the middle", midText); reason != "" {
			return Reference{}, reason
		}
	}

	// Optional INIT (WK only): marks the initial version, so nothing follows.
	init := false
	if at(refWord) && strings.EqualFold(toks[p].text, "INIT") {
		if ref.Series != SeriesWK {
			return Reference{}, "INIT is only used with WK references (e.g. WK 13259/2020 INIT); leave it out"
		}
		if midText != "" {
			return Reference{}, "INIT marks the initial version and cannot be used with a revision"
		}
		init = true
		p++
	}

	// Suffixes: REV n, ADD n, COR n, each at most once and in that order.
	var seen [4]bool
	last := 0
	for p < len(toks) {
		t := toks[p]
		if t.kind != refWord {
			return Reference{}, fmt.Sprintf("unexpected %q at the end; only REV, ADD or COR followed by a number may come after the year", clip(t.text))
		}
		kw := strings.ToUpper(t.text)
		rank := suffixRank(kw)
		switch {
		case kw == "INIT" && init:
			return Reference{}, "INIT appears twice"
		case kw == "INIT" && ref.Series != SeriesWK:
			return Reference{}, "INIT is only used with WK references (e.g. WK 13259/2020 INIT); leave it out"
		case kw == "INIT":
			return Reference{}, "INIT must come right after the year (e.g. WK 13259/2020 INIT)"
		case rank == 0:
			return Reference{}, fmt.Sprintf("unexpected %q at the end; only REV, ADD or COR followed by a number may come after the year", clip(t.text))
		case init:
			return Reference{}, "INIT marks the initial version and cannot be combined with REV, ADD or COR"
		case seen[rank]:
			return Reference{}, fmt.Sprintf("%s appears twice; a reference has at most one %s", kw, kw)
		case rank < last:
			return Reference{}, fmt.Sprintf("%s must come before %s (the order is REV, ADD, COR)", kw, rankKeyword(last))
		}
		p++
		if !at(refNumber) {
			return Reference{}, fmt.Sprintf("%s must be followed by a number, e.g. %s 1", kw, kw)
		}
		n, reason := parsePart("the "+kw+" number", toks[p].text)
		if reason != "" {
			return Reference{}, reason
		}
		p++
		switch rank {
		case 1:
			ref.Revision = n
		case 2:
			ref.Addendum = n
		case 3:
			ref.Corrigendum = n
		}
		seen[rank] = true
		last = rank
	}

	// The revision in the middle and after REV must agree.
	if midText != "" {
		example := fmt.Sprintf("%d/%d/%s REV %d", ref.Number, midRev, shortYear(ref.Year), midRev)
		if ref.Revision == 0 {
			return Reference{}, fmt.Sprintf("revision %d in the middle needs a matching \"REV %d\" after the year (e.g. %s)", midRev, midRev, example)
		}
		if ref.Revision != midRev {
			return Reference{}, fmt.Sprintf("the revision number in the middle (%d) does not match REV %d; they must be the same (e.g. %s)", midRev, ref.Revision, example)
		}
	}
	return ref, ""
}

func rankKeyword(rank int) string {
	return [...]string{"", "REV", "ADD", "COR"}[rank]
}

func parseDocNumber(text string) (int, string) {
	switch {
	case len(text) > 1 && text[0] == '0':
		return 0, fmt.Sprintf("the document number must not start with 0 (expected e.g. %s)", exampleRef)
	case text == "0":
		return 0, fmt.Sprintf("the document number must be between 1 and %d", MaxReferenceNumber)
	case len(text) > 5:
		return 0, fmt.Sprintf("the document number must have 1 to 5 digits, not %d", len(text))
	}
	n, _ := strconv.Atoi(text)
	return n, ""
}

// parsePart parses a REV, ADD or COR number (1..99); what names it in
// messages.
func parsePart(what, text string) (int, string) {
	switch {
	case len(text) > 1 && text[0] == '0':
		return 0, what + " must not start with 0"
	case len(text) > 2 || text == "0":
		return 0, fmt.Sprintf("%s must be between 1 and %d", what, MaxReferencePart)
	}
	n, _ := strconv.Atoi(text)
	return n, ""
}

func parseYear(series Series, text string) (int, string) {
	switch {
	case len(text) == 2:
		n, _ := strconv.Atoi(text)
		return 2000 + n, ""
	case len(text) == 4 && series == SeriesWK:
		n, _ := strconv.Atoi(text)
		if n < MinReferenceYear || n > MaxReferenceYear {
			return 0, fmt.Sprintf("the year %s is out of range; only %d to %d are supported", text, MinReferenceYear, MaxReferenceYear)
		}
		return n, ""
	case series == SeriesWK:
		return 0, "the year must have two or four digits (expected e.g. WK 13259/20 or WK 13259/2020)"
	case len(text) == 4 && text[:2] == "20":
		return 0, fmt.Sprintf("the year must have two digits: write %s instead of %s", text[2:], text)
	case len(text) == 1:
		return 0, fmt.Sprintf("the year must have two digits: write 0%s instead of %s", text, text)
	}
	return 0, fmt.Sprintf("the year must have two digits (expected e.g. %s)", exampleRef)
}

// clip shortens text quoted in a message so a pasted paragraph does not
// flood the form.
func clip(text string) string {
	const max = 20
	if utf8.RuneCountInString(text) <= max {
		return text
	}
	runes := []rune(text)
	return string(runes[:max]) + "…"
}
