package benchdata

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

var (
	extensionReasons = []string{
		"Coordination between national ministries is still under way.",
		"The reply awaits the outcome of parliamentary scrutiny.",
		"National elections: the new government is being formed.",
		"Requested at the COSI meeting; agreed by the Presidency.",
	}
	replyOpeners = []string{
		"supports the proposal", "broadly agrees with the approach set out in the note",
		"has doubts about the proposed timing", "would welcome further clarification from the Presidency",
		"can support this option, subject to the comments below", "notes the proposal with interest",
		"prefers a gradual approach", "recalls its earlier written comments",
	}
	proxySources = []string{"email", "note_verbale", "letter", "meeting"}
)

// planRound opens a round on a note the day it is issued: the member states
// are consulted, and the partners of the note's dialogue when it has any;
// the deadline falls two or three weeks later at 18:00 Brussels time. A
// round whose deadline has passed is closed a few days later; most are
// released, and half of those compiled into a WK document.
func (g *gen) planRound(d *doc) *round {
	r := &round{doc: d, title: d.subject, createdBy: d.issuedBy, audience: "presidency"}
	r.createdAt = minTime(g.minutesLater(d.issuedAt, 5, 90), g.now.Add(-time.Minute))
	r.opensAt = r.createdAt
	deadlineDay := weekday(midnight(d.issuedAt).AddDate(0, 0, between(g.r, 14, 21)))
	r.deadline = dayAt(deadlineDay, 18, 0, dialogue.Brussels)
	if chance(g.r, 0.1) {
		r.deadline = dayAt(deadlineDay, 12, 0, dialogue.Brussels)
	}
	asked := g.memberStates
	if d.dialogue != nil {
		asked = slices.Concat(asked, d.dialogue.partners)
	}
	latest := r.deadline
	for _, del := range asked {
		rd := &roundDel{del: del}
		if chance(g.r, 0.02) {
			at := g.officeTime(r.deadline.AddDate(0, 0, -3), r.deadline.Add(-time.Hour))
			if !at.After(g.now) {
				rd.extendedAt, rd.extendedBy, rd.reason = at, g.presidencyUser(), pick(g.r, extensionReasons)
				rd.extendedUntil = dayAt(weekday(deadlineDay.AddDate(0, 0, between(g.r, 2, 7))), 18, 0, dialogue.Brussels)
				latest = maxTime(latest, rd.extendedUntil)
			}
		}
		r.dels = append(r.dels, rd)
	}
	g.rounds = append(g.rounds, r)

	closeAt := g.officeTime(latest.Add(time.Hour), latest.AddDate(0, 0, 4))
	if closeAt.After(g.now) {
		return r
	}
	r.closedAt = closeAt
	if !chance(g.r, 0.7) && !d.fullRound {
		return r
	}
	releaseAt := g.officeTime(closeAt.AddDate(0, 0, 1), closeAt.AddDate(0, 0, 10))
	if releaseAt.After(g.now) {
		return r
	}
	r.releasedAt, r.audience = releaseAt, "member_states"
	if d.dialogue != nil && len(d.dialogue.partners) > 0 && chance(g.r, 0.5) {
		r.audience = "member_states_partners"
	}
	if !chance(g.r, 0.5) {
		return r
	}
	compileAt := g.officeTime(releaseAt.Add(time.Hour), releaseAt.AddDate(0, 0, 5))
	if compileAt.After(g.now) {
		return r
	}
	// As IssueCompilation does: a WK note with the note's marking and
	// dialogue, citing it, for the audience the replies were released to.
	c := g.newDoc(kindCompilation, "WK", compileAt, pick(g.r, []*user{r.createdBy, g.presidencyUser()}))
	c.createdAt, c.version, c.prev = compileAt, 1, d
	c.marking, c.dialogue, c.subject = d.marking, d.dialogue, "Compilation of replies: "+d.subject
	c.audience = "member_states"
	if r.audience == "member_states_partners" {
		c.audience = "delegations"
		c.named = slices.Clone(d.dialogue.partners)
	}
	r.compilation, r.compiledAt = c, compileAt
	return r
}

