package web

import (
	"context"
	"strings"
	"testing"
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
		if err := matrixCell(c.cell).Render(context.Background(), &b); err != nil {
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
