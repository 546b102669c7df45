package benchdata

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

type venue struct{ city, tz, name string }

var brusselsVenue = venue{"Brussels", "Europe/Brussels", "Justus Lipsius building"}

var dialogueVenues = map[string][]venue{
	"med": {brusselsVenue, {"Algiers", "Africa/Algiers", "Ministry of the Interior"}, {"Cairo", "Africa/Cairo", "Ministry of the Interior"},
		{"Rabat", "Africa/Casablanca", "Ministry of the Interior"}, {"Tunis", "Africa/Tunis", "Ministry of the Interior"},
		{"Valletta", "Europe/Malta", "Mediterranean Conference Centre"}, {"Nicosia", "Asia/Nicosia", "Filoxenia Conference Centre"},
		{"Rome", "Europe/Rome", "Ministry of the Interior"}, {"Madrid", "Europe/Madrid", "Ministry of the Interior"}},
	"clasi": {brusselsVenue, {"Bogotá", "America/Bogota", "Ministry of National Defence"}, {"Lima", "America/Lima", "Ministry of the Interior"},
		{"Panama City", "America/Panama", "Ministry of Public Security"}, {"San José", "America/Costa_Rica", "Ministry of Public Security"},
		{"Santo Domingo", "America/Santo_Domingo", "Ministry of the Interior and Police"}, {"Madrid", "Europe/Madrid", "Ministry of the Interior"},
		{"Lisbon", "Europe/Lisbon", "Ministry of Internal Administration"}},
	DialogueCode: {brusselsVenue, {"Belgrade", "Europe/Belgrade", "Palace of Serbia"}, {"Tirana", "Europe/Tirane", "Ministry of the Interior"},
		{"Skopje", "Europe/Skopje", "Ministry of the Interior"}, {"Sarajevo", "Europe/Sarajevo", "Ministry of Security"},
		{"Podgorica", "Europe/Podgorica", "Ministry of the Interior"}, {"Vienna", "Europe/Vienna", "Austria Center Vienna"},
		{"Zagreb", "Europe/Zagreb", "Ministry of the Interior"}},
}

var cancelReasons = []string{
	"Postponed: the Council's calendar changed.",
	"Cancelled: too few delegations could attend.",
	"Cancelled because of a strike affecting travel.",
	"Merged with the following meeting.",
	"Cancelled at the request of the host country.",
}

var zones = map[string]*time.Location{}

func zone(name string) *time.Location {
	if z, ok := zones[name]; ok {
		return z
	}
	z, err := time.LoadLocation(name)
	if err != nil {
		panic(fmt.Sprintf("benchdata: time zone %s: %v", name, err)) // the names above are constants
	}
	zones[name] = z
	return z
}

