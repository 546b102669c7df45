package store

import (
	"context"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// Passage markers: the passage wraps matches in these bytes, which no
// document text contains, so the page can mark the matches and escape
// everything else (no HTML ever comes out of the store).
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
	PositionID  int64
	RoundID     int64
	RoundTitle  string
	QuestionPos int
	Delegation  dialogue.Delegation
	Status      dialogue.PositionStatus
	Demo        bool
	Passage     string
	UpdatedAt   time.Time
}

// SearchResults are what a search finds that the viewer may see: a page
// of each list asked for, and where each goes on.
type SearchResults struct {
	Documents []DocumentHit
	Replies   []ReplyHit
	// MoreDocuments and MoreReplies are the After of the lists' next pages,
	// "" where a list ends.
	MoreDocuments, MoreReplies string
}

// SearchList names the list a page of results continues; SearchAll is the
// first page of both.
type SearchList string

const (
	SearchAll       SearchList = ""
	SearchDocuments SearchList = "documents"
	SearchReplies   SearchList = "replies"
)

// SearchRequest is a page of search results: the words, and for a page
// after the first, the list it continues and where (the More of the page
// before).
type SearchRequest struct {
	Words string
	List  SearchList
	After string
}

const (
	// SearchPageSize is how many hits of each list a page shows: ten, as
	// search pages commonly do, enough to scan at a glance (two lists of
	// ten passages are a page of some 1,500 words); older ones are a link
	// away. Twenty of each cost a search a fifth more (the notes' texts
	// and passages are most of the portal's part of it), see bench/README.md.
	SearchPageSize = 10
	// recentDocuments, and replyWindows, size the windows
	// of newest rows (from the page's start) each list searches first
	// (about a year of documents; the calendar month of the newest reply,
	// then the two months before it, then the nine before those): the first
	// enough for a common word to fill a page for a member state or the
	// Presidency (but early in a month, when its replies are few, the next
	// one does), the later ones for a partner, who may read fewer replies;
	// each small enough to cost the same whatever the years behind it. A
	// window costs what its matches cost, each read and checked, and no
	// match is read twice: on the bench's ten years, a member state's
	// search for a common word read its replies 1.4 to 2 times faster from
	// the month than from the 3 months (pgbench), and the replies statement
	// went from 2.5 to 1.4 ms when the windows stopped holding one another
	// (the 3 months read the month again) and each match was checked by its
	// readers level rather than by its round.
	recentDocuments = 400
	// passageSource is how much of a text (in bytes) the passage is taken
	// from: a match further into a long note gives a passage from its start.
	passageSource = 10000
)

// Search finds documents and replies matching the words (web-search
// syntax: words, "quoted phrases", -excluded, or), newest first, with
// accents and case ignored, using the portal's text-search configuration,
// a page at a time. It applies the same rules as every page: documents by
// distribution; replies of the viewer's own delegation, and others' only
// once released to the viewer's audience (the Presidency and the
// secretariat see every reply given). Drafts are found only by their own
// delegation. A reply is found by its current text (its latest revision),
// as the round pages show it. A page's start (After) only says where to
// read from: whatever it holds, what the viewer may not see stays unseen.
func (s *Store) Search(ctx context.Context, v dialogue.Viewer, req SearchRequest) (SearchResults, error) {
	var res SearchResults
	q := strings.TrimSpace(req.Words)
	if q == "" {
		return res, nil
	}
	docsFrom, repliesFrom := firstDocument, firstReply
	var ok bool
	switch req.List {
	case SearchAll:
		ok = req.After == ""
	case SearchDocuments:
		docsFrom, ok = parseDocumentCursor(req.After)
	case SearchReplies:
		repliesFrom, ok = parseReplyCursor(req.After)
	}
	if !ok {
		return res, dialogue.Errorf(dialogue.KindInvalid, "This link to more results is not valid: search again.")
	}
	seeAll, delegation := viewerArgs(v)
	var b pgx.Batch
	if req.List != SearchReplies {
		sql := searchDocumentsSQL
		if !v.SeeAll && v.DelegationKind == dialogue.Observer {
			sql = searchObserverDocumentsSQL
		}
		b.Queue(sql, q, seeAll, delegation, docsFrom.date, docsFrom.year, docsFrom.number, docsFrom.id).Query(func(rows pgx.Rows) error {
			var terms string // the same on every row
			hits, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (DocumentHit, error) {
				var r documentRow
				var h DocumentHit // Passage: the text it is taken from, until the page is known
				err := row.Scan(r.listDestinations(&h.Passage, &terms)...)
				h.Document = r.document()
				return h, err
			})
			if len(hits) > SearchPageSize { // the statement reads one more: is there a next page?
				hits = hits[:SearchPageSize]
				res.MoreDocuments = documentCursorOf(hits[len(hits)-1].Document).String()
			}
			words := queryTerms(terms)
			for i, h := range hits {
				hits[i].Passage = headline(h.Document.Subject+"\n"+h.Passage, words, true)
			}
			res.Documents = hits
			return err
		})
	}
	if req.List != SearchDocuments {
		sql := searchRepliesSQL
		if !v.SeeAll && v.DelegationKind == dialogue.Partner {
			sql = searchPartnerRepliesSQL
		}
		b.Queue(sql, q, seeAll, delegation, repliesFrom.updatedAt, repliesFrom.id).Query(func(rows pgx.Rows) error {
			var terms string // the same on every row
			hits, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (ReplyHit, error) {
				var h ReplyHit // Passage: the text it is taken from, until the page is known
				d := &h.Delegation
				err := row.Scan(&h.PositionID, &h.RoundID, &h.RoundTitle, &h.QuestionPos, &d.ID, &d.Code, &d.Kind, &d.Name, &d.NativeName,
					&d.ProtocolOrder, &d.Footnote, &h.Status, &h.Demo, &h.UpdatedAt, &h.Passage, &terms)
				return h, err
			})
			if len(hits) > SearchPageSize {
				hits = hits[:SearchPageSize]
				last := hits[len(hits)-1]
				res.MoreReplies = replyCursor{last.UpdatedAt, last.PositionID}.String()
			}
			words := queryTerms(terms)
			for i, h := range hits {
				hits[i].Passage = headline(h.Passage, words, false)
			}
			res.Replies = hits
			return err
		})
	}
	err := s.pool.SendBatch(ctx, &b).Close()
	return res, err
}

