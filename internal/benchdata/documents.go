package benchdata

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

const (
	docsPerYear    = 400
	notesPerYear   = 60 // notes with questions, one round each
	revsPerYear    = 40 // REV 1 of earlier documents: 30 ST, 10 WK
	callsPerYear   = 40 // CM: notices of meeting
	wkPerYear      = 80 // 20%, compilations and REVs included
	draftsAtTheEnd = 8
)

// Distribution codes: subject codes with running numbers, and the agencies'
// codes, which have none. rate is the running numbers used per day of the
// year across the whole Council (most are taken by documents outside the
// register), so that numbers look like the real ones: "JAI 1402" in
// November, "COSI 11" in February.
var (
	codePool   = []string{"JAI", "ENFOPOL", "CRIMORG", "RELEX", "IXIM", "CATS", "MIGR", "ASIM", "CORDROGUE", "COPEN", "CT", "CYBER", "FRONT", "MAMA", "COMIX"}
	numberless = []string{"EUROPOL", "EUROJUST", "FRONTEX", "CEPOL"}
	codeRate   = map[string]float64{"JAI": 4.2, "COSI": 0.6, "MED": 0.45, "COLAC": 0.25, "COWEB": 0.3, "ENFOPOL": 1.4,
		"RELEX": 2.6, "MIGR": 0.8, "CT": 0.5, "CYBER": 0.9, "CRIMORG": 0.5}
	dialogueCode = map[string]string{"med": "MED", "clasi": "COLAC", DialogueCode: "COWEB"}
	wpCodes      = map[string]string{"COSI": "COSI", "EMWP": "MIGR", "JAIEX": "JAIEX"}
)

// newDoc starts a document issued at issuedAt by by (its author too).
func (g *gen) newDoc(kind docKind, series string, issuedAt time.Time, by *user) *doc {
	d := &doc{kind: kind, seq: len(g.docs), series: series, issuedAt: issuedAt, date: midnight(issuedAt),
		version: 2, place: "Brussels", lang: "en", marking: "none", docType: "NOTE", sender: "Presidency",
		recips: "Delegations", audience: "delegations", createdBy: by, issuedBy: by}
	d.createdAt = g.officeTime(issuedAt.Add(-5*24*time.Hour), issuedAt.Add(-time.Hour))
	g.docs = append(g.docs, d)
	return d
}

// dress gives a document its distribution: marking, audience, language,
// place, dialogue (unless set), codes, footnotes to come, and whether it
// cites a previous document.
func (g *gen) dress(d *doc) {
	if chance(g.r, 0.6) {
		d.marking = "LIMITE"
	}
	switch x := g.r.Float64(); {
	case x < 0.90:
	case x < 0.97:
		d.lang = "fr"
	case x < 0.99:
		d.lang = "de"
	default:
		d.lang = "es"
	}
	if m := d.date.Month(); (m == time.April || m == time.June || m == time.October) && chance(g.r, 0.5) {
		d.place = "Luxembourg"
	}
	if d.dialogue == nil {
		switch x := g.r.Float64(); {
		case x < 0.35:
			d.dialogue = g.dialogueBy["med"]
		case x < 0.5:
			d.dialogue = g.dialogueBy["clasi"]
		case x < 0.7:
			d.dialogue = g.dialogueBy[DialogueCode]
		}
	}
	switch x := g.r.Float64(); {
	case x < 0.5:
	case x < 0.7:
		d.audience = "member_states"
	case x < 0.9:
		wp := pick(g.r, g.wps)
		d.audience, d.wp, d.recips = "working_party", &wp, wp.name
		if wp.code != "" {
			d.recips = wp.name + " (" + wp.code + ")"
		}
	default:
		d.audience = "named"
		perm := g.r.Perm(len(g.delegations))[:between(g.r, 3, 8)]
		slices.Sort(perm)
		names := make([]string, len(perm))
		for i, p := range perm {
			d.named = append(d.named, g.delegations[p])
			names[i] = g.delegations[p].name
		}
		d.recips = strings.Join(names, ", ")
	}
	if d.audience != "named" && d.dialogue != nil && len(d.dialogue.partners) > 0 && chance(g.r, 0.5) {
		d.named = slices.Clone(d.dialogue.partners)
	}
	g.pickCodes(d)
	if chance(g.r, 0.3) {
		d.nFoot = between(g.r, 1, 3)
	}
	d.wantPrev = chance(g.r, 0.15)
}

