package benchdata

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// write copies the dataset into the database, table by table in the order
// of their foreign keys, each with one COPY. COPY writes the ids we give
// into the identity columns (COPY FROM always takes the values given, as
// INSERT ... OVERRIDING SYSTEM VALUE would), and leaves the generated
// search columns to PostgreSQL. The sequences are then moved past the new
// ids, so that the portal's own inserts go on from there.
//
// Foreign keys and checks stay enforced (the big tables' are checked in
// bulk, see bulkRows): bad generated data fails the load instead of
// entering the database. Only the deadline trigger of position_revisions is
// set aside (see below).
func (g *gen) write(ctx context.Context, tx pgx.Tx) ([]TableCount, error) {
	// Index builds below get the memory they need to sort in one go.
	if _, err := tx.Exec(ctx, `SET LOCAL maintenance_work_mem = '256MB'`); err != nil {
		return nil, err
	}
	counts := []TableCount{
		{"dialogues", 1}, {"dialogue_participants", len(g.agencies)}, {"priorities", len(benchPriorities)},
		{"presidencies", len(g.newPres)},
	}
	put := func(table string, cols []string, n int, row func(i int) []any) error {
		start := time.Now()
		var restore []string
		if n >= bulkRows {
			var err error
			if restore, err = setAside(ctx, tx, table); err != nil {
				return err
			}
		}
		got, err := tx.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromSlice(n, func(i int) ([]any, error) {
			return row(i), nil
		}))
		if err != nil {
			return fmt.Errorf("copy %s: %w", table, err)
		}
		copied := time.Since(start)
		if len(restore) > 0 {
			// Statistics first, so that checking the keys joins sensibly.
			if _, err := tx.Exec(ctx, `ANALYZE `+pgx.Identifier{table}.Sanitize()); err != nil {
				return err
			}
		}
		for _, sql := range restore {
			if _, err := tx.Exec(ctx, sql); err != nil {
				return fmt.Errorf("%s: %w", sql, err)
			}
		}
		counts = append(counts, TableCount{table, int(got)})
		g.log.Debug("benchdata: copied", "table", table, "rows", got, "copy", copied.Round(time.Millisecond),
			"elapsed", time.Since(start).Round(time.Millisecond))
		return nil
	}

	if err := put("users", []string{"id", "email", "name", "role", "delegation_id", "is_manager", "password_hash",
		"created_at", "updated_at"}, len(g.users), func(i int) []any {
		u := g.users[i]
		var del any
		if u.del != nil {
			del = u.del.id
		}
		return []any{u.id, u.email, u.name, u.role, del, u.manager, g.hash, u.createdAt, u.createdAt}
	}); err != nil {
		return nil, err
	}

	if err := put("documents", []string{"id", "series", "number", "year", "revision", "doc_date", "place",
		"original_language", "marking", "doc_type", "sender", "recipients", "on_date", "previous_reference",
		"previous_document_id", "revises_id", "subject", "body_md", "status", "audience", "working_party_id",
		"dialogue_id", "version", "created_by", "created_at", "updated_at", "issued_at", "issued_by"},
		len(g.docs), func(i int) []any {
			d := g.docs[i]
			var number, onDate, wp, dlg any
			status, updated := "issued", d.issuedAt
			if d.number != 0 {
				number = d.number
			}
			if d.kind == kindDraft {
				status, updated = "draft", d.createdAt
				if len(d.edits) > 0 {
					updated = d.edits[len(d.edits)-1]
				}
			}
			if !d.onDate.IsZero() {
				onDate = dateOnly(d.onDate)
			}
			if d.wp != nil {
				wp = d.wp.id
			}
			if d.dialogue != nil {
				dlg = d.dialogue.id
			}
			return []any{d.id, d.series, number, d.year, d.revision, dateOnly(d.date), d.place, d.lang, d.marking,
				d.docType, d.sender, d.recips, onDate, d.prevRef, docID(d.prev), docID(d.revises), d.subject, d.body,
				status, d.audience, wp, dlg, d.version, userID(d.createdBy), d.createdAt, updated,
				nullTime(d.issuedAt), userID(d.issuedBy)}
		}); err != nil {
		return nil, err
	}

	var codes, feet, recips, questions, options [][]any
	for _, d := range g.docs {
		for i, c := range d.codes {
			var n any
			if c.number != 0 {
				n = c.number
			}
			codes = append(codes, []any{d.id, i + 1, c.code, n, c.year, c.inherited})
		}
		for i, f := range d.footnotes {
			feet = append(feet, []any{d.id, i + 1, f})
		}
		for _, del := range d.named {
			recips = append(recips, []any{d.id, del.id})
		}
		for _, q := range d.questions {
			questions = append(questions, []any{q.id, d.id, q.pos, q.kind, q.prompt})
			for _, o := range q.options {
				options = append(options, []any{o.id, q.id, o.pos, o.label, o.body})
			}
		}
	}
	for _, t := range []struct {
		table string
		cols  []string
		rows  [][]any
	}{
		{"document_codes", []string{"document_id", "position", "code", "number", "year", "inherited"}, codes},
		{"document_footnotes", []string{"document_id", "n", "body"}, feet},
		{"document_recipients", []string{"document_id", "delegation_id"}, recips},
		{"questions", []string{"id", "document_id", "position", "kind", "prompt"}, questions},
		{"question_options", []string{"id", "question_id", "position", "label", "body"}, options},
	} {
		if err := put(t.table, t.cols, len(t.rows), func(i int) []any { return t.rows[i] }); err != nil {
			return nil, err
		}
	}

	if err := put("rounds", []string{"id", "document_id", "title", "opens_at", "deadline", "closed_at", "released_at",
		"release_audience", "compilation_document_id", "created_by", "created_at"}, len(g.rounds), func(i int) []any {
		r := g.rounds[i]
		return []any{r.id, r.doc.id, r.title, r.opensAt, r.deadline, nullTime(r.closedAt), nullTime(r.releasedAt),
			r.audience, docID(r.compilation), userID(r.createdBy), r.createdAt}
	}); err != nil {
		return nil, err
	}
	var rds, sums [][]any
	for _, r := range g.rounds {
		for _, rd := range r.dels {
			rds = append(rds, []any{r.id, rd.del.id, nullTime(rd.extendedUntil), userID(rd.extendedBy), rd.reason})
		}
		for _, s := range r.summaries {
			sums = append(sums, []any{r.id, s.q.id, s.body, 1, userID(s.by), s.at})
		}
	}
	if err := put("round_delegations", []string{"round_id", "delegation_id", "extended_until", "extended_by",
		"extension_reason"}, len(rds), func(i int) []any { return rds[i] }); err != nil {
		return nil, err
	}
	if err := put("round_summaries", []string{"round_id", "question_id", "body", "version", "updated_by", "updated_at"},
		len(sums), func(i int) []any { return sums[i] }); err != nil {
		return nil, err
	}
	if err := put("positions", []string{"id", "round_id", "question_id", "delegation_id", "revision", "status",
		"option_id", "body", "late", "updated_at", "proxy_source", "author_id"}, len(g.positions), func(i int) []any {
		p := g.positions[i]
		l := p.last()
		return []any{p.id, p.round.id, p.q.id, p.del.id, len(p.revs), l.status, optionID(l.option), l.body,
			l.late, l.at, nullString(l.proxy), userID(l.author)}
	}); err != nil {
		return nil, err
	}

	// The deadline trigger refuses, at commit, a revision stamped more than
	// a minute before (migration 000011): it would refuse every reply of
	// the past. It is disabled for the load, inside this
	// transaction, and enabled again before the commit. ALTER TABLE is
	// transactional, so no other session ever sees it disabled (it waits on
	// the table's lock), and if the load fails the rollback restores it.
	// That is narrower than session_replication_role = replica, which would
	// skip every trigger, the foreign keys' included, and needs a superuser.
	// Our revisions keep the rule anyway: saved while the round was open,
	// before the delegation's deadline, or recorded late by the secretariat
	// and flagged late.
	if _, err := tx.Exec(ctx, `ALTER TABLE position_revisions DISABLE TRIGGER position_revisions_deadline`); err != nil {
		return nil, err
	}
	var nrev int
	for _, p := range g.positions {
		nrev += len(p.revs)
	}
	pi, ri := 0, 0
	if err := put("position_revisions", []string{"position_id", "revision", "status", "option_id", "body", "late",
		"author_id", "proxy_source", "created_at"}, nrev, func(int) []any {
		p := g.positions[pi]
		rv := p.revs[ri]
		row := []any{p.id, ri + 1, rv.status, optionID(rv.option), rv.body, rv.late, userID(rv.author),
			nullString(rv.proxy), rv.at}
		if ri++; ri == len(p.revs) {
			pi, ri = pi+1, 0
		}
		return row
	}); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `ALTER TABLE position_revisions ENABLE TRIGGER position_revisions_deadline`); err != nil {
		return nil, err
	}

	if err := put("meetings", []string{"id", "dialogue_id", "level", "title", "starts_at", "ends_at", "time_zone",
		"venue", "city", "format", "presidency_id", "status", "cancel_reason", "back_to_back_id", "note", "version",
		"updated_by", "updated_at"}, len(g.meetings), func(i int) []any {
		m := g.meetings[i]
		at, by := m.lastUpdate()
		return []any{m.id, dialogueID(m.dialogue), m.level, m.title, m.startsAt, m.endsAt, m.tz, m.venue, m.city,
			m.format, nullID(m.presidency), m.status, m.cancelReason, meetingID(m.b2b), m.note, 1 + len(m.updates),
			userID(by), at}
	}); err != nil {
		return nil, err
	}
	var hist, items, prios, invs, mins [][]any
	for _, m := range g.meetings {
		for i, u := range m.updates {
			hist = append(hist, []any{m.id, i + 1, m.snapshot(i), userID(u.by), u.at})
		}
		for _, it := range m.agenda {
			var round any
			if it.round != nil {
				round = it.round.id
			}
			items = append(items, []any{it.id, m.id, it.pos, it.kind, it.title, docID(it.doc), round})
			for _, p := range it.priorities {
				prios = append(prios, []any{it.id, p})
			}
		}
		for _, inv := range m.invitations {
			var level, attended any
			if inv.level != "" {
				level = inv.level
			}
			if inv.attended != nil {
				attended = *inv.attended
			}
			invs = append(invs, []any{m.id, inv.del.id, inv.reply, level, inv.attendees, attended,
				userID(inv.repliedBy), nullTime(inv.repliedAt)})
		}
		if mi := m.minutes; mi != nil {
			mins = append(mins, []any{m.id, 1, mi.status, mi.body, userID(mi.by), mi.lastUpdated})
		}
	}
	for _, t := range []struct {
		table string
		cols  []string
		rows  [][]any
	}{
		{"meeting_history", []string{"meeting_id", "version", "snapshot", "changed_by", "changed_at"}, hist},
		{"agenda_items", []string{"id", "meeting_id", "position", "kind", "title", "document_id", "round_id"}, items},
		{"agenda_item_priorities", []string{"agenda_item_id", "priority_id"}, prios},
		{"meeting_invitations", []string{"meeting_id", "delegation_id", "reply", "level", "attendees", "attended",
			"replied_by", "replied_at"}, invs},
		{"minutes", []string{"meeting_id", "version", "status", "body_md", "updated_by", "updated_at"}, mins},
	} {
		if err := put(t.table, t.cols, len(t.rows), func(i int) []any { return t.rows[i] }); err != nil {
			return nil, err
		}
	}

	if err := put("audit_log", []string{"id", "at", "user_id", "actor", "action", "object_type", "object_id",
		"detail", "remote_addr"}, len(g.audit), func(i int) []any {
		a := g.audit[i]
		return []any{a.id, a.at, userID(a.user), a.actor, a.action, a.objType, nullID(a.objID), a.detail, a.addr}
	}); err != nil {
		return nil, err
	}

	for _, t := range identityTables {
		q := `SELECT setval(pg_get_serial_sequence($1, 'id'), max(id)) FROM ` + pgx.Identifier{t}.Sanitize() + ` HAVING max(id) IS NOT NULL`
		if _, err := tx.Exec(ctx, q, t); err != nil {
			return nil, fmt.Errorf("sequence of %s: %w", t, err)
		}
	}
	return counts, nil
}