// A page of results starts after the last hit of the page before, given
// by its sort key, so that a page costs the same however deep, and a
// document or reply saved meanwhile neither repeats nor skips a hit. The
// first page starts after a key beyond every row.
type documentCursor struct {
	date         time.Time
	year, number int // number: noNumber for a draft without one
	id           int64
}

type replyCursor struct {
	updatedAt time.Time
	id        int64
}

// noNumber stands for a document's missing number in its sort key: above
// any number (1 to 99,999), as NULLS FIRST sorts it in the register.
const noNumber = 100000

var (
	firstDocument = documentCursor{date: time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), year: 9999, number: noNumber + 1, id: math.MaxInt64}
	firstReply    = replyCursor{updatedAt: time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), id: math.MaxInt64}
)

func documentCursorOf(d dialogue.Document) documentCursor {
	c := documentCursor{date: d.Date, year: d.Ref.Year, number: d.Ref.Number, id: d.ID}
	if c.number == 0 {
		c.number = noNumber
	}
	return c
}

// String is the cursor as a link carries it: 2026-05-04.2026.1234.5678.
func (c documentCursor) String() string {
	return c.date.Format(time.DateOnly) + "." + strconv.Itoa(c.year) + "." + strconv.Itoa(c.number) + "." + strconv.FormatInt(c.id, 10)
}

func parseDocumentCursor(s string) (documentCursor, bool) {
	var c documentCursor
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return c, false
	}
	var err [4]error
	c.date, err[0] = time.Parse(time.DateOnly, parts[0])
	c.year, err[1] = strconv.Atoi(parts[1])
	c.number, err[2] = strconv.Atoi(parts[2])
	c.id, err[3] = strconv.ParseInt(parts[3], 10, 64)
	// Within the columns' ranges: an altered link must not become an error
	// of the database.
	ok := errors.Join(err[:]...) == nil && c.year >= 0 && c.year <= firstDocument.year &&
		c.number >= 0 && c.number <= firstDocument.number && c.id >= 0
	return c, ok
}

// String is the cursor as a link carries it: the instant in microseconds
// (the database's precision) and the id, 1763812345678901.5678.
func (c replyCursor) String() string {
	return strconv.FormatInt(c.updatedAt.UnixMicro(), 10) + "." + strconv.FormatInt(c.id, 10)
}

func parseReplyCursor(s string) (replyCursor, bool) {
	var c replyCursor
	at, id, ok := strings.Cut(s, ".")
	if !ok {
		return c, false
	}
	micro, err1 := strconv.ParseInt(at, 10, 64)
	var err2 error
	c.id, err2 = strconv.ParseInt(id, 10, 64)
	c.updatedAt = time.UnixMicro(micro).UTC()
	return c, err1 == nil && err2 == nil && micro >= 0 && !c.updatedAt.After(firstReply.updatedAt) && c.id >= 0
}

// The two statements of a search ($1 the words, $2 and $3 the viewer's
// arguments, see viewerArgs, then the page's start) are planned without
// seeing their parameters: the words are a materialized CTE (q), the other
// arguments sub-selects. Their one plan suits every word, viewer and page
// (see newestMatches), and so PostgreSQL keeps the generic plan of pgx's
// prepared statement after its first executions instead of planning each
// search again, which for these statements costs more than running them.
const (
	searchWords      = `websearch_to_tsquery('portal', $1)`
	searchSeeAll     = `(SELECT $2::boolean)`
	searchDelegation = `(SELECT $3::bigint)`
	// The page's start, a documentCursor ($4 to $7) or a replyCursor ($4, $5).
	documentsFrom = `((SELECT $4::date), (SELECT $5::int), (SELECT $6::int), (SELECT $7::bigint))`
	repliesFrom   = `((SELECT $4::timestamptz), (SELECT $5::bigint))`
)

// searchDocumentsSQL: a page of documents, newest first as in the register,
// and the text of their passages. searchObserverDocumentsSQL: the same for
// an observer's delegate (see namedDocuments).
var (
	searchDocumentsSQL         = searchDocuments([]searchSource{documentsVisible})
	searchObserverDocumentsSQL = searchDocuments([]searchSource{audienceDocuments, namedDocuments})
)