// pickCodes chooses 2 to 6 distribution codes; numbers come later (number).
func (g *gen) pickCodes(d *doc) {
	n := between(g.r, 2, 6)
	var codes []string
	add := func(c string) {
		if len(codes) < n && !slices.Contains(codes, c) {
			codes = append(codes, c)
		}
	}
	if d.wp != nil {
		if c, ok := wpCodes[d.wp.code]; ok {
			add(c)
		}
	}
	if chance(g.r, 0.7) {
		add("COSI")
	}
	if d.dialogue != nil {
		add(dialogueCode[d.dialogue.code])
	}
	if chance(g.r, 0.7) {
		add("JAI")
	}
	agencies := 0
	if chance(g.r, 0.25) {
		agencies = between(g.r, 1, 3)
	}
	for len(codes) < n-agencies {
		add(pick(g.r, codePool))
	}
	for _, c := range codes {
		d.codes = append(d.codes, docCode{code: c, number: -1})
	}
	for _, i := range g.r.Perm(len(numberless))[:min(agencies, n-len(codes))] {
		d.codes = append(d.codes, docCode{code: numberless[i]})
	}
}

// fullRoundSubject is the subject of each year's full round (fullRound).
const fullRoundSubject = "Annual review of the EU–Mediterranean dialogue: questions to delegations"

