package demo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
)

// data/rounds.json: the demo consultation rounds and their invented replies.

type roundsFile struct {
	About  string      `json:"about"`
	Rounds []roundJSON `json:"rounds"`
}

type roundJSON struct {
	Key      string `json:"key"`
	Document string `json:"document"` // reference of an issued note of dataset.json
	Title    string `json:"title"`
	// Either absolute instants (rounds of the past)...
	OpensAt    *time.Time `json:"opens_at"`
	Deadline   *time.Time `json:"deadline"`
	ClosedAt   *time.Time `json:"closed_at"`
	ReleasedAt *time.Time `json:"released_at"`
	// ...or days from the load (the current round a newcomer can answer).
	OpensInDays     *int          `json:"opens_in_days"`
	DeadlineInDays  *int          `json:"deadline_in_days"`
	ReleaseAudience string        `json:"release_audience"`
	Delegations     []string      `json:"delegations"`
	Replies         []replyJSON   `json:"replies"`
	Summaries       []summaryJSON `json:"summaries"`
}

type replyJSON struct {
	Delegation  string    `json:"delegation"`
	Question    int       `json:"question"` // position in the note
	Status      string    `json:"status"`
	Option      string    `json:"option"` // label: "i)", "Agree"
	Body        string    `json:"body"`
	At          time.Time `json:"at"` // zero for the current round: the load time
	ReceivedVia string    `json:"received_via"`
	Late        bool      `json:"late"`
}

type summaryJSON struct {
	Question int    `json:"question"`
	Body     string `json:"body"`
}

// parseRounds reads and checks the rounds against the documents of the
// dataset; relative dates are placed from now (the current round is open
// when the demo is first loaded; later loads keep the dates it got then).
func parseRounds(fsys fs.FS, docs []documentPlan, delegations map[string]bool, now time.Time, errs *problems) []store.ImportedRound {
	b, err := fs.ReadFile(fsys, "rounds.json")
	if err != nil {
		errs.add("rounds.json: %v", err)
		return nil
	}
	var f roundsFile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		errs.add("rounds.json: %v", err)
		return nil
	}
	byRef := map[string]dialogue.Document{}
	for _, d := range docs {
		byRef[d.doc.Ref.String()] = d.doc
	}
	keys := map[string]bool{}
	var out []store.ImportedRound
	for i, r := range f.Rounds {
		at := fmt.Sprintf("rounds.json rounds[%d] (%s)", i, r.Key)
		if r.Key == "" || keys[r.Key] {
			errs.add("%s: a unique key is needed", at)
		}
		keys[r.Key] = true
		doc, ok := byRef[r.Document]
		if !ok {
			errs.add("%s: document %q is not in dataset.json", at, r.Document)
			continue
		}
		ir := store.ImportedRound{SeedKey: "demo-round-" + r.Key, Document: doc.Ref, Title: r.Title,
			ReleaseAudience: dialogue.ReleaseAudience(r.ReleaseAudience), DelegationCodes: r.Delegations,
			ClosedAt: r.ClosedAt, ReleasedAt: r.ReleasedAt, Summaries: map[int]string{}}
		switch {
		case r.OpensAt != nil && r.Deadline != nil && r.OpensInDays == nil && r.DeadlineInDays == nil:
			ir.OpensAt, ir.Deadline = *r.OpensAt, *r.Deadline
		case r.OpensAt == nil && r.Deadline == nil && r.OpensInDays != nil && r.DeadlineInDays != nil:
			// Deadlines fall at 18:00 Brussels time, as the Council's do.
			d := now.In(dialogue.Brussels).AddDate(0, 0, *r.DeadlineInDays)
			ir.OpensAt = now.AddDate(0, 0, *r.OpensInDays).Add(-time.Minute)
			ir.Deadline = time.Date(d.Year(), d.Month(), d.Day(), 18, 0, 0, 0, dialogue.Brussels)
		default:
			errs.add("%s: give opens_at and deadline, or opens_in_days and deadline_in_days", at)
			continue
		}
		if !ir.Deadline.After(ir.OpensAt) {
			errs.add("%s: the deadline must come after the opening", at)
		}
		if !ir.ReleaseAudience.Valid() {
			errs.add("%s: unknown release audience %q", at, r.ReleaseAudience)
		}
		if (r.ReleasedAt != nil) && ir.ReleaseAudience == dialogue.ReleasePresidency {
			errs.add("%s: a round released to the Presidency only is not released", at)
		}
		eligible := map[string]bool{}
		for _, c := range r.Delegations {
			if !delegations[c] {
				errs.add("%s: unknown delegation %q", at, c)
			}
			eligible[c] = true
		}
		for j, rep := range r.Replies {
			rat := fmt.Sprintf("%s replies[%d]", at, j)
			if !eligible[rep.Delegation] {
				errs.add("%s: %s is not consulted in this round", rat, rep.Delegation)
			}
			if rep.Question < 1 || rep.Question > len(doc.Questions) {
				errs.add("%s: the note has no question %d", rat, rep.Question)
				continue
			}
			q := doc.Questions[rep.Question-1]
			status := dialogue.PositionStatus(rep.Status)
			if status == dialogue.PositionNone || status.Label() == string(status) {
				errs.add("%s: unknown status %q", rat, rep.Status)
			}
			if rep.Option != "" && !hasOption(q, rep.Option) {
				errs.add("%s: question %d has no option %q", rat, rep.Question, rep.Option)
			}
			if rep.Body != "" && !strings.HasPrefix(rep.Body, "[Demo reply]") {
				errs.add("%s: invented replies say so: start the text with [Demo reply]", rat)
			}
			when := rep.At
			if when.IsZero() {
				when = now
			}
			if when.Before(ir.OpensAt) {
				errs.add("%s: given before the round opened", rat)
			}
			if !when.Before(ir.Deadline) && rep.ReceivedVia == "" {
				errs.add("%s: after the deadline only a reply recorded by the secretariat fits", rat)
			}
			ir.Replies = append(ir.Replies, store.ImportedReply{DelegationCode: rep.Delegation, QuestionPosition: rep.Question,
				Status: status, OptionLabel: rep.Option, Body: rep.Body, At: when, ProxySource: rep.ReceivedVia, Late: rep.Late})
		}
		for _, s := range r.Summaries {
			if s.Question < 1 || s.Question > len(doc.Questions) || !strings.HasPrefix(s.Body, "[Demo summary]") {
				errs.add("%s: summary of question %d: a question of the note, and text starting with [Demo summary]", at, s.Question)
			}
			ir.Summaries[s.Question] = s.Body
		}
		out = append(out, ir)
	}
	return out
}

func hasOption(q dialogue.Question, label string) bool {
	for _, o := range q.Options {
		if o.Label == label {
			return true
		}
	}
	return false
}
