package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// Importer writes a dataset (the demo dataset, or any later bulk load) inside
// the one transaction of an Import call. Every method upserts by natural key
// (codes, document references, meeting seed keys, (source, position) of an
// action row), so importing the same data twice leaves the database as it
// was: no duplicate rows, the same ids, and no version bump or updated_at
// change on rows whose content did not change.
//
// References between rows are named by natural keys too (a delegation code, a
// dialogue code, a PriorityKey, a meeting seed key). They resolve to rows
// written earlier in the same import or already in the database; a key that
// names neither is an error naming it, never a silent NULL.
//
// Simple rows go in lists (one multi-row statement per call); an aggregate (a
// working party and its members, an initiative and its links, a document and
// its codes, footnotes and questions) goes one per call, in one or two round
// trips whatever its size. Methods use the context given to Import.
type Importer struct {
	ctx context.Context
	tx  pgx.Tx

	// Ids by natural key, filled as rows are written or looked up.
	dialogues      map[string]int64
	delegations    map[string]int64
	workingParties map[string]int64
	presidencies   map[string]int64 // "2026-2"
	priorities     map[string]int64 // PriorityKey.String()
	meetings       map[string]int64 // seed key
}

// importLock serialises imports (see Import).
const importLock = 74202

// Import runs fn in one transaction: everything fn writes is committed
// together when it returns nil, and nothing is when it returns an error.
// Imports run one at a time (two portals starting on one database both load
// the demo): concurrent upserts of the same rows would otherwise collide on
// unique keys other than the one they upsert by (a member state's protocol
// order), or miss the id of a row committed after their snapshot.
func (s *Store) Import(ctx context.Context, fn func(*Importer) error) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, importLock); err != nil {
			return importErr(err, "lock")
		}
		return fn(&Importer{
			ctx:            ctx,
			tx:             tx,
			dialogues:      map[string]int64{},
			delegations:    map[string]int64{},
			workingParties: map[string]int64{},
			presidencies:   map[string]int64{},
			priorities:     map[string]int64{},
			meetings:       map[string]int64{},
		})
	})
}

// PriorityKey names a priority by its dialogue's code and its own code.
type PriorityKey struct {
	Dialogue string // "med"
	Code     string // "iii", "empact-drugs"
}

func (k PriorityKey) String() string { return k.Dialogue + "/" + k.Code }

// ImplementerRef is a body implementing an initiative: its name as shown and,
// when the body is in the registry, its delegation code ("EUROPOL").
type ImplementerRef struct {
	Name       string
	Delegation string // "" for a body outside the registry (UNODC, "Member States")
}

// ImportedInitiative is an initiative with its links named by natural keys.
// Of Initiative, only Code, Name and Description are used.
type ImportedInitiative struct {
	Initiative   dialogue.Initiative
	Dialogues    []string // dialogue codes
	Implementers []ImplementerRef
	Priorities   []PriorityKey
	Partners     []string // delegation codes
}

// ImportedMeeting is a meeting keyed by its seed key, with its references
// named by natural keys. Of Meeting, the ids, Presidency, DialogueName and
// Version are not used.
type ImportedMeeting struct {
	SeedKey  string
	Meeting  dialogue.Meeting
	Dialogue string // dialogue code; "" for COSI's own meetings
	// The Presidency under which it is held; 0 for none (a meeting outside
	// the Council, or before the Presidencies in the register).
	PresidencyYear     int
	PresidencySemester int
	BackToBack         string // seed key of the meeting it is back-to-back with
}

// UpsertDelegations writes delegations keyed by code.
func (im *Importer) UpsertDelegations(ds ...dialogue.Delegation) error {
	if len(ds) == 0 {
		return nil
	}
	n := len(ds)
	codes, kinds, names, natives, feet := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	orders := make([]*int32, n)
	for i, d := range ds {
		codes[i], kinds[i], names[i], natives[i], feet[i] = d.Code, string(d.Kind), d.Name, d.NativeName, d.Footnote
		if d.ProtocolOrder != 0 {
			o := int32(d.ProtocolOrder)
			orders[i] = &o
		}
	}
	rows, _ := im.tx.Query(im.ctx, `
		INSERT INTO delegations (code, kind, name, native_name, protocol_order, footnote)
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[])
		ON CONFLICT (code) DO UPDATE SET
			kind = EXCLUDED.kind, name = EXCLUDED.name, native_name = EXCLUDED.native_name,
			protocol_order = EXCLUDED.protocol_order, footnote = EXCLUDED.footnote
		RETURNING code, id`,
		codes, kinds, names, natives, orders, feet)
	return im.collectIDs(rows, im.delegations, "delegations")
}