// bulkRows is the size of a load from which a table's plain indexes and
// foreign keys are set aside during the COPY and put back afterwards.
// Building an index at once (above all a GIN index over text) is several
// times faster than growing it row by row, and adding a foreign key checks
// the whole table with one join instead of one lookup per row: the same
// checks, made in bulk. It all happens inside the load's transaction, so
// nobody else ever sees the table without them (they wait on its lock), and
// a failed check fails the load.
const bulkRows = 1000

// setAside drops the table's foreign keys and its indexes that are not
// unique (unique ones keep checking every row as it comes), and returns the
// statements that put them back, indexes first.
func setAside(ctx context.Context, tx pgx.Tx, table string) ([]string, error) {
	rows, _ := tx.Query(ctx, `
		SELECT 'DROP INDEX ' || quote_ident(i.relname), pg_get_indexdef(i.oid)
		FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
		WHERE x.indrelid = $1::regclass AND NOT x.indisunique
		  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
		UNION ALL
		SELECT * FROM (
			SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', $1, c.conname),
			       format('ALTER TABLE %s ADD CONSTRAINT %I %s', $1, c.conname, pg_get_constraintdef(c.oid))
			FROM pg_constraint c
			WHERE c.conrelid = $1::regclass AND c.contype = 'f'
			ORDER BY c.conname) fk`, pgx.Identifier{table}.Sanitize())
	var drops, restore []string
	var drop, create string
	if _, err := pgx.ForEachRow(rows, []any{&drop, &create}, func() error {
		drops, restore = append(drops, drop), append(restore, create)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("indexes and keys of %s: %w", table, err)
	}
	for _, sql := range drops {
		if _, err := tx.Exec(ctx, sql); err != nil {
			return nil, fmt.Errorf("%s: %w", sql, err)
		}
	}
	return restore, nil
}

// snapshot is the meeting row as it was before update i, in the form
// UpdateMeeting keeps it (to_jsonb of the row).
func (m *meeting) snapshot(i int) []byte {
	at, by := m.createdAt, m.createdBy
	if i > 0 {
		at, by = m.updates[i-1].at, m.updates[i-1].by
	}
	status, reason := m.updates[i].from, ""
	if i > 0 {
		reason = m.updates[i-1].cancelReason
	}
	bx := func(t time.Time) string { return t.In(dialogue.Brussels).Format(time.RFC3339) }
	row := map[string]any{
		"id": m.id, "dialogue_id": dialogueID(m.dialogue), "level": m.level, "title": m.title,
		"starts_at": bx(m.startsAt), "ends_at": bx(m.endsAt), "time_zone": m.tz, "venue": m.venue, "city": m.city,
		"format": m.format, "presidency_id": nullID(m.presidency), "status": status, "cancel_reason": reason,
		"back_to_back_id": meetingID(m.b2b), "note": m.note, "demo": false, "seed_key": nil, "version": i + 1,
		"updated_by": userID(by), "updated_at": bx(at),
	}
	b, err := json.Marshal(row)
	if err != nil {
		panic(err) // plain values always marshal
	}
	return b
}

func userID(u *user) any {
	if u == nil {
		return nil
	}
	return u.id
}

func docID(d *doc) any {
	if d == nil {
		return nil
	}
	return d.id
}

func optionID(o *option) any {
	if o == nil {
		return nil
	}
	return o.id
}

func dialogueID(d *dlg) any {
	if d == nil {
		return nil
	}
	return d.id
}

func meetingID(m *meeting) any {
	if m == nil {
		return nil
	}
	return m.id
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
