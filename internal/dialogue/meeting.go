package dialogue

import "time"

// MeetingLevel is the level at which a meeting is held.
type MeetingLevel string

const (
	LevelCOSI        MeetingLevel = "cosi"
	LevelCOSISupport MeetingLevel = "cosi_sg"
	LevelSOM         MeetingLevel = "som" // dialogue senior officials' meeting
	LevelMinisterial MeetingLevel = "ministerial"
	LevelTechnical   MeetingLevel = "technical"
)

// MeetingLevels lists the levels in the order forms and filters show them.
var MeetingLevels = []MeetingLevel{LevelCOSI, LevelCOSISupport, LevelSOM, LevelMinisterial, LevelTechnical}

// Label is the level as shown to users.
func (l MeetingLevel) Label() string {
	switch l {
	case LevelCOSI:
		return "COSI"
	case LevelCOSISupport:
		return "COSI Support Group"
	case LevelSOM:
		return "Senior officials' meeting"
	case LevelMinisterial:
		return "Ministerial meeting"
	case LevelTechnical:
		return "Technical / expert meeting"
	}
	return string(l)
}

// MeetingFormat is how participants attend.
type MeetingFormat string

const (
	FormatInPerson        MeetingFormat = "in_person"
	FormatHybrid          MeetingFormat = "hybrid"
	FormatVideoconference MeetingFormat = "videoconference"
)

// Label is the format as shown to users.
func (f MeetingFormat) Label() string {
	switch f {
	case FormatInPerson:
		return "In person"
	case FormatHybrid:
		return "Hybrid"
	case FormatVideoconference:
		return "Videoconference"
	}
	return string(f)
}

// MeetingStatus is where a meeting stands.
type MeetingStatus string

const (
	MeetingPlanned   MeetingStatus = "planned"
	MeetingConfirmed MeetingStatus = "confirmed"
	MeetingHeld      MeetingStatus = "held"
	MeetingCancelled MeetingStatus = "cancelled"
)

// Label is the status as shown to users.
func (s MeetingStatus) Label() string {
	switch s {
	case MeetingPlanned:
		return "Planned"
	case MeetingConfirmed:
		return "Confirmed"
	case MeetingHeld:
		return "Held"
	case MeetingCancelled:
		return "Cancelled"
	}
	return string(s)
}

// Meeting is a COSI or dialogue meeting. Start and end are instants; TimeZone
// is the venue's zone, for showing local time beside Brussels time.
type Meeting struct {
	ID           int64
	DialogueID   int64  // 0 for COSI's own meetings
	DialogueName string // short name, for lists
	Level        MeetingLevel
	Title        string
	StartsAt     time.Time
	EndsAt       time.Time
	TimeZone     string
	Venue        string
	City         string
	Format       MeetingFormat
	PresidencyID int64
	Presidency   string // e.g. "Cyprus (January–June 2026)"
	Status       MeetingStatus
	CancelReason string
	BackToBackID int64
	Note         string
	Demo         bool
	Version      int
}

// ActionRow is a row of an action-tracking table (the annex of the
// Commission President's letter): what is ongoing and what comes next, with
// the timeline as written and, where derivable, as a date range.
type ActionRow struct {
	ID           int64
	Source       string
	Section      string
	Position     int
	Heading      string
	Topic        string
	Ongoing      string
	NextSteps    string
	TimelineText string
	DueFrom      *time.Time
	DueTo        *time.Time
}

// ActionSections are the annex's sections, in order.
var ActionSections = []string{"PREVENTION", "RESPONSE", "OUTREACH AND BROADER COOPERATION", "ACTION PLANS"}