// planMeetings lays out 80 meetings per year: 10 COSI meetings (two of them
// informal, in the Presidency's country), 14 of the COSI Support Group, a
// senior officials' meeting of each dialogue back-to-back with COSI (two for
// the Mediterranean), one ministerial meeting, and expert meetings. A year's
// meetings start six weeks after its documents, so that the last six weeks'
// are still ahead: planned, or confirmed.
func (g *gen) planMeetings() {
	for k := range g.years {
		ys, _ := g.yearSpan(k)
		from := ys.AddDate(0, 0, 45)
		to := from.AddDate(1, 0, 0)
		var year []*meeting

		var cosiDays []time.Time
		for m := range 12 {
			d := midnight(from.AddDate(0, m, 0)).AddDate(0, 0, between(g.r, 5, 12))
			for d.Weekday() != time.Tuesday {
				d = d.AddDate(0, 0, 1)
			}
			if d.Month() != time.August && d.Before(to) {
				cosiDays = append(cosiDays, d)
			}
		}
		for len(cosiDays) > 10 {
			i := g.r.IntN(len(cosiDays))
			cosiDays = slices.Delete(cosiDays, i, i+1)
		}
		var cosi []*meeting
		for i, d := range cosiDays {
			if g.collides("cosi", d) {
				continue
			}
			m := &meeting{level: "cosi", title: "COSI meeting", venue: brusselsVenue.name, city: "Brussels",
				tz: "Europe/Brussels", format: "in_person"}
			if chance(g.r, 0.1) {
				m.format = "hybrid"
			}
			holder := g.presHolder[semesterKey(d)]
			if (i == 0 || i == 5) && holder != nil && holder.city != "Brussels" {
				m.title, m.city, m.tz, m.venue = "Informal COSI meeting", holder.city, holder.tz, "Presidency conference centre"
				m.startsAt, m.endsAt = dayAt(d, 9, 30, zone(m.tz)), dayAt(d, 17, 0, zone(m.tz))
				year = append(year, m)
				continue
			}
			m.startsAt, m.endsAt = dayAt(d, 10, 0, dialogue.Brussels), dayAt(d, 17, 0, dialogue.Brussels)
			year = append(year, m)
			cosi = append(cosi, m)
		}

		for i := range 14 {
			d := weekday(midnight(from.AddDate(0, 0, i*26+between(g.r, 0, 4))))
			if d.Month() == time.August {
				d = weekday(d.AddDate(0, 0, 24))
			}
			if !d.Before(to) {
				d = weekday(to.AddDate(0, 0, -between(g.r, 3, 9)))
			}
			year = append(year, &meeting{level: "cosi_sg", title: "COSI Support Group meeting",
				venue: brusselsVenue.name, city: "Brussels", tz: "Europe/Brussels", format: "in_person",
				startsAt: dayAt(d, 10, 0, dialogue.Brussels), endsAt: dayAt(d, 13, 0, dialogue.Brussels)})
		}

		// Senior officials' meetings in the afternoon of a COSI day.
		soms := []*dlg{g.dialogues[0], g.dialogues[0], g.dialogues[1], g.dialogues[2]}
		hosts := slices.Clone(cosi)
		for _, dl := range soms {
			if len(hosts) == 0 {
				break
			}
			i := g.r.IntN(len(hosts))
			host := hosts[i]
			hosts = slices.Delete(hosts, i, i+1)
			day := midnight(host.startsAt)
			host.endsAt = dayAt(day, 13, 0, dialogue.Brussels)
			year = append(year, &meeting{dialogue: dl, level: "som", title: dl.shortName + ": senior officials' meeting",
				venue: brusselsVenue.name, city: "Brussels", tz: "Europe/Brussels", format: "in_person", b2b: host,
				startsAt: dayAt(day, 14, 30, dialogue.Brussels), endsAt: dayAt(day, 17, 30, dialogue.Brussels),
				note: "Back-to-back with COSI, as the dialogue's arrangements provide."})
		}

		dl := g.dialogues[k%len(g.dialogues)]
		v := pick(g.r, dialogueVenues[dl.code][1:])
		d := g.randomDay(from, to)
		year = append(year, &meeting{dialogue: dl, level: "ministerial", title: dl.shortName + " ministerial meeting on internal security",
			venue: v.name, city: v.city, tz: v.tz, format: "in_person",
			startsAt: dayAt(d, 10, 0, zone(v.tz)), endsAt: dayAt(d, 16, 0, zone(v.tz))})

		for len(year) < 80 {
			var dl *dlg
			switch x := g.r.Float64(); {
			case x < 0.4:
				dl = g.dialogues[0]
			case x < 0.7:
				dl = g.dialogues[1]
			default:
				dl = g.dialogues[2]
			}
			t := pick(g.r, topics)
			m := &meeting{dialogue: dl, level: "technical", title: dl.shortName + ": expert meeting on " + strings.ToLower(t[:1]) + t[1:]}
			d := g.randomDay(from, to)
			switch x := g.r.Float64(); {
			case x < 0.25:
				m.format, m.city, m.tz, m.venue = "videoconference", "", "Europe/Brussels", "Videoconference"
			default:
				v := pick(g.r, dialogueVenues[dl.code])
				m.format, m.city, m.tz, m.venue = "in_person", v.city, v.tz, v.name
				if x < 0.45 {
					m.format = "hybrid"
				}
			}
			m.startsAt, m.endsAt = dayAt(d, 9, 30, zone(m.tz)), dayAt(d, 17, 0, zone(m.tz))
			year = append(year, m)
		}

		sort.SliceStable(year, func(i, j int) bool { return year[i].startsAt.Before(year[j].startsAt) })
		g.yearMeets = append(g.yearMeets, year)
		for _, m := range year {
			m.seq = len(g.meetings)
			m.presidency = g.presidencyAt(m.startsAt)
			g.settleMeeting(m)
			g.meetings = append(g.meetings, m)
		}
	}
}