// searchDocuments returns the statement of a page of documents read from
// the sources given, which never hold the same document. The window is
// the recentDocuments documents from the page's start on: those dated from
// the date of the recentDocuments-th, the page's start being the list's
// own condition. Its date as an upper bound of the window, too, made the
// full-text index read the entries of every date below it (the first
// page's start is the year 9999) for every search: 0.3 ms of a statement
// of 0.8 to 1.8.
func searchDocuments(sources []searchSource) string {
	return `WITH q AS MATERIALIZED (SELECT ` + searchWords + ` AS query),` + newestMatches(
		`d.id, d.doc_date, d.year, d.number`, `doc_date DESC, year DESC, number DESC NULLS FIRST, id DESC`,
		searchStep{sources: sources, where: documentsMatch(`d.doc_date >= coalesce((SELECT e.doc_date FROM documents e
		WHERE e.doc_date <= (SELECT $4::date)
		ORDER BY e.doc_date DESC, e.year DESC, e.number DESC NULLS FIRST, e.id DESC
		OFFSET ` + strconv.Itoa(recentDocuments-1) + ` LIMIT 1), '-infinity')`)},
		searchStep{sources: sources, where: documentsMatch()}) + `
	SELECT ` + documentListColumns + `, ` + passageText("d.body_md") + `, querytree(q.query)
	FROM hits JOIN documents d ON d.id = hits.id, q
	ORDER BY d.doc_date DESC, d.year DESC, d.number DESC NULLS FIRST, d.id DESC`
}

// The documents a viewer may see (documentVisible): all at once; or, for
// an observer, as two sets that never overlap. An observer is sent few
// documents, nearly all by name (44 in the bench's ten years for Europol,
// of 4,012), so a common word's matches in the window rarely made a page
// and its search checked every match of the decade (3,000 for "Europol",
// 3 ms); it reads the documents it is named for through its recipients
// instead, words checked on each (walk), and those its audience gives it
// (a working party's) through the full-text index, skipped when it is in
// no working party. Which statement runs is chosen by the viewer's kind,
// but neither relies on it: together the two sets are documentVisible's.
var (
	documentsVisible  = searchSource{from: `documents d`, visible: documentVisible(searchSeeAll, searchDelegation)}
	audienceDocuments = searchSource{from: `documents d`, visible: `(SELECT ` + searchSeeAll + ` OR ` + documentAudiencesReach(searchDelegation) + `)
		AND (` + searchSeeAll + ` OR (d.status = 'issued' AND ` + documentAudiences(searchDelegation) + `))`}
	namedDocuments = searchSource{from: `document_recipients dr JOIN documents d ON d.id = dr.document_id`, walk: true,
		visible: `dr.delegation_id = ` + searchDelegation + ` AND d.status = 'issued'
		AND NOT ` + searchSeeAll + ` AND NOT ` + documentAudiences(searchDelegation)}
)

// documentsMatch returns the condition on the documents a step reads: the
// words, after the page's start, and the window's conditions. The index
// documents_search_date_idx (migration 000003) holds each document's date
// beside its words; a source that walks its rows checks the words on each
// (IS TRUE: no index condition). The page's start is no condition of an
// index either: ANDed with the full-text index, the register's B-tree read
// every document before the start (all 4,012 of the bench's ten years, 0.4
// ms, for an observer's search that read them all).
func documentsMatch(window ...string) func(searchSource) string {
	return func(src searchSource) string {
		words := `d.search @@ q.query`
		if src.walk {
			words = `(` + words + `) IS TRUE`
		}
		// The window first: of conditions that cost the same, PostgreSQL
		// checks first the one written first, and a walk reads more rows
		// outside the window than in it.
		return strings.Join(append(window[:len(window):len(window)], words+`
			AND ((d.doc_date, d.year, coalesce(d.number, `+strconv.Itoa(noNumber)+`), d.id) < `+documentsFrom+`) IS TRUE`), "\n\t\t\tAND ")
	}
}

// searchRepliesSQL: a page of replies, last changed first, and the text of
// their passages. searchPartnerRepliesSQL: the same for a partner's
// delegate (see partnersReplies).
var (
	searchRepliesSQL        = searchReplies([]searchSource{recentReplies}, []searchSource{ownReplies, othersReplies})
	searchPartnerRepliesSQL = searchReplies([]searchSource{ownReplies, partnersReplies}, []searchSource{ownReplies, partnersReplies})
)

// replyWindows are the months of the windows of recent replies, back from
// that of the newest reply from the page's start (0 is that month, 1 the
// one before): first that month, then the two before it, then the nine
// before those.
var replyWindows = [][2]int{{0, 0}, {1, 2}, {3, 11}}

// searchReplies returns the statement of a page of replies read from the
// sources given for the windows (recent) and for all the replies (all).
// The round's title and the question's number are sub-selects rather than
// joins: planning a join of five tables costs more than reading the page's
// rows.
//
// A window is a query of its own, in q: the words and any of its months,
// each month a word of a reply's indexed text (reply_search, migration
// 000018), so that the index reads the window's matches in one scan, never
// the word's matches of every month. Words that make an empty query (only
// punctuation) stay empty rather than become the months alone: such a query
// matches nothing.
func searchReplies(recent, all []searchSource) string {
	queries := []string{`w.query`}
	var months []string
	steps := make([]searchStep, 0, len(replyWindows)+1)
	for k, window := range replyWindows {
		name := `window` + strconv.Itoa(k)
		queries = append(queries, `CASE WHEN numnode(w.query) = 0 THEN w.query ELSE w.query && m.`+name+` END AS `+name)
		months = append(months, `(string_agg(l.month, ' | ') FILTER (WHERE n BETWEEN `+strconv.Itoa(window[0])+` AND `+strconv.Itoa(window[1])+`))::tsquery AS `+name)
		steps = append(steps, searchStep{sources: recent, where: repliesMatch(`q.` + name)})
	}
	steps = append(steps, searchStep{sources: all, where: repliesMatch(`q.query`)})
	lastMonth := strconv.Itoa(replyWindows[len(replyWindows)-1][1])
	// m: each window's months, back from that of the newest reply from the
	// page's start, as a query of their words (search_month), or'ed; NULL,
	// matching nothing, when no reply is that old.
	return `WITH q AS MATERIALIZED (SELECT ` + strings.Join(queries, ",\n\t\t") + `
		FROM (SELECT ` + searchWords + ` AS query) w,
		     (SELECT ` + strings.Join(months, ",\n\t\t\t") + `
		      FROM (SELECT date_trunc('month', max(e.updated_at) AT TIME ZONE 'UTC') AS newest FROM positions e
		            WHERE e.updated_at <= (SELECT $4::timestamptz)) newest,
		           generate_series(0, ` + lastMonth + `) n,
		           LATERAL (SELECT '''' || search_month(newest.newest - n * interval '1 month') || '''') l (month)) m),` + newestMatches(
		`p.id, p.updated_at`, `updated_at DESC, id DESC`, steps...) + `
	SELECT p.id, p.round_id, (SELECT r.title FROM rounds r WHERE r.id = p.round_id),
	       (SELECT qu.position FROM questions qu WHERE qu.id = p.question_id),
	       d.id, d.code, d.kind, d.name, d.native_name, coalesce(d.protocol_order, 0), d.footnote, p.status,
	       p.demo, p.updated_at, ` + passageText("p.body") + `, querytree(q.query)
	FROM hits
	JOIN positions p ON p.id = hits.id
	JOIN delegations d ON d.id = p.delegation_id, q
	ORDER BY p.updated_at DESC, p.id DESC`
}

