package web

import (
	"fmt"
	"strings"
	"testing"
)

func TestRenderMarkdown(t *testing.T) {
	cases := []struct {
		name      string
		in        string
		want      []string
		forbidden []string
	}{
		{"footnote marker", "Palestine[^3], Syria", []string{`Palestine<sup class="fnref"><a href="#fn-3" id="fnref-3"><span class="visually-hidden">Footnote </span>3</a></sup>, Syria`}, nil},
		{"second marker of a footnote has no id", "a[^1] b[^1]", []string{`id="fnref-1"`, `b<sup class="fnref"><a href="#fn-1"><span`}, []string{`id="fnref-1" id`}},
		{"leading zeros normalised", "x[^03]", []string{`href="#fn-3"`}, []string{"fn-03"}},
		{"not a marker", "x[^0] y[^a] z[^1234]", []string{"[^0]", "[^a]", "[^1234]"}, []string{"<sup"}},
		{"raw HTML is dropped", "Hello <script>alert(1)</script> <b onclick=\"x()\">b</b>\n\n<div style=\"color:red\">block</div>", []string{"Hello"}, []string{"<script", "alert(1)</script>", "onclick", "style=", "<div"}},
		{"javascript links are removed", "[click](javascript:alert(1))", []string{"click"}, []string{"javascript:"}},
		{"links are kept", "[Council](https://www.consilium.europa.eu/)", []string{`href="https://www.consilium.europa.eu/"`}, nil},
		{"headings start at h2", "# Top\n\n## Sub", []string{"<h2>Top</h2>", "<h3>Sub</h3>"}, []string{"<h1>"}},
		{"h2 headings stay", "## Background\n\n### Detail", []string{"<h2>Background</h2>", "<h3>Detail</h3>"}, nil},
		{"tables without inline styles", "| a | b |\n|:--|--:|\n| 1 | 2 |", []string{"<table>", "<td"}, []string{"style="}},
		{"marker text cannot inject", "[^1]\"><script>", nil, []string{"<script"}},
	}
	for _, c := range cases {
		got, err := RenderMarkdown(c.in)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: %q lacks %q", c.name, got, w)
			}
		}
		for _, f := range c.forbidden {
			if strings.Contains(got, f) {
				t.Errorf("%s: %q has %q", c.name, got, f)
			}
		}
	}
}

// The rendering cache gives back exactly the rendering of the text asked
// for, keeps recently used texts, and stays within its byte budget.
func TestRenderCache(t *testing.T) {
	c := newRenderCache(400) // 200 bytes per generation
	c.put("a", "<p>a</p>")
	if html, ok := c.get("a"); !ok || html != "<p>a</p>" {
		t.Fatalf("get a = %q %v", html, ok)
	}
	if _, ok := c.get("b"); ok {
		t.Fatal("a text never rendered was found")
	}
	big := strings.Repeat("x", 150)
	c.put(big, "<p>"+big+"</p>") // too large for a generation: not kept
	if _, ok := c.get(big); ok {
		t.Fatal("a text larger than a generation was kept")
	}
	for i := range 40 {
		k := fmt.Sprintf("text %02d", i)
		c.put(k, "<p>"+k+"</p>")
		if _, ok := c.get("a"); !ok { // used all along: it stays
			t.Fatalf("after %d puts, the text in use was dropped", i)
		}
	}
	if _, ok := c.get("text 00"); ok {
		t.Fatal("an old unused text was kept beyond the budget")
	}
	if c.size > c.max {
		t.Fatalf("size %d over %d", c.size, c.max)
	}
	// Through RenderMarkdown: the cached rendering equals a fresh one.
	src := "# Title\n\nSome *text* with a footnote[^1]."
	first, _ := RenderMarkdown(src)
	again, _ := RenderMarkdown(src)
	fresh, _ := renderMarkdown(src)
	if first != fresh || again != fresh {
		t.Fatalf("cached %q / %q, fresh %q", first, again, fresh)
	}
}