// UpsertDialogues writes dialogues keyed by code; their list position is
// their order in ds.
func (im *Importer) UpsertDialogues(ds ...dialogue.Dialogue) error {
	if len(ds) == 0 {
		return nil
	}
	n := len(ds)
	codes, names, shorts, descs := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	scopes := make([]*string, n)
	launches := make([]*int32, n)
	positions := make([]int32, n)
	for i, d := range ds {
		codes[i], names[i], shorts[i], descs[i] = d.Code, d.Name, d.ShortName, d.Description
		if d.GeographicScope != "" {
			scopes[i] = &d.GeographicScope
		}
		if d.LaunchYear != 0 {
			y := int32(d.LaunchYear)
			launches[i] = &y
		}
		positions[i] = int32(i + 1)
	}
	rows, _ := im.tx.Query(im.ctx, `
		INSERT INTO dialogues (code, name, short_name, description, geographic_scope, launch_year, position)
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::int[])
		ON CONFLICT (code) DO UPDATE SET
			name = EXCLUDED.name, short_name = EXCLUDED.short_name, description = EXCLUDED.description,
			geographic_scope = EXCLUDED.geographic_scope, launch_year = EXCLUDED.launch_year,
			position = EXCLUDED.position
		RETURNING code, id`,
		codes, names, shorts, descs, scopes, launches, positions)
	return im.collectIDs(rows, im.dialogues, "dialogues")
}

// UpsertParticipants writes partners and observers of a dialogue, keyed by
// (dialogue, delegation). Participants not in ps are left as they are.
func (im *Importer) UpsertParticipants(dialogueCode string, ps ...dialogue.Participant) error {
	if len(ps) == 0 {
		return nil
	}
	dlg, err := im.dialogueID(dialogueCode)
	if err != nil {
		return err
	}
	n := len(ps)
	codes, roles, notes := make([]string, n), make([]string, n), make([]string, n)
	phases := make([]int32, n)
	starts := make([]*time.Time, n)
	for i, p := range ps {
		codes[i], roles[i], phases[i], starts[i], notes[i] = p.Delegation.Code, string(p.Role), int32(p.Phase), p.StartsOn, p.Note
	}
	ids, err := im.delegationIDs(codes)
	if err != nil {
		return err
	}
	_, err = im.tx.Exec(im.ctx, `
		INSERT INTO dialogue_participants (dialogue_id, delegation_id, role, phase, starts_on, note)
		SELECT $1::bigint, * FROM unnest($2::bigint[], $3::text[], $4::smallint[], $5::date[], $6::text[])
		ON CONFLICT (dialogue_id, delegation_id) DO UPDATE SET
			role = EXCLUDED.role, phase = EXCLUDED.phase, starts_on = EXCLUDED.starts_on, note = EXCLUDED.note`,
		dlg, ids, roles, phases, starts, notes)
	return importErr(err, "participants of %s", dialogueCode)
}

// UpsertWorkingParty writes a working party keyed by code and sets its
// members to exactly the delegations named.
func (im *Importer) UpsertWorkingParty(code, name string, memberCodes []string) error {
	members, err := im.delegationIDs(memberCodes)
	if err != nil {
		return err
	}
	b := &pgx.Batch{}
	b.Queue(`
		INSERT INTO working_parties (code, name) VALUES ($1, $2)
		ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name
		RETURNING id`, code, name).QueryRow(func(row pgx.Row) error {
		var id int64
		if err := row.Scan(&id); err != nil {
			return err
		}
		im.workingParties[code] = id
		return nil
	})
	const wp = `(SELECT id FROM working_parties WHERE code = $1)`
	b.Queue(`DELETE FROM working_party_members WHERE working_party_id = `+wp+` AND NOT (delegation_id = ANY ($2))`,
		code, members)
	b.Queue(`
		INSERT INTO working_party_members (working_party_id, delegation_id)
		SELECT `+wp+`, unnest($2::bigint[])
		ON CONFLICT DO NOTHING`, code, members)
	return importErr(im.tx.SendBatch(im.ctx, b).Close(), "working party %s", code)
}

// UpsertPresidencies writes Presidencies keyed by (year, semester); of each
// Delegation only the code is used.
func (im *Importer) UpsertPresidencies(ps ...dialogue.Presidency) error {
	if len(ps) == 0 {
		return nil
	}
	n := len(ps)
	codes := make([]string, n)
	years, semesters := make([]int32, n), make([]int32, n)
	for i, p := range ps {
		codes[i], years[i], semesters[i] = p.Delegation.Code, int32(p.Year), int32(p.Semester)
	}
	ids, err := im.delegationIDs(codes)
	if err != nil {
		return err
	}
	rows, _ := im.tx.Query(im.ctx, `
		INSERT INTO presidencies (delegation_id, year, semester)
		SELECT * FROM unnest($1::bigint[], $2::int[], $3::smallint[])
		ON CONFLICT (year, semester) DO UPDATE SET delegation_id = EXCLUDED.delegation_id
		RETURNING year || '-' || semester, id`,
		ids, years, semesters)
	return im.collectIDs(rows, im.presidencies, "presidencies")
}