// repliesMatch returns the condition on the replies a step reads: the
// source's indexed text matches the step's query, after the page's start.
// The page's start is no condition of an index (IS TRUE): ANDed with the
// full-text index, the B-tree of the replies' dates read every reply
// before the start, which for the first page is all of them.
func repliesMatch(query string) func(searchSource) string {
	return func(src searchSource) string {
		return src.text + ` @@ ` + query + `
			AND ((p.updated_at, p.id) < ` + repliesFrom + `) IS TRUE`
	}
}

// The sealing rule, as two sets of replies that never overlap: the
// viewer's own delegation's replies, drafts included; and other
// delegations' replies that the viewer's audience may read. Who may read a
// reply is kept beside it (readers, migration 000010: set from its round
// by the database whenever the reply or the round's release changes, in
// the same transaction), so each match is checked by a column of its own
// row: joining its round to check the release cost a third of the
// statement for a common word. Searching all the replies, each set is read
// through the full-text index by itself: the own replies by the
// delegation, a key of the index, without reading anyone else's; and a
// delegation that may read no one else's replies (an observer) skips the
// others altogether. The windows of recent replies read both sets at once
// (the window bounds the reading), except for such a delegation, which
// has nothing to gain from them.
//
// A partner may read so few of the others' replies (those of rounds
// released to the partners) that the windows rarely held a page of them
// and its search read every match of the decade: its statement reads them
// through an index of the replies released to the partners alone
// (partnersReplies), in the windows as among all, and its own replies by
// themselves. Which statement runs is chosen by the viewer's kind, but
// neither relies on it: each checks every reply it reads against the
// readers level the viewer's delegation may read, by the kind the database
// gives that delegation.
var (
	ownReplies    = searchSource{from: `positions p`, text: replyText, visible: `p.delegation_id = ` + searchDelegation}
	othersReplies = searchSource{from: `positions p`, text: replyText, visible: readsOthers + `
		AND p.delegation_id <> ` + searchDelegation + ` AND p.readers >= ` + readersLevel}
	recentReplies = searchSource{from: `positions p`, text: replyText, visible: readsOthers + `
		AND (p.delegation_id = ` + searchDelegation + ` OR p.readers >= ` + readersLevel + `)`}
	// The text of the replies released to the partners, as the partial
	// index positions_search_partners_month_idx holds it (migration
	// 000018): an expression no other index holds, so that PostgreSQL
	// reads through that one.
	partnersReplies = searchSource{from: othersReplies.from, visible: `p.readers = ` + readersPartners + ` AND ` + othersReplies.visible,
		text: `(CASE WHEN p.readers = ` + readersPartners + ` THEN ` + replyText + ` END)`}
)

// replyText is a reply's indexed text, its words and its month, as the
// index positions_search_month_idx holds it (migration 000018).
const replyText = `reply_search(p.search, p.updated_at)`

// readersPartners is the readers level (migration 000010) of a reply
// released to the partners, as positions_search_partners_month_idx is
// written.
const readersPartners = "3"

// readersLevel is the least readers level (migration 000010) of another
// delegation's reply the viewer may read: 1 (every reply given) for the
// Presidency and the secretariat; 2 (released to the member states) for a
// member state or an institution; 3 (released to the partners too) for a
// partner; 4, above every level, for anyone else. It is read once per
// statement (an uncorrelated sub-select), not once per reply; readsOthers
// holds when the viewer may read some other delegation's replies.
const (
	readersLevel = `(SELECT CASE WHEN ` + searchSeeAll + ` THEN 1 ELSE coalesce((
		SELECT CASE WHEN vd.kind IN ('member_state', 'institution') THEN 2 WHEN vd.kind = 'partner' THEN ` + readersPartners + ` END
		FROM delegations vd WHERE vd.id = ` + searchDelegation + `), 4) END)`
	readsOthers = `(` + readersLevel + ` <= ` + readersPartners + `)`
)

// searchSource is where a search list reads its rows (from, a FROM list),
// which of them the viewer may see (visible, a condition), and for the
// replies, the text the words are looked for in (text, an expression a
// full-text index holds); walk: its rows are read by the other conditions,
// the words checked on each (documents only).
type searchSource struct {
	from, visible, text string
	walk                bool
}

// searchStep is a step of newestMatches: the sources it reads and the
// condition on the rows of each (where: the words, the page's start, and
// for a window, the window).
type searchStep struct {
	sources []searchSource
	where   func(searchSource) string
}

