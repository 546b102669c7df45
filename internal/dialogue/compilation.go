package dialogue

import "time"

// Eligible is a delegation consulted in a round, with its own deadline
// extension, if any.
type Eligible struct {
	Delegation      Delegation
	ExtendedUntil   *time.Time
	ExtensionReason string
}

// MatrixCell is one delegation's status on one question.
type MatrixCell struct {
	Status   PositionStatus
	Revision int
	Late     bool
	Proxy    bool
}

// ReplyMatrix is delegations (protocol order, then partners) × questions.
type ReplyMatrix struct {
	Questions   []Question
	Delegations []Delegation
	Cells       [][]MatrixCell // [delegation][question]
	// NotReplied lists the delegations with no final reply (submitted, no
	// position yet, or scrutiny reservation) to at least one question.
	NotReplied []Delegation
}

// BuildMatrix lays out the latest positions of a round.
func BuildMatrix(questions []Question, delegations []Delegation, positions []Position) ReplyMatrix {
	ds := append([]Delegation(nil), delegations...)
	SortProtocol(ds)
	qi := make(map[int64]int, len(questions))
	for i, q := range questions {
		qi[q.ID] = i
	}
	di := make(map[int64]int, len(ds))
	for i, d := range ds {
		di[d.ID] = i
	}
	cells := make([][]MatrixCell, len(ds))
	for i := range cells {
		cells[i] = make([]MatrixCell, len(questions))
		for j := range cells[i] {
			cells[i][j].Status = PositionNone
		}
	}
	for _, p := range positions {
		i, ok1 := di[p.DelegationID]
		j, ok2 := qi[p.QuestionID]
		if ok1 && ok2 {
			cells[i][j] = MatrixCell{Status: p.Status, Revision: p.Revision, Late: p.Late, Proxy: p.ProxySource != ""}
		}
	}
	m := ReplyMatrix{Questions: questions, Delegations: ds, Cells: cells}
	for i, d := range ds {
		for _, c := range cells[i] {
			if !c.Status.Final() {
				m.NotReplied = append(m.NotReplied, d)
				break
			}
		}
	}
	return m
}

// OptionTally counts the final replies that chose an option.
type OptionTally struct {
	Option Option
	Count  int
}

// CompiledReply is one delegation's reply in a compilation.
type CompiledReply struct {
	Delegation Delegation
	Position   Position
	Option     *Option
}

// CompiledQuestion is everything the compilation says about one question.
type CompiledQuestion struct {
	Question   Question
	Tally      []OptionTally
	Replies    []CompiledReply // final replies, protocol order
	NonReplies []Delegation    // no reply, or only a draft
	Summary    string
}

// Compilation is the Presidency's compilation of the replies to a round.
type Compilation struct {
	Questions []CompiledQuestion
}

// BuildCompilation compiles the final replies per question in protocol
// order, with the tally of choices and the delegations that did not reply.
// Drafts are not replies: they are never compiled.
func BuildCompilation(questions []Question, delegations []Delegation, positions []Position, summaries map[int64]string) Compilation {
	ds := append([]Delegation(nil), delegations...)
	SortProtocol(ds)
	byKey := make(map[[2]int64]Position, len(positions))
	for _, p := range positions {
		byKey[[2]int64{p.QuestionID, p.DelegationID}] = p
	}
	var c Compilation
	for _, q := range questions {
		cq := CompiledQuestion{Question: q, Summary: summaries[q.ID]}
		options := make(map[int64]int, len(q.Options))
		for i, o := range q.Options {
			options[o.ID] = i
			cq.Tally = append(cq.Tally, OptionTally{Option: o})
		}
		for _, d := range ds {
			p, ok := byKey[[2]int64{q.ID, d.ID}]
			if !ok || !p.Status.Final() {
				cq.NonReplies = append(cq.NonReplies, d)
				continue
			}
			r := CompiledReply{Delegation: d, Position: p}
			if i, ok := options[p.OptionID]; ok && p.OptionID != 0 {
				r.Option = &q.Options[i]
				if p.Status == PositionSubmitted {
					cq.Tally[i].Count++
				}
			}
			cq.Replies = append(cq.Replies, r)
		}
		c.Questions = append(c.Questions, cq)
	}
	return c
}
