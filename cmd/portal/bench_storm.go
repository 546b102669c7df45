package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/loadgen"
	"github.com/dialogue-secretariat/portal/internal/store"
)

// The deadline storm (issue #6): three delegates of every bench delegation
// submit and revise their replies as fast as they can during the last
// second before a round's deadline, and keep trying for a second after it,
// while two Presidency officers reload the reply matrix; then the round is
// closed. Every save the portal acknowledged must be in the database (none
// lost), none may be dated after the deadline, and no request may fail
// with a server error. A save counts when the portal received it
// (migration 000011): the report says when the last save accepted and the
// first refused were sent, which should straddle the deadline by no more
// than a request's way into the portal.

// benchStormTitle begins the title of each storm's round.
const benchStormTitle = "Benchmark: deadline storm"

// removeStormRounds deletes the rounds earlier storms left, with their
// replies, so that every run measures the same data: each storm leaves
// some 550 replies dated now, in the month search reads first, and after
// 23 runs the current month held 8,023 replies against October's 2,036
// (search's replies statement read them all for a common word). A storm's
// round stays until the next run, for whoever wants to look at it. The
// audit log keeps its entries: it is append-only.
func removeStormRounds(ctx context.Context, st *store.Store) error {
	_, err := st.Pool().Exec(ctx, `
		WITH storms AS (SELECT id FROM rounds WHERE starts_with(title, $1)),
		     replies AS (DELETE FROM positions WHERE round_id IN (SELECT id FROM storms))
		DELETE FROM rounds WHERE id IN (SELECT id FROM storms)`, benchStormTitle)
	if err != nil {
		return fmt.Errorf("removing the earlier storms' rounds: %w", err)
	}
	return nil
}

const (
	stormUsersPerDelegation = 3
	stormWatchers           = 2
	stormBefore             = time.Second // saving starts this long before the deadline
	stormAfter              = time.Second // and goes on this long after it
)

type stormResult struct {
	Round             int64
	Delegations       int
	Writers, Watchers int
	Questions         int
	Deadline          time.Time
	Attempts          int // save requests sent
	Accepted          int // acknowledged (303)
	Late              int // refused: the deadline had passed
	Conflicts         int // refused: a colleague had saved first (each then retried on top)
	Lost              int // acknowledged but not in the database
	Unacknowledged    int // in the database but never acknowledged (a response lost on the way)
	AfterDeadline     int // revisions in the database dated at or after the deadline
	ServerErrors      int // 5xx, saves and matrix
	OtherErrors       int
	ErrorKinds        map[string]int `json:",omitempty"`
	SaveP50, SaveP99  time.Duration
	MatrixLoads       int
	MatrixP50         time.Duration
	MatrixP99         time.Duration
	CloseStatus       int
	Revisions         int // in the database after the close
	// FirstLate is when the first save refused as late was sent, LastAck
	// when the last save acknowledged was sent, relative to the deadline.
	FirstLate, LastAck time.Duration
	Pass               bool
}