// UpsertPriorities writes a dialogue's priorities keyed by (dialogue, code).
func (im *Importer) UpsertPriorities(dialogueCode string, ps ...dialogue.Priority) error {
	if len(ps) == 0 {
		return nil
	}
	dlg, err := im.dialogueID(dialogueCode)
	if err != nil {
		return err
	}
	n := len(ps)
	codes, titles, statuses := make([]string, n), make([]string, n), make([]string, n)
	cycles := make([]*string, n)
	positions := make([]int32, n)
	for i, p := range ps {
		codes[i], titles[i], statuses[i], positions[i] = p.Code, p.Title, string(p.Status), int32(p.Position)
		if p.EmpactCycle != "" {
			cycles[i] = &p.EmpactCycle
		}
	}
	rows, _ := im.tx.Query(im.ctx, `
		INSERT INTO priorities (dialogue_id, code, title, status, empact_cycle, position)
		SELECT $1::bigint, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::int[])
		ON CONFLICT (dialogue_id, code) DO UPDATE SET
			title = EXCLUDED.title, status = EXCLUDED.status, empact_cycle = EXCLUDED.empact_cycle,
			position = EXCLUDED.position
		RETURNING $7::text || '/' || code, id`,
		dlg, codes, titles, statuses, cycles, positions, dialogueCode)
	return im.collectIDs(rows, im.priorities, "priorities of "+dialogueCode)
}

// UpsertInitiative writes an initiative keyed by code and sets its
// dialogues, implementers (in order), priorities and partners to exactly
// those named.
func (im *Importer) UpsertInitiative(in ImportedInitiative) error {
	code := in.Initiative.Code
	dialogues, err := im.dialogueIDs(in.Dialogues)
	if err != nil {
		return err
	}
	partners, err := im.delegationIDs(in.Partners)
	if err != nil {
		return err
	}
	keys := make([]string, len(in.Priorities))
	for i, k := range in.Priorities {
		keys[i] = k.String()
	}
	priorities, err := im.ids("priority", im.priorities, `
		SELECT d.code || '/' || p.code, p.id FROM priorities p JOIN dialogues d ON d.id = p.dialogue_id
		WHERE d.code || '/' || p.code = ANY ($1)`, keys)
	if err != nil {
		return err
	}
	n := len(in.Implementers)
	positions := make([]int32, n)
	names := make([]string, n)
	bodies := make([]*int64, n)
	for i, r := range in.Implementers {
		positions[i], names[i] = int32(i+1), r.Name
		if r.Delegation != "" {
			id, err := im.delegationID(r.Delegation)
			if err != nil {
				return err
			}
			bodies[i] = &id
		}
	}

	const initiative = `(SELECT id FROM initiatives WHERE code = $1)`
	b := &pgx.Batch{}
	b.Queue(`
		INSERT INTO initiatives (code, name, description) VALUES ($1, $2, $3)
		ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description`,
		code, in.Initiative.Name, in.Initiative.Description)
	for _, link := range []struct {
		table, column string
		ids           []int64
	}{
		{"initiative_dialogues", "dialogue_id", dialogues},
		{"initiative_priorities", "priority_id", priorities},
		{"initiative_partners", "delegation_id", partners},
	} {
		b.Queue(`DELETE FROM `+link.table+` WHERE initiative_id = `+initiative+` AND NOT (`+link.column+` = ANY ($2))`,
			code, link.ids)
		b.Queue(`INSERT INTO `+link.table+` (initiative_id, `+link.column+`) SELECT `+initiative+`, unnest($2::bigint[])
			ON CONFLICT DO NOTHING`, code, link.ids)
	}
	b.Queue(`DELETE FROM initiative_implementers WHERE initiative_id = `+initiative+` AND position > $2`, code, n)
	b.Queue(`
		INSERT INTO initiative_implementers (initiative_id, position, name, delegation_id)
		SELECT `+initiative+`, * FROM unnest($2::int[], $3::text[], $4::bigint[])
		ON CONFLICT (initiative_id, position) DO UPDATE SET name = EXCLUDED.name, delegation_id = EXCLUDED.delegation_id`,
		code, positions, names, bodies)
	return importErr(im.tx.SendBatch(im.ctx, b).Close(), "initiative %s", code)
}