func semesterKey(t time.Time) [2]int {
	y, s := semesterOf(t)
	return [2]int{y, s}
}

// collides reports whether the register already holds a meeting of this
// level within five days of day (the demo's COSI meetings).
func (g *gen) collides(level string, day time.Time) bool {
	for _, e := range g.existing {
		if e.level == level && e.startsAt.Sub(day).Abs() < 5*24*time.Hour {
			return true
		}
	}
	return false
}

// settleMeeting gives a meeting its history up to now: created by the
// secretariat a month or two ahead, invitations sent, confirmed a few weeks
// before, then held (or, rarely, cancelled).
func (g *gen) settleMeeting(m *meeting) {
	m.createdBy = g.secretariatUser()
	created := m.startsAt.AddDate(0, 0, -between(g.r, 25, 80))
	created = maxTime(created, g.start.AddDate(0, 0, -60))
	created = minTime(created, g.now.Add(-time.Duration(between(g.r, 2, 200))*time.Hour))
	m.createdAt = g.officeTime(created, created.Add(8*time.Hour))
	if m.createdAt.After(g.now) {
		m.createdAt = g.now.Add(-time.Hour)
	}
	m.status = "planned"
	m.invitedAt = minTime(g.minutesLater(m.createdAt, 10, 2*24*60), minTime(g.now, m.startsAt.Add(-time.Hour)))
	if m.invitedAt.Before(m.createdAt) {
		m.invitedAt = m.createdAt
	}
	update := func(at time.Time, to, reason string) {
		at = maxTime(at, m.createdAt.Add(time.Minute))
		if len(m.updates) > 0 {
			at = maxTime(at, m.updates[len(m.updates)-1].at.Add(time.Minute))
		}
		m.updates = append(m.updates, meetingUpdate{at: at, by: g.secretariatUser(), from: m.status, to: to, cancelReason: reason})
		m.status, m.cancelReason = to, reason
	}
	confirmAt := g.officeTime(m.startsAt.AddDate(0, 0, -25), m.startsAt.AddDate(0, 0, -7))
	cancellable := m.level == "technical" || m.level == "cosi_sg"
	if !m.startsAt.After(g.now) && cancellable && chance(g.r, 0.04) {
		if confirmAt.Before(m.startsAt.AddDate(0, 0, -10)) && chance(g.r, 0.5) {
			update(confirmAt, "confirmed", "")
		}
		update(g.officeTime(m.startsAt.AddDate(0, 0, -10), m.startsAt.Add(-2*time.Hour)), "cancelled", pick(g.r, cancelReasons))
		return
	}
	if confirmAt.After(g.now) {
		return
	}
	update(confirmAt, "confirmed", "")
	if heldAt := m.endsAt.Add(time.Duration(between(g.r, 60, 30*60)) * time.Minute); !heldAt.After(g.now) {
		update(heldAt, "held", "")
		m.attendanceAt = heldAt.Add(time.Duration(between(g.r, 1, 30)) * time.Minute)
		if m.attendanceAt.After(g.now) {
			m.attendanceAt = g.now
		}
	}
}

// lastUpdate is when and by whom the meeting row was last written.
func (m *meeting) lastUpdate() (time.Time, *user) {
	if len(m.updates) == 0 {
		return m.createdAt, m.createdBy
	}
	u := m.updates[len(m.updates)-1]
	return u.at, u.by
}

// makeAgendas gives each meeting its agenda (linked to recent notes and
// rounds), the text of its call (CM), its invitations with replies and
// attendance, and minutes for most held meetings.
func (g *gen) makeAgendas() {
	notes := make([]*doc, 0, len(g.docs))
	for _, d := range g.docs {
		if (d.kind == kindOther || d.kind == kindQuestions) && d.series == "ST" {
			notes = append(notes, d)
		}
	}
	sort.SliceStable(notes, func(i, j int) bool { return notes[i].issuedAt.Before(notes[j].issuedAt) })
	rounds := slices.Clone(g.rounds)
	sort.SliceStable(rounds, func(i, j int) bool { return rounds[i].opensAt.Before(rounds[j].opensAt) })

	for _, m := range g.meetings {
		g.agenda(m, notes, rounds)
		g.invite(m)
		g.makeMinutes(m)
		if m.call != nil {
			g.callBody(m)
		}
	}
}

