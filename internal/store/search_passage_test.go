package store

import (
	"strings"
	"testing"
)

// TestHeadlineOfMarkdown: a document's passage reads as its page shows it,
// without Markdown's marks, its matches still marked and its words intact;
// a reply's text (markdown false) is shown as typed.
func TestHeadlineOfMarkdown(t *testing.T) {
	marked := func(text string, markdown bool, terms ...string) string {
		return strings.NewReplacer(MatchStart, "[", MatchStop, "]").Replace(headline(text, terms, markdown))
	}
	for _, c := range []struct{ name, text, want string }{
		{"heading and emphasis", "Subject\n**Demo document.** This note.\n\n## Background\n\nFollowing the europol replies",
			"Subject Demo document. This note. Background Following the [europol] replies"},
		{"list", "Questions:\n\n- Which *arrangement* do you prefer?\n- Which items?\n  * nested _point_",
			"Questions: Which [arrangement] do you prefer? Which items? nested point"},
		{"quote and rule", "> quoted arrangement\n\n---\n\nafter the rule\n\nSetext\n======",
			"quoted [arrangement] after the rule Setext"},
		{"table", "| Partner | Arrangement |\n|---|:--:|\n| Morocco | back-to-back |",
			"Partner [Arrangement] Morocco back-to-back"},
		{"link, image, footnote, code, strikethrough",
			"See [the arrangement](https://example.org/a_b) and ![a map](m.png), as agreed[^12], `code` ~~old~~ new.",
			"See the [arrangement] and a map, as agreed, code old new."},
		{"text that only looks like marks", "snake_case 5 - 3 #5 a ~ b [not a link] \\*literal\\* arrangement",
			"snake_case 5 - 3 #5 a ~ b [not a link] *literal* [arrangement]"},
	} {
		if got := marked(c.text, true, "arrangement", "europol"); got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
	}
	// A reply is plain text: its asterisks and brackets are what was typed.
	if got := marked("[Demo reply] **Europol** ## as typed", false, "europol"); got != "[Demo reply] **[Europol]** ## as typed" {
		t.Errorf("reply: %q", got)
	}
}

// BenchmarkHeadline times the passages of a page of search results: a
// note of about 6 KB whose first match is a few paragraphs in (Markdown),
// and a short reply (plain text), as the bench's ten years hold them.
func BenchmarkHeadline(b *testing.B) {
	para := "Frontex monitors the bilateral victim protection under effective money laundering. " +
		"At the same time, Member States facilitates the regular trafficking in human beings alongside violent platform. " +
		"The working party facilitates the judicial asset recovery beyond *structured* online propaganda.[^1]\n\n"
	note := "## 1. Thematic scope\n\n" + strings.Repeat(para, 3) + "In line with the conclusions, Europol extends the technical working arrangement.\n\n" +
		"- Which **arrangement** do you prefer?\n- Which items?\n\n" + strings.Repeat(para, 20) + "Europol again, at the end."
	reply := "Spain prefers a gradual approach. Europol relies on the regional action plan beyond judicial smuggling route. " +
		"Delegations reinforces the organised roadmap within high-risk operational action plan. Europol frames the sustainable criminal network."
	terms := []string{"europol"}
	b.SetBytes(int64(len(note) + len(reply)))
	for b.Loop() {
		headline(note, terms, true)
		headline(reply, terms, false)
	}
}