// UpsertMissions writes CSDP missions keyed by code.
func (im *Importer) UpsertMissions(ms ...dialogue.Mission) error {
	if len(ms) == 0 {
		return nil
	}
	n := len(ms)
	codes, names, hosts, notes, sources := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	started := make([]*int32, n)
	ends, closed := make([]*time.Time, n), make([]*time.Time, n)
	frontex := make([]bool, n)
	for i, m := range ms {
		codes[i], names[i], hosts[i], notes[i], sources[i] = m.Code, m.Name, m.Host, m.Note, m.Source
		if m.StartedYear != 0 {
			y := int32(m.StartedYear)
			started[i] = &y
		}
		ends[i], closed[i], frontex[i] = m.MandateEndsOn, m.ClosedOn, m.FrontexWorkingArrangement
	}
	_, err := im.tx.Exec(im.ctx, `
		INSERT INTO csdp_missions (code, name, host, started_year, mandate_ends_on, closed_on,
			frontex_working_arrangement, note, source)
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::date[], $6::date[],
			$7::bool[], $8::text[], $9::text[])
		ON CONFLICT (code) DO UPDATE SET
			name = EXCLUDED.name, host = EXCLUDED.host, started_year = EXCLUDED.started_year,
			mandate_ends_on = EXCLUDED.mandate_ends_on, closed_on = EXCLUDED.closed_on,
			frontex_working_arrangement = EXCLUDED.frontex_working_arrangement,
			note = EXCLUDED.note, source = EXCLUDED.source`,
		codes, names, hosts, started, ends, closed, frontex, notes, sources)
	return importErr(err, "missions")
}

