package benchdata

import (
	"encoding/json"
	"slices"
	"time"
)

// assignIDs numbers the rows in the order they were created, from the first
// free id of each table, and puts the slices in that order (the order they
// are written in).
func (g *gen) assignIDs() {
	next := func(table string) int64 {
		id := g.nextID[table]
		g.nextID[table]++
		return id
	}
	for _, u := range g.users {
		u.id = next("users")
	}
	slices.SortStableFunc(g.docs, func(a, b *doc) int {
		if c := a.createdAt.Compare(b.createdAt); c != 0 {
			return c
		}
		return a.seq - b.seq
	})
	for _, d := range g.docs {
		d.id = next("documents")
	}
	for _, d := range g.docs {
		for _, q := range d.questions {
			q.id = next("questions")
			for _, o := range q.options {
				o.id = next("question_options")
			}
		}
	}
	slices.SortStableFunc(g.rounds, func(a, b *round) int { return a.createdAt.Compare(b.createdAt) })
	for _, r := range g.rounds {
		r.id = next("rounds")
	}
	slices.SortStableFunc(g.positions, func(a, b *position) int { return a.revs[0].at.Compare(b.revs[0].at) })
	for _, p := range g.positions {
		p.id = next("positions")
	}
	slices.SortStableFunc(g.meetings, func(a, b *meeting) int {
		if c := a.createdAt.Compare(b.createdAt); c != 0 {
			return c
		}
		return a.seq - b.seq
	})
	var items []*agendaItem
	for _, m := range g.meetings {
		m.id = next("meetings")
		items = append(items, m.agenda...)
	}
	slices.SortStableFunc(items, func(a, b *agendaItem) int { return a.addedAt.Compare(b.addedAt) })
	for _, it := range items {
		it.id = next("agenda_items")
	}
}

