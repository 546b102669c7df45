package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// NewRound opens a consultation round on an issued note.
type NewRound struct {
	DocumentID      int64
	Title           string
	OpensAt         time.Time
	Deadline        time.Time
	DelegationIDs   []int64 // eligible delegations
	ReleaseAudience dialogue.ReleaseAudience
}

// CreateRound validates and creates a round with its eligible delegations.
func (s *Store) CreateRound(ctx context.Context, actor dialogue.Actor, r NewRound) (int64, error) {
	r.Title = strings.TrimSpace(r.Title)
	fe := dialogue.FieldErrors{}
	if r.Title == "" {
		fe.Add("title", "Give the round a title, e.g. the note's subject.")
	}
	if r.OpensAt.IsZero() {
		fe.Add("opens_at", "Enter the opening date and time.")
	}
	if r.Deadline.IsZero() {
		fe.Add("deadline", "Enter the deadline date and time.")
	} else if !r.OpensAt.IsZero() && !r.Deadline.After(r.OpensAt) {
		fe.Add("deadline", "The deadline must come after the opening time.")
	}
	if len(r.DelegationIDs) == 0 {
		fe.Add("delegations", "Choose at least one delegation to consult.")
	}
	if r.ReleaseAudience == "" {
		r.ReleaseAudience = dialogue.ReleasePresidency
	}
	if !r.ReleaseAudience.Valid() {
		fe.Add("release_audience", "Choose who may read the replies once released.")
	}
	if err := fe.Err(); err != nil {
		return 0, err
	}
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var status string
		var questions int
		err := tx.QueryRow(ctx, `
			SELECT d.status, (SELECT count(*) FROM questions q WHERE q.document_id = d.id)
			FROM documents d WHERE d.id = $1`, r.DocumentID).Scan(&status, &questions)
		if errors.Is(err, pgx.ErrNoRows) {
			return dialogue.ErrNotFound
		}
		if err != nil {
			return err
		}
		if status != string(dialogue.DocumentIssued) {
			return dialogue.FieldError("document", "Issue the note before opening a round on it.")
		}
		if questions == 0 {
			return dialogue.FieldError("document", "The note has no questions to consult on.")
		}
		var creator *int64
		if actor.UserID != 0 {
			creator = &actor.UserID
		}
		if err := tx.QueryRow(ctx, `
			INSERT INTO rounds (document_id, title, opens_at, deadline, release_audience, created_by)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			r.DocumentID, r.Title, r.OpensAt, r.Deadline, r.ReleaseAudience, creator).Scan(&id); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `
			INSERT INTO round_delegations (round_id, delegation_id)
			SELECT $1, d.id FROM delegations d WHERE d.id = ANY($2)`, id, r.DelegationIDs)
		if err != nil {
			return err
		}
		if int(tag.RowsAffected()) != len(r.DelegationIDs) {
			return dialogue.FieldError("delegations", "Some of the chosen delegations do not exist.")
		}
		return writeAudit(ctx, tx, actor, auditEntry{Action: "round.create", ObjectType: "round", ObjectID: id,
			Detail: map[string]any{"document": r.DocumentID, "opens_at": r.OpensAt, "deadline": r.Deadline, "delegations": len(r.DelegationIDs)}})
	})
	return id, err
}

// CloseRound closes a round: from then on everything in it is read-only.
// The UPDATE waits for saves in flight (they hold the round FOR SHARE).
func (s *Store) CloseRound(ctx context.Context, actor dialogue.Actor, roundID int64) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE rounds SET closed_at = now() WHERE id = $1 AND closed_at IS NULL`, roundID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return dialogue.Errorf(dialogue.KindConflict, "This round is already closed.")
		}
		return writeAudit(ctx, tx, actor, auditEntry{Action: "round.close", ObjectType: "round", ObjectID: roundID})
	})
}

