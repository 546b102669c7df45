package web

import (
	"context"
	"io"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// Page notes: a delegation's designation footnote (Palestine's) is shown
// wherever the portal names it. DelegationName registers the note on the
// page and links to it; the layout lists the notes at the bottom of <main>.
// The registry lives in the render context, set up by Layout; a page
// renders top to bottom, so every name is registered before the list.

type notesKey struct{}

type pageNotes struct{ texts []string }

func withNotes(ctx context.Context) context.Context {
	if _, ok := ctx.Value(notesKey{}).(*pageNotes); ok {
		return ctx
	}
	return context.WithValue(ctx, notesKey{}, &pageNotes{})
}

// noteNumber registers text as a page note and returns its number (the
// same text always gets the same number); 0 when text is empty or the
// context has no registry.
func noteNumber(ctx context.Context, text string) int {
	pn, ok := ctx.Value(notesKey{}).(*pageNotes)
	if text == "" || !ok {
		return 0
	}
	for i, t := range pn.texts {
		if t == text {
			return i + 1
		}
	}
	pn.texts = append(pn.texts, text)
	return len(pn.texts)
}

func notesOf(ctx context.Context) []string {
	if pn, ok := ctx.Value(notesKey{}).(*pageNotes); ok {
		return pn.texts
	}
	return nil
}

// DelegationName is a delegation's name with its designation footnote,
// when it has one, as a superscript link to the page's notes (see
// notesList). Written in Go rather than templ so that no whitespace comes
// between the name, its marker and what follows.
func DelegationName(d dialogue.Delegation) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		_, err := io.WriteString(w, delegationName(ctx, d))
		return err
	})
}

// DelegationNames lists delegations' names, each with its footnote,
// separated by commas.
func DelegationNames(ds []dialogue.Delegation) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		names := make([]string, len(ds))
		for i, d := range ds {
			names[i] = delegationName(ctx, d)
		}
		_, err := io.WriteString(w, strings.Join(names, ", "))
		return err
	})
}

func delegationName(ctx context.Context, d dialogue.Delegation) string {
	name := templ.EscapeString(d.Name)
	if n := noteNumber(ctx, d.Footnote); n > 0 {
		return name + `<sup class="fnref"><a href="#` + noteID(n) + `"><span class="visually-hidden">Note </span>` +
			strconv.Itoa(n) + `</a></sup>`
	}
	if d.Footnote != "" {
		// No page to hold the note (a fragment): say it in place.
		return name + ` <span class="note-inline">(` + templ.EscapeString(d.Footnote) + `)</span>`
	}
	return name
}
