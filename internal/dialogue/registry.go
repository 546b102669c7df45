package dialogue

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// DelegationKind says what sort of body a delegation is.
type DelegationKind string

const (
	MemberState DelegationKind = "member_state"
	Institution DelegationKind = "institution" // the Commission, the EEAS
	Partner     DelegationKind = "partner"     // partner countries and regional bodies (CLASI)
	Observer    DelegationKind = "observer"    // agencies: Europol, Eurojust, Frontex, ...
)

// Valid reports whether k is one of the known kinds.
func (k DelegationKind) Valid() bool {
	switch k {
	case MemberState, Institution, Partner, Observer:
		return true
	}
	return false
}

// Label is the plural heading under which delegations of this kind are listed.
func (k DelegationKind) Label() string {
	switch k {
	case MemberState:
		return "Member states"
	case Institution:
		return "EU institutions"
	case Partner:
		return "Partners"
	case Observer:
		return "Observers and agencies"
	}
	return string(k)
}

func (k DelegationKind) rank() int {
	switch k {
	case MemberState:
		return 0
	case Institution:
		return 1
	case Partner:
		return 2
	case Observer:
		return 3
	}
	return 4
}

// Delegation answers with one voice: one position per question, whoever types it.
type Delegation struct {
	ID            int64
	Code          string // "BE", "EL", "COM", "PS", "EUROPOL"
	Kind          DelegationKind
	Name          string // English name
	NativeName    string // member states: the name in their own language
	ProtocolOrder int    // member states only, 1..27
	Footnote      string // designation footnote, e.g. Palestine's
}

// PalestineFootnote is the designation footnote 5559/26 (footnote 3) attaches
// to Palestine; the portal shows it wherever it names Palestine.
const PalestineFootnote = "This designation shall not be construed as recognition of a State of Palestine and is without prejudice to the individual positions of the Member States on this issue."

// ProtocolCodes are the member states in the Council's protocol order (by
// their names in their own languages; the EU uses EL for Greece).
var ProtocolCodes = []string{
	"BE", "BG", "CZ", "DK", "DE", "EE", "IE", "EL", "ES", "FR", "HR", "IT", "CY", "LV",
	"LT", "LU", "HU", "MT", "NL", "AT", "PL", "PT", "RO", "SI", "SK", "FI", "SE",
}

// ProtocolPosition returns the 1-based protocol position of a member state
// code, or 0 when the code is not a member state.
func ProtocolPosition(code string) int {
	return slices.Index(ProtocolCodes, code) + 1
}

// CompareProtocol orders delegations as the Council lists them: member states
// in protocol order, then the institutions, the partners and the observers,
// each of those alphabetically by name.
func CompareProtocol(a, b Delegation) int {
	if c := cmp.Compare(a.Kind.rank(), b.Kind.rank()); c != 0 {
		return c
	}
	if a.Kind == MemberState {
		if c := cmp.Compare(a.ProtocolOrder, b.ProtocolOrder); c != 0 {
			return c
		}
	}
	if c := strings.Compare(a.Name, b.Name); c != 0 {
		return c
	}
	return strings.Compare(a.Code, b.Code)
}

// SortProtocol sorts delegations in place with CompareProtocol.
func SortProtocol(ds []Delegation) { slices.SortStableFunc(ds, CompareProtocol) }

// Dialogue is one regional internal-security dialogue (EU–Mediterranean,
// EU–CLASI, ...).
type Dialogue struct {
	ID              int64
	Code            string // "med", "clasi"
	Name            string
	ShortName       string
	Description     string
	GeographicScope string // "phased", "all" or "" while undecided
	LaunchYear      int    // 0 when not launched
}

// ParticipantRole is how a non-member-state delegation takes part in a dialogue.
type ParticipantRole string

const (
	ParticipantPartner  ParticipantRole = "partner"
	ParticipantObserver ParticipantRole = "observer"
)

// Participant is a partner's or observer's participation in a dialogue.
type Participant struct {
	Delegation Delegation
	Role       ParticipantRole
	Phase      int        // participation phase: 1 is the first wave
	StartsOn   *time.Time // nil: not started / date not set
	Note       string
}

// Presidency is the member state holding the rotating Council Presidency for
// one semester.
type Presidency struct {
	ID         int64
	Delegation Delegation
	Year       int
	Semester   int // 1: January–June, 2: July–December
}