// newestMatches returns CTEs ending in hits: the ids (column id) of the
// newest SearchPageSize+1 rows (one more than a page: is there another?),
// by order, that match and that the viewer may see, read by the steps in
// turn: first the windows, then all the rows (the last step). The sources
// of a step never hold the same row, the rows of each window are newer
// than those of the next, and the last step holds every row of the
// windows. keys are the columns the sources give, named as order names
// them: the id and those order sorts them by.
//
// Walking the rows newest first until enough match is cheap for a common
// word and ruinous for a rare one (or for a viewer who may see little);
// reading every match through the full-text index and sorting them is the
// reverse, and grows with the years. So the matches are read window by
// window: first among the newest rows (conditions on the date that the
// full-text index applies in the same scan as the words, so that a common
// word costs a window's worth of rows, never the decade); only while the
// windows read so far gave less than a page, in the next one; and at last,
// when all of them together fell short, among all the rows (a rare word:
// few rows). Each step is guarded by the counts of the steps before, which
// PostgreSQL evaluates once before running it, so a step runs only when it
// is needed. The windows' rows, newest first, are the answer when they
// make a page (every row of a window is newer than every row of the next,
// and each window gave its newest); else the last step's, which read
// everything.
func newestMatches(keys, order string, steps ...searchStep) string {
	if len(steps) < 2 {
		panic("store: newestMatches needs a window and a last step")
	}
	limit := strconv.Itoa(SearchPageSize + 1)
	var ctes, windows, counts []string
	for k, st := range steps {
		// Run only when the steps before fell short of a page.
		var short []string
		if len(counts) > 0 {
			short = []string{`(` + strings.Join(counts, " + ") + `) < ` + limit}
		}
		var branches []string
		for _, src := range st.sources {
			where := append(short[:len(short):len(short)], st.where(src), src.visible)
			branches = append(branches, `SELECT `+keys+` FROM `+src.from+`, q
			WHERE `+strings.Join(where, "\n\t\t\tAND "))
		}
		step := "step" + strconv.Itoa(k)
		ctes = append(ctes, step+` AS MATERIALIZED (
		SELECT * FROM (
			`+strings.Join(branches, "\n\t\t\tUNION ALL\n\t\t\t")+`) s
		ORDER BY `+order+`
		LIMIT `+limit+`)`)
		if k < len(steps)-1 {
			windows = append(windows, `SELECT * FROM `+step)
			counts = append(counts, `(SELECT count(*) FROM `+step+`)`)
		}
	}
	last := "step" + strconv.Itoa(len(steps)-1)
	found := `(` + strings.Join(counts, " + ") + `)`
	return "\n\t" + strings.Join(ctes, ",\n\t") + `,
	hits AS (
		(SELECT id FROM (` + strings.Join(windows, " UNION ALL ") + `) w
		 WHERE ` + found + ` >= ` + limit + `
		 ORDER BY ` + order + `
		 LIMIT ` + limit + `)
		UNION ALL
		SELECT id FROM ` + last + ` WHERE ` + found + ` < ` + limit + `)`
}

// passageText is the SQL of the text a passage is taken from: the column,
// cut to passageSource characters only when it is long enough to matter.
// Counting characters (left) costs the database more than sending a text of
// ordinary length whole; octet_length reads a long text's size without
// unpacking it. headline cuts it at passageSource in any case.
func passageText(column string) string {
	return `CASE WHEN octet_length(` + column + `) > ` + strconv.Itoa(4*passageSource) +
		` THEN left(` + column + `, ` + strconv.Itoa(passageSource) + `) ELSE ` + column + ` END`
}

// The passage under each hit is made here rather than by ts_headline,
// which parses the whole text it is given with PostgreSQL's text parser:
// about a millisecond per note, up to 40 times a search, on the
// database's CPU. The query's terms come from the database (querytree:
// the words the query needs, normalised as the index holds them), and a
// word of the text matches a term when it reads the same once lowercased
// and stripped of its accents, which is what the portal configuration
// (unaccent, then simple) does to the words it indexes. Which hits are
// found is always the database's decision; this only marks the words.

// Passage shape, as the ts_headline options used before: up to two
// fragments of about 40 words around matches.
const (
	passageWords     = 40
	passageFragments = 2
	passageContext   = 10 // words shown before a fragment's first match
)

// queryTerms returns the lexemes of querytree's text ('joint' <-> 'declaration' & 'x'),
// or none ("T": nothing but exclusions).
func queryTerms(tree string) []string {
	var terms []string
	for {
		i := strings.IndexByte(tree, '\'')
		if i < 0 {
			return terms
		}
		tree = tree[i+1:]
		var b strings.Builder
		for len(tree) > 0 {
			c := tree[0]
			tree = tree[1:]
			if c == '\\' && len(tree) > 0 {
				b.WriteByte(tree[0])
				tree = tree[1:]
				continue
			}
			if c == '\'' {
				if len(tree) > 0 && tree[0] == '\'' { // '' is a quote
					b.WriteByte('\'')
					tree = tree[1:]
					continue
				}
				break
			}
			b.WriteByte(c)
		}
		if b.Len() > 0 {
			terms = append(terms, b.String())
		}
	}
}

