package benchdata

import (
	"log/slog"
	"math/rand/v2"
	"time"
)

// The dataset in memory. Rows refer to each other by pointer while they are
// generated; ids are given at the end (assignIDs), in the order the rows
// would have been created, so that ids grow with time as in a real register.

type gen struct {
	r     *rand.Rand
	log   *slog.Logger
	years int
	// The window of activity [start, end) and the dataset's present (= end).
	start, end, now time.Time
	hash            string

	// Registry (read from the database, after the demo load).
	delegations  []*delegation // the 37 used, in protocol order
	byCode       map[string]*delegation
	memberStates []*delegation
	institutions []*delegation // COM, EEAS
	partners     []*delegation // the North African partners
	agencies     []*delegation
	dialogues    []*dlg // med, clasi, bench
	dialogueBy   map[string]*dlg
	wps          []workingParty
	presidencies map[[2]int]int64 // (year, semester) → id
	presHolder   map[[2]int]*delegation
	newPres      []newPresidency

	// What the register holds already (the demo's documents and meetings),
	// so that generated references and running numbers do not collide.
	usedRefs  map[refKey]bool
	usedCodes map[codeKey]bool
	existing  []existingMeeting

	// Generated rows.
	users       []*user
	presidency  []*user // Presidency staff
	secretariat []*user
	docs        []*doc
	rounds      []*round
	positions   []*position
	meetings    []*meeting
	yearMeets   [][]*meeting // meetings by bench year
	audit       []*auditRow

	// The first id free in each identity table (max(id) + 1 at the start).
	nextID map[string]int64
}

type delegation struct {
	id    int64
	code  string
	kind  string
	name  string
	order int // protocol order (member states)
	users []*user
	city  string // capital, for informal meetings (member states)
	tz    string
}

type dlg struct {
	id         int64
	code       string
	shortName  string
	priorities []int64
	partners   []*delegation // partners consulted in its rounds and invited to its meetings
}

type workingParty struct {
	id   int64
	code string
	name string
}

type newPresidency struct {
	year, semester int
	delegation     *delegation
}

type refKey struct {
	series string
	number int
	year   int
}

type codeKey struct {
	code   string
	year   int
	number int
}

type existingMeeting struct {
	level    string
	startsAt time.Time
}

type user struct {
	id        int64
	email     string
	name      string
	role      string // secretariat, presidency, delegate, observer
	del       *delegation
	manager   bool
	createdAt time.Time
	createdBy *user // nil: created from the command line
	addr      string
}

type docKind int

const (
	kindOther       docKind = iota
	kindQuestions           // a note putting questions to delegations (a round's note)
	kindCompilation         // a round's compilation of replies
	kindCall                // CM: notice of meeting and provisional agenda
	kindRev                 // REV 1 of another document
	kindDraft               // a draft not issued yet
)

type doc struct {
	id        int64
	kind      docKind
	seq       int // creation order, to break ties
	series    string
	number    int // 0 for a draft
	year      int
	revision  int
	date      time.Time // Brussels midnight
	createdAt time.Time
	issuedAt  time.Time // zero for a draft
	version   int
	place     string
	lang      string
	marking   string
	docType   string
	sender    string
	recips    string
	onDate    time.Time // zero: none
	prev      *doc
	prevRef   string
	revises   *doc
	subject   string
	body      string
	audience  string
	wp        *workingParty
	dialogue  *dlg
	createdBy *user
	issuedBy  *user
	codes     []docCode
	footnotes []string
	nFoot     int // footnotes to fill once every document has its number
	named     []*delegation
	questions []*question
	meeting   *meeting    // a CM document's meeting
	round     *round      // a compilation's round
	edits     []time.Time // a draft's saves after its creation
	wantPrev  bool        // cites a previous document ("No. prev. doc.")
	// fullRound: the year's largest consultation, ten questions to the
	// member states and the Mediterranean partners, released once closed.
	fullRound bool
}

type docCode struct {
	code      string
	number    int // 0: a code without number ("EUROPOL")
	year      int
	inherited bool
}

type question struct {
	id      int64
	doc     *doc
	pos     int
	kind    string // text, choice, agreement
	prompt  string
	options []*option
}

type option struct {
	id    int64
	q     *question
	pos   int
	label string
	body  string
}

type round struct {
	id          int64
	doc         *doc
	title       string
	createdAt   time.Time
	createdBy   *user
	opensAt     time.Time
	deadline    time.Time
	closedAt    time.Time // zero: open
	releasedAt  time.Time // zero: not released
	audience    string
	compilation *doc
	compiledAt  time.Time
	dels        []*roundDel
	summaries   []summary
	positions   []*position
}

type roundDel struct {
	del           *delegation
	extendedUntil time.Time // zero: none
	extendedAt    time.Time
	extendedBy    *user
	reason        string
}

// until is the delegation's own deadline.
func (rd *roundDel) until(r *round) time.Time {
	if rd.extendedUntil.After(r.deadline) {
		return rd.extendedUntil
	}
	return r.deadline
}

type summary struct {
	q    *question
	body string
	at   time.Time
	by   *user
}

type position struct {
	id    int64
	round *round
	q     *question
	del   *delegation
	revs  []revision
}

func (p *position) last() *revision { return &p.revs[len(p.revs)-1] }

type revision struct {
	status string
	option *option
	body   string
	late   bool
	author *user
	proxy  string
	at     time.Time
}

type meeting struct {
	id           int64
	seq          int
	dialogue     *dlg
	level        string
	title        string
	startsAt     time.Time
	endsAt       time.Time
	tz           string
	venue        string
	city         string
	format       string
	presidency   int64
	status       string
	cancelReason string
	b2b          *meeting
	note         string
	createdAt    time.Time
	createdBy    *user
	updates      []meetingUpdate
	invitedAt    time.Time
	invitations  []*invitation
	agenda       []*agendaItem
	attendanceAt time.Time // zero: not recorded
	minutes      *minutes
	call         *doc // its CM document
}

type meetingUpdate struct {
	at           time.Time
	by           *user
	from, to     string // status
	cancelReason string
}

type invitation struct {
	del       *delegation
	reply     string // none, attending, declined
	level     string
	attendees string
	attended  *bool
	repliedBy *user
	repliedAt time.Time
}

type agendaItem struct {
	id         int64
	pos        int
	kind       string
	title      string
	doc        *doc
	round      *round
	priorities []int64
	addedAt    time.Time
	addedBy    *user
}

type minutes struct {
	status      string
	body        string
	savedAt     time.Time
	circulated  time.Time // zero: not yet
	finalAt     time.Time // zero: not yet
	by          *user
	lastUpdated time.Time
}

type auditRow struct {
	id      int64
	at      time.Time
	user    *user // nil: the command line
	actor   string
	action  string
	objType string
	objID   int64
	detail  []byte
	addr    string
}