// UpsertDocument writes a document keyed by its reference (series, number,
// year, REV, ADD, COR), which must have a number, and returns its id. The
// document's codes, footnotes and named recipients become exactly those of
// d. Its questions are updated in place by position, and their options by
// (question, position), so their ids stay stable across imports; only
// questions and options beyond d's are deleted.
//
// d.WorkingParty and the codes of d.NamedRecipients name the working party
// and the recipients; dialogueCode names the dialogue ("" for none). The
// "No. prev. doc." is linked when the register already holds it. On a
// re-import, version and updated_at change only when the document's own
// columns do.
func (im *Importer) UpsertDocument(d dialogue.Document, dialogueCode string) (int64, error) {
	ref := d.Ref
	if err := ref.Validate(); err != nil {
		return 0, importErr(err, "document")
	}
	var dlg, wp *int64
	if dialogueCode != "" {
		id, err := im.dialogueID(dialogueCode)
		if err != nil {
			return 0, err
		}
		dlg = &id
	}
	if d.WorkingParty != "" {
		ids, err := im.ids("working party", im.workingParties,
			`SELECT code, id FROM working_parties WHERE code = ANY ($1)`, []string{d.WorkingParty})
		if err != nil {
			return 0, err
		}
		wp = &ids[0]
	}
	recipientCodes := make([]string, len(d.NamedRecipients))
	for i, r := range d.NamedRecipients {
		recipientCodes[i] = r.Code
	}
	recipients, err := im.delegationIDs(recipientCodes)
	if err != nil {
		return 0, err
	}
	var prev *int64
	if d.PreviousDocumentID != 0 {
		prev = &d.PreviousDocumentID
	}
	var prevRef []int32 // series aside: number, year, REV, ADD, COR
	prevSeries := ""
	if p, ok := previousReference(d.PreviousReference); ok {
		prevSeries = string(p.Series)
		prevRef = []int32{int32(p.Number), int32(p.Year), int32(p.Revision), int32(p.Addendum), int32(p.Corrigendum)}
	}

	// The guard on DO UPDATE keeps an unchanged row untouched; the UNION
	// then finds its id, which RETURNING does not give for a row not updated.
	var id int64
	err = im.tx.QueryRow(im.ctx, `
		WITH up AS (
			INSERT INTO documents (series, number, year, revision, addendum, corrigendum, doc_date, place,
				original_language, marking, doc_type, sender, recipients, on_date, previous_reference,
				previous_document_id, subject, body_md, status, audience, working_party_id, dialogue_id,
				demo, issued_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
				coalesce($16, (SELECT p.id FROM documents p
					WHERE p.series = $25 AND ARRAY[p.number, p.year, p.revision, p.addendum, p.corrigendum] = $26::int[])),
				$17, $18, $19, $20, $21, $22, $23, $24)
			ON CONFLICT (series, number, year, revision, addendum, corrigendum) WHERE number IS NOT NULL
			DO UPDATE SET
				doc_date = EXCLUDED.doc_date, place = EXCLUDED.place,
				original_language = EXCLUDED.original_language, marking = EXCLUDED.marking,
				doc_type = EXCLUDED.doc_type, sender = EXCLUDED.sender, recipients = EXCLUDED.recipients,
				on_date = EXCLUDED.on_date, previous_reference = EXCLUDED.previous_reference,
				previous_document_id = EXCLUDED.previous_document_id, subject = EXCLUDED.subject,
				body_md = EXCLUDED.body_md, status = EXCLUDED.status, audience = EXCLUDED.audience,
				working_party_id = EXCLUDED.working_party_id, dialogue_id = EXCLUDED.dialogue_id,
				demo = EXCLUDED.demo, issued_at = EXCLUDED.issued_at,
				version = documents.version + 1, updated_at = now()
			WHERE (documents.doc_date, documents.place, documents.original_language, documents.marking,
					documents.doc_type, documents.sender, documents.recipients, documents.on_date,
					documents.previous_reference, documents.previous_document_id, documents.subject,
					documents.body_md, documents.status, documents.audience, documents.working_party_id,
					documents.dialogue_id, documents.demo, documents.issued_at)
				IS DISTINCT FROM
				(EXCLUDED.doc_date, EXCLUDED.place, EXCLUDED.original_language, EXCLUDED.marking,
					EXCLUDED.doc_type, EXCLUDED.sender, EXCLUDED.recipients, EXCLUDED.on_date,
					EXCLUDED.previous_reference, EXCLUDED.previous_document_id, EXCLUDED.subject,
					EXCLUDED.body_md, EXCLUDED.status, EXCLUDED.audience, EXCLUDED.working_party_id,
					EXCLUDED.dialogue_id, EXCLUDED.demo, EXCLUDED.issued_at)
			RETURNING id
		)
		SELECT id FROM up
		UNION ALL
		SELECT id FROM documents
		WHERE series = $1 AND number = $2 AND year = $3 AND revision = $4 AND addendum = $5 AND corrigendum = $6
		LIMIT 1`,
		string(ref.Series), ref.Number, ref.Year, ref.Revision, ref.Addendum, ref.Corrigendum,
		d.Date, d.Place, d.OriginalLanguage, string(d.Marking), d.DocType, d.Sender, d.Recipients, d.OnDate,
		d.PreviousReference, prev, d.Subject, d.BodyMD, string(d.Status), string(d.Audience), wp, dlg,
		d.Demo, d.IssuedAt, prevSeries, prevRef,
	).Scan(&id)
	if err != nil {
		return 0, importErr(err, "document %s", ref)
	}

	b := &pgx.Batch{}
	// Codes and footnotes have no identity of their own: replaced whole.
	codes, numbers := make([]string, len(d.Codes)), make([]*int32, len(d.Codes))
	for i, c := range d.Codes {
		codes[i] = c.Code
		if c.Number != 0 {
			n := int32(c.Number)
			numbers[i] = &n
		}
	}
	b.Queue(`DELETE FROM document_codes WHERE document_id = $1`, id)
	b.Queue(`
		INSERT INTO document_codes (document_id, position, code, number, year)
		SELECT $1::bigint, u.position, u.code, u.number, $4::int
		FROM unnest($2::text[], $3::int[]) WITH ORDINALITY AS u(code, number, position)`,
		id, codes, numbers, ref.Year)
	queueFootnotes(b, id, d.Footnotes)
	queueRecipients(b, id, recipients)
	queueQuestions(b, id, d.Questions)
	if err := im.tx.SendBatch(im.ctx, b).Close(); err != nil {
		return 0, importErr(err, "document %s", ref)
	}
	return id, nil
}

