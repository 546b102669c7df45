package store

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// Passage markers: ts_headline wraps matches in these bytes, which no
// document text contains, so the page can mark the matches and escape
// everything else (no HTML ever comes out of the database).
const (
	MatchStart = "\x02"
	MatchStop  = "\x03"
)

// DocumentHit is a document matching a search.
type DocumentHit struct {
	Document dialogue.Document
	Passage  string // with MatchStart/MatchStop around the matches
}

// ReplyHit is a reply matching a search.
type ReplyHit struct {
	RoundID     int64
	RoundTitle  string
	QuestionPos int
	Delegation  dialogue.Delegation
	Status      dialogue.PositionStatus
	Demo        bool
	Passage     string
	UpdatedAt   time.Time
}

// SearchResults are what a search finds that the viewer may see.
type SearchResults struct {
	Documents []DocumentHit
	Replies   []ReplyHit
}

// searchLimit caps each list: a search is a way in, not an export.
const searchLimit = 50

// Search finds documents and replies matching q (web-search syntax:
// words, "quoted phrases", -excluded, or), newest first, with accents and
// case ignored,
// using the portal's text-search configuration. It applies the same rules
// as every page: documents by distribution; replies of the viewer's own
// delegation, and others' only once released to the viewer's audience
// (the Presidency and the secretariat see every reply given). Drafts are
// found only by their own delegation.
func (s *Store) Search(ctx context.Context, v dialogue.Viewer, q string) (SearchResults, error) {
	var res SearchResults
	q = strings.TrimSpace(q)
	if q == "" {
		return res, nil
	}
	const headline = `'StartSel=` + MatchStart + `, StopSel=` + MatchStop + `, MaxWords=40, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "'`
	seeAll, delegation := viewerArgs(v)
	var b pgx.Batch
	// Newest first, cut, then the passages. Ranking by relevance would read
	// (and de-toast) the text vector of every match, which for a common word
	// is most of a decade's register; the date comes from the row. And
	// ts_headline re-parses the text it is given, so it runs on the rows
	// shown only, and on their first 10,000 characters (a passage from the
	// start of a long note, rather than 18 ms per 90,000-character body).
	b.Queue(`
		WITH q AS (SELECT websearch_to_tsquery('portal', $1) AS query),
		hits AS (
			SELECT d.id
			FROM documents d, q
			WHERE d.search @@ q.query AND `+documentVisible("$2", "$3")+`
			ORDER BY d.doc_date DESC, d.id DESC
			LIMIT `+strconv.Itoa(searchLimit)+`
		)
		SELECT `+documentListColumns+`,
		       ts_headline('portal', left(d.subject || E'\n' || d.body_md, 10000), q.query, `+headline+`) AS passage
		FROM hits JOIN documents d ON d.id = hits.id, q
		ORDER BY d.doc_date DESC, d.id DESC`, q, seeAll, delegation).
		Query(func(rows pgx.Rows) error {
			type hitRow struct {
				documentRow
				Passage string `db:"passage"`
			}
			hits, err := pgx.CollectRows(rows, pgx.RowToStructByNameLax[hitRow])
			for _, h := range hits {
				res.Documents = append(res.Documents, DocumentHit{Document: h.document(), Passage: h.Passage})
			}
			return err
		})
	b.Queue(`
		WITH q AS (SELECT websearch_to_tsquery('portal', $1) AS query),
		hits AS (
			SELECT pr.position_id, pr.revision, p.updated_at, p.id
			FROM q, position_revisions pr
			JOIN positions p ON p.id = pr.position_id AND p.revision = pr.revision
			JOIN rounds r ON r.id = p.round_id
			WHERE pr.search @@ q.query
			  AND (p.delegation_id = $3
			       OR (p.status <> 'draft' AND ($2
			           OR (r.released_at IS NOT NULL AND EXISTS (
			                 SELECT 1 FROM delegations vd WHERE vd.id = $3 AND (
			                   (r.release_audience = 'member_states' AND vd.kind IN ('member_state', 'institution'))
			                   OR (r.release_audience = 'member_states_partners' AND vd.kind IN ('member_state', 'institution', 'partner'))))))))
			ORDER BY p.updated_at DESC, p.id DESC
			LIMIT `+strconv.Itoa(searchLimit)+`
		)
		SELECT r.id, r.title, qu.position, d.id, d.code, d.kind, d.name, d.native_name,
		       coalesce(d.protocol_order, 0), d.footnote, p.status, pr.demo, p.updated_at,
		       ts_headline('portal', left(pr.body, 10000), q.query, `+headline+`)
		FROM hits
		JOIN position_revisions pr ON pr.position_id = hits.position_id AND pr.revision = hits.revision
		JOIN positions p ON p.id = pr.position_id
		JOIN rounds r ON r.id = p.round_id
		JOIN questions qu ON qu.id = p.question_id
		JOIN delegations d ON d.id = p.delegation_id, q
		ORDER BY hits.updated_at DESC, hits.id DESC`, q, seeAll, delegation).
		Query(func(rows pgx.Rows) error {
			hits, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (ReplyHit, error) {
				var h ReplyHit
				d := &h.Delegation
				err := row.Scan(&h.RoundID, &h.RoundTitle, &h.QuestionPos, &d.ID, &d.Code, &d.Kind, &d.Name, &d.NativeName,
					&d.ProtocolOrder, &d.Footnote, &h.Status, &h.Demo, &h.UpdatedAt, &h.Passage)
				return h, err
			})
			res.Replies = hits
			return err
		})
	err := s.pool.SendBatch(ctx, &b).Close()
	return res, err
}