// ExtendDeadline gives one delegation a later deadline, recorded with who
// granted it and why.
func (s *Store) ExtendDeadline(ctx context.Context, actor dialogue.Actor, roundID, delegationID int64, until time.Time, reason string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		var deadline time.Time
		var closed *time.Time
		err := tx.QueryRow(ctx, `SELECT deadline, closed_at FROM rounds WHERE id = $1 FOR UPDATE`, roundID).Scan(&deadline, &closed)
		if err != nil {
			return notFound(err, "round")
		}
		if closed != nil {
			return dialogue.Errorf(dialogue.KindConflict, "This round is closed: no extension can be given.")
		}
		if !until.After(deadline) {
			return dialogue.FieldError("until", "An extension must end after the round's deadline (%s).", dialogue.FormatInstant(deadline))
		}
		var by *int64
		if actor.UserID != 0 {
			by = &actor.UserID
		}
		tag, err := tx.Exec(ctx, `
			UPDATE round_delegations SET extended_until = $3, extended_by = $4, extension_reason = $5
			WHERE round_id = $1 AND delegation_id = $2`, roundID, delegationID, until, by, strings.TrimSpace(reason))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return dialogue.FieldError("delegation", "This delegation is not consulted in this round.")
		}
		return writeAudit(ctx, tx, actor, auditEntry{Action: "round.extend", ObjectType: "round", ObjectID: roundID,
			Detail: map[string]any{"delegation": delegationID, "until": until, "reason": reason}})
	})
}

const roundColumns = `r.id, r.document_id, r.title, r.opens_at, r.deadline, r.closed_at, r.released_at,
	r.release_audience, coalesce(r.compilation_document_id, 0), r.demo,
	d.series, coalesce(d.number, 0), d.year, d.revision, d.addendum, d.corrigendum`

func scanRound(row pgx.Row, extra ...any) (dialogue.Round, error) {
	var r dialogue.Round
	var ref dialogue.Reference
	dest := append([]any{&r.ID, &r.DocumentID, &r.Title, &r.OpensAt, &r.Deadline, &r.ClosedAt, &r.ReleasedAt,
		&r.ReleaseAudience, &r.CompilationDocumentID, &r.Demo,
		&ref.Series, &ref.Number, &ref.Year, &ref.Revision, &ref.Addendum, &ref.Corrigendum}, extra...)
	if err := row.Scan(dest...); err != nil {
		return r, err
	}
	if ref.Number != 0 {
		r.DocumentRef = ref.String()
	}
	return r, nil
}

// RoundSummary is a round in a list, with the viewer's progress.
type RoundSummary struct {
	Round         dialogue.Round
	Questions     int
	ExtendedUntil *time.Time // the viewer's delegation's extension
	// Final is how many questions the viewer's delegation has a final reply
	// to; Drafts how many only a draft. For the Presidency: replies received.
	Final, Drafts int
	Eligible      int // delegations consulted
}

// RoundFilter narrows FindRounds; zero values mean "any".
type RoundFilter struct {
	// OpenAt keeps the rounds accepting replies at that instant: not closed,
	// opened, and before the deadline (the viewer's extension included; for
	// those who see all, any delegation's extension).
	OpenAt time.Time
	Limit  int // 0: no limit
	Offset int
}

// Rounds lists every round the viewer may see (see FindRounds).
func (s *Store) Rounds(ctx context.Context, v dialogue.Viewer) ([]RoundSummary, error) {
	list, _, err := s.FindRounds(ctx, v, RoundFilter{})
	return list, err
}

// FindRounds lists rounds newest deadline first: all of them for the
// Presidency and secretariat, else those the viewer's delegation is
// consulted in. Counts of other delegations' replies are given only to
// those who see all (sealing). more tells whether another page follows.
func (s *Store) FindRounds(ctx context.Context, v dialogue.Viewer, f RoundFilter) (list []RoundSummary, more bool, err error) {
	page, err := runStatement(ctx, s, findRoundsStatement(v, f))
	return page.list, page.more, err
}

// roundPage is a page of FindRounds.
type roundPage struct {
	list []RoundSummary
	more bool
}