// makeYearDocuments writes bench year k's 400 documents: the calls of its
// meetings, 60 notes with questions and their rounds, the compilations of
// some of those rounds, REVs of earlier documents, and other notes and
// working documents.
func (g *gen) makeYearDocuments(k int) {
	ys, ye := g.yearSpan(k)
	ye = minTime(ye, g.now)
	count := 0

	// Calls: every meeting but expert meetings, and a few of those.
	var calls []*meeting
	for _, m := range g.yearMeets[k] {
		if m.level != "technical" {
			calls = append(calls, m)
		}
	}
	for _, i := range g.r.Perm(len(g.yearMeets[k])) {
		if m := g.yearMeets[k][i]; len(calls) < callsPerYear && m.level == "technical" {
			calls = append(calls, m)
		}
	}
	for _, m := range calls {
		day := midnight(m.startsAt)
		at := g.officeTime(day.AddDate(0, 0, -14), day.AddDate(0, 0, -8))
		if at.Before(g.start) || at.After(g.now) {
			continue
		}
		d := g.newDoc(kindCall, "CM", at, g.secretariatUser())
		d.docType, d.sender, d.dialogue = "NOTICE OF MEETING AND PROVISIONAL AGENDA", "General Secretariat of the Council", m.dialogue
		d.onDate = midnight(m.startsAt.In(zone(m.tz)))
		d.subject = "Notice of meeting and provisional agenda: " + m.title + ", " + m.startsAt.In(zone(m.tz)).Format("2 January 2006")
		if m.level == "cosi" || m.level == "cosi_sg" {
			for _, wp := range g.wps {
				if wp.code == "COSI" {
					d.audience, d.wp, d.recips = "working_party", &wp, wp.name+" (COSI)"
				}
			}
		}
		d.codes = []docCode{{code: "COSI", number: -1}}
		if m.dialogue != nil {
			d.codes = append(d.codes, docCode{code: dialogueCode[m.dialogue.code], number: -1})
		}
		d.codes = append(d.codes, docCode{code: "JAI", number: -1})
		m.call = d
		count++
	}

	// Notes with questions, and their rounds.
	compiled := 0
	for i := range notesPerYear {
		until := ye
		if i == 0 { // the full round (below): in the first half, to be released by the year's end
			until = ys.Add(ye.Sub(ys) / 2)
		}
		at := g.at(g.randomDay(ys, until), 9, 17)
		if k == g.years-1 && i >= notesPerYear-3 {
			// The last notes of all, on which rounds are still open.
			at = g.officeTime(g.now.AddDate(0, 0, -12), g.now.Add(-4*time.Hour))
		}
		if at.After(g.now.Add(-3 * time.Hour)) {
			at = g.now.Add(-3 * time.Hour)
		}
		d := g.newDoc(kindQuestions, "ST", at, g.presidencyUser())
		// A third on the Mediterranean dialogue, whose partners are consulted.
		switch {
		case i%3 == 0:
			d.dialogue = g.dialogueBy["med"]
		case i%6 == 1:
			d.dialogue = g.dialogueBy["clasi"]
		case i%6 == 2 || i%6 == 4:
			d.dialogue = g.dialogueBy[DialogueCode]
		}
		d.subject = pick(g.r, topics) + ": " + pick(g.r, []string{"questions to delegations", "Presidency questions", "consultation of delegations", "exchange of views"})
		g.dress(d)
		if d.audience == "named" { // a round's note goes to every delegation asked
			d.audience, d.named, d.recips = "delegations", nil, "Delegations"
		}
		if d.dialogue != nil && len(d.dialogue.partners) > 0 {
			d.named = slices.Clone(d.dialogue.partners)
		}
		// Each year's first note is the Mediterranean dialogue's annual
		// review, its full round: ten questions to every delegation asked,
		// released once closed. So every dataset, one year or ten, has such
		// a round, and the bench's matrix, compilation and CSV measure the
		// same round shape on each size (on one year the largest had been
		// 32 × 9).
		questions := between(g.r, 3, 10)
		if i == 0 {
			d.fullRound, questions = true, 10
			d.subject = fullRoundSubject
		}
		g.makeQuestions(d, questions)
		var b strings.Builder
		body(g.r, &b, between(g.r, 1200, 3500))
		writeQuestions(&b, d.questions)
		d.body = footnoteMarks(b.String(), d.nFoot)
		count++
		r := g.planRound(d)
		if r.compilation != nil {
			compiled++
			count++
		}
	}

	// REVs come from the other documents: make those first.
	wkOthers := max(0, wkPerYear-compiled-revsPerYear/4)
	stOthers := docsPerYear - count - revsPerYear - wkOthers
	var others []*doc
	for i := range stOthers + wkOthers {
		series := "ST"
		if i >= stOthers {
			series = "WK"
		}
		at := g.at(g.randomDay(ys, ye), 8, 19)
		if at.After(g.now.Add(-time.Hour)) {
			at = g.now.Add(-time.Hour)
		}
		d := g.newDoc(kindOther, series, at, g.presidencyUser())
		switch x := g.r.Float64(); {
		case x < 0.6:
		case x < 0.7:
			d.docType = "I/A ITEM NOTE"
		case x < 0.8:
			d.docType, d.sender = "OUTCOME OF PROCEEDINGS", "General Secretariat of the Council"
			d.onDate = weekday(d.date.AddDate(0, 0, -between(g.r, 3, 10)))
			by := g.secretariatUser()
			d.createdBy, d.issuedBy = by, by
		case x < 0.9:
			d.docType = "REPORT"
		default:
			d.docType, d.sender = "COVER NOTE", pick(g.r, []string{"Commission services", "European External Action Service", "Europol"})
		}
		if series == "WK" && d.docType == "NOTE" && chance(g.r, 0.5) {
			d.docType = "DISCUSSION PAPER"
		}
		d.subject = subject(g.r)
		g.dress(d)
		var b strings.Builder
		body(g.r, &b, between(g.r, 1500, 4500))
		d.body = footnoteMarks(b.String(), d.nFoot)
		others = append(others, d)
	}

	// REV 1 of earlier documents, issued 3 to 30 days after them.
	for _, series := range []string{"ST", "WK"} {
		want := revsPerYear * 3 / 4
		if series == "WK" {
			want = revsPerYear - want
		}
		var cands []*doc
		for _, d := range others {
			if d.series == series && !d.issuedAt.AddDate(0, 0, 31).After(g.now) {
				cands = append(cands, d)
			}
		}
		for _, i := range g.r.Perm(len(cands))[:min(want, len(cands))] {
			g.makeRev(cands[i])
		}
	}
}