func (g *gen) agenda(m *meeting, notes []*doc, rounds []*round) {
	n := between(g.r, 3, 8)
	last, _ := m.lastUpdate()
	addFrom := m.createdAt.Add(time.Hour)
	addTo := minTime(minTime(m.startsAt, g.now), maxTime(last, addFrom.Add(time.Hour)))
	if m.call != nil {
		addTo = minTime(addTo, m.call.issuedAt)
	}
	if !addTo.After(addFrom) {
		addTo = addFrom.Add(time.Hour)
	}
	before := m.startsAt.AddDate(0, 0, -2)
	sameDialogue := func(d *dlg) bool { return m.dialogue == nil || d == m.dialogue }
	for pos := 1; pos <= n; pos++ {
		it := &agendaItem{pos: pos, kind: "discussion", addedBy: g.secretariatUser()}
		switch {
		case pos == 1:
			it.kind, it.title, it.doc = "concluded", "Adoption of the agenda", m.call
		case pos == n:
			it.kind, it.title = "information", "Any other business"
		default:
			if chance(g.r, 0.4) {
				it.kind = "information"
			}
			switch x := g.r.Float64(); {
			case x < 0.35:
				if d := recentNote(notes, before, sameDialogue, g); d != nil {
					it.doc, it.title = d, d.subject
				}
			case x < 0.55:
				if r := recentRound(rounds, before, sameDialogue, g); r != nil {
					it.round, it.doc = r, r.doc
					it.title = "Replies to the Presidency's questions: " + r.title
				}
			}
			if it.title == "" {
				it.title = subject(g.r)
			}
			if m.dialogue != nil && len(m.dialogue.priorities) > 0 && chance(g.r, 0.3) {
				it.priorities = []int64{pick(g.r, m.dialogue.priorities)}
			}
		}
		it.addedAt = g.officeTime(addFrom, addTo)
		if it.addedAt.After(g.now) {
			it.addedAt = g.now.Add(-time.Minute)
		}
		m.agenda = append(m.agenda, it)
	}
}

// recentNote is one of the last notes issued before t (of the meeting's
// dialogue when it has one), or nil.
func recentNote(notes []*doc, t time.Time, ok func(*dlg) bool, g *gen) *doc {
	i := sort.Search(len(notes), func(i int) bool { return !notes[i].issuedAt.Before(t) })
	var cands []*doc
	for j := i - 1; j >= 0 && j >= i-60 && len(cands) < 8; j-- {
		if notes[j].dialogue != nil && ok(notes[j].dialogue) || notes[j].dialogue == nil && ok(nil) {
			cands = append(cands, notes[j])
		}
	}
	if len(cands) == 0 {
		return nil
	}
	return pick(g.r, cands)
}

func recentRound(rounds []*round, t time.Time, ok func(*dlg) bool, g *gen) *round {
	i := sort.Search(len(rounds), func(i int) bool { return !rounds[i].opensAt.Before(t) })
	var cands []*round
	for j := i - 1; j >= 0 && j >= i-30 && len(cands) < 5; j-- {
		if d := rounds[j].doc.dialogue; d != nil && ok(d) || d == nil && ok(nil) {
			cands = append(cands, rounds[j])
		}
	}
	if len(cands) == 0 {
		return nil
	}
	return pick(g.r, cands)
}