func findRoundsStatement(v dialogue.Viewer, f RoundFilter) statement[roundPage] {
	limit := -1 // LIMIT NULL: all
	if f.Limit > 0 {
		limit = f.Limit + 1 // one more tells whether another page follows
	}
	var lim *int
	if limit > 0 {
		lim = &limit
	}
	// One statement per kind of viewer (and with or without the
	// open-rounds condition), each with its own plan. Written once for all
	// as "$1 OR p.delegation_id = $2", the plan PostgreSQL settles on after
	// five executions (a generic one) could use neither the delegation nor
	// the deadline in its index conditions: it read every reply of every
	// open round twice, 30 ms a home page under load.
	//
	// The counts are those the trigger of migration 9 keeps in
	// round_delegations: the viewer's own delegation's (the row joined
	// here) or, for those who see all, every consulted delegation's summed
	// with how many are consulted, read for the rows of the page only
	// (scalar subqueries run after the sort and the limit).
	args := []any{v.DelegationID, lim, f.Offset}
	scope, extension := "JOIN", ""
	counts := `ARRAY[rd.replies_given, rd.replies_draft, 0]`
	if v.SeeAll {
		scope = "LEFT JOIN"
		extension = `
		        OR EXISTS (SELECT 1 FROM round_delegations e WHERE e.round_id = r.id AND e.extended_until > $4)`
		counts = `(SELECT ARRAY[coalesce(sum(x.replies_given), 0), coalesce(sum(x.replies_draft), 0), count(*)]
		        FROM round_delegations x WHERE x.round_id = r.id)`
	}
	open := ""
	if !f.OpenAt.IsZero() {
		args = append(args, f.OpenAt)
		open = `
		WHERE r.closed_at IS NULL AND r.opens_at <= $4
		  AND (r.deadline > $4 OR rd.extended_until > $4` + extension + `)`
	}
	sql := `
		SELECT ` + roundColumns + `,
		       (SELECT count(*) FROM questions q WHERE q.document_id = r.document_id),
		       rd.extended_until, ` + counts + `
		FROM rounds r
		JOIN documents d ON d.id = r.document_id
		` + scope + ` round_delegations rd ON rd.round_id = r.id AND rd.delegation_id = $1` + open + `
		ORDER BY r.deadline DESC, r.id DESC
		LIMIT $2 OFFSET $3`
	return statement[roundPage]{sql: sql, args: args, collect: func(rows pgx.Rows) (roundPage, error) {
		return collectRoundPage(rows, v, f)
	}}
}

func collectRoundPage(rows pgx.Rows, v dialogue.Viewer, f RoundFilter) (roundPage, error) {
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (RoundSummary, error) {
		var rs RoundSummary
		var err error
		var counts []int // [given, drafts, delegations consulted]
		rs.Round, err = scanRound(row, &rs.Questions, &rs.ExtendedUntil, &counts)
		if err == nil && len(counts) == 3 {
			rs.Final, rs.Drafts, rs.Eligible = counts[0], counts[1], counts[2]
		}
		if !v.SeeAll {
			rs.Eligible = 0 // how many others are consulted is not the viewer's business either
		}
		return rs, err
	})
	var page roundPage
	if f.Limit > 0 && len(list) > f.Limit {
		list, page.more = list[:f.Limit], true
	}
	page.list = list
	return page, err
}

// eligibleQuery reads the delegations a round consults (collectEligible).
const eligibleQuery = `
	SELECT d.id, d.code, d.kind, d.name, d.native_name, coalesce(d.protocol_order, 0), d.footnote,
	       rd.extended_until, rd.extension_reason
	FROM round_delegations rd JOIN delegations d ON d.id = rd.delegation_id
	WHERE rd.round_id = $1`

// collectEligible reads eligibleQuery's rows, in protocol order.
func collectEligible(rows pgx.Rows) ([]dialogue.Eligible, error) {
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (dialogue.Eligible, error) {
		var e dialogue.Eligible
		d := &e.Delegation
		err := row.Scan(&d.ID, &d.Code, &d.Kind, &d.Name, &d.NativeName, &d.ProtocolOrder, &d.Footnote, &e.ExtendedUntil, &e.ExtensionReason)
		return e, err
	})
	slices.SortStableFunc(out, func(a, b dialogue.Eligible) int { return dialogue.CompareProtocol(a.Delegation, b.Delegation) })
	return out, err
}

