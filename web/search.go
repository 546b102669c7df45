package web

import (
	"strconv"
	"strings"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// SearchView is the search page.
type SearchView struct {
	Query    string
	Error    string
	Searched bool
	// List is the one list a page of older results continues: "documents"
	// or "replies"; "" for the first page of both.
	List      string
	Documents []DocumentHit
	Replies   []ReplyHit
	// MoreDocuments and MoreReplies link to the lists' older results, ""
	// where a list ends; FirstHref to the first page of both.
	MoreDocuments, MoreReplies, FirstHref string
}

// listHeading is a list's heading: its hits in full ("Documents (3)"),
// the first of more ("Documents (newest 10)"), or a page of older ones.
func (v SearchView) listHeading(name string, shown int, more string) string {
	switch {
	case v.List != "":
		return "Older " + strings.ToLower(name) + " (" + strconv.Itoa(shown) + ")"
	case more != "":
		return name + " (newest " + strconv.Itoa(shown) + ")"
	}
	return name + " (" + strconv.Itoa(shown) + ")"
}

// Fragment is a piece of a matching passage; Match marks the words found.
type Fragment struct {
	Text  string
	Match bool
}

// DocumentHit is a document found.
type DocumentHit struct {
	Row     DocumentRow
	Passage []Fragment
}

// ReplyHit is a delegation's reply found.
type ReplyHit struct {
	Href       string
	Round      string
	Question   int
	Delegation dialogue.Delegation
	Status     string
	Demo       bool
	Passage    []Fragment
}

// limite reports whether the results show LIMITE material: a LIMITE
// document, or replies (replies are always treated as LIMITE).
func (v SearchView) limite() bool {
	if len(v.Replies) > 0 {
		return true
	}
	for _, h := range v.Documents {
		if h.Row.Limite {
			return true
		}
	}
	return false
}
