package web

import (
	"bytes"
	"context"
	"html"
	"strings"
	"testing"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

func TestMatrixCell(t *testing.T) {
	cases := []struct {
		cell RoundMatrixCell
		want string
	}{
		{RoundMatrixCell{Status: "No reply", StatusKey: "none"},
			`<td class="matrix-cell reply-cell-none"><span class="reply-status reply-status-none">No reply</span></td>`},
		{RoundMatrixCell{Status: "Submitted", StatusKey: "submitted", Revision: 3, Late: true, Proxy: true},
			`<td class="matrix-cell reply-cell-submitted"><span class="reply-status reply-status-submitted">Submitted</span>` +
				` <span class="muted"> rev. 3</span> <span class="badge badge-late">Late</span> <span class="badge badge-proxy">Proxy</span></td>`},
		// Whatever it is given, nothing escapes its attribute or element.
		{RoundMatrixCell{Status: "<b>", StatusKey: `x" onclick="y`},
			`<td class="matrix-cell reply-cell-x&#34; onclick=&#34;y"><span class="reply-status reply-status-x&#34; onclick=&#34;y">&lt;b&gt;</span></td>`},
	}
	for _, c := range cases {
		var b strings.Builder
		if err := matrixCells([]RoundMatrixCell{c.cell}).Render(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		if b.String() != c.want {
			t.Errorf("cell %+v:\n got %s\nwant %s", c.cell, b.String(), c.want)
		}
	}
}

func TestPositionStatus(t *testing.T) {
	for _, c := range []struct{ label, key, want string }{
		{"Draft", "draft", `<span class="reply-status reply-status-draft">Draft</span>`},
		{"<b>", `x" onclick="y`, `<span class="reply-status reply-status-x&#34; onclick=&#34;y">&lt;b&gt;</span>`},
	} {
		var b strings.Builder
		if err := positionStatus(c.label, c.key).Render(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		if b.String() != c.want {
			t.Errorf("status %q %q:\n got %s\nwant %s", c.label, c.key, b.String(), c.want)
		}
	}
}

// BenchmarkRoundMatrixPage renders a 37 × 10 reply matrix as the Presidency
// reloads it (go test -bench RoundMatrix ./web).
func BenchmarkRoundMatrixPage(b *testing.B) {
	v := RoundMatrixView{Title: "Protection of public spaces", Note: "8159/26", RoundHref: "/rounds/1", Limite: true, State: "compiled"}
	for q := range 10 {
		v.Questions = append(v.Questions, dialogue.Question{ID: int64(q + 1), Position: q + 1, Prompt: "Do you support the arrangements proposed, including a meeting at senior officials' level at least once a year?"})
	}
	for d := range 37 {
		row := RoundMatrixRow{Delegation: dialogue.Delegation{ID: int64(d + 1), Code: "BE", Name: "Belgium", Kind: dialogue.MemberState}}
		for q := range 10 {
			row.Cells = append(row.Cells, RoundMatrixCell{Status: "Submitted", StatusKey: "submitted", Revision: q%4 + 1, Late: q == 3, Proxy: d == 5})
		}
		v.Rows = append(v.Rows, row)
	}
	ctx := WithUser(context.Background(), &UserBadge{Name: "Officer", Role: "Presidency", Can: []string{"run_rounds"}})
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := RoundMatrixPage(v).Render(ctx, &buf); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}

// appendEscaped escapes as html.EscapeString does, whatever the text.
func FuzzAppendEscaped(f *testing.F) {
	for _, s := range []string{"", "submitted", `x" onclick="y`, "<b>&'\"</b>", "Réserve d'examen", "\x00\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(appendEscaped([]byte("x"), s)), "x"+html.EscapeString(s); got != want {
			t.Errorf("appendEscaped(%q) = %q, want %q", s, got, want)
		}
	})
}

// A row's cells come out in order, each as alone.
func TestMatrixCellsOfARow(t *testing.T) {
	cells := []RoundMatrixCell{{Status: "No reply", StatusKey: "none"}, {Status: "Draft", StatusKey: "draft", Revision: 12}, {Status: "Submitted", StatusKey: "submitted", Late: true}}
	var want strings.Builder
	for _, c := range cells {
		if err := matrixCells([]RoundMatrixCell{c}).Render(context.Background(), &want); err != nil {
			t.Fatal(err)
		}
	}
	var got strings.Builder
	if err := matrixCells(cells).Render(context.Background(), &got); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() || !strings.Contains(got.String(), " rev. 12</span>") {
		t.Errorf("row:\n got %s\nwant %s", got.String(), want.String())
	}
}
