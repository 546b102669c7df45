package web

import "github.com/dialogue-secretariat/portal/internal/dialogue"

// SearchView is the search page.
type SearchView struct {
	Query     string
	Error     string
	Searched  bool
	Documents []DocumentHit
	Replies   []ReplyHit
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
