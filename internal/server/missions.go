package server

import (
	"net/http"
	"strconv"

	"github.com/dialogue-secretariat/portal/web"
)

// missions lists the CSDP missions with their mandate status today (in
// Brussels).
func (s *server) missions(w http.ResponseWriter, r *http.Request) error {
	ms, err := s.st.Missions(r.Context())
	if err != nil {
		return err
	}
	today := s.today()
	v := web.MissionsView{Today: longDate(today)}
	for _, m := range ms {
		mv := web.MissionView{
			Name:    m.Name,
			Host:    m.Host,
			Status:  m.StatusOn(today),
			Frontex: m.FrontexWorkingArrangement,
			Note:    m.Note,
			Source:  m.Source,
		}
		if m.StartedYear != 0 {
			mv.Started = strconv.Itoa(m.StartedYear)
		}
		switch {
		case m.ClosedOn != nil && m.MandateEndsOn != nil && m.ClosedOn.Equal(*m.MandateEndsOn):
			mv.MandateEnd = longDate(*m.MandateEndsOn) + " (closed)"
		case m.ClosedOn != nil && m.MandateEndsOn != nil:
			mv.MandateEnd = longDate(*m.MandateEndsOn) + " (closed " + longDate(*m.ClosedOn) + ")"
		case m.ClosedOn != nil:
			mv.MandateEnd = "Closed " + longDate(*m.ClosedOn)
		case m.MandateEndsOn != nil:
			mv.MandateEnd = longDate(*m.MandateEndsOn)
		default:
			mv.MandateEnd = "No end date set"
		}
		v.Missions = append(v.Missions, mv)
	}
	return s.render(w, r, http.StatusOK, web.MissionsPage(v))
}