// invite sends the invitations: COSI invites the member states, the
// Commission, the EEAS and the agencies; a dialogue's meetings add its
// partners; expert meetings invite 20 or more of these.
func (g *gen) invite(m *meeting) {
	others := slices.Clone(g.institutions)
	switch {
	case m.level == "cosi_sg":
		others = append(others, g.agencies[0])
	case m.dialogue != nil:
		others = slices.Concat(others, m.dialogue.partners, g.agencies)
	default:
		others = append(others, g.agencies...)
	}
	states := g.memberStates
	if m.level == "technical" {
		// Expert meetings: the member states with an interest, 20 or more
		// delegations in all.
		keep := between(g.r, 20, len(g.memberStates)+len(others)) - len(others)
		perm := g.r.Perm(len(g.memberStates))[:keep]
		slices.Sort(perm)
		states = make([]*delegation, keep)
		for i, p := range perm {
			states[i] = g.memberStates[p]
		}
	}
	invited := slices.Concat(states, others)
	level := map[string]string{"cosi": "senior_official", "cosi_sg": "senior_official", "som": "senior_official",
		"ministerial": "minister", "technical": "expert"}[m.level]
	cancelledAt := time.Time{}
	if m.status == "cancelled" {
		cancelledAt = m.updates[len(m.updates)-1].at
	}
	held := m.status == "held"
	for _, d := range invited {
		inv := &invitation{del: d, reply: "none"}
		replyAt := g.officeTime(m.invitedAt, m.startsAt.Add(-time.Hour))
		canReply := !replyAt.After(g.now) && (cancelledAt.IsZero() || replyAt.Before(cancelledAt))
		if x := g.r.Float64(); canReply && x < 0.88 {
			inv.repliedBy, inv.repliedAt = g.delegationUser(d), replyAt
			if x < 0.8 {
				inv.reply, inv.level = "attending", level
				if chance(g.r, 0.15) {
					inv.level = pick(g.r, []string{"minister", "senior_official", "expert"})
				}
				names := make([]string, between(g.r, 1, 3))
				for i := range names {
					names[i] = personName(g.r)
				}
				inv.attendees = strings.Join(names, ", ")
			} else {
				inv.reply = "declined"
			}
		}
		if held && !m.attendanceAt.IsZero() {
			a := false
			switch inv.reply {
			case "attending":
				a = chance(g.r, 0.95)
			case "none":
				a = chance(g.r, 0.3)
			}
			inv.attended = &a
		}
		m.invitations = append(m.invitations, inv)
	}
}

// makeMinutes writes the minutes of most held meetings: drafted a few days
// after, circulated, then final.
func (g *gen) makeMinutes(m *meeting) {
	if m.status != "held" || !chance(g.r, 0.6) {
		return
	}
	mi := &minutes{by: g.secretariatUser(), status: "draft"}
	mi.savedAt = g.officeTime(m.endsAt.AddDate(0, 0, 2), m.endsAt.AddDate(0, 0, 9))
	if mi.savedAt.After(g.now) {
		return
	}
	var b strings.Builder
	b.WriteString("## Summary record\n\n")
	for _, it := range m.agenda {
		fmt.Fprintf(&b, "### %d. %s\n\n", it.pos, it.title)
		paragraph(g.r, &b)
	}
	mi.body = strings.TrimSpace(b.String())
	mi.lastUpdated = mi.savedAt
	if c := g.officeTime(mi.savedAt.Add(time.Hour), mi.savedAt.AddDate(0, 0, 3)); !c.After(g.now) {
		mi.circulated, mi.status, mi.lastUpdated = c, "circulated", c
		if f := g.officeTime(c.AddDate(0, 0, 5), c.AddDate(0, 0, 20)); !f.After(g.now) {
			mi.finalAt, mi.status, mi.lastUpdated = f, "final", f
		}
	}
	m.minutes = mi
}

// callBody writes the notice of meeting and provisional agenda.
func (g *gen) callBody(m *meeting) {
	var b strings.Builder
	z := zone(m.tz)
	fmt.Fprintf(&b, "## Notice of meeting\n\n%s\n\n", m.title)
	fmt.Fprintf(&b, "Date: %s, %s to %s (%s)\n\n", m.startsAt.In(z).Format("Monday 2 January 2006"),
		m.startsAt.In(z).Format("15:04"), m.endsAt.In(z).Format("15:04"), m.tz)
	if m.city != "" {
		fmt.Fprintf(&b, "Venue: %s, %s\n\n", m.venue, m.city)
	} else {
		b.WriteString("Venue: videoconference\n\n")
	}
	b.WriteString("## Provisional agenda\n\n")
	for _, it := range m.agenda {
		fmt.Fprintf(&b, "%d. %s\n", it.pos, it.title)
	}
	b.WriteString("\n")
	paragraph(g.r, &b)
	m.call.body = strings.TrimSpace(b.String())
}
