package dialogue

import (
	"slices"
	"testing"
)

func TestBuildMatrixAndCompilation(t *testing.T) {
	be := Delegation{ID: 1, Code: "BE", Kind: MemberState, ProtocolOrder: 1, Name: "Belgium"}
	fr := Delegation{ID: 2, Code: "FR", Kind: MemberState, ProtocolOrder: 10, Name: "France"}
	se := Delegation{ID: 3, Code: "SE", Kind: MemberState, ProtocolOrder: 27, Name: "Sweden"}
	tn := Delegation{ID: 4, Code: "TN", Kind: Partner, Name: "Tunisia"}
	q1 := Question{ID: 10, Position: 1, Kind: QuestionChoice, Options: []Option{{ID: 100, Label: "i)"}, {ID: 101, Label: "ii)"}}}
	q2 := Question{ID: 11, Position: 2, Kind: QuestionText}
	positions := []Position{
		{QuestionID: 10, DelegationID: 2, Status: PositionSubmitted, OptionID: 100, Revision: 2},
		{QuestionID: 10, DelegationID: 1, Status: PositionSubmitted, OptionID: 101, Revision: 1, Late: true, ProxySource: "email"},
		{QuestionID: 10, DelegationID: 4, Status: PositionSubmitted, OptionID: 100, Revision: 1},
		{QuestionID: 10, DelegationID: 3, Status: PositionDraft, OptionID: 101, Revision: 3},
		{QuestionID: 11, DelegationID: 1, Status: PositionScrutinyReservation, Revision: 1},
		{QuestionID: 11, DelegationID: 2, Status: PositionSubmitted, Body: "text", Revision: 1},
		{QuestionID: 11, DelegationID: 4, Status: PositionNoPosition, Revision: 1},
		{QuestionID: 99, DelegationID: 1, Status: PositionSubmitted}, // another round's question: ignored
	}
	// Given in a scrambled order: protocol order comes out.
	dels := []Delegation{tn, se, fr, be}

	m := BuildMatrix([]Question{q1, q2}, dels, positions)
	var order []string
	for _, d := range m.Delegations {
		order = append(order, d.Code)
	}
	if !slices.Equal(order, []string{"BE", "FR", "SE", "TN"}) {
		t.Fatalf("matrix order %v", order)
	}
	if c := m.Cells[0][0]; c.Status != PositionSubmitted || !c.Late || !c.Proxy {
		t.Fatalf("BE q1 = %+v, want submitted, late, proxy", c)
	}
	if c := m.Cells[2][1]; c.Status != PositionNone {
		t.Fatalf("SE q2 = %+v, want no reply", c)
	}
	var notReplied []string
	for _, d := range m.NotReplied {
		notReplied = append(notReplied, d.Code)
	}
	if !slices.Equal(notReplied, []string{"SE"}) {
		t.Fatalf("not replied %v, want only SE (draft and nothing)", notReplied)
	}

	c := BuildCompilation([]Question{q1, q2}, dels, positions, map[int64]string{10: "Most prefer a phased approach."})
	c1 := c.Questions[0]
	if c1.Tally[0].Count != 2 || c1.Tally[1].Count != 1 {
		t.Fatalf("tally %+v, want i) 2 (FR, TN) and ii) 1 (BE); SE's draft not counted", c1.Tally)
	}
	var replied []string
	for _, r := range c1.Replies {
		replied = append(replied, r.Delegation.Code+":"+r.Option.Label)
	}
	if !slices.Equal(replied, []string{"BE:ii)", "FR:i)", "TN:i)"}) {
		t.Fatalf("replies %v", replied)
	}
	if len(c1.NonReplies) != 1 || c1.NonReplies[0].Code != "SE" || c1.Summary == "" {
		t.Fatalf("non-replies %v summary %q", c1.NonReplies, c1.Summary)
	}
	c2 := c.Questions[1]
	if len(c2.Replies) != 3 || c2.Replies[0].Position.Status != PositionScrutinyReservation || len(c2.NonReplies) != 1 {
		t.Fatalf("q2 replies %+v non %v", c2.Replies, c2.NonReplies)
	}
}