// makePositions writes the replies: every delegation asked answers every
// question (a few stay silent), in one to four sittings before its
// deadline; each sitting saves a revision of the replies it touches, the
// last the final one. A few replies come late by e-mail or note verbale and
// are recorded by the secretariat, flagged late.
func (g *gen) makePositions() {
	for _, r := range g.rounds {
		for _, rd := range r.dels {
			if chance(g.r, 0.03) {
				continue // this delegation never replies
			}
			until := rd.until(r)
			from, to := r.opensAt.Add(30*time.Minute), until.Add(-30*time.Minute)
			var s int
			switch x := g.r.Float64(); {
			case x < 0.2:
				s = 1
			case x < 0.5:
				s = 2
			case x < 0.8:
				s = 3
			default:
				s = 4
			}
			sittings := make([]time.Time, s)
			authors := make([]*user, s)
			for i := range sittings {
				sittings[i] = g.officeTime(from, to)
				authors[i] = g.delegationUser(rd.del)
			}
			slices.SortFunc(sittings, func(a, b time.Time) int { return a.Compare(b) })
			for _, q := range r.doc.questions {
				if chance(g.r, 0.02) {
					continue
				}
				nrev := s
				if !chance(g.r, 0.7) {
					nrev = between(g.r, 1, s)
				}
				p := g.reply(r, rd, q, sittings[s-nrev:], authors[s-nrev:])
				if p == nil {
					continue
				}
				if !r.closedAt.IsZero() && chance(g.r, 0.005) && r.closedAt.Sub(until) > 3*time.Hour {
					g.lateProxy(p, until, r.closedAt)
				}
				r.positions = append(r.positions, p)
				g.positions = append(g.positions, p)
			}
		}
	}
}

// reply is one delegation's reply to one question, saved at the given
// times (those after now are not saved yet); nil when nothing is saved.
func (g *gen) reply(r *round, rd *roundDel, q *question, times []time.Time, authors []*user) *position {
	final := "submitted"
	switch x := g.r.Float64(); {
	case x < 0.89:
	case x < 0.93:
		final = "no_position"
	case x < 0.96:
		final = "scrutiny_reservation"
	default:
		final = "draft"
	}
	var opt *option
	if len(q.options) > 0 {
		// Earlier options are chosen more often, as the Presidency's
		// preferred option usually comes first.
		i := min(g.r.IntN(len(q.options)), g.r.IntN(len(q.options)+1))
		opt = q.options[min(i, len(q.options)-1)]
	}
	var b strings.Builder
	b.WriteString(rd.del.name)
	b.WriteByte(' ')
	b.WriteString(pick(g.r, replyOpeners))
	b.WriteString(". ")
	for range between(g.r, 1, 4) {
		sentence(g.r, &b)
	}
	full := strings.TrimSpace(b.String())

	p := &position{round: r, q: q, del: rd.del}
	n := len(times)
	for i, at := range times {
		at = at.Add(time.Duration(q.pos*between(g.r, 20, 90)) * time.Second)
		if len(p.revs) > 0 {
			at = maxTime(at, p.last().at.Add(time.Minute)) // sittings a few seconds apart
		}
		if !at.Before(rd.until(r)) || !at.Before(g.now) {
			break
		}
		rv := revision{at: at, author: authors[i], status: "draft"}
		lastOne := i == n-1
		switch {
		case lastOne:
			rv.status = final
		case chance(g.r, 0.2):
			rv.status = "submitted"
		}
		switch rv.status {
		case "submitted":
			rv.option = opt
			rv.body = full
			if !lastOne {
				rv.body = prefix(full, 0.6)
			}
			if q.kind == "choice" && chance(g.r, 0.4) {
				rv.body = "" // a choice needs no comment
			}
		case "draft":
			rv.body = prefix(full, float64(i+1)/float64(n+1))
			if chance(g.r, 0.5) {
				rv.option = opt
			}
		case "no_position":
			rv.body = "No position yet: consultations within the national administration are still under way."
		case "scrutiny_reservation":
			rv.body = "Parliamentary scrutiny reservation: the national parliament has not yet examined the proposal."
		}
		if rv.status == "submitted" && q.kind != "choice" && rv.body == "" {
			rv.body = full
		}
		p.revs = append(p.revs, rv)
	}
	if len(p.revs) == 0 {
		return nil
	}
	return p
}