// makeRev issues REV 1 of orig: the same reference with REV 1, its codes
// (inherited), footnotes, recipients and text, revised.
func (g *gen) makeRev(orig *doc) {
	at := g.officeTime(orig.issuedAt.AddDate(0, 0, 3), orig.issuedAt.AddDate(0, 0, 30))
	d := g.newDoc(kindRev, orig.series, at, orig.issuedBy)
	d.createdAt = g.officeTime(maxTime(orig.issuedAt.Add(time.Hour), at.AddDate(0, 0, -3)), at.Add(-10*time.Minute))
	d.revision, d.revises = 1, orig
	d.place, d.lang, d.marking, d.docType, d.sender, d.recips = orig.place, orig.lang, orig.marking, orig.docType, orig.sender, orig.recips
	d.onDate, d.subject, d.audience, d.wp, d.dialogue = orig.onDate, orig.subject, orig.audience, orig.wp, orig.dialogue
	d.named = orig.named
	var b strings.Builder
	b.WriteString(orig.body)
	b.WriteString("\n\n## Changes in this revision\n\n")
	paragraph(g.r, &b)
	d.body = strings.TrimSpace(b.String())
}

// makeDrafts adds a few drafts in the making, created in the last two
// months: no number yet, some with their questions.
func (g *gen) makeDrafts() {
	for i := range draftsAtTheEnd {
		created := g.officeTime(g.now.AddDate(0, 0, -60), g.now.Add(-time.Hour))
		d := g.newDoc(kindDraft, "ST", time.Time{}, g.presidencyUser())
		d.createdAt, d.date, d.issuedBy, d.version = created, midnight(created), nil, 1
		d.year = d.date.Year()
		d.subject = subject(g.r)
		g.dress(d)
		d.codes, d.nFoot, d.wantPrev = nil, 0, false
		if i%3 == 0 {
			g.makeQuestions(d, between(g.r, 3, 6))
		}
		var b strings.Builder
		body(g.r, &b, between(g.r, 1000, 4000))
		writeQuestions(&b, d.questions)
		d.body = strings.TrimSpace(b.String())
		t := created
		for range between(g.r, 0, 3) {
			t = g.minutesLater(t, 30, 5*24*60)
			if t.After(g.now) {
				break
			}
			d.edits = append(d.edits, t)
			d.version++
		}
	}
}

var (
	textPrompts = []string{
		"How could %s best contribute to the work of the dialogue?",
		"What are your delegation's experiences with %s, and which good practices would you share?",
		"Which gaps do you see in the current approach to %s, and how should they be addressed?",
		"How should the dialogue articulate with existing initiatives on %s, to seek synergies and avoid overlaps?",
		"Which partners and agencies should be involved in %s, and in what role?",
	}
	choicePrompts = []string{
		"Which of the following options do you consider the most suitable as regards %s?",
		"Which approach to %s should the Presidency pursue?",
	}
	agreementPrompts = []string{
		"Do you agree with the Presidency's proposal on %s as set out above?",
		"Do you support the arrangements proposed for %s, including a meeting at senior officials' level at least once a year?",
	}
	romans = []string{"i)", "ii)", "iii)", "iv)"}
)

func (g *gen) makeQuestions(d *doc, n int) {
	for pos := 1; pos <= n; pos++ {
		q := &question{doc: d, pos: pos}
		theme := pick(g.r, adjectives) + " " + pick(g.r, nouns)
		switch x := g.r.Float64(); {
		case x < 0.4:
			q.kind, q.prompt = "text", fmt.Sprintf(pick(g.r, textPrompts), theme)
		case x < 0.7:
			q.kind, q.prompt = "choice", fmt.Sprintf(pick(g.r, choicePrompts), theme)
			for i := range between(g.r, 2, 4) {
				q.options = append(q.options, &option{q: q, pos: i + 1, label: romans[i],
					body: "a " + pick(g.r, adjectives) + " approach, focusing on " + pick(g.r, nouns) + " " + pick(g.r, preps) + " " + pick(g.r, nouns)})
			}
		default:
			q.kind, q.prompt = "agreement", fmt.Sprintf(pick(g.r, agreementPrompts), theme)
			for _, o := range dialogue.AgreementOptions {
				q.options = append(q.options, &option{q: q, pos: o.Position, label: o.Label, body: o.Body})
			}
		}
		d.questions = append(d.questions, q)
	}
}

func writeQuestions(b *strings.Builder, qs []*question) {
	if len(qs) == 0 {
		return
	}
	b.WriteString("## Questions to delegations\n\nDelegations are invited to reply to the following questions in the portal.\n\n")
	for _, q := range qs {
		fmt.Fprintf(b, "%d. %s\n", q.pos, q.prompt)
		if q.kind == "choice" {
			for _, o := range q.options {
				fmt.Fprintf(b, "   %s %s\n", o.label, o.body)
			}
		}
	}
}