// UpsertMeetings writes meetings keyed by seed key, then links each to the
// meeting it is back-to-back with (which may be another of ms, or a meeting
// imported before). On a re-import, version and updated_at change only for
// meetings whose content changed. Meeting history is not written: an import
// is not an edit by a user.
func (im *Importer) UpsertMeetings(ms ...ImportedMeeting) error {
	if len(ms) == 0 {
		return nil
	}
	b := &pgx.Batch{}
	for _, m := range ms {
		var dlg, pres *int64
		if m.Dialogue != "" {
			id, err := im.dialogueID(m.Dialogue)
			if err != nil {
				return err
			}
			dlg = &id
		}
		if m.PresidencyYear != 0 {
			ids, err := im.ids("presidency", im.presidencies,
				`SELECT year || '-' || semester, id FROM presidencies WHERE year || '-' || semester = ANY ($1)`,
				[]string{fmt.Sprintf("%d-%d", m.PresidencyYear, m.PresidencySemester)})
			if err != nil {
				return err
			}
			pres = &ids[0]
		}
		mt := m.Meeting
		key := m.SeedKey
		b.Queue(`
			WITH up AS (
				INSERT INTO meetings (seed_key, dialogue_id, level, title, starts_at, ends_at, time_zone, venue,
					city, format, presidency_id, status, cancel_reason, note, demo)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
				ON CONFLICT (seed_key) DO UPDATE SET
					dialogue_id = EXCLUDED.dialogue_id, level = EXCLUDED.level, title = EXCLUDED.title,
					starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at, time_zone = EXCLUDED.time_zone,
					venue = EXCLUDED.venue, city = EXCLUDED.city, format = EXCLUDED.format,
					presidency_id = EXCLUDED.presidency_id, status = EXCLUDED.status,
					cancel_reason = EXCLUDED.cancel_reason, note = EXCLUDED.note, demo = EXCLUDED.demo,
					version = meetings.version + 1, updated_at = now()
				WHERE (meetings.dialogue_id, meetings.level, meetings.title, meetings.starts_at,
						meetings.ends_at, meetings.time_zone, meetings.venue, meetings.city, meetings.format,
						meetings.presidency_id, meetings.status, meetings.cancel_reason, meetings.note,
						meetings.demo)
					IS DISTINCT FROM
					(EXCLUDED.dialogue_id, EXCLUDED.level, EXCLUDED.title, EXCLUDED.starts_at,
						EXCLUDED.ends_at, EXCLUDED.time_zone, EXCLUDED.venue, EXCLUDED.city, EXCLUDED.format,
						EXCLUDED.presidency_id, EXCLUDED.status, EXCLUDED.cancel_reason, EXCLUDED.note,
						EXCLUDED.demo)
				RETURNING id
			)
			SELECT id FROM up UNION ALL SELECT id FROM meetings WHERE seed_key = $1 LIMIT 1`,
			key, dlg, string(mt.Level), mt.Title, mt.StartsAt, mt.EndsAt, mt.TimeZone, mt.Venue, mt.City,
			string(mt.Format), pres, string(mt.Status), mt.CancelReason, mt.Note, mt.Demo,
		).QueryRow(func(row pgx.Row) error {
			var id int64
			if err := row.Scan(&id); err != nil {
				return importErr(err, "meeting %s", key)
			}
			im.meetings[key] = id
			return nil
		})
	}
	if err := im.tx.SendBatch(im.ctx, b).Close(); err != nil {
		return importErr(err, "meetings")
	}

	ids, partners := make([]int64, len(ms)), make([]*int64, len(ms))
	for i, m := range ms {
		ids[i] = im.meetings[m.SeedKey]
		if m.BackToBack != "" {
			other, err := im.ids("meeting", im.meetings,
				`SELECT seed_key, id FROM meetings WHERE seed_key = ANY ($1)`, []string{m.BackToBack})
			if err != nil {
				return err
			}
			partners[i] = &other[0]
		}
	}
	_, err := im.tx.Exec(im.ctx, `
		UPDATE meetings m SET back_to_back_id = u.other, version = m.version + 1, updated_at = now()
		FROM unnest($1::bigint[], $2::bigint[]) AS u(id, other)
		WHERE m.id = u.id AND m.back_to_back_id IS DISTINCT FROM u.other`,
		ids, partners)
	return importErr(err, "meetings back-to-back")
}

// UpsertActionRows writes action-tracking rows keyed by (source, position)
// and, for each source named, deletes its rows at positions not in rows: an
// imported table is replaced whole.
func (im *Importer) UpsertActionRows(rows ...dialogue.ActionRow) error {
	if len(rows) == 0 {
		return nil
	}
	n := len(rows)
	sources, sections, headings, topics := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	ongoing, next, timelines := make([]string, n), make([]string, n), make([]string, n)
	positions := make([]int32, n)
	from, to := make([]*time.Time, n), make([]*time.Time, n)
	for i, r := range rows {
		sources[i], sections[i], positions[i], headings[i], topics[i] = r.Source, r.Section, int32(r.Position), r.Heading, r.Topic
		ongoing[i], next[i], timelines[i], from[i], to[i] = r.Ongoing, r.NextSteps, r.TimelineText, r.DueFrom, r.DueTo
	}
	b := &pgx.Batch{}
	b.Queue(`
		DELETE FROM action_tracking a
		WHERE a.source = ANY ($1)
		AND (a.source, a.position) NOT IN (SELECT * FROM unnest($1::text[], $2::int[]))`,
		sources, positions)
	b.Queue(`
		INSERT INTO action_tracking (source, section, position, heading, topic, ongoing, next_steps,
			timeline_text, due_from, due_to)
		SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[],
			$7::text[], $8::text[], $9::date[], $10::date[])
		ON CONFLICT (source, position) DO UPDATE SET
			section = EXCLUDED.section, heading = EXCLUDED.heading, topic = EXCLUDED.topic,
			ongoing = EXCLUDED.ongoing, next_steps = EXCLUDED.next_steps,
			timeline_text = EXCLUDED.timeline_text, due_from = EXCLUDED.due_from, due_to = EXCLUDED.due_to`,
		sources, sections, positions, headings, topics, ongoing, next, timelines, from, to)
	return importErr(im.tx.SendBatch(im.ctx, b).Close(), "action rows")
}