// headline returns the passage of text for terms: up to passageFragments
// fragments of about passageWords words, each starting a few words before
// a match, joined by " … ", the matches between MatchStart and MatchStop
// and runs of white space as one space; without a match, the text's first
// words. A document's text is Markdown (markdown true): its passage reads as
// the document's page shows it, without the marks of headings, emphasis,
// lists, tables, links and footnotes (a reply is plain text, shown as
// typed). It reads the text only as far as the passage needs (and, looking
// for a match, one byte table lookup per byte), not word by word.
func headline(text string, terms []string, markdown bool) string {
	if len(text) > passageSource {
		cut := passageSource
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut]
	}
	m := newMatcher(text, terms)
	m.markdown = markdown
	var b strings.Builder
	from := 0 // where the next fragment may start: after the previous one
	for k := 0; k < passageFragments; k++ {
		at, _ := m.next(from, len(text))
		if at < 0 && k > 0 {
			break
		}
		var start int
		if at < 0 { // no match: the text's first words
			first, _ := wordsForward(text, 0, 1)
			start = wordsBack(text, first, 1, 0)
		} else {
			start = wordsBack(text, at, passageContext, from)
		}
		end, n := wordsForward(text, start, passageWords)
		if n < passageWords { // the text ends first: start earlier
			start = wordsBack(text, start, passageWords-n, from)
		}
		if end <= start {
			break
		}
		start = openingMarks(text, start, from)
		if k > 0 {
			b.WriteString(" … ")
		}
		from = m.write(&b, start, end)
		if at < 0 {
			break
		}
	}
	return b.String()
}

// matcher finds the terms in a text.
type matcher struct {
	text  string
	terms []string
	// first marks the bytes a match can start with: the terms' first
	// letters in either case, and the first byte of any non-ASCII letter
	// (É reads as e).
	first [256]bool
	// markdown: the text is Markdown, written without its marks.
	markdown bool
}

func newMatcher(text string, terms []string) *matcher {
	m := &matcher{text: text, terms: terms}
	for c := 0xC0; c < 0x100; c++ {
		m.first[c] = true
	}
	for _, t := range terms {
		c := t[0]
		m.first[c] = true
		if 'a' <= c && c <= 'z' {
			m.first[c-'a'+'A'] = true
		}
	}
	return m
}

// next returns the first match starting in [from, limit), or -1.
func (m *matcher) next(from, limit int) (start, end int) {
	text := m.text
	for i := from; i < limit; i++ {
		if !m.first[text[i]] {
			continue
		}
		if i > 0 {
			if c := text[i-1]; c < utf8.RuneSelf && isWordRune(rune(c)) {
				continue // inside a word
			} else if r, _ := utf8.DecodeLastRuneInString(text[:i]); c >= utf8.RuneSelf && isWordRune(r) {
				continue
			}
		}
		// The longest term read here: cross-border rather than cross.
		end := -1
		for _, t := range m.terms {
			if n := foldedPrefix(text[i:], t); n > 0 && i+n > end {
				end = i + n
			}
		}
		if end > 0 {
			return i, end
		}
	}
	return -1, -1
}

// write writes text[start:end] with its matches marked and returns where
// it stopped: after a match that runs past end, and after the punctuation
// that closes the last word ("(5559/26).").
func (m *matcher) write(b *strings.Builder, start, end int) int {
	text := m.text
	for start < end {
		at, stop := m.next(start, end)
		if at < 0 {
			break
		}
		m.writeText(b, start, at)
		b.WriteString(MatchStart)
		m.writeText(b, at, stop)
		b.WriteString(MatchStop)
		start = stop
	}
	end = max(end, start)
	for end < len(text) {
		r, n := utf8.DecodeRuneInString(text[end:])
		if unicode.IsSpace(r) || isWordRune(r) {
			break
		}
		end += n
	}
	m.writeText(b, start, end)
	return end
}

// writeText writes text[start:end] as writeSpaced does, and for Markdown
// without its marks (see markdownMark), a run of white space around a
// mark still one space.
func (m *matcher) writeText(b *strings.Builder, start, end int) {
	if !m.markdown {
		writeSpaced(b, m.text[start:end])
		return
	}
	text := m.text
	from := start // start of the text not written yet
	for i := start; i < end; {
		c := text[i]
		if c >= utf8.RuneSelf || !markdownByte[c] {
			i++
			continue
		}
		if c == '\\' && i+1 < len(text) && asciiPunct(text[i+1]) { // an escaped mark is text
			writeSpaced(b, text[from:i])
			from, i = i+1, i+2
			continue
		}
		n := markdownMark(text, i)
		if n == 0 {
			i++
			continue
		}
		writeSpaced(b, text[from:i])
		if c == '|' && b.Len() > 0 && !strings.HasSuffix(b.String(), " ") { // a table's cells: words apart
			b.WriteByte(' ')
		}
		i += n
		from = i
		// White space after a mark that followed white space: one space.
		if strings.HasSuffix(b.String(), " ") {
			for from < end && from < len(text) {
				n := spaceLen(text[from:])
				if n == 0 {
					break
				}
				from += n
			}
			i = max(i, from)
		}
	}
	if from < end {
		writeSpaced(b, text[from:end])
	}
}

// markdownByte marks the bytes a Markdown mark can start with.
var markdownByte = func() (t [utf8.RuneSelf]bool) {
	for _, c := range "#>-+*_`~|[]!\\=" {
		t[c] = true
	}
	return t
}()

