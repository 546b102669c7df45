package web

import (
	"context"
	"html"
	"io"
	"strconv"

	"github.com/a-h/templ"
)

// matrixCell writes one cell of the reply matrix. It is written by hand
// rather than in templ: templ builds every class attribute through its CSS
// class machinery, which allocates per attribute, and on a 37 × 10 matrix
// that was half the cost of the page. The markup is the same. It writes
// straight to the page's buffer: copying each cell through a builder of its
// own was a tenth of the page's CPU.
func matrixCell(c RoundMatrixCell) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		cw := cellWriter{w: w}
		key := html.EscapeString(c.StatusKey)
		cw.write(`<td class="matrix-cell reply-cell-`, key, `">`)
		cw.writeStatus(c.Status, key)
		if c.Revision > 0 {
			cw.write(` <span class="muted"> rev. `, strconv.Itoa(c.Revision), `</span>`)
		}
		if c.Late {
			cw.write(` <span class="badge badge-late">Late</span>`)
		}
		if c.Proxy {
			cw.write(` <span class="badge badge-proxy">Proxy</span>`)
		}
		cw.write(`</td>`)
		return cw.err
	})
}

// positionStatus is a reply's status as a badge, written by hand for the
// reason matrixCell is: "My consultations" shows one for every question of
// fifty rounds, and templ's class machinery was a tenth of that page's CPU.
func positionStatus(label, key string) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		cw := cellWriter{w: w}
		cw.writeStatus(label, html.EscapeString(key))
		return cw.err
	})
}

// writeStatus writes the badge of a status whose key is already escaped.
func (cw *cellWriter) writeStatus(label, escapedKey string) {
	cw.write(`<span class="reply-status reply-status-`, escapedKey, `">`, html.EscapeString(label), `</span>`)
}

// cellWriter writes strings until the first error, which it keeps.
type cellWriter struct {
	w   io.Writer
	err error
}

func (cw *cellWriter) write(parts ...string) {
	for _, p := range parts {
		if cw.err != nil {
			return
		}
		_, cw.err = io.WriteString(cw.w, p)
	}
}