// positionColumns read a reply's latest revision from its positions row
// (which carries it whole: see migration 5), with u the author.
const positionColumns = `p.id, p.round_id, p.question_id, p.delegation_id, p.revision, p.status,
	coalesce(p.option_id, 0), p.body, p.late, p.updated_at,
	coalesce(p.proxy_source, ''), coalesce(u.name, ''), p.demo`

func scanPosition(row pgx.CollectableRow) (dialogue.Position, error) {
	var p dialogue.Position
	var status string // a plain string: pgx scans a named type through reflection
	err := row.Scan(&p.ID, &p.RoundID, &p.QuestionID, &p.DelegationID, &p.Revision, &status,
		&p.OptionID, &p.Body, &p.Late, &p.UpdatedAt, &p.ProxySource, &p.AuthorName, &p.Demo)
	p.Status = dialogue.PositionStatus(status)
	return p, err
}

// RoundPositions returns the latest revision of every reply in a round, or
// only one delegation's when delegationID is not 0. Sealing is the caller's
// duty: it asks for everyone's only for a viewer who may see them.
func (s *Store) RoundPositions(ctx context.Context, roundID, delegationID int64) ([]dialogue.Position, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+positionColumns+`
		FROM positions p LEFT JOIN users u ON u.id = p.author_id
		WHERE p.round_id = $1 AND ($2 = 0 OR p.delegation_id = $2)`, roundID, delegationID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanPosition)
}

// RoundCells returns the latest state of every reply in a round without
// its text: what the reply matrix shows (status, revision, late, received
// outside the portal), read from positions alone. Sealing is the caller's
// duty, as for RoundPositions. expected (delegations × questions) sizes the
// list: a matrix is read whole at every view, and growing a list of 370
// replies step by step, or scanning the status through pgx's reflection
// (it is a named string type), was a third of the page's CPU.
func (s *Store) RoundCells(ctx context.Context, roundID int64, expected int) ([]dialogue.Position, error) {
	rows, err := s.pool.Query(ctx, roundCellsQuery, roundID)
	if err != nil {
		return nil, err
	}
	return collectCells(rows, roundID, expected)
}

// roundCellsQuery is RoundCells' statement ($1 the round); collectCells
// reads its rows and closes them. Every column it reads is in
// positions_round_cells_idx (migration 000016): a closed round's cells come
// from the index alone.
const roundCellsQuery = `
		SELECT id, question_id, delegation_id, revision, status, late, coalesce(proxy_source, '')
		FROM positions WHERE round_id = $1`

func collectCells(rows pgx.Rows, roundID int64, expected int) ([]dialogue.Position, error) {
	defer rows.Close()
	out := make([]dialogue.Position, 0, max(expected, 0))
	// Scanned into the same variables each row: a Position whose fields
	// were scanned directly would be allocated anew for every row.
	var (
		id, question, delegation int64
		revision                 int
		status, proxy            string
		late                     bool
	)
	dest := []any{&id, &question, &delegation, &revision, &status, &late, &proxy}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		out = append(out, dialogue.Position{ID: id, RoundID: roundID, QuestionID: question, DelegationID: delegation,
			Revision: revision, Status: dialogue.PositionStatus(status), Late: late, ProxySource: proxy})
	}
	return out, rows.Err()
}

// RoundDetail is a round with what its pages need of its note (subject,
// marking, the questions put) and the delegations consulted.
type RoundDetail struct {
	Round       dialogue.Round
	NoteSubject string
	NoteMarking dialogue.Marking
	Questions   []dialogue.Question
	Eligible    []dialogue.Eligible // protocol order
}

// RoundDetail reads a round for its pages in one round trip (the caller
// checks who may see it). The note's body, which can run to 100 KB, is
// not read: the round pages show its questions only.
func (s *Store) RoundDetail(ctx context.Context, id int64) (RoundDetail, error) {
	var rd RoundDetail
	var b pgx.Batch
	queueRoundDetail(&b, id, &rd)
	err := s.pool.SendBatch(ctx, &b).Close()
	return rd, err
}