// makeAudit writes the audit log the portal would have written for all of
// this, one record per write, with the same actions and details as the
// store's, then the sign-ins (and some failed attempts and sign-outs) of
// every user on every day they worked.
func (g *gen) makeAudit() {
	add := func(at time.Time, u *user, action, objType string, objID int64, detail map[string]any) {
		b := []byte("{}")
		if len(detail) > 0 {
			var err error
			if b, err = json.Marshal(detail); err != nil {
				panic(err) // maps of plain values always marshal
			}
		}
		g.audit = append(g.audit, &auditRow{at: at, user: u, action: action, objType: objType, objID: objID, detail: b})
	}
	for _, u := range g.users {
		code := ""
		if u.del != nil {
			code = u.del.code
		}
		add(u.createdAt, u.createdBy, "user.create", "user", u.id,
			map[string]any{"email": u.email, "role": u.role, "delegation": code, "manager": u.manager})
	}
	for _, d := range g.docs {
		switch d.kind {
		case kindCompilation:
			continue // round.compile records it
		case kindRev:
			add(d.createdAt, d.createdBy, "document.revise", "document", d.id,
				map[string]any{"revises": d.revises.id, "revises_reference": d.revises.ref(), "reference": d.ref()})
		default:
			ref := ""
			if d.number != 0 {
				ref = d.ref()
			}
			add(d.createdAt, d.createdBy, "document.create", "document", d.id,
				map[string]any{"reference": ref, "subject": d.subject, "questions": len(d.questions)})
		}
		for i, t := range d.edits {
			add(t, d.createdBy, "document.update", "document", d.id,
				map[string]any{"version": i + 2, "reference": "", "subject": d.subject})
		}
		if !d.issuedAt.IsZero() {
			add(d.issuedAt, d.issuedBy, "document.issue", "document", d.id,
				map[string]any{"reference": d.ref(), "version": d.version})
		}
	}
	for _, r := range g.rounds {
		add(r.createdAt, r.createdBy, "round.create", "round", r.id,
			map[string]any{"document": r.doc.id, "opens_at": r.opensAt, "deadline": r.deadline, "delegations": len(r.dels)})
		for _, rd := range r.dels {
			if !rd.extendedAt.IsZero() {
				add(rd.extendedAt, rd.extendedBy, "round.extend", "round", r.id,
					map[string]any{"delegation": rd.del.id, "until": rd.extendedUntil, "reason": rd.reason})
			}
		}
		if !r.closedAt.IsZero() {
			add(r.closedAt, r.createdBy, "round.close", "round", r.id, nil)
		}
		for _, s := range r.summaries {
			add(s.at, s.by, "round.summary", "round", r.id, map[string]any{"question": s.q.id, "version": 1})
		}
		if !r.releasedAt.IsZero() {
			add(r.releasedAt, r.createdBy, "round.release", "round", r.id, map[string]any{"audience": r.audience})
		}
		if c := r.compilation; c != nil {
			add(c.issuedAt, c.issuedBy, "round.compile", "round", r.id,
				map[string]any{"document": c.id, "reference": c.ref(), "audience": c.audience})
		}
	}
	for _, p := range g.positions {
		for i, rv := range p.revs {
			action := "position.save"
			if rv.proxy != "" {
				action = "position.record_proxy"
			}
			add(rv.at, rv.author, action, "position", p.id, map[string]any{"round": p.round.id, "question": p.q.id,
				"delegation": p.del.id, "revision": i + 1, "status": rv.status, "late": rv.late})
		}
	}
	for _, m := range g.meetings {
		add(m.createdAt, m.createdBy, "meeting.create", "meeting", m.id,
			map[string]any{"title": m.title, "level": m.level, "starts_at": m.startsAt, "status": "planned"})
		add(m.invitedAt, m.createdBy, "meeting.invitations", "meeting", m.id,
			map[string]any{"invited": len(m.invitations), "added": len(m.invitations), "removed": []int64{}})
		for _, it := range m.agenda {
			add(it.addedAt, it.addedBy, "meeting.agenda_add", "meeting", m.id,
				map[string]any{"item": it.id, "position": it.pos, "title": it.title, "kind": it.kind})
		}
		for i, u := range m.updates {
			changed := []string{"status"}
			if u.cancelReason != "" {
				changed = append(changed, "cancel_reason")
			}
			add(u.at, u.by, "meeting.update", "meeting", m.id, map[string]any{"version": i + 2, "changed": changed, "status": u.to})
		}
		for _, inv := range m.invitations {
			if inv.reply != "none" {
				add(inv.repliedAt, inv.repliedBy, "meeting.reply", "meeting", m.id,
					map[string]any{"delegation": inv.del.id, "reply": inv.reply, "level": inv.level})
			}
		}
		if !m.attendanceAt.IsZero() {
			present := 0
			for _, inv := range m.invitations {
				if inv.attended != nil && *inv.attended {
					present++
				}
			}
			add(m.attendanceAt, m.createdBy, "meeting.attendance", "meeting", m.id,
				map[string]any{"recorded": len(m.invitations), "attended": present})
		}
		if mi := m.minutes; mi != nil {
			add(mi.savedAt, mi.by, "meeting.minutes_save", "meeting", m.id,
				map[string]any{"version": 1, "status": "draft", "new_version": true})
			if !mi.circulated.IsZero() {
				add(mi.circulated, mi.by, "meeting.minutes_status", "meeting", m.id,
					map[string]any{"version": 1, "from": "draft", "to": "circulated"})
			}
			if !mi.finalAt.IsZero() {
				add(mi.finalAt, mi.by, "meeting.minutes_status", "meeting", m.id,
					map[string]any{"version": 1, "from": "circulated", "to": "final"})
			}
		}
	}

	// Sign-ins: one session per user and working day, opened a few minutes
	// before the day's first write; a few after a failed attempt, and a
	// quarter closed by signing out.
	type session struct {
		u           *user
		first, last time.Time
	}
	var sessions []*session
	byDay := map[[2]int64]*session{}
	for _, a := range g.audit {
		if a.user == nil {
			continue
		}
		y, m, d := a.at.In(zone("Europe/Brussels")).Date()
		key := [2]int64{a.user.id, int64(y*10000 + int(m)*100 + d)}
		s := byDay[key]
		if s == nil {
			s = &session{u: a.user, first: a.at, last: a.at}
			byDay[key] = s
			sessions = append(sessions, s)
		}
		s.first, s.last = minTime(s.first, a.at), maxTime(s.last, a.at)
	}
	for _, s := range sessions {
		in := s.first.Add(-time.Duration(between(g.r, 60, 900)) * time.Second)
		if chance(g.r, 0.03) {
			g.audit = append(g.audit, &auditRow{at: in.Add(-time.Duration(between(g.r, 10, 120)) * time.Second),
				actor: s.u.email, addr: s.u.addr, action: "auth.sign_in_failed", objType: "user", objID: s.u.id,
				detail: mustJSON(map[string]any{"email": s.u.email, "reason": "wrong password"})})
		}
		add(in, s.u, "auth.sign_in", "user", s.u.id, map[string]any{"email": s.u.email, "reason": ""})
		if out := s.last.Add(time.Duration(between(g.r, 5, 60)) * time.Minute); chance(g.r, 0.25) && out.Before(g.now) {
			add(out, s.u, "auth.sign_out", "user", s.u.id, nil)
		}
	}

	for _, a := range g.audit {
		if a.user != nil {
			a.actor, a.addr = a.user.email, a.user.addr
		} else if a.actor == "" {
			a.actor = "cli:admin"
		}
	}
	slices.SortStableFunc(g.audit, func(a, b *auditRow) int { return a.at.Compare(b.at) })
	for _, a := range g.audit {
		a.id = g.nextID["audit_log"]
		g.nextID["audit_log"]++
	}
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
