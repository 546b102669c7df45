// Package demo is the portal's demo dataset and its loader. The data lives in
// embedded files, not in Go: data/dataset.json holds the registry, the
// documents' metadata and questions, the meetings and the action-tracking
// rows; data/documents/*.md hold the documents' bodies. Everything comes from
// the seed documents, and whatever is invented says so ("demo": true, or
// "Demo" / "demo data" in its own text).
//
// Load checks the whole dataset before it writes anything, then writes it in
// one transaction through store.Importer, upserting by natural key, so that
// loading twice leaves the database as it was.
package demo

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
)

//go:embed data
var files embed.FS

// Summary says what a load wrote, for a log line.
type Summary struct {
	Version        string
	FirstLoad      bool // false when this version had been loaded before
	Delegations    int
	Dialogues      int
	Participants   int
	WorkingParties int
	Presidencies   int
	Priorities     int
	Initiatives    int
	Missions       int
	Documents      int
	Questions      int
	Meetings       int
	DemoMeetings   int // of Meetings, the invented ones
	ActionRows     int
	Rounds         int // demo consultation rounds
	Replies        int // their invented replies
}

// String is the summary on one line, e.g. "dataset 2026-11-22 (first load):
// 45 delegations, 2 dialogues, ...".
func (s Summary) String() string {
	load := "reload"
	if s.FirstLoad {
		load = "first load"
	}
	return fmt.Sprintf("dataset %s (%s): %d delegations, %d dialogues, %d participants, %d working parties, "+
		"%d presidencies, %d priorities, %d initiatives, %d missions, %d documents, %d questions, "+
		"%d meetings (%d demo), %d action rows, %d rounds with %d demo replies",
		s.Version, load, s.Delegations, s.Dialogues, s.Participants, s.WorkingParties, s.Presidencies,
		s.Priorities, s.Initiatives, s.Missions, s.Documents, s.Questions, s.Meetings, s.DemoMeetings, s.ActionRows,
		s.Rounds, s.Replies)
}

// LogValue makes a Summary log as a group of counts.
func (s Summary) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("version", s.Version),
		slog.Bool("first_load", s.FirstLoad),
		slog.Int("delegations", s.Delegations),
		slog.Int("dialogues", s.Dialogues),
		slog.Int("participants", s.Participants),
		slog.Int("working_parties", s.WorkingParties),
		slog.Int("presidencies", s.Presidencies),
		slog.Int("priorities", s.Priorities),
		slog.Int("initiatives", s.Initiatives),
		slog.Int("missions", s.Missions),
		slog.Int("documents", s.Documents),
		slog.Int("questions", s.Questions),
		slog.Int("meetings", s.Meetings),
		slog.Int("demo_meetings", s.DemoMeetings),
		slog.Int("action_rows", s.ActionRows),
		slog.Int("rounds", s.Rounds),
		slog.Int("replies", s.Replies),
	)
}

// Load writes the demo dataset into the database in one transaction. It is
// idempotent: a second run changes nothing and fails on nothing. now is the
// load time: the current demo round opens then and closes two weeks later.
func Load(ctx context.Context, st *store.Store, now time.Time) (Summary, error) {
	data, err := fs.Sub(files, "data")
	if err != nil {
		return Summary{}, err
	}
	p, err := parse(data)
	if err != nil {
		return Summary{}, err
	}
	var errs problems
	known := map[string]bool{}
	for _, d := range p.delegations {
		known[d.Code] = true
	}
	p.rounds = parseRounds(data, p.documents, known, now, &errs)
	if len(errs) > 0 {
		return Summary{}, fmt.Errorf("demo: %w", errors.Join(errs...))
	}
	sum := p.summary()
	err = st.Import(ctx, func(im *store.Importer) error {
		first, err := p.apply(im)
		sum.FirstLoad = first
		return err
	})
	if err != nil {
		return Summary{}, fmt.Errorf("demo: load: %w", err)
	}
	return sum, nil
}

// ---------------------------------------------------------------- the file

// dataset is data/dataset.json. Fields left out of the file take their zero
// value; fields the structs do not know are refused.
type dataset struct {
	Version        string             `json:"version"`
	About          string             `json:"about"`
	Delegations    []delegationJSON   `json:"delegations"`
	Dialogues      []dialogueJSON     `json:"dialogues"`
	WorkingParties []workingPartyJSON `json:"working_parties"`
	Presidencies   []presidencyJSON   `json:"presidencies"`
	Initiatives    []initiativeJSON   `json:"initiatives"`
	Missions       []missionJSON      `json:"missions"`
	Documents      []documentJSON     `json:"documents"`
	Meetings       []meetingJSON      `json:"meetings"`
	ActionTracking []actionTableJSON  `json:"action_tracking"`
}