// RoundDetailCells is RoundDetail and RoundCells in one round trip, for
// the reply matrix: a page the Presidency reloads as replies come in.
// Sealing is the caller's duty, as for RoundCells.
func (s *Store) RoundDetailCells(ctx context.Context, id int64) (RoundDetail, []dialogue.Position, error) {
	var rd RoundDetail
	var cells []dialogue.Position
	var b pgx.Batch
	queueRoundDetail(&b, id, &rd)
	b.Queue(roundCellsQuery, id).Query(func(rows pgx.Rows) error {
		var err error
		cells, err = collectCells(rows, id, len(rd.Eligible)*len(rd.Questions)) // read before: the batch's order
		return err
	})
	err := s.pool.SendBatch(ctx, &b).Close()
	return rd, cells, err
}

// queueRoundDetail queues the statements of RoundDetail, which fill rd.
func queueRoundDetail(b *pgx.Batch, id int64, rd *RoundDetail) {
	b.Queue(`SELECT `+roundColumns+`, d.subject, d.marking
		FROM rounds r JOIN documents d ON d.id = r.document_id WHERE r.id = $1`, id).
		QueryRow(func(row pgx.Row) error {
			var err error
			rd.Round, err = scanRound(row, &rd.NoteSubject, &rd.NoteMarking)
			return notFound(err, "round")
		})
	b.Queue(eligibleQuery, id).Query(func(rows pgx.Rows) error {
		var err error
		rd.Eligible, err = collectEligible(rows)
		return err
	})
	b.Queue(`
		SELECT `+questionOptionColumns+`
		FROM rounds r
		JOIN questions q ON q.document_id = r.document_id
		LEFT JOIN question_options o ON o.question_id = q.id
		WHERE r.id = $1
		ORDER BY q.position, o.position`, id).Query(func(rows pgx.Rows) error {
		var err error
		rd.Questions, err = collectQuestions(rows)
		return err
	})
}

// PositionHistory returns every revision of one delegation's reply to one
// question, newest first.
func (s *Store) PositionHistory(ctx context.Context, roundID, questionID, delegationID int64) ([]dialogue.Position, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT p.id, p.round_id, p.question_id, p.delegation_id, pr.revision, pr.status,
		       coalesce(pr.option_id, 0), pr.body, pr.late, pr.created_at,
		       coalesce(pr.proxy_source, ''), coalesce(u.name, ''), pr.demo
		FROM positions p
		JOIN position_revisions pr ON pr.position_id = p.id
		LEFT JOIN users u ON u.id = pr.author_id
		WHERE p.round_id = $1 AND p.question_id = $2 AND p.delegation_id = $3
		ORDER BY pr.revision DESC`, roundID, questionID, delegationID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanPosition)
}

// ReleaseRound opens the replies to the round's audience.
func (s *Store) ReleaseRound(ctx context.Context, actor dialogue.Actor, roundID int64, audience dialogue.ReleaseAudience) error {
	if !audience.Valid() || audience == dialogue.ReleasePresidency {
		return dialogue.FieldError("release_audience", "Choose to whom the replies are released: member states, or member states and partners.")
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE rounds SET released_at = now(), release_audience = $2 WHERE id = $1 AND released_at IS NULL`, roundID, audience)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return dialogue.Errorf(dialogue.KindConflict, "These replies are already released.")
		}
		return writeAudit(ctx, tx, actor, auditEntry{Action: "round.release", ObjectType: "round", ObjectID: roundID,
			Detail: map[string]any{"audience": audience}})
	})
}

// Summary is a Presidency summary paragraph for one question of a round.
type Summary struct {
	QuestionID int64
	Body       string
	Version    int
}

