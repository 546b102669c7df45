package server

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
	"github.com/dialogue-secretariat/portal/web"
)

func asError[T error](err error, target *T) bool { return errors.As(err, target) }

// auditLog is the secretariat's view of the append-only audit log, filtered
// by action, actor and dates (Brussels days), newest first, 100 a page.
func (s *server) auditLog(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	form := web.AuditForm{Action: strings.TrimSpace(q.Get("action")), Actor: strings.TrimSpace(q.Get("actor")),
		From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to")), Errors: dialogue.FieldErrors{}}
	f := store.AuditFilter{Action: form.Action, Actor: form.Actor, Limit: 100}
	day := func(field, v string) time.Time {
		if v == "" {
			return time.Time{}
		}
		t, err := time.ParseInLocation("2006-01-02", v, dialogue.Brussels)
		if err != nil {
			form.Errors.Add(field, "Enter a date as YYYY-MM-DD, e.g. 2026-11-22.")
		}
		return t
	}
	f.From = day("from", form.From)
	if to := day("to", form.To); !to.IsZero() {
		f.To = to.AddDate(0, 0, 1) // the "to" day is included
	}
	if b := q.Get("before"); b != "" {
		n, err := strconv.ParseInt(b, 10, 64)
		if err != nil || n < 1 {
			return dialogue.ErrNotFound
		}
		f.Before = n
	}
	v := web.AuditView{Form: form}
	status := http.StatusOK
	if len(form.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	} else {
		recs, err := s.st.ListAudit(r.Context(), f)
		if err != nil {
			return err
		}
		for _, rec := range recs {
			obj := rec.ObjectType
			if rec.ObjectID != 0 {
				obj += " " + strconv.FormatInt(rec.ObjectID, 10)
			}
			detail := rec.Detail
			if detail == "{}" {
				detail = ""
			}
			v.Rows = append(v.Rows, web.AuditRow{
				At:    rec.At.In(dialogue.Brussels).Format("2 Jan 2006 15:04:05 MST"),
				AtISO: rec.At.Format(time.RFC3339), Actor: rec.Actor, Action: rec.Action,
				Object: obj, Detail: detail, From: rec.RemoteAddr,
			})
		}
		if len(recs) == f.Limit {
			next := url.Values{}
			for k, val := range map[string]string{"action": form.Action, "actor": form.Actor, "from": form.From, "to": form.To} {
				if val != "" {
					next.Set(k, val)
				}
			}
			next.Set("before", strconv.FormatInt(recs[len(recs)-1].ID, 10))
			v.OlderHref = "/audit?" + next.Encode()
		}
	}
	return s.render(w, r, status, web.AuditPage(v))
}