type delegationJSON struct {
	Code          string `json:"code"`
	Kind          string `json:"kind"`
	Name          string `json:"name"`
	NativeName    string `json:"native_name"`
	ProtocolOrder int    `json:"protocol_order"`
	Footnote      string `json:"footnote"`
}

type dialogueJSON struct {
	Code            string            `json:"code"`
	Name            string            `json:"name"`
	ShortName       string            `json:"short_name"`
	Description     string            `json:"description"`
	GeographicScope string            `json:"geographic_scope"`
	LaunchYear      int               `json:"launch_year"`
	Participants    []participantJSON `json:"participants"`
	Priorities      []priorityJSON    `json:"priorities"`
}

type participantJSON struct {
	Delegation string `json:"delegation"`
	Role       string `json:"role"`
	Phase      int    `json:"phase"`
	StartsOn   *day   `json:"starts_on"`
	Note       string `json:"note"`
}

type priorityJSON struct {
	Code        string `json:"code"`
	Title       string `json:"title"`
	Status      string `json:"status"`
	EmpactCycle string `json:"empact_cycle"`
}

type workingPartyJSON struct {
	Code    string   `json:"code"`
	Name    string   `json:"name"`
	Members []string `json:"members"`
}

type presidencyJSON struct {
	Delegation string `json:"delegation"`
	Year       int    `json:"year"`
	Semester   int    `json:"semester"`
}

type initiativeJSON struct {
	Code         string              `json:"code"`
	Name         string              `json:"name"`
	Description  string              `json:"description"`
	Dialogues    []string            `json:"dialogues"`
	Implementers []implementerJSON   `json:"implementers"`
	Priorities   map[string][]string `json:"priorities"` // dialogue code → priority codes
	Partners     []string            `json:"partners"`
}

type implementerJSON struct {
	Name       string `json:"name"`
	Delegation string `json:"delegation"`
}

type missionJSON struct {
	Code                      string `json:"code"`
	Name                      string `json:"name"`
	Host                      string `json:"host"`
	StartedYear               int    `json:"started_year"`
	MandateEndsOn             *day   `json:"mandate_ends_on"`
	ClosedOn                  *day   `json:"closed_on"`
	FrontexWorkingArrangement bool   `json:"frontex_working_arrangement"`
	Note                      string `json:"note"`
	Source                    string `json:"source"`
}

type documentJSON struct {
	Reference         string         `json:"reference"`
	Date              day            `json:"date"`
	Place             string         `json:"place"`
	OriginalLanguage  string         `json:"original_language"`
	Marking           string         `json:"marking"`
	DocType           string         `json:"doc_type"`
	Sender            string         `json:"sender"`
	Recipients        string         `json:"recipients"`
	OnDate            *day           `json:"on_date"`
	PreviousReference string         `json:"previous_reference"`
	Subject           string         `json:"subject"`
	Body              string         `json:"body"` // path of the Markdown file, relative to data/
	Status            string         `json:"status"`
	IssuedAt          *time.Time     `json:"issued_at"`
	Audience          string         `json:"audience"`
	WorkingParty      string         `json:"working_party"`
	Dialogue          string         `json:"dialogue"`
	NamedRecipients   []string       `json:"named_recipients"`
	Demo              bool           `json:"demo"`
	Codes             []string       `json:"codes"` // as printed: "JAI 79", "EUROPOL"
	Footnotes         []footnoteJSON `json:"footnotes"`
	Questions         []questionJSON `json:"questions"`
}

type footnoteJSON struct {
	N    int    `json:"n"`
	Body string `json:"body"`
}

type questionJSON struct {
	Kind    string       `json:"kind"`
	Prompt  string       `json:"prompt"`
	Options []optionJSON `json:"options"`
}

type optionJSON struct {
	Label string `json:"label"`
	Body  string `json:"body"`
}