// RecordDemoLoad notes that the demo dataset of this version was loaded, and
// reports whether this is its first load. The first load is also written to
// the audit log; a re-load changes nothing, so that it leaves the database as
// it was.
func (im *Importer) RecordDemoLoad(version string) (first bool, err error) {
	tag, err := im.tx.Exec(im.ctx,
		`INSERT INTO demo_loads (version) VALUES ($1) ON CONFLICT (version) DO NOTHING`, version)
	if err != nil {
		return false, importErr(err, "demo version %s", version)
	}
	if tag.RowsAffected() == 0 {
		return false, nil
	}
	err = writeAudit(im.ctx, im.tx, dialogue.Actor{Name: "system:demo"}, auditEntry{
		Action: "demo.load", ObjectType: "demo_load", Detail: map[string]any{"version": version},
	})
	return true, importErr(err, "demo version %s", version)
}

// collectIDs reads (natural key, id) rows into cache.
func (im *Importer) collectIDs(rows pgx.Rows, cache map[string]int64, what string) error {
	var key string
	var id int64
	_, err := pgx.ForEachRow(rows, []any{&key, &id}, func() error {
		cache[key] = id
		return nil
	})
	return importErr(err, "%s", what)
}

func (im *Importer) dialogueID(code string) (int64, error) {
	ids, err := im.dialogueIDs([]string{code})
	if err != nil {
		return 0, err
	}
	return ids[0], nil
}

func (im *Importer) dialogueIDs(codes []string) ([]int64, error) {
	return im.ids("dialogue", im.dialogues, `SELECT code, id FROM dialogues WHERE code = ANY ($1)`, codes)
}

func (im *Importer) delegationID(code string) (int64, error) {
	ids, err := im.delegationIDs([]string{code})
	if err != nil {
		return 0, err
	}
	return ids[0], nil
}

func (im *Importer) delegationIDs(codes []string) ([]int64, error) {
	return im.ids("delegation", im.delegations, `SELECT code, id FROM delegations WHERE code = ANY ($1)`, codes)
}

