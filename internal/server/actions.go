package server

import (
	"net/http"
	"slices"
	"strings"

	"github.com/dialogue-secretariat/portal/web"
)

// actions shows the action-tracking table grouped by section.
func (s *server) actions(w http.ResponseWriter, r *http.Request) error {
	rows, err := s.st.ActionRows(r.Context())
	if err != nil {
		return err
	}
	var v web.ActionsView
	for _, a := range rows {
		if !slices.Contains(v.Sources, a.Source) {
			v.Sources = append(v.Sources, a.Source)
		}
		if n := len(v.Sections); n == 0 || v.Sections[n-1].Name != a.Section {
			v.Sections = append(v.Sections, web.ActionSection{
				ID:   "section-" + strings.ToLower(strings.Join(strings.Fields(a.Section), "-")),
				Name: a.Section,
			})
		}
		av := web.ActionView{
			Heading:   a.Heading,
			Topic:     a.Topic,
			Ongoing:   a.Ongoing,
			NextSteps: a.NextSteps,
			Timeline:  a.TimelineText,
			Source:    a.Source,
		}
		switch {
		case a.DueFrom != nil && a.DueTo != nil && a.DueFrom.Equal(*a.DueTo):
			av.Range = longDate(*a.DueFrom)
		case a.DueFrom != nil && a.DueTo != nil:
			av.Range = longDate(*a.DueFrom) + " – " + longDate(*a.DueTo)
		case a.DueFrom != nil:
			av.Range = "from " + longDate(*a.DueFrom)
		case a.DueTo != nil:
			av.Range = "by " + longDate(*a.DueTo)
		}
		sec := &v.Sections[len(v.Sections)-1]
		if n := len(sec.Rows); n > 0 && sec.Rows[n-1].Heading == a.Heading {
			av.SameHeading = true
		}
		sec.Rows = append(sec.Rows, av)
	}
	return s.render(w, r, http.StatusOK, web.ActionsPage(v))
}