type meetingJSON struct {
	Key          string    `json:"key"`
	Level        string    `json:"level"`
	Dialogue     string    `json:"dialogue"`
	Title        string    `json:"title"`
	StartsAt     time.Time `json:"starts_at"` // RFC 3339, written in the venue's local time
	EndsAt       time.Time `json:"ends_at"`
	TimeZone     string    `json:"time_zone"`
	Venue        string    `json:"venue"`
	City         string    `json:"city"`
	Format       string    `json:"format"`
	Presidency   string    `json:"presidency"` // "2027H1"
	Status       string    `json:"status"`
	CancelReason string    `json:"cancel_reason"`
	BackToBack   string    `json:"back_to_back"` // key of another meeting
	Note         string    `json:"note"`
	Demo         bool      `json:"demo"`
}

type actionTableJSON struct {
	Source string          `json:"source"`
	AsOf   day             `json:"as_of"` // the source's date, for timelines without a year
	Rows   []actionRowJSON `json:"rows"`
}

type actionRowJSON struct {
	Section   string `json:"section"`
	Heading   string `json:"heading"`
	Topic     string `json:"topic"`
	Ongoing   string `json:"ongoing"`
	NextSteps string `json:"next_steps"`
	Timeline  string `json:"timeline"` // as written: "Q1 2024", "early 2024", "tbc"
	DueFrom   *day   `json:"due_from"` // derived from Timeline (see deriveRange)
	DueTo     *day   `json:"due_to"`
}

// day is a calendar date written "2006-01-02", held as midnight UTC.
type day struct{ time.Time }

func (d *day) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return fmt.Errorf("date %q: write it as YYYY-MM-DD", s)
	}
	d.Time = t
	return nil
}

// ptr returns the date, or nil when d is nil.
func (d *day) ptr() *time.Time {
	if d == nil {
		return nil
	}
	t := d.Time
	return &t
}

// ---------------------------------------------------------------- checking

// plan is the dataset checked and turned into domain values, ready to write.
type plan struct {
	version        string
	delegations    []dialogue.Delegation
	dialogues      []dialogue.Dialogue
	participants   map[string][]dialogue.Participant // by dialogue code
	priorities     map[string][]dialogue.Priority    // by dialogue code
	workingParties []workingPartyJSON
	presidencies   []dialogue.Presidency
	initiatives    []store.ImportedInitiative
	missions       []dialogue.Mission
	documents      []documentPlan
	meetings       []store.ImportedMeeting
	actionRows     []dialogue.ActionRow
	rounds         []store.ImportedRound
}

type documentPlan struct {
	doc      dialogue.Document
	dialogue string
}

// problems collects everything wrong with the dataset, so that one run
// reports all of it.
type problems []error

func (p *problems) add(format string, args ...any) { *p = append(*p, fmt.Errorf(format, args...)) }

