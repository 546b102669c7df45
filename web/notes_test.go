package web

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/a-h/templ"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// Wherever a page names Palestine, the name carries its footnote, and the
// page lists each note once at the bottom of <main>.
func TestDelegationNameRegistersItsNote(t *testing.T) {
	ps := dialogue.Delegation{Code: "PS", Name: "Palestine", Footnote: dialogue.PalestineFootnote}
	dz := dialogue.Delegation{Code: "DZ", Name: "Algeria"}
	body := templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		for _, c := range []templ.Component{DelegationName(ps), DelegationName(dz), DelegationNames([]dialogue.Delegation{dz, ps})} {
			if err := c.Render(ctx, w); err != nil {
				return err
			}
		}
		return nil
	})
	var b strings.Builder
	if err := Layout(Page{Title: "Test"}).Render(templ.WithChildren(context.Background(), body), &b); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	marker := `Palestine<sup class="fnref"><a href="#note-1"><span class="visually-hidden">Note </span>1</a></sup>`
	if n := strings.Count(html, marker); n != 2 {
		t.Errorf("Palestine's marker appears %d times, want 2:\n%s", n, html)
	}
	if strings.Contains(html, "Algeria<sup") {
		t.Errorf("Algeria has a marker")
	}
	if !strings.Contains(html, "Algeria, Palestine<sup") {
		t.Errorf("names not joined by commas:\n%s", html)
	}
	if n := strings.Count(html, `<li id="note-1">`+dialogue.PalestineFootnote+`</li>`); n != 1 {
		t.Errorf("the note is listed %d times, want once", n)
	}
	if main, notes := strings.Index(html, "</main>"), strings.Index(html, `id="note-1"`); notes < 0 || notes > main {
		t.Errorf("notes not inside <main>")
	}

	// Without a page (a fragment), the note is said in place.
	b.Reset()
	if err := DelegationName(ps).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), dialogue.PalestineFootnote) {
		t.Errorf("fragment lost the footnote: %s", b.String())
	}
}