// prefix is the first part of s (about frac of it), cut after a word.
func prefix(s string, frac float64) string {
	n := int(float64(len(s)) * frac)
	if n >= len(s) {
		return s
	}
	if i := strings.LastIndexByte(s[:n], ' '); i > 0 {
		return s[:i]
	}
	return s
}

// lateProxy records a late reply received outside the portal: the
// secretariat enters it after the delegation's deadline, flagged late.
func (g *gen) lateProxy(p *position, until, closed time.Time) {
	rv := revision{status: "submitted", late: true, author: g.secretariatUser(), proxy: pick(g.r, proxySources),
		at: g.officeTime(until.Add(time.Hour), closed.Add(-time.Hour))}
	prev := p.last()
	rv.option, rv.body = prev.option, prev.body
	if rv.body == "" {
		rv.body = p.del.name + " sent its reply by " + strings.ReplaceAll(rv.proxy, "_", " ") + "."
	}
	if len(p.q.options) > 0 && rv.option == nil {
		rv.option = p.q.options[0]
	}
	if len(p.revs) == 4 {
		p.revs[3] = rv
	} else {
		p.revs = append(p.revs, rv)
	}
}

// compile writes the Presidency's summaries of released rounds and the
// text of their compilations, from the final replies.
func (g *gen) compile() {
	for _, r := range g.rounds {
		if r.releasedAt.IsZero() {
			continue
		}
		qs := r.doc.questions
		byQ := make([][]*position, len(qs))
		for _, p := range r.positions {
			byQ[p.q.pos-1] = append(byQ[p.q.pos-1], p)
		}
		for i, q := range qs {
			tally := map[*option]int{}
			replied := 0
			for _, p := range byQ[i] {
				l := p.last()
				if l.status != "draft" {
					replied++
				}
				if l.status == "submitted" && l.option != nil {
					tally[l.option]++
				}
			}
			var b strings.Builder
			fmt.Fprintf(&b, "%d of the %d delegations consulted replied.", replied, len(r.dels))
			if len(q.options) > 0 {
				b.WriteString(" Choices:")
				for j, o := range q.options {
					if j > 0 {
						b.WriteByte(',')
					}
					fmt.Fprintf(&b, " %s %d", o.label, tally[o])
				}
				b.WriteByte('.')
			}
			b.WriteByte(' ')
			b.WriteString(sentences(g.r, between(g.r, 1, 3)))
			r.summaries = append(r.summaries, summary{q: q, body: b.String(), by: r.createdBy,
				at: g.officeTime(r.closedAt, r.releasedAt)})
		}
		if r.compilation != nil {
			r.compilation.body = compilationBody(r, byQ)
		}
	}
}

func compilationBody(r *round, byQ [][]*position) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Replies of delegations to the questions of %s (%s), in protocol order.\n\n", r.doc.ref(), r.doc.subject)
	for i, q := range r.doc.questions {
		fmt.Fprintf(&b, "## Question %d\n\n%s\n\n", q.pos, q.prompt)
		got := map[*delegation]*position{}
		for _, p := range byQ[i] {
			got[p.del] = p
		}
		var silent []string
		for _, rd := range r.dels {
			p := got[rd.del]
			if p == nil || p.last().status == "draft" {
				silent = append(silent, rd.del.name)
				continue
			}
			l := p.last()
			fmt.Fprintf(&b, "**%s**", rd.del.name)
			switch {
			case l.status == "no_position":
				b.WriteString(": no position yet.")
			case l.status == "scrutiny_reservation":
				b.WriteString(": scrutiny reservation.")
			case l.option != nil:
				fmt.Fprintf(&b, " (%s %s)", l.option.label, l.option.body)
			}
			if l.body != "" && l.status == "submitted" {
				b.WriteString(": ")
				b.WriteString(l.body)
			}
			b.WriteString("\n\n")
		}
		if len(silent) > 0 {
			fmt.Fprintf(&b, "No reply: %s.\n\n", strings.Join(silent, ", "))
		}
		if i < len(r.summaries) {
			fmt.Fprintf(&b, "Presidency summary: %s\n\n", r.summaries[i].body)
		}
	}
	return strings.TrimSpace(b.String())
}