// SemesterAt is the semester (a Presidency without its member state) of the
// instant t in Brussels.
func SemesterAt(t time.Time) Presidency {
	b := t.In(Brussels)
	if b.Month() >= time.July {
		return Presidency{Year: b.Year(), Semester: 2}
	}
	return Presidency{Year: b.Year(), Semester: 1}
}

// Next is the semester after p's.
func (p Presidency) Next() Presidency {
	if p.Semester == 1 {
		return Presidency{Year: p.Year, Semester: 2}
	}
	return Presidency{Year: p.Year + 1, Semester: 1}
}

// Start is the first day of the Presidency (in Brussels).
func (p Presidency) Start(loc *time.Location) time.Time {
	month := time.January
	if p.Semester == 2 {
		month = time.July
	}
	return time.Date(p.Year, month, 1, 0, 0, 0, 0, loc)
}

// End is the first instant after the Presidency.
func (p Presidency) End(loc *time.Location) time.Time {
	return p.Start(loc).AddDate(0, 6, 0)
}

// Period is the human label of the semester, e.g. "January–June 2026".
func (p Presidency) Period() string {
	if p.Semester == 1 {
		return fmt.Sprintf("January–June %d", p.Year)
	}
	return fmt.Sprintf("July–December %d", p.Year)
}

// Contains reports whether the instant t falls in the Presidency.
func (p Presidency) Contains(t time.Time, loc *time.Location) bool {
	return !t.Before(p.Start(loc)) && t.Before(p.End(loc))
}

// PriorityStatus distinguishes a dialogue's initial priorities from those
// that could be added later.
type PriorityStatus string

const (
	PriorityInitial        PriorityStatus = "initial"
	PriorityPossibleFuture PriorityStatus = "possible_future"
)

// Label is the status as shown to users.
func (s PriorityStatus) Label() string {
	if s == PriorityPossibleFuture {
		return "Possible future addition"
	}
	return "Initial priority"
}

// Priority is a thematic priority of a dialogue.
type Priority struct {
	ID          int64
	DialogueID  int64
	Code        string // "i", "ii", "empact-drugs"
	Title       string
	Status      PriorityStatus
	EmpactCycle string // "2026-2029" when it comes from EMPACT
	Position    int
}

// Implementer is a body implementing an initiative; DelegationID is set when
// the body is in the registry (an agency, the Commission).
type Implementer struct {
	Name         string
	DelegationID int64
}

// Initiative is an existing programme the dialogue must articulate with.
type Initiative struct {
	ID           int64
	Code         string
	Name         string
	Description  string
	Implementers []Implementer
	PriorityIDs  []int64
	PartnerIDs   []int64
}

// Mission is a CSDP civilian mission with its mandate dates.
type Mission struct {
	ID                        int64
	Code                      string
	Name                      string
	Host                      string
	StartedYear               int
	MandateEndsOn             *time.Time
	ClosedOn                  *time.Time
	FrontexWorkingArrangement bool
	Note                      string
	Source                    string
}

// MissionStatus is a mission's mandate status on a given day.
type MissionStatus string

const (
	MissionActive     MissionStatus = "active"
	MissionEndingSoon MissionStatus = "ending_soon" // mandate ends within 180 days
	MissionExpired    MissionStatus = "expired"     // mandate end passed, no closure recorded
	MissionClosed     MissionStatus = "closed"
)

// Label is the status as shown to users.
func (s MissionStatus) Label() string {
	switch s {
	case MissionActive:
		return "Active"
	case MissionEndingSoon:
		return "Mandate ending soon"
	case MissionExpired:
		return "Mandate expired"
	case MissionClosed:
		return "Closed"
	}
	return string(s)
}

// StatusOn returns the mission's mandate status on the given day.
func (m Mission) StatusOn(day time.Time) MissionStatus {
	day = truncateDay(day)
	if m.ClosedOn != nil && !day.Before(truncateDay(*m.ClosedOn)) {
		return MissionClosed
	}
	if m.MandateEndsOn != nil {
		end := truncateDay(*m.MandateEndsOn)
		if day.After(end) {
			return MissionExpired
		}
		if !day.AddDate(0, 0, 180).Before(end) {
			return MissionEndingSoon
		}
	}
	return MissionActive
}

func truncateDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
