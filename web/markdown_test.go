package web

import (
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