// ids resolves natural keys to ids: from cache, else with query (which
// selects key, id for the keys in $1), else an error naming the keys
// unknown.
func (im *Importer) ids(what string, cache map[string]int64, query string, keys []string) ([]int64, error) {
	var missing []string
	for _, k := range keys {
		if _, ok := cache[k]; !ok {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		rows, _ := im.tx.Query(im.ctx, query, missing)
		if err := im.collectIDs(rows, cache, what); err != nil {
			return nil, err
		}
	}
	out := make([]int64, len(keys))
	var unknown []string
	for i, k := range keys {
		id, ok := cache[k]
		if !ok {
			unknown = append(unknown, k)
		}
		out[i] = id
	}
	if len(unknown) > 0 {
		return nil, dialogue.Errorf(dialogue.KindInvalid, "import: unknown %s %s", what, strings.Join(unknown, ", "))
	}
	return out, nil
}

// previousReference reads a reference as printed in a "No. prev. doc." line.
// Besides what ParseReference accepts, the header prints revisions in the
// short form "6314/1/22" for "6314/1/22 REV 1".
func previousReference(s string) (dialogue.Reference, bool) {
	if s == "" {
		return dialogue.Reference{}, false
	}
	if r, err := dialogue.ParseReference(s); err == nil {
		return r, true
	}
	if parts := strings.Split(strings.TrimSpace(s), "/"); len(parts) == 3 {
		if r, err := dialogue.ParseReference(s + " REV " + strings.TrimSpace(parts[1])); err == nil {
			return r, true
		}
	}
	return dialogue.Reference{}, false
}

// wrap prefixes err with what was being imported; nil stays nil.
func importErr(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("store: import %s: %w", fmt.Sprintf(format, args...), err)
}

// ImportedRound is a demo consultation round with its replies.
type ImportedRound struct {
	SeedKey         string
	Document        dialogue.Reference
	Title           string
	OpensAt         time.Time
	Deadline        time.Time
	ClosedAt        *time.Time
	ReleasedAt      *time.Time
	ReleaseAudience dialogue.ReleaseAudience
	DelegationCodes []string
	Replies         []ImportedReply
	Summaries       map[int]string // by question position
}

// ImportedReply is one delegation's reply (a single revision, marked demo).
type ImportedReply struct {
	DelegationCode   string
	QuestionPosition int
	Status           dialogue.PositionStatus
	OptionLabel      string
	Body             string
	At               time.Time
	ProxySource      string
	Late             bool
}

// UpsertRound writes a round keyed by its seed key. A round already there
// is left as it is, dates included (the current demo round keeps the dates
// of its first load), and so are its replies: reloading changes nothing.
// The replies' revisions are marked demo, which the deadline trigger lets
// through: their dates are the past ones of the dataset.
func (im *Importer) UpsertRound(r ImportedRound) error {
	var docID int64
	ref := r.Document
	err := im.tx.QueryRow(im.ctx, `
		SELECT id FROM documents WHERE series = $1 AND number = $2 AND year = $3
		  AND revision = $4 AND addendum = $5 AND corrigendum = $6`,
		ref.Series, ref.Number, ref.Year, ref.Revision, ref.Addendum, ref.Corrigendum).Scan(&docID)
	if err != nil {
		return importErr(err, "round %s: document %s", r.SeedKey, ref)
	}
	var roundID int64
	err = im.tx.QueryRow(im.ctx, `
		INSERT INTO rounds (document_id, title, opens_at, deadline, closed_at, released_at, release_audience, demo, seed_key)
		VALUES ($1, $2, $3, $4, $5, $6, $7, true, $8)
		ON CONFLICT (seed_key) DO NOTHING
		RETURNING id`,
		docID, r.Title, r.OpensAt, r.Deadline, r.ClosedAt, r.ReleasedAt, r.ReleaseAudience, r.SeedKey).Scan(&roundID)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil // loaded before: keep it as it is
	}
	if err != nil {
		return importErr(err, "round %s", r.SeedKey)
	}
	delegations, err := im.delegationIDs(r.DelegationCodes)
	if err != nil {
		return err
	}
	n := len(r.Replies)
	codes, qpos, statuses, labels, bodies := make([]string, n), make([]int32, n), make([]string, n), make([]string, n), make([]string, n)
	ats, proxies, lates := make([]time.Time, n), make([]string, n), make([]bool, n)
	for i, rep := range r.Replies {
		codes[i], qpos[i], statuses[i], labels[i], bodies[i] = rep.DelegationCode, int32(rep.QuestionPosition), string(rep.Status), rep.OptionLabel, rep.Body
		ats[i], proxies[i], lates[i] = rep.At, rep.ProxySource, rep.Late
	}
	spos, sbodies := []int32{}, []string{}
	for pos, body := range r.Summaries {
		spos, sbodies = append(spos, int32(pos)), append(sbodies, body)
	}
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO round_delegations (round_id, delegation_id) SELECT $1::bigint, unnest($2::bigint[])`, roundID, delegations)
	b.Queue(`
		WITH u AS (
			SELECT * FROM unnest($2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::text[], $9::bool[])
			  AS u(code, qpos, status, label, body, at, proxy, late)
		), p AS (
			INSERT INTO positions (round_id, question_id, delegation_id, revision, status, option_id, body, late, updated_at, proxy_source, demo)
			SELECT $1::bigint, q.id, d.id, 1, u.status, o.id, u.body, u.late, u.at, nullif(u.proxy, ''), true
			FROM u
			JOIN delegations d ON d.code = u.code
			JOIN rounds r ON r.id = $1
			JOIN questions q ON q.document_id = r.document_id AND q.position = u.qpos
			LEFT JOIN question_options o ON o.question_id = q.id AND o.label = u.label
			RETURNING id, question_id, delegation_id, status, option_id, body, late, updated_at
		)
		INSERT INTO position_revisions (position_id, revision, status, option_id, body, late, proxy_source, demo, created_at)
		SELECT p.id, 1, p.status, p.option_id, p.body, p.late, nullif(u.proxy, ''), true, p.updated_at
		FROM p
		JOIN delegations d ON d.id = p.delegation_id
		JOIN questions q ON q.id = p.question_id
		JOIN u ON u.code = d.code AND u.qpos = q.position`,
		roundID, codes, qpos, statuses, labels, bodies, ats, proxies, lates)
	b.Queue(`
		INSERT INTO round_summaries (round_id, question_id, body)
		SELECT $1::bigint, q.id, u.body
		FROM unnest($2::int[], $3::text[]) AS u(pos, body)
		JOIN rounds r ON r.id = $1
		JOIN questions q ON q.document_id = r.document_id AND q.position = u.pos`,
		roundID, spos, sbodies)
	if err := im.tx.SendBatch(im.ctx, b).Close(); err != nil {
		return importErr(err, "round %s", r.SeedKey)
	}
	return nil
}
