package web

import (
	"context"
	"io"
	"strconv"
	"sync"

	"github.com/a-h/templ"
)

// The reply matrix's cells and the status badges are written by hand
// rather than in templ: templ builds every class attribute through its CSS
// class machinery, which allocates per attribute, and on a 37 × 10 matrix
// that was half the cost of the page. The markup is the same. A row's
// cells are appended to one pooled buffer and written to the page at once:
// writing each cell's ten pieces to the page one by one, each escaped with
// html.EscapeString and each cell a component of its own, was two thirds
// of the matrix's rendering (BenchmarkRoundMatrixPage).

// matrixCells writes one delegation's cells of the reply matrix.
func matrixCells(cells []RoundMatrixCell) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		bp := cellBuffers.Get().(*[]byte)
		b := (*bp)[:0]
		for _, c := range cells {
			b = appendMatrixCell(b, c)
		}
		_, err := w.Write(b)
		*bp = b
		cellBuffers.Put(bp)
		return err
	})
}

var cellBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// appendMatrixCell appends one cell of the reply matrix.
func appendMatrixCell(b []byte, c RoundMatrixCell) []byte {
	b = append(b, `<td class="matrix-cell reply-cell-`...)
	b = appendEscaped(b, c.StatusKey)
	b = append(b, `">`...)
	b = appendStatus(b, c.Status, c.StatusKey)
	if c.Revision > 0 {
		b = append(b, ` <span class="muted"> rev. `...)
		b = strconv.AppendInt(b, int64(c.Revision), 10)
		b = append(b, `</span>`...)
	}
	if c.Late {
		b = append(b, ` <span class="badge badge-late">Late</span>`...)
	}
	if c.Proxy {
		b = append(b, ` <span class="badge badge-proxy">Proxy</span>`...)
	}
	return append(b, `</td>`...)
}

// positionStatus is a reply's status as a badge, written by hand for the
// reason the matrix's cells are: "My consultations" shows one for every
// question of fifty rounds, and templ's class machinery was a tenth of that
// page's CPU.
func positionStatus(label, key string) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		var buf [160]byte
		_, err := w.Write(appendStatus(buf[:0], label, key))
		return err
	})
}

// appendStatus appends the badge of a status.
func appendStatus(b []byte, label, key string) []byte {
	b = append(b, `<span class="reply-status reply-status-`...)
	b = appendEscaped(b, key)
	b = append(b, `">`...)
	b = appendEscaped(b, label)
	return append(b, `</span>`...)
}

// appendEscaped appends s escaped as html.EscapeString escapes it (the five
// characters that could end an attribute or start markup). Statuses and
// their keys have none of them: that case is a plain copy.
func appendEscaped(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if !htmlSpecial[s[i]] {
			continue
		}
		b = append(b, s[:i]...)
		for ; i < len(s); i++ {
			switch c := s[i]; c {
			case '<':
				b = append(b, "&lt;"...)
			case '>':
				b = append(b, "&gt;"...)
			case '&':
				b = append(b, "&amp;"...)
			case '\'':
				b = append(b, "&#39;"...)
			case '"':
				b = append(b, "&#34;"...)
			default:
				b = append(b, c)
			}
		}
		return b
	}
	return append(b, s...)
}

var htmlSpecial = [256]bool{'<': true, '>': true, '&': true, '\'': true, '"': true}
