// Package calendar writes meetings as iCalendar (RFC 5545): the .ics of one
// meeting and the personal subscription feed. Times are in UTC, UIDs are
// stable (one per meeting, whatever its edits), SEQUENCE is the meeting's
// version, and a cancelled meeting is published as a cancelled event, so that
// calendars that imported it remove or strike it out.
//
// The caller decides which meetings go in: only those the user may see.
package calendar

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// ProductID is the PRODID of every calendar the portal writes.
const ProductID = "-//Dialogue Secretariat Portal//EN"

// Options says where the portal is and what to call the calendar.
type Options struct {
	// BaseURL is the portal's absolute address ("https://portal.example.eu"),
	// for each event's URL; its host names the UIDs, so it must not change.
	BaseURL string
	// Name is the calendar's display name (X-WR-CALNAME); default "Dialogue meetings".
	Name string
	// Now is the DTSTAMP of every event; zero means time.Now().
	Now time.Time
}

// DefaultName is the calendar name when Options.Name is empty.
const DefaultName = "Dialogue meetings"

// UID is the stable identifier of a meeting's event.
func UID(meetingID int64, host string) string {
	return fmt.Sprintf("meeting-%d@%s", meetingID, host)
}

// Encode writes the meetings as one VCALENDAR (METHOD:PUBLISH), one VEVENT
// per meeting in the order given, with CRLF line ends and folded lines.
func Encode(meetings []dialogue.Meeting, opts Options) ([]byte, error) {
	base, err := url.Parse(strings.TrimRight(opts.BaseURL, "/"))
	if err != nil || !base.IsAbs() || base.Hostname() == "" {
		return nil, errors.New("calendar: Options.BaseURL must be an absolute URL such as https://portal.example.eu")
	}
	host := base.Hostname()
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	name := opts.Name
	if name == "" {
		name = DefaultName
	}
	byID := make(map[int64]dialogue.Meeting, len(meetings))
	for _, m := range meetings {
		byID[m.ID] = m
	}

	cal := ics.NewCalendarFor("Dialogue Secretariat Portal")
	cal.SetProductId(ProductID)
	cal.SetMethod(ics.MethodPublish)
	cal.SetCalscale("GREGORIAN")
	cal.SetXWRCalName(name)
	// Ask subscribed clients to refresh hourly (RFC 7986 and Microsoft's
	// name). The library's property name already carries ";VALUE=DURATION".
	cal.SetRefreshInterval("PT1H")
	cal.SetXPublishedTTL("PT1H")

	for _, m := range meetings {
		if m.ID == 0 {
			return nil, errors.New("calendar: a meeting without an id has no stable UID")
		}
		if !m.EndsAt.After(m.StartsAt) {
			return nil, fmt.Errorf("calendar: meeting %d ends before it starts", m.ID)
		}
		e := cal.AddEvent(UID(m.ID, host))
		e.SetDtStampTime(now)
		e.SetStartAt(m.StartsAt) // the library writes UTC: 20260316T133000Z
		e.SetEndAt(m.EndsAt)
		e.SetSummary(Summary(m))
		if loc := Location(m); loc != "" {
			e.SetLocation(loc)
		}
		e.SetDescription(description(m, byID))
		e.SetURL(meetingURL(base, m.ID))
		e.SetStatus(Status(m.Status))
		e.SetSequence(m.Version)
		if m.Status == dialogue.MeetingCancelled {
			e.SetTimeTransparency(ics.TransparencyTransparent)
		}
	}
	var b bytes.Buffer
	if err := cal.SerializeTo(&b, ics.WithNewLineWindows); err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	return b.Bytes(), nil
}

// Summary is the event's title: the meeting's, marked when it is invented
// demo data (unless its title says so already).
func Summary(m dialogue.Meeting) string {
	if m.Demo && !strings.Contains(strings.ToLower(m.Title), "demo") {
		return "[Demo] " + m.Title
	}
	return m.Title
}

// Location is "venue, city", or the format for a videoconference without a
// venue.
func Location(m dialogue.Meeting) string {
	var parts []string
	for _, p := range []string{m.Venue, m.City} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 && m.Format == dialogue.FormatVideoconference {
		return dialogue.FormatVideoconference.Label()
	}
	return strings.Join(parts, ", ")
}

// Status maps a meeting's status to the event's: a planned meeting is
// tentative; a cancelled one stays in the feed as a cancelled event.
func Status(s dialogue.MeetingStatus) ics.ObjectStatus {
	switch s {
	case dialogue.MeetingCancelled:
		return ics.ObjectStatusCancelled
	case dialogue.MeetingConfirmed, dialogue.MeetingHeld:
		return ics.ObjectStatusConfirmed
	}
	return ics.ObjectStatusTentative
}

func meetingURL(base *url.URL, id int64) string {
	return base.JoinPath("meetings", fmt.Sprint(id)).String()
}

// description says what a calendar entry cannot: level, dialogue, format,
// Presidency, local and Brussels times, the back-to-back COSI meeting and
// why a meeting was cancelled.
func description(m dialogue.Meeting, byID map[int64]dialogue.Meeting) string {
	var lines []string
	if m.Status == dialogue.MeetingCancelled {
		lines = append(lines, "CANCELLED: "+m.CancelReason, "")
	}
	if m.Demo {
		lines = append(lines, "Demo data: this meeting is invented.")
	}
	lines = append(lines, "Level: "+m.Level.Label())
	switch {
	case m.DialogueName != "":
		lines = append(lines, "Dialogue: "+m.DialogueName)
	case m.DialogueID == 0:
		lines = append(lines, "Dialogue: none (COSI)")
	}
	lines = append(lines, "Format: "+m.Format.Label())
	if m.Presidency != "" {
		lines = append(lines, "Presidency: "+m.Presidency)
	}
	lines = append(lines, "Status: "+m.Status.Label())
	lines = append(lines, "Brussels time: "+span(m.StartsAt, m.EndsAt, dialogue.Brussels))
	if m.TimeZone != "" && m.TimeZone != dialogue.Brussels.String() {
		if loc, err := dialogue.LoadZone(m.TimeZone); err == nil {
			lines = append(lines, "Local time ("+m.TimeZone+"): "+span(m.StartsAt, m.EndsAt, loc))
		}
	}
	if m.BackToBackID != 0 {
		if other, ok := byID[m.BackToBackID]; ok {
			lines = append(lines, fmt.Sprintf("Back-to-back with: %s (%s)", other.Title,
				other.StartsAt.In(dialogue.Brussels).Format("Mon 2 Jan 2006 15:04 MST")))
		} else {
			lines = append(lines, "Back-to-back with a COSI meeting")
		}
	}
	if note := strings.TrimSpace(m.Note); note != "" {
		lines = append(lines, "", note)
	}
	return strings.Join(lines, "\n")
}

// span writes a meeting's times in one zone, with the zone's abbreviation.
func span(start, end time.Time, loc *time.Location) string {
	s, e := start.In(loc), end.In(loc)
	if s.Format("20060102") == e.Format("20060102") {
		return s.Format("Mon 2 Jan 2006 15:04") + "–" + e.Format("15:04 MST")
	}
	return s.Format("Mon 2 Jan 2006 15:04 MST") + " – " + e.Format("Mon 2 Jan 2006 15:04 MST")
}