// markdownMark returns the length of the Markdown mark at text[i], or 0 when
// the byte there is text. The marks are those of the portal's notes
// (CommonMark with tables and strikethrough, and footnote markers [^n]):
// at the start of a line, a heading's #s, a quote's >, a list item's
// bullet, a table's or a heading's rule; anywhere, emphasis (* and _ at
// a word's edge), strikethrough (~~), code (`), a table's |, a footnote
// marker, and a link's brackets and address (the link's text stays).
func markdownMark(text string, i int) int {
	c := text[i]
	lineStart := true
	for j := i - 1; j >= 0 && text[j] != '\n'; j-- {
		if text[j] != ' ' && text[j] != '\t' {
			lineStart = false
			break
		}
	}
	run := i
	for run < len(text) && text[run] == c {
		run++
	}
	n := run - i // the mark's run: "##", "**"
	spaceAfter := run == len(text) || text[run] == ' ' || text[run] == '\t' || text[run] == '\n'
	if lineStart {
		lineEnd := strings.IndexByte(text[i:], '\n')
		if lineEnd < 0 {
			lineEnd = len(text) - i
		}
		if strings.Trim(text[i:i+lineEnd], "|-:=*_ \t") == "" && strings.ContainsAny(text[i:i+lineEnd], "-=*_") {
			return lineEnd // a rule: ---, ===, |---|:--:|
		}
		switch {
		case c == '#' && n <= 6 && spaceAfter, c == '>':
			return n
		case (c == '-' || c == '+' || c == '*') && n == 1 && spaceAfter:
			return 1
		}
	}
	switch c {
	case '*', '`', '|':
		return n
	case '~':
		if n >= 2 {
			return n
		}
	case '_':
		// Emphasis at a word's edge; inside a word (snake_case) it is text.
		before := i > 0 && isWordRune(lastRune(text[:i]))
		after := run < len(text) && isWordRune(firstRune(text[run:]))
		if !before || !after {
			return n
		}
	case '!':
		if i+1 < len(text) && text[i+1] == '[' && opensLink(text, i+1) {
			return 1 // an image: its text stays
		}
	case '[':
		if k := footnoteMarkerLen(text[i:]); k > 0 {
			return k
		}
		if opensLink(text, i) {
			return 1
		}
	case ']':
		return addressLen(text, i)
	}
	return 0
}

// opensLink reports whether the [ at text[i] opens a link: its text, then
// an address, on the same line.
func opensLink(text string, i int) bool {
	k := strings.IndexAny(text[i+1:], "]\n")
	return k >= 0 && addressLen(text, i+1+k) > 0
}

// addressLen returns the length of a link's end at text[i], "](address)"
// on one line, or 0.
func addressLen(text string, i int) int {
	if !strings.HasPrefix(text[i:], "](") {
		return 0
	}
	if k := strings.IndexAny(text[i:], ")\n"); k > 0 && text[i+k] == ')' {
		return k + 1
	}
	return 0
}

// footnoteMarkerLen returns the length of a footnote marker "[^12]" at the
// start of s, or 0.
func footnoteMarkerLen(s string) int {
	if !strings.HasPrefix(s, "[^") {
		return 0
	}
	k := 2
	for k < len(s) && k < 6 && '0' <= s[k] && s[k] <= '9' {
		k++
	}
	if k > 2 && k < len(s) && s[k] == ']' {
		return k + 1
	}
	return 0
}

func asciiPunct(c byte) bool {
	return c < utf8.RuneSelf && c > ' ' && !asciiWord[c] && c != 0x7f
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

// wordsForward returns where the n-th word from start ends (or the last
// word, if the text has fewer) and how many words that is.
func wordsForward(text string, start, n int) (end, found int) {
	end = start
	for i := start; i < len(text) && found < n; {
		if size := wordRuneLenAt(text, i); size < 0 {
			i -= size
			continue
		}
		for i < len(text) {
			size := wordRuneLenAt(text, i)
			if size < 0 {
				break
			}
			i += size
		}
		end, found = i, found+1
	}
	return end, found
}

// wordsBack returns where the n-th word before at starts, or the first
// word at or after floor if there are fewer.
func wordsBack(text string, at, n, floor int) int {
	start := at
	for i := at; i > floor && n > 0; {
		if size := wordRuneLenBefore(text[floor:i]); size < 0 {
			i += size
			continue
		}
		for i > floor {
			size := wordRuneLenBefore(text[floor:i])
			if size < 0 {
				break
			}
			i -= size
		}
		start, n = i, n-1
	}
	return start
}

// openingMarks returns where the marks that open the word at start begin
// ("[Demo reply]", "(5559/26)", "«Europol"), when they follow white space
// or the text's start (not floor's): a passage starting at the word would
// show the bracket that closes them and not the one that opens them.
func openingMarks(text string, start, floor int) int {
	i := start
	for i > floor {
		r, n := utf8.DecodeLastRuneInString(text[:i])
		if unicode.IsSpace(r) || isWordRune(r) {
			break
		}
		i -= n
	}
	if i == start || (i == floor && i > 0) {
		return start
	}
	if r, _ := utf8.DecodeLastRuneInString(text[:i]); i > 0 && !unicode.IsSpace(r) {
		return start
	}
	return i
}

// wordRuneLenBefore is wordRuneLenAt for the character s ends with.
func wordRuneLenBefore(s string) int {
	if c := s[len(s)-1]; c < utf8.RuneSelf { // no decoding for most characters
		return int(asciiWordLen[c])
	}
	return decodedWordLenBefore(s)
}

// decodedWordLenBefore is wordLen of the character s ends with.
func decodedWordLenBefore(s string) int { return wordLen(utf8.DecodeLastRuneInString(s)) }

// isWordRune reports whether r belongs to a word, as PostgreSQL's parser
// sees words: letters and digits (and the accents combined with them).
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiWord[r]
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// asciiWord marks the ASCII letters and digits.
var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
	}
	return t
}()

// asciiWordLen is wordLen of each ASCII character: 1 for a letter or a
// digit, else -1.
var asciiWordLen = func() (t [utf8.RuneSelf]int8) {
	for c := range t {
		t[c] = -1
		if asciiWord[c] {
			t[c] = 1
		}
	}
	return t
}()