// Summaries returns the summaries of a round by question.
func (s *Store) Summaries(ctx context.Context, roundID int64) (map[int64]Summary, error) {
	rows, err := s.pool.Query(ctx, `SELECT question_id, body, version FROM round_summaries WHERE round_id = $1`, roundID)
	if err != nil {
		return nil, err
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Summary, error) {
		var x Summary
		return x, row.Scan(&x.QuestionID, &x.Body, &x.Version)
	})
	out := make(map[int64]Summary, len(list))
	for _, x := range list {
		out[x.QuestionID] = x
	}
	return out, err
}

// SaveSummary writes a summary on top of baseVersion (0 when there was
// none); a save on a stale version is a conflict, not an overwrite.
func (s *Store) SaveSummary(ctx context.Context, actor dialogue.Actor, roundID, questionID int64, body string, baseVersion int) (int, error) {
	var version int
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		// FOR SHARE on the round, as SavePosition does: issuing the
		// compilation (which locks the round) waits for this save, and a
		// save that starts after it sees the round compiled.
		if _, err := tx.Exec(ctx, `SELECT 1 FROM rounds WHERE id = $1 FOR SHARE`, roundID); err != nil {
			return err
		}
		var by *int64
		if actor.UserID != 0 {
			by = &actor.UserID
		}
		var err error
		if baseVersion == 0 {
			err = tx.QueryRow(ctx, `
				INSERT INTO round_summaries (round_id, question_id, body, updated_by)
				SELECT r.id, q.id, $3, $4 FROM rounds r JOIN questions q ON q.document_id = r.document_id AND q.id = $2
				WHERE r.id = $1 AND r.compilation_document_id IS NULL
				ON CONFLICT (round_id, question_id) DO NOTHING
				RETURNING version`, roundID, questionID, strings.TrimSpace(body), by).Scan(&version)
		} else {
			err = tx.QueryRow(ctx, `
				UPDATE round_summaries s SET body = $3, updated_by = $4, updated_at = now(), version = version + 1
				FROM rounds r
				WHERE s.round_id = $1 AND s.question_id = $2 AND s.version = $5
				  AND r.id = s.round_id AND r.compilation_document_id IS NULL
				RETURNING s.version`, roundID, questionID, strings.TrimSpace(body), by, baseVersion).Scan(&version)
		}
		if errors.Is(err, pgx.ErrNoRows) {
			return dialogue.Errorf(dialogue.KindConflict, "This summary was changed by someone else, or the compilation is already issued: reload the page; your text is kept below.")
		}
		if err != nil {
			return err
		}
		return writeAudit(ctx, tx, actor, auditEntry{Action: "round.summary", ObjectType: "round", ObjectID: roundID,
			Detail: map[string]any{"question": questionID, "version": version}})
	})
	return version, err
}

// LatestRounds returns the viewer's newest rounds by deadline, at most
// limit, without the counts FindRounds adds to each (the questions, the
// replies): the choices of a form, such as an agenda item's round. With
// them, the hundred rounds of a meeting page's agenda form took 4.4 ms.
func (s *Store) LatestRounds(ctx context.Context, v dialogue.Viewer, limit int) ([]dialogue.Round, error) {
	scope, args := "", []any(nil)
	if !v.SeeAll {
		scope = `JOIN round_delegations rd ON rd.round_id = r.id AND rd.delegation_id = ` + unplanned("$1", "bigint")
		args = append(args, v.DelegationID)
	}
	rows, err := s.pool.Query(ctx, `SELECT `+roundColumns+`
		FROM rounds r JOIN documents d ON d.id = r.document_id `+scope+`
		ORDER BY r.deadline DESC, r.id DESC
		LIMIT `+strconv.Itoa(limit), args...)
	if err != nil {
		return nil, fmt.Errorf("store: latest rounds: %w", err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (dialogue.Round, error) { return scanRound(row) })
}

// RoundsByID returns the given rounds (the caller checks who may see them).
func (s *Store) RoundsByID(ctx context.Context, ids []int64) ([]dialogue.Round, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT `+roundColumns+`
		FROM rounds r JOIN documents d ON d.id = r.document_id WHERE r.id = ANY($1) ORDER BY r.deadline DESC`, ids)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (dialogue.Round, error) { return scanRound(row) })
}
