package server

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dialogue-secretariat/portal/internal/auth"
	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
	"github.com/dialogue-secretariat/portal/web"
)

// searchRoutes registers the full-text search over what the user may see.
func (s *server) searchRoutes(with withAction) {
	with(auth.ViewDocuments).Get("/search", s.page(s.search))
}

// search shows a page of results: the newest of both lists, or (list and
// after) the older results of one, a link from the page before.
func (s *server) search(w http.ResponseWriter, r *http.Request) error {
	query := r.URL.Query()
	q := strings.TrimSpace(query.Get("q"))
	req := store.SearchRequest{Words: q, List: store.SearchList(query.Get("list")), After: query.Get("after")}
	v := web.SearchView{Query: q, FirstHref: searchHref(q, "", "")}
	status := http.StatusOK
	switch {
	case q == "":
	case utf8.RuneCountInString(q) > 200:
		v.Error = "Search for at most 200 characters."
		status = http.StatusUnprocessableEntity
	default:
		res, err := s.st.Search(r.Context(), viewerOf(currentUser(r.Context())), req)
		if dialogue.KindOf(err) == dialogue.KindInvalid {
			// A link altered or cut short: say so, with the search box.
			var de *dialogue.Error
			errors.As(err, &de)
			v.Error = de.Message
			return s.render(w, r, http.StatusBadRequest, web.SearchPage(v))
		}
		if err != nil {
			return err
		}
		v.Searched, v.List = true, string(req.List)
		for _, h := range res.Documents {
			row := documentRows([]dialogue.Document{h.Document})[0]
			v.Documents = append(v.Documents, web.DocumentHit{Row: row, Passage: passage(h.Passage)})
		}
		for _, h := range res.Replies {
			v.Replies = append(v.Replies, web.ReplyHit{
				Href:       "/rounds/" + strconv.FormatInt(h.RoundID, 10),
				Round:      h.RoundTitle,
				Question:   h.QuestionPos,
				Delegation: h.Delegation,
				Status:     h.Status.Label(),
				Demo:       h.Demo,
				Passage:    passage(h.Passage),
			})
		}
		if res.MoreDocuments != "" {
			v.MoreDocuments = searchHref(q, store.SearchDocuments, res.MoreDocuments)
		}
		if res.MoreReplies != "" {
			v.MoreReplies = searchHref(q, store.SearchReplies, res.MoreReplies)
		}
	}
	return s.render(w, r, status, web.SearchPage(v))
}

// searchHref is the address of a page of results.
func searchHref(q string, list store.SearchList, after string) string {
	v := url.Values{"q": {q}}
	if list != store.SearchAll {
		v.Set("list", string(list))
		v.Set("after", after)
	}
	return "/search?" + v.Encode()
}

// passage splits a search headline into plain and matching fragments, so
// the page marks the matches and escapes the rest.
func passage(s string) []web.Fragment {
	var out []web.Fragment
	for s != "" {
		i := strings.Index(s, store.MatchStart)
		if i < 0 {
			out = append(out, web.Fragment{Text: s})
			break
		}
		if i > 0 {
			out = append(out, web.Fragment{Text: s[:i]})
		}
		s = s[i+len(store.MatchStart):]
		j := strings.Index(s, store.MatchStop)
		if j < 0 {
			j = len(s)
		}
		out = append(out, web.Fragment{Text: s[:j], Match: true})
		s = strings.TrimPrefix(s[j:], store.MatchStop)
	}
	return out
}