// footnoteMarks puts the footnote marks [^1] .. [^n] at the end of the
// first n paragraphs.
func footnoteMarks(s string, n int) string {
	var b strings.Builder
	rest := s
	for i := 1; i <= n; i++ {
		j := strings.Index(rest, ".\n\n")
		if j < 0 {
			break
		}
		b.WriteString(rest[:j+1])
		fmt.Fprintf(&b, "[^%d]", i)
		rest = rest[j+1:]
	}
	b.WriteString(rest)
	return strings.TrimSpace(b.String())
}

// ref is the document's reference as printed ("5559/26", "WK 123/25",
// "6314/1/22 REV 1").
func (d *doc) ref() string {
	return dialogue.Reference{Series: dialogue.Series(d.series), Number: d.number, Year: d.year, Revision: d.revision}.String()
}

// number gives the issued documents their numbers and running numbers in
// the order of their dates, per series (or code) and year, skipping those
// the register holds already; then REVs take their originals' references
// and codes, and documents their previous document and footnotes.
func (g *gen) number() {
	issued := make([]*doc, 0, len(g.docs))
	for _, d := range g.docs {
		if d.kind != kindDraft {
			issued = append(issued, d)
		}
	}
	sort.SliceStable(issued, func(i, j int) bool {
		if !issued[i].issuedAt.Equal(issued[j].issuedAt) {
			return issued[i].issuedAt.Before(issued[j].issuedAt)
		}
		return issued[i].seq < issued[j].seq
	})
	last := map[refKey]int{}
	lastCode := map[codeKey]int{}
	for _, d := range issued {
		if d.kind == kindRev {
			continue
		}
		d.year = d.date.Year()
		doy := d.date.YearDay()
		var base int
		switch d.series {
		case "ST":
			base = 5000 + doy*30 + g.r.IntN(20)
		case "WK":
			base = 100 + doy*44 + g.r.IntN(30)
		default:
			base = 1000 + doy*14 + g.r.IntN(8)
		}
		key := refKey{series: d.series, year: d.year}
		n := max(base, last[key]+1)
		for g.usedRefs[refKey{d.series, n, d.year}] {
			n++
		}
		d.number, last[key] = n, n
		g.usedRefs[refKey{d.series, n, d.year}] = true
		for i := range d.codes {
			c := &d.codes[i]
			c.year = d.year
			if c.number != -1 {
				continue
			}
			rate, ok := codeRate[c.code]
			if !ok {
				rate = 0.8
			}
			ck := codeKey{code: c.code, year: d.year}
			n := max(1+int(float64(doy)*rate)+g.r.IntN(3), lastCode[ck]+1)
			for g.usedCodes[codeKey{c.code, d.year, n}] {
				n++
			}
			c.number, lastCode[ck] = n, n
			g.usedCodes[codeKey{c.code, d.year, n}] = true
		}
	}
	for i, d := range issued {
		if d.kind == kindRev {
			o := d.revises
			d.number, d.year = o.number, o.year
			for _, c := range o.codes {
				c.inherited = c.number != 0
				d.codes = append(d.codes, c)
			}
			d.prev, d.prevRef, d.footnotes = o.prev, o.prevRef, slices.Clone(o.footnotes)
			continue
		}
		if d.kind == kindCompilation {
			d.prevRef = d.prev.ref()
			continue
		}
		if d.wantPrev && i > 0 {
			lo := max(0, i-300)
			d.prev = issued[lo+g.r.IntN(i-lo)]
			for try := 0; try < 10 && d.prev.dialogue != d.dialogue; try++ {
				d.prev = issued[lo+g.r.IntN(i-lo)]
			}
			d.prevRef = d.prev.ref()
		}
		for range d.nFoot {
			if i > 0 && chance(g.r, 0.5) {
				d.footnotes = append(d.footnotes, issued[max(0, i-500)+g.r.IntN(min(i, 500))].ref())
			} else {
				y := d.year - between(g.r, 0, 8)
				d.footnotes = append(d.footnotes, fmt.Sprintf("OJ L %d, %d.%d.%d, p. %d.",
					between(g.r, 1, 330), between(g.r, 1, 28), between(g.r, 1, 12), y, between(g.r, 1, 120)))
			}
		}
	}
}