// decode reads dataset.json strictly: unknown fields and trailing data are
// errors.
func decode(r io.Reader) (*dataset, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var ds dataset
	if err := dec.Decode(&ds); err != nil {
		return nil, fmt.Errorf("demo: dataset.json: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("demo: dataset.json: unexpected data after the dataset")
	}
	return &ds, nil
}

// A footnote marker in a body, and a footnote's text (which belongs in the
// dataset, not in the body).
var (
	footnoteMarker = regexp.MustCompile(`\[\^(\d+)\]`)
	footnoteText   = regexp.MustCompile(`(?m)^\[\^\d+\]:`)
)

// parse reads and checks the dataset in fsys (the data directory).
func parse(fsys fs.FS) (*plan, error) {
	raw, err := fs.ReadFile(fsys, "dataset.json")
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	ds, err := decode(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	var errs problems
	p := &plan{
		version:      ds.Version,
		participants: map[string][]dialogue.Participant{},
		priorities:   map[string][]dialogue.Priority{},
	}
	if ds.Version == "" {
		errs.add("version is empty")
	}

	// Delegations.
	kinds := map[string]dialogue.DelegationKind{}
	for i, d := range ds.Delegations {
		at := fmt.Sprintf("delegations[%d] %s", i, d.Code)
		kind := dialogue.DelegationKind(d.Kind)
		switch {
		case !kind.Valid():
			errs.add("%s: unknown kind %q", at, d.Kind)
		case kinds[d.Code] != "":
			errs.add("%s: code appears twice", at)
		case d.Name == "":
			errs.add("%s: name is empty", at)
		case kind == dialogue.MemberState && d.ProtocolOrder != dialogue.ProtocolPosition(d.Code):
			errs.add("%s: protocol_order %d, but %s is number %d in protocol order", at, d.ProtocolOrder, d.Code, dialogue.ProtocolPosition(d.Code))
		case kind != dialogue.MemberState && d.ProtocolOrder != 0:
			errs.add("%s: only member states have a protocol_order", at)
		}
		kinds[d.Code] = kind
		p.delegations = append(p.delegations, dialogue.Delegation{
			Code: d.Code, Kind: kind, Name: d.Name, NativeName: d.NativeName,
			ProtocolOrder: d.ProtocolOrder, Footnote: d.Footnote,
		})
	}
	for _, c := range dialogue.ProtocolCodes {
		if kinds[c] != dialogue.MemberState {
			errs.add("delegations: member state %s is missing", c)
		}
	}
	known := func(at, code string) bool {
		if kinds[code] == "" {
			errs.add("%s: unknown delegation %q", at, code)
			return false
		}
		return true
	}

	// Dialogues, their participants and priorities.
	priorityCodes := map[string][]string{} // dialogue → codes
	for i, d := range ds.Dialogues {
		at := fmt.Sprintf("dialogues[%d] %s", i, d.Code)
		if _, dup := priorityCodes[d.Code]; dup {
			errs.add("%s: code appears twice", at)
		}
		if d.GeographicScope != "" && d.GeographicScope != "phased" && d.GeographicScope != "all" {
			errs.add("%s: geographic_scope is phased, all or empty, not %q", at, d.GeographicScope)
		}
		p.dialogues = append(p.dialogues, dialogue.Dialogue{
			Code: d.Code, Name: d.Name, ShortName: d.ShortName, Description: d.Description,
			GeographicScope: d.GeographicScope, LaunchYear: d.LaunchYear,
		})
		seen := map[string]bool{}
		for j, pt := range d.Participants {
			pat := fmt.Sprintf("%s participants[%d]", at, j)
			role := dialogue.ParticipantRole(pt.Role)
			switch {
			case !known(pat, pt.Delegation): // reported by known
			case seen[pt.Delegation]:
				errs.add("%s: %s appears twice", pat, pt.Delegation)
			case role != dialogue.ParticipantPartner && role != dialogue.ParticipantObserver:
				errs.add("%s: role is partner or observer, not %q", pat, pt.Role)
			case kinds[pt.Delegation] == dialogue.MemberState:
				errs.add("%s: member states take part in every dialogue; %s is not a participant", pat, pt.Delegation)
			case pt.Phase < 1 || pt.Phase > 9:
				errs.add("%s: phase %d is not 1 to 9", pat, pt.Phase)
			}
			seen[pt.Delegation] = true
			p.participants[d.Code] = append(p.participants[d.Code], dialogue.Participant{
				Delegation: dialogue.Delegation{Code: pt.Delegation}, Role: role, Phase: pt.Phase,
				StartsOn: pt.StartsOn.ptr(), Note: pt.Note,
			})
		}
		priorityCodes[d.Code] = []string{}
		for j, pr := range d.Priorities {
			pat := fmt.Sprintf("%s priorities[%d] %s", at, j, pr.Code)
			status := dialogue.PriorityStatus(pr.Status)
			switch {
			case slices.Contains(priorityCodes[d.Code], pr.Code):
				errs.add("%s: code appears twice", pat)
			case status != dialogue.PriorityInitial && status != dialogue.PriorityPossibleFuture:
				errs.add("%s: status is initial or possible_future, not %q", pat, pr.Status)
			}
			priorityCodes[d.Code] = append(priorityCodes[d.Code], pr.Code)
			p.priorities[d.Code] = append(p.priorities[d.Code], dialogue.Priority{
				Code: pr.Code, Title: pr.Title, Status: status, EmpactCycle: pr.EmpactCycle, Position: j + 1,
			})
		}
	}
	knownDialogue := func(at, code string) bool {
		if _, ok := priorityCodes[code]; !ok {
			errs.add("%s: unknown dialogue %q", at, code)
			return false
		}
		return true
	}

	// Working parties.
	wps := map[string]bool{}
	for i, wp := range ds.WorkingParties {
		at := fmt.Sprintf("working_parties[%d] %s", i, wp.Code)
		if wps[wp.Code] {
			errs.add("%s: code appears twice", at)
		}
		wps[wp.Code] = true
		for _, m := range wp.Members {
			known(at, m)
		}
		p.workingParties = append(p.workingParties, wp)
	}

	// Presidencies.
	semesters := map[string]bool{}
	for i, pr := range ds.Presidencies {
		at := fmt.Sprintf("presidencies[%d] %d/%d", i, pr.Year, pr.Semester)
		key := presidencyKey(pr.Year, pr.Semester)
		switch {
		case !known(at, pr.Delegation): // reported by known
		case kinds[pr.Delegation] != dialogue.MemberState:
			errs.add("%s: %s is not a member state", at, pr.Delegation)
		case pr.Semester != 1 && pr.Semester != 2:
			errs.add("%s: semester is 1 or 2", at)
		case semesters[key]:
			errs.add("%s: semester appears twice", at)
		}
		semesters[key] = true
		p.presidencies = append(p.presidencies, dialogue.Presidency{
			Delegation: dialogue.Delegation{Code: pr.Delegation}, Year: pr.Year, Semester: pr.Semester,
		})
	}

	// Initiatives.
	initiatives := map[string]bool{}
	for i, in := range ds.Initiatives {
		at := fmt.Sprintf("initiatives[%d] %s", i, in.Code)
		if initiatives[in.Code] {
			errs.add("%s: code appears twice", at)
		}
		initiatives[in.Code] = true
		imp := store.ImportedInitiative{
			Initiative: dialogue.Initiative{Code: in.Code, Name: in.Name, Description: in.Description},
			Dialogues:  in.Dialogues,
			Partners:   in.Partners,
		}
		for _, d := range in.Dialogues {
			knownDialogue(at, d)
		}
		for _, r := range in.Implementers {
			if r.Delegation != "" {
				known(at+" implementers", r.Delegation)
			}
			imp.Implementers = append(imp.Implementers, store.ImplementerRef{Name: r.Name, Delegation: r.Delegation})
		}
		for _, d := range slices.Sorted(maps.Keys(in.Priorities)) {
			if !slices.Contains(in.Dialogues, d) {
				errs.add("%s: priorities of %s, which is not among its dialogues", at, d)
				continue
			}
			for _, c := range in.Priorities[d] {
				if !slices.Contains(priorityCodes[d], c) {
					errs.add("%s: unknown priority %s/%s", at, d, c)
				}
				imp.Priorities = append(imp.Priorities, store.PriorityKey{Dialogue: d, Code: c})
			}
		}
		for _, c := range in.Partners {
			if known(at+" partners", c) && kinds[c] != dialogue.Partner {
				errs.add("%s: partner %s is a %s, not a partner", at, c, kinds[c])
			}
		}
		p.initiatives = append(p.initiatives, imp)
	}

	// Missions.
	missions := map[string]bool{}
	for i, m := range ds.Missions {
		at := fmt.Sprintf("missions[%d] %s", i, m.Code)
		if missions[m.Code] {
			errs.add("%s: code appears twice", at)
		}
		missions[m.Code] = true
		p.missions = append(p.missions, dialogue.Mission{
			Code: m.Code, Name: m.Name, Host: m.Host, StartedYear: m.StartedYear,
			MandateEndsOn: m.MandateEndsOn.ptr(), ClosedOn: m.ClosedOn.ptr(),
			FrontexWorkingArrangement: m.FrontexWorkingArrangement, Note: m.Note, Source: m.Source,
		})
	}

	// Documents.
	refs := map[dialogue.Reference]bool{}
	for i, d := range ds.Documents {
		at := fmt.Sprintf("documents[%d] %s", i, d.Reference)
		doc, ok := buildDocument(fsys, at, d, &errs)
		if !ok {
			continue
		}
		if refs[doc.Ref] {
			errs.add("%s: reference appears twice", at)
		}
		refs[doc.Ref] = true
		if d.Dialogue != "" {
			knownDialogue(at, d.Dialogue)
		}
		if d.WorkingParty != "" && !wps[d.WorkingParty] {
			errs.add("%s: unknown working party %q", at, d.WorkingParty)
		}
		for _, c := range d.NamedRecipients {
			known(at+" named_recipients", c)
		}
		p.documents = append(p.documents, documentPlan{doc: doc, dialogue: d.Dialogue})
	}

	// Meetings.
	keys := map[string]bool{}
	for _, m := range ds.Meetings {
		keys[m.Key] = true
	}
	seenKeys := map[string]bool{}
	for i, m := range ds.Meetings {
		at := fmt.Sprintf("meetings[%d] %s", i, m.Key)
		if seenKeys[m.Key] {
			errs.add("%s: key appears twice", at)
		}
		seenKeys[m.Key] = true
		p.meetings = append(p.meetings, buildMeeting(at, m, keys, semesters, knownDialogue, &errs))
	}

	// Action tracking.
	for i, t := range ds.ActionTracking {
		at := fmt.Sprintf("action_tracking[%d]", i)
		section := 0
		for j, r := range t.Rows {
			rat := fmt.Sprintf("%s rows[%d]", at, j)
			s := slices.Index(dialogue.ActionSections, r.Section)
			switch {
			case t.Source == "":
				errs.add("%s: source is empty", at)
			case s < 0:
				errs.add("%s: unknown section %q", rat, r.Section)
			case s < section:
				errs.add("%s: section %s after %s: keep the sections in order", rat, r.Section, dialogue.ActionSections[section])
			case (r.DueFrom == nil) != (r.DueTo == nil):
				errs.add("%s: give both due_from and due_to, or neither", rat)
			case r.DueFrom != nil && r.DueTo.Before(r.DueFrom.Time):
				errs.add("%s: due_to is before due_from", rat)
			}
			section = max(section, s)
			p.actionRows = append(p.actionRows, dialogue.ActionRow{
				Source: t.Source, Section: r.Section, Position: j + 1, Heading: r.Heading, Topic: r.Topic,
				Ongoing: r.Ongoing, NextSteps: r.NextSteps, TimelineText: r.Timeline,
				DueFrom: r.DueFrom.ptr(), DueTo: r.DueTo.ptr(),
			})
		}
	}

	if len(errs) > 0 {
		return nil, fmt.Errorf("demo: dataset.json: %w", errors.Join(errs...))
	}
	return p, nil
}

// buildDocument checks one document and reads its body.
func buildDocument(fsys fs.FS, at string, d documentJSON, errs *problems) (dialogue.Document, bool) {
	ref, err := dialogue.ParseReference(d.Reference)
	if err != nil {
		errs.add("%s: %v", at, err)
		return dialogue.Document{}, false
	}
	marking, err := dialogue.ParseMarking(d.Marking)
	if err != nil {
		errs.add("%s: %v", at, err)
	}
	var codes []dialogue.DistributionCode
	if len(d.Codes) > 0 {
		if codes, err = dialogue.ParseDistributionCodes(strings.Join(d.Codes, ", ")); err != nil {
			errs.add("%s: codes: %v", at, err)
		}
	}
	body, err := fs.ReadFile(fsys, d.Body)
	if err != nil {
		errs.add("%s: body: %v", at, err)
	}
	status, audience := dialogue.DocumentStatus(d.Status), dialogue.Audience(d.Audience)
	switch {
	case d.Date.Year() != ref.Year:
		errs.add("%s: dated %s, not in the reference's year", at, d.Date.Format(time.DateOnly))
	case status != dialogue.DocumentDraft && status != dialogue.DocumentIssued:
		errs.add("%s: status is draft or issued, not %q", at, d.Status)
	case status == dialogue.DocumentIssued && d.IssuedAt == nil:
		errs.add("%s: an issued document needs issued_at", at)
	case !slices.Contains(audiences, audience):
		errs.add("%s: unknown audience %q", at, d.Audience)
	case (audience == dialogue.AudienceWorkingParty) != (d.WorkingParty != ""):
		errs.add("%s: name a working_party exactly when the audience is working_party", at)
	}

	// Footnote texts live in the JSON; the body only marks where they are.
	var marked []int
	for _, m := range footnoteMarker.FindAllSubmatch(body, -1) {
		n, _ := strconv.Atoi(string(m[1]))
		if !slices.Contains(marked, n) {
			marked = append(marked, n)
		}
	}
	var given []int
	footnotes := make([]dialogue.Footnote, 0, len(d.Footnotes))
	for _, f := range d.Footnotes {
		given = append(given, f.N)
		footnotes = append(footnotes, dialogue.Footnote{N: f.N, Body: f.Body})
	}
	if !slices.Equal(marked, given) {
		errs.add("%s: the body marks footnotes %v but the dataset gives %v", at, marked, given)
	}
	if footnoteText.Match(body) {
		errs.add("%s: footnote texts go in dataset.json, not in the body", at)
	}

	questions := make([]dialogue.Question, 0, len(d.Questions))
	for j, q := range d.Questions {
		kind := dialogue.QuestionKind(q.Kind)
		switch {
		case !slices.Contains(questionKinds, kind):
			errs.add("%s questions[%d]: unknown kind %q", at, j, q.Kind)
		case (kind == dialogue.QuestionChoice) != (len(q.Options) > 0):
			errs.add("%s questions[%d]: a choice question has options, and only a choice question", at, j)
		case kind == dialogue.QuestionChoice && len(q.Options) < 2:
			errs.add("%s questions[%d]: a choice needs at least two options", at, j)
		case q.Prompt == "":
			errs.add("%s questions[%d]: prompt is empty", at, j)
		}
		question := dialogue.Question{Position: j + 1, Kind: kind, Prompt: q.Prompt}
		for k, o := range q.Options {
			question.Options = append(question.Options, dialogue.Option{Position: k + 1, Label: o.Label, Body: o.Body})
		}
		if kind == dialogue.QuestionAgreement {
			// Agreement questions offer the three fixed answers, stored as
			// options so that replies refer to them like any choice.
			question.Options = append(question.Options, dialogue.AgreementOptions...)
		}
		questions = append(questions, question)
	}

	recipients := make([]dialogue.Delegation, len(d.NamedRecipients))
	for j, c := range d.NamedRecipients {
		recipients[j] = dialogue.Delegation{Code: c}
	}
	return dialogue.Document{
		Ref: ref, Date: d.Date.Time, Place: d.Place, OriginalLanguage: d.OriginalLanguage,
		Marking: marking, DocType: d.DocType, Sender: d.Sender, Recipients: d.Recipients,
		OnDate: d.OnDate.ptr(), PreviousReference: d.PreviousReference, Subject: d.Subject,
		BodyMD: string(body), Status: status, Audience: audience, WorkingParty: d.WorkingParty,
		Demo: d.Demo, IssuedAt: d.IssuedAt,
		Codes: codes, Footnotes: footnotes, Questions: questions, NamedRecipients: recipients,
	}, true
}

var (
	audiences     = []dialogue.Audience{dialogue.AudienceDelegations, dialogue.AudienceMemberStates, dialogue.AudienceWorkingParty, dialogue.AudienceNamed}
	questionKinds = []dialogue.QuestionKind{dialogue.QuestionText, dialogue.QuestionChoice, dialogue.QuestionAgreement}
)

var meetingStatuses = []dialogue.MeetingStatus{dialogue.MeetingPlanned, dialogue.MeetingConfirmed, dialogue.MeetingHeld, dialogue.MeetingCancelled}
var meetingFormats = []dialogue.MeetingFormat{dialogue.FormatInPerson, dialogue.FormatHybrid, dialogue.FormatVideoconference}

// buildMeeting checks one meeting: among other things, that its times are
// written in the venue's local time and that it falls in its Presidency.
func buildMeeting(at string, m meetingJSON, keys, semesters map[string]bool, knownDialogue func(at, code string) bool, errs *problems) store.ImportedMeeting {
	level := dialogue.MeetingLevel(m.Level)
	loc, err := time.LoadLocation(m.TimeZone)
	if err != nil {
		errs.add("%s: time_zone: %v", at, err)
		loc = time.UTC
	}
	cosi := level == dialogue.LevelCOSI || level == dialogue.LevelCOSISupport
	switch {
	case !slices.Contains(dialogue.MeetingLevels, level):
		errs.add("%s: unknown level %q", at, m.Level)
	case !slices.Contains(meetingStatuses, dialogue.MeetingStatus(m.Status)):
		errs.add("%s: unknown status %q", at, m.Status)
	case !slices.Contains(meetingFormats, dialogue.MeetingFormat(m.Format)):
		errs.add("%s: unknown format %q", at, m.Format)
	case (m.Status == string(dialogue.MeetingCancelled)) != (m.CancelReason != ""):
		errs.add("%s: give a cancel_reason exactly when the meeting is cancelled", at)
	case m.Dialogue == "" && !cosi:
		errs.add("%s: a %s meeting belongs to a dialogue", at, m.Level)
	case m.Dialogue != "" && !knownDialogue(at, m.Dialogue): // reported by knownDialogue
	case !m.EndsAt.After(m.StartsAt):
		errs.add("%s: ends_at is not after starts_at", at)
	case localOffset(m.StartsAt) != localOffset(m.StartsAt.In(loc)) || localOffset(m.EndsAt) != localOffset(m.EndsAt.In(loc)):
		errs.add("%s: write the times with the UTC offset of %s at that date", at, m.TimeZone)
	case m.BackToBack != "" && (!keys[m.BackToBack] || m.BackToBack == m.Key):
		errs.add("%s: back_to_back names no other meeting of the dataset: %q", at, m.BackToBack)
	case m.Demo && !strings.Contains(m.Title+" "+m.Note, "Demo"):
		errs.add("%s: an invented meeting says \"Demo\" in its title or note", at)
	}
	im := store.ImportedMeeting{
		SeedKey: m.Key, Dialogue: m.Dialogue, BackToBack: m.BackToBack,
		Meeting: dialogue.Meeting{
			Level: level, Title: m.Title, StartsAt: m.StartsAt, EndsAt: m.EndsAt, TimeZone: m.TimeZone,
			Venue: m.Venue, City: m.City, Format: dialogue.MeetingFormat(m.Format),
			Status: dialogue.MeetingStatus(m.Status), CancelReason: m.CancelReason, Note: m.Note, Demo: m.Demo,
		},
	}
	if m.Presidency != "" {
		year, semester, ok := parsePresidency(m.Presidency)
		pres := dialogue.Presidency{Year: year, Semester: semester}
		switch {
		case !ok:
			errs.add("%s: presidency %q: write it as 2027H1", at, m.Presidency)
		case !semesters[presidencyKey(year, semester)]:
			errs.add("%s: presidency %s is not among the presidencies", at, m.Presidency)
		case !pres.Contains(m.StartsAt, dialogue.Brussels):
			errs.add("%s: starts outside its presidency %s", at, m.Presidency)
		}
		im.PresidencyYear, im.PresidencySemester = year, semester
	}
	return im
}

func localOffset(t time.Time) int {
	_, off := t.Zone()
	return off
}

// parsePresidency reads "2027H1".
func parsePresidency(s string) (year, semester int, ok bool) {
	y, h, found := strings.Cut(s, "H")
	year, err1 := strconv.Atoi(y)
	semester, err2 := strconv.Atoi(h)
	return year, semester, found && err1 == nil && err2 == nil && len(y) == 4 && (semester == 1 || semester == 2)
}

func presidencyKey(year, semester int) string { return fmt.Sprintf("%d-%d", year, semester) }

// ---------------------------------------------------------------- writing

func (p *plan) summary() Summary {
	s := Summary{
		Version:        p.version,
		Delegations:    len(p.delegations),
		Dialogues:      len(p.dialogues),
		WorkingParties: len(p.workingParties),
		Presidencies:   len(p.presidencies),
		Initiatives:    len(p.initiatives),
		Missions:       len(p.missions),
		Documents:      len(p.documents),
		Meetings:       len(p.meetings),
		ActionRows:     len(p.actionRows),
		Rounds:         len(p.rounds),
	}
	for _, r := range p.rounds {
		s.Replies += len(r.Replies)
	}
	for _, ps := range p.participants {
		s.Participants += len(ps)
	}
	for _, ps := range p.priorities {
		s.Priorities += len(ps)
	}
	for _, d := range p.documents {
		s.Questions += len(d.doc.Questions)
	}
	for _, m := range p.meetings {
		if m.Meeting.Demo {
			s.DemoMeetings++
		}
	}
	return s
}

// apply writes the plan, references before what refers to them.
func (p *plan) apply(im *store.Importer) (first bool, err error) {
	if err := im.UpsertDelegations(p.delegations...); err != nil {
		return false, err
	}
	if err := im.UpsertDialogues(p.dialogues...); err != nil {
		return false, err
	}
	for _, d := range p.dialogues {
		if err := im.UpsertParticipants(d.Code, p.participants[d.Code]...); err != nil {
			return false, err
		}
		if err := im.UpsertPriorities(d.Code, p.priorities[d.Code]...); err != nil {
			return false, err
		}
	}
	for _, wp := range p.workingParties {
		if err := im.UpsertWorkingParty(wp.Code, wp.Name, wp.Members); err != nil {
			return false, err
		}
	}
	if err := im.UpsertPresidencies(p.presidencies...); err != nil {
		return false, err
	}
	for _, in := range p.initiatives {
		if err := im.UpsertInitiative(in); err != nil {
			return false, err
		}
	}
	if err := im.UpsertMissions(p.missions...); err != nil {
		return false, err
	}
	for _, d := range p.documents {
		if _, err := im.UpsertDocument(d.doc, d.dialogue); err != nil {
			return false, err
		}
	}
	if err := im.UpsertMeetings(p.meetings...); err != nil {
		return false, err
	}
	if err := im.UpsertActionRows(p.actionRows...); err != nil {
		return false, err
	}
	for _, r := range p.rounds {
		if err := im.UpsertRound(r); err != nil {
			return false, err
		}
	}
	return im.RecordDemoLoad(p.version)
}