// wordRuneLenAt returns the length of the character at text[i], negated
// when it is not part of a word. The test of an ASCII byte is written out
// here, where the compiler inlines it: a passage's words are read a byte
// at a time.
func wordRuneLenAt(text string, i int) int {
	if c := text[i]; c < utf8.RuneSelf { // no decoding for most characters
		return int(asciiWordLen[c])
	}
	return decodedWordLen(text[i:])
}

// decodedWordLen is wordLen of the character s starts with: kept apart from
// wordRuneLenAt so that the compiler inlines that one.
func decodedWordLen(s string) int { return wordLen(utf8.DecodeRuneInString(s)) }

// wordLen is n, the length of r, negated when r is not part of a word.
func wordLen(r rune, n int) int {
	if !isWordRune(r) {
		return -n
	}
	return n
}

// writeSpaced writes s with each run of white space as one space. It
// copies the text between runs whole and decodes only non-ASCII bytes:
// a passage is written for each hit of a search.
func writeSpaced(b *strings.Builder, s string) {
	from := 0 // start of the text not written yet
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf && !asciiSpace[c] {
			i++
			continue
		}
		n := spaceLen(s[i:])
		if n == 0 {
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
			continue
		}
		b.WriteString(s[from:i])
		b.WriteByte(' ')
		for i += n; i < len(s); i += n {
			if n = spaceLen(s[i:]); n == 0 {
				break
			}
		}
		from = i
	}
	b.WriteString(s[from:])
}

// spaceLen returns the length of the white-space character s starts with,
// or 0 when it does not start with one.
func spaceLen(s string) int {
	if c := s[0]; c < utf8.RuneSelf {
		if asciiSpace[c] {
			return 1
		}
		return 0
	}
	if r, n := utf8.DecodeRuneInString(s); unicode.IsSpace(r) {
		return n
	}
	return 0
}

// asciiSpace marks the ASCII white space (as unicode.IsSpace does).
var asciiSpace = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = unicode.IsSpace(rune(c))
	}
	return t
}()

// foldedPrefix returns how many bytes at the start of text read as term
// once folded (lowercased, accents removed) and end a word there, or 0.
func foldedPrefix(text, term string) int {
	i := 0
	var buf [utf8.UTFMax * 2]byte
	for len(term) > 0 {
		if i >= len(text) {
			return 0
		}
		if c := text[i]; c < utf8.RuneSelf { // most letters: no decoding
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != term[0] {
				return 0
			}
			i, term = i+1, term[1:]
			continue
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		i += n
		f := appendFolded(buf[:0], r)
		if len(f) == 0 {
			continue // a combining accent: unaccent drops it
		}
		if !strings.HasPrefix(term, string(f)) {
			return 0
		}
		term = term[len(f):]
	}
	// The word must end here: "europol" is not found in "europolitan".
	for i < len(text) {
		r, n := utf8.DecodeRuneInString(text[i:])
		if unicode.Is(unicode.Mn, r) {
			i += n
			continue
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return 0
		}
		break
	}
	return i
}

// appendFolded appends r lowercased and without its accent, as the
// portal's text-search configuration reads it (unaccent, then simple).
func appendFolded(buf []byte, r rune) []byte {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return append(buf, byte(r))
	}
	if unicode.Is(unicode.Mn, r) {
		return buf
	}
	r = unicode.ToLower(r)
	if s, ok := unaccented[r]; ok {
		return append(buf, s...)
	}
	return utf8.AppendRune(buf, r)
}

// unaccented maps the accented letters of the languages the portal meets
// (Latin scripts, Greek, Cyrillic) to what PostgreSQL's unaccent rules
// make of them; a letter missing here only goes unmarked in a passage.
var unaccented = func() map[rune]string {
	m := map[rune]string{}
	for base, letters := range map[string]string{
		"a": "àáâãäåāăąǎǟǡǻȁȃȧạảấầẩẫậắằẳẵặ", "c": "çćĉċč", "d": "ďđð", "dz": "ǆǳ",
		"e": "èéêëēĕėęěȅȇȩẹẻẽếềểễệ", "g": "ĝğġģǥǧǵ", "h": "ĥħȟ", "i": "ìíîïĩīĭįıǐȉȋịỉ",
		"j": "ĵǰ", "k": "ķǩ", "q": "ĸ", "l": "ĺļľŀł", "lj": "ǉ", "n": "ñńņňŋǹ", "'n": "ŉ", "nj": "ǌ",
		"o": "òóôõöøōŏőơǒǫǭȍȏȫȭȯȱọỏốồổỗộớờởỡợ", "r": "ŕŗřȑȓ", "s": "śŝşšșſ", "t": "ţťŧț",
		"u": "ùúûüũūŭůűųưǔǖǘǚǜȕȗụủứừửữự", "w": "ŵ", "y": "ýÿŷȳỳỵỷỹ", "z": "źżžƶ",
		"ae": "æ", "ij": "ĳ", "oe": "œ", "ss": "ß", "th": "þ",
		"α": "άἀἁἂἃἄἅἆἇὰάᾶ", "ε": "έἐἑἒἓἔἕὲέ", "η": "ήἠἡἢἣἤἥἦἧὴήῆ", "ι": "ίϊΐἰἱἲἳἴἵἶἷὶίῖ",
		"ο": "όὀὁὂὃὄὅὸό", "υ": "ύϋΰὐὑὒὓὔὕὖὗὺύῦ", "ω": "ώὠὡὢὣὤὥὦὧὼώῶ", "ρ": "ῤῥ",
		"е": "ё",
	} {
		for _, r := range letters {
			m[r] = base
		}
	}
	return m
}()