func runStorm(ctx context.Context, st *store.Store, base string, d *benchData, o benchOptions) (*stormResult, error) {
	var writers []benchUser
	for _, del := range d.Delegations {
		for i := 0; i < stormUsersPerDelegation && i < len(del.Users); i++ {
			writers = append(writers, del.Users[i])
		}
	}
	res := &stormResult{Delegations: len(d.Delegations), Writers: len(writers), Watchers: stormWatchers, Questions: len(d.Questions)}
	fmt.Fprintf(os.Stderr, "bench: storm: signing in %d delegates and %d Presidency officers\n", len(writers), stormWatchers)

	var roundID int64 // set once everyone is signed in, before the storm starts
	saver := &positionSaver{questions: d.Questions}
	var mu sync.Mutex
	var acked []savedReply
	var firstLate, lastAck time.Time

	tr := loadgen.NewTransport(len(writers) + stormWatchers)
	defer tr.CloseIdleConnections()
	writeTeam, err := loadgen.NewTeam(ctx, loadgen.Scenario{Name: "storm: saves", Base: base, Workers: len(writers),
		Transport: tr, SetupParallel: 4, Accept: []int{http.StatusConflict},
		Setup: func(ctx context.Context, w *loadgen.Worker) error {
			u := writers[w.ID]
			w.State = &saveState{delegation: u.Delegation.ID, worker: w.ID, rev: map[int64]int{}, next: w.ID}
			return w.Login(ctx, u.Email, o.password)
		},
		Step: func(ctx context.Context, w *loadgen.Worker) error {
			outcome, saved, sent, err := saver.save(ctx, w, w.State.(*saveState))
			mu.Lock()
			defer mu.Unlock()
			switch outcome {
			case saveAccepted:
				acked = append(acked, *saved)
				if sent.After(lastAck) {
					lastAck = sent
				}
			case saveLate:
				if firstLate.IsZero() || sent.Before(firstLate) {
					firstLate = sent
				}
			}
			return err
		},
	})
	if err != nil {
		return nil, err
	}
	watchTeam, err := loadgen.NewTeam(ctx, loadgen.Scenario{Name: "storm: matrix", Base: base, Workers: stormWatchers, Transport: tr,
		Setup: func(ctx context.Context, w *loadgen.Worker) error {
			return w.Login(ctx, d.Presidency[w.ID%len(d.Presidency)].Email, o.password)
		},
		Step: getPage(func(*loadgen.Worker) string { return "/rounds/" + strconv.FormatInt(roundID, 10) + "/matrix" }),
	})
	if err != nil {
		return nil, err
	}

	// The round: opened a minute ago, deadline three seconds from now.
	p := d.Presidency[0]
	actor := dialogue.Actor{UserID: p.ID, Name: p.Email, RemoteAddr: "portal bench"}
	now := time.Now()
	res.Deadline = now.Add(3 * time.Second).Truncate(time.Millisecond)
	roundID, err = st.CreateRound(ctx, actor, store.NewRound{DocumentID: d.Note.ID,
		Title:   benchStormTitle + " " + now.Format("2006-01-02 15:04:05"),
		OpensAt: now.Add(-time.Minute), Deadline: res.Deadline, DelegationIDs: d.AllIDs, ReleaseAudience: dialogue.ReleasePresidency})
	if err != nil {
		return nil, err
	}
	res.Round = roundID
	saver.round = roundID
	fmt.Fprintf(os.Stderr, "bench: storm: round %d, deadline %s\n", roundID, res.Deadline.Format("15:04:05.000"))

	for _, t := range []*loadgen.Team{writeTeam, watchTeam} {
		t.Scenario.StartAt = res.Deadline.Add(-stormBefore)
		t.Scenario.StopAt = res.Deadline.Add(stormAfter)
	}
	var saves, watch *loadgen.Result
	var errS, errW error
	var wg sync.WaitGroup
	wg.Go(func() { saves, errS = writeTeam.Run(ctx) })
	wg.Go(func() { watch, errW = watchTeam.Run(ctx) })
	wg.Wait()
	if errS != nil {
		return nil, errS
	}
	if errW != nil {
		return nil, errW
	}

	// The Presidency closes the round.
	closeResp, err := watchTeam.Workers()[0].PostForm(ctx, "/rounds/"+strconv.FormatInt(roundID, 10)+"/close", nil)
	if err != nil {
		return nil, err
	}
	res.CloseStatus = closeResp.Status

	res.Attempts = saves.Requests
	res.Accepted = saves.Counts["accepted"]
	res.Late = saves.Counts["late"]
	res.Conflicts = saves.Counts["conflict"]
	res.SaveP50, res.SaveP99 = saves.Percentile(50), saves.Percentile(99)
	res.MatrixLoads = watch.Requests
	res.MatrixP50, res.MatrixP99 = watch.Percentile(50), watch.Percentile(99)
	res.ErrorKinds = map[string]int{}
	for _, r := range []*loadgen.Result{saves, watch} {
		for status, n := range r.Statuses {
			if status >= 500 {
				res.ServerErrors += n
			}
		}
		for k, n := range r.ErrorKinds {
			res.ErrorKinds[k] += n
		}
		res.OtherErrors += r.Errors
	}
	res.OtherErrors -= res.ServerErrors
	if !firstLate.IsZero() {
		res.FirstLate = firstLate.Sub(res.Deadline)
	}
	if !lastAck.IsZero() {
		res.LastAck = lastAck.Sub(res.Deadline)
	}

	// Every acknowledged save must be in the database, as sent.
	inDB := map[[3]int64]string{}
	for _, del := range d.Delegations {
		revs, err := st.DelegationRevisions(ctx, roundID, del.ID, 0) // all of them
		if err != nil {
			return nil, err
		}
		for q, ps := range revs {
			for _, p := range ps {
				inDB[[3]int64{del.ID, q, int64(p.Revision)}] = p.Body
				res.Revisions++
				if !p.UpdatedAt.Before(res.Deadline) {
					res.AfterDeadline++
				}
			}
		}
	}
	seen := map[[3]int64]bool{}
	for _, a := range acked {
		k := [3]int64{a.Delegation, a.Question, int64(a.Revision)}
		if body, ok := inDB[k]; !ok || body != a.Body || seen[k] {
			res.Lost++
		}
		seen[k] = true
	}
	res.Unacknowledged = res.Revisions - (len(acked) - res.Lost)
	res.Pass = res.Lost == 0 && res.ServerErrors == 0 && res.OtherErrors == 0 && res.AfterDeadline == 0 &&
		res.Accepted > 0 && res.Late > 0 && res.CloseStatus == http.StatusSeeOther
	fmt.Fprintf(os.Stderr, "bench: storm: %d accepted, %d late, %d conflicts, %d lost, %d server errors\n",
		res.Accepted, res.Late, res.Conflicts, res.Lost, res.ServerErrors)
	return res, nil
}
