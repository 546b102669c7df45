package web

import (
	"bytes"
	"context"
	"io"
	"regexp"
	"strconv"
	"sync"

	"github.com/a-h/templ"
	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// markdown renders document bodies. Raw HTML is never enabled (goldmark
// then leaves it out), and the output is sanitised again by bluemonday.
var markdown = goldmark.New(
	goldmark.WithExtensions(
		extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
		extension.Strikethrough,
	),
	goldmark.WithParserOptions(
		parser.WithASTTransformers(util.Prioritized(headingShift{}, 100)),
	),
)

var sanitizer = bluemonday.UGCPolicy()

// footnoteMarker is a footnote marker in a body, "[^3]". Only the digits
// are captured, so the replacement cannot inject anything.
var footnoteMarker = regexp.MustCompile(`\[\^([0-9]{1,3})\]`)

// RenderMarkdown turns a document body into safe HTML: Markdown without raw
// HTML, sanitised with bluemonday's UGC policy, then footnote markers "[^n]"
// made into superscript links to the footnote "fn-n" (the first marker of a
// footnote gets the id "fnref-n" the footnote links back to).
func RenderMarkdown(src string) (string, error) {
	if html, ok := rendered.get(src); ok {
		return html, nil
	}
	html, err := renderMarkdown(src)
	if err == nil {
		rendered.put(src, html)
	}
	return html, err
}

// rendered keeps recent renderings: an issued note is read many times and
// never changes (a change is a new revision, another text), and turning 100
// KB of Markdown into sanitised HTML costs milliseconds. The key is the
// text itself, so a hit is exactly the rendering of that text: nothing to
// invalidate, and nothing of one document can show for another.
var rendered = newRenderCache(32 << 20)

// renderCache is a two-generation cache bounded in bytes: entries are put
// in the young generation; when it is full it becomes the old one (the
// previous old one is dropped), and a hit in the old generation moves the
// entry back to the young one. Recently used texts stay; the rest go.
type renderCache struct {
	mu         sync.Mutex
	young, old map[string]string
	size, max  int // bytes in young; max per generation
}

func newRenderCache(maxBytes int) *renderCache {
	return &renderCache{young: map[string]string{}, old: map[string]string{}, max: maxBytes / 2}
}

func (c *renderCache) get(src string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if html, ok := c.young[src]; ok {
		return html, true
	}
	html, ok := c.old[src]
	if ok {
		c.putLocked(src, html)
	}
	return html, ok
}

func (c *renderCache) put(src, html string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.putLocked(src, html)
}

func (c *renderCache) putLocked(src, html string) {
	n := len(src) + len(html)
	if n > c.max {
		return // a text larger than a generation is rendered each time
	}
	if c.size+n > c.max {
		c.old, c.young, c.size = c.young, map[string]string{}, 0
	}
	if _, ok := c.young[src]; !ok {
		c.young[src] = html
		c.size += n
	}
}

// renderMarkdown is RenderMarkdown without the cache.
func renderMarkdown(src string) (string, error) {
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(src), &buf); err != nil {
		return "", err
	}
	safe := sanitizer.SanitizeBytes(buf.Bytes())
	seen := map[string]bool{}
	out := footnoteMarker.ReplaceAllFunc(safe, func(m []byte) []byte {
		num, err := strconv.Atoi(string(footnoteMarker.FindSubmatch(m)[1]))
		if err != nil || num == 0 {
			return m
		}
		n := strconv.Itoa(num)
		id := ""
		if !seen[n] {
			seen[n] = true
			id = ` id="fnref-` + n + `"`
		}
		return []byte(`<sup class="fnref"><a href="#fn-` + n + `"` + id + `><span class="visually-hidden">Footnote </span>` + n + `</a></sup>`)
	})
	return string(out), nil
}

// Markdown renders a document body (see RenderMarkdown).
func Markdown(src string) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		html, err := RenderMarkdown(src)
		if err != nil {
			return err
		}
		_, err = io.WriteString(w, html)
		return err
	})
}

// headingShift moves a body's headings down so that the highest is an h2:
// the page's h1 is the document's own title.
type headingShift struct{}

func (headingShift) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	top := 7
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering && h.Level < top {
			top = h.Level
		}
		return ast.WalkContinue, nil
	})
	shift := 2 - top
	if top == 7 || shift <= 0 {
		return
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering {
			h.Level = min(h.Level+shift, 6)
		}
		return ast.WalkContinue, nil
	})
}
