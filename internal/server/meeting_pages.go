package server

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/dialogue-secretariat/portal/internal/auth"
	"github.com/dialogue-secretariat/portal/internal/calendar"
	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
	"github.com/dialogue-secretariat/portal/web"
)

// urlMeetingID is the meeting id in the URL; a malformed one is not found.
func urlMeetingID(r *http.Request) (int64, error) {
	id, ok := parseID(chi.URLParam(r, "id"))
	if !ok {
		return 0, dialogue.ErrNotFound
	}
	return id, nil
}

// meetingPage is one meeting's page: details, agenda, invitations and
// attendance, minutes and action points, as the user may see them.
func (s *server) meetingPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderMeeting(w, r, http.StatusOK, nil)
}

// renderMeeting renders a meeting's page with the given status; edit, when
// given, puts back what a form sent with its problems.
func (s *server) renderMeeting(w http.ResponseWriter, r *http.Request, status int, edit func(*web.MeetingPageView)) error {
	ctx := r.Context()
	u := currentUser(ctx)
	viewer := viewerOf(u)
	id, err := urlMeetingID(r)
	if err != nil {
		return err
	}
	m, err := s.st.VisibleMeeting(ctx, viewer, id)
	if err != nil {
		return err
	}
	dialogues, err := s.st.Dialogues(ctx)
	if err != nil {
		return err
	}
	views, err := s.meetingViews(ctx, viewer, []dialogue.Meeting{m}, dialogues)
	if err != nil {
		return err
	}
	now := s.now()
	canEdit := auth.Can(u, auth.EditMeetings)
	v := web.MeetingPageView{
		ID: id, Meeting: views[0], ICSHref: meetingHref(id) + "/calendar.ics",
		CanEdit: canEdit, SeeAll: viewer.SeeAll, EditHref: meetingHref(id) + "/edit",
		AttendanceOpen: !now.Before(m.StartsAt) && m.Status != dialogue.MeetingCancelled,
	}
	if status == http.StatusOK {
		v.Flash = s.sessions.PopString(ctx, sessionFlash)
	}

	// Agenda, with the names of the dialogue's priorities.
	items, err := s.st.AgendaItems(ctx, viewer, id)
	if err != nil {
		return err
	}
	var priorities []dialogue.Priority
	if m.DialogueID != 0 {
		if priorities, err = s.st.Priorities(ctx, m.DialogueID); err != nil {
			return err
		}
	}
	v.Agenda = agendaViews(items, priorities)
	if canEdit {
		// One item's form at a time, the one asked for.
		editing, _ := strconv.ParseInt(r.URL.Query().Get("edit"), 10, 64)
		for i := range v.Agenda {
			item := strconv.FormatInt(v.Agenda[i].ID, 10)
			v.Agenda[i].EditHref = meetingHref(id) + "?edit=" + item + "#item-" + item
			v.Agenda[i].Editing = v.Agenda[i].ID == editing
		}
		if err := s.agendaChoices(r, &v, priorities); err != nil {
			return err
		}
	}

	// Invitations: the whole table for the secretariat and the Presidency;
	// a delegation reads its own line only.
	invitations, err := s.st.Invitations(ctx, id)
	if err != nil {
		return err
	}
	v.ListDrawn = len(invitations) > 0
	if viewer.SeeAll {
		v.Invitations = invitationRows(invitations)
	}
	if canEdit {
		if err := s.inviteChoices(r, &v, id, invitations); err != nil {
			return err
		}
	}
	if auth.Can(u, auth.ReplyAttendance) && u.DelegationID != 0 {
		v.Own = ownInvitation(u, m, invitations, now)
	}

	// Minutes: delegations read circulated and final versions only.
	minutes, err := s.st.Minutes(ctx, id)
	if err != nil {
		return err
	}
	for _, mv := range minutes {
		if !viewer.SeeAll && mv.Status == store.MinutesDraft {
			continue
		}
		v.Minutes = append(v.Minutes, web.MinutesView{Version: mv.Version, Status: mv.Status.Label(), StatusKey: string(mv.Status),
			Body: mv.Body, UpdatedBy: nameOr(mv.UpdatedByName, "the secretariat"), UpdatedAt: dialogue.FormatInstant(mv.UpdatedAt)})
	}
	if canEdit {
		v.MinutesForm = minutesForm(minutes)
		if len(minutes) > 0 {
			switch latest := minutes[0]; latest.Status {
			case store.MinutesDraft:
				v.MinutesNext = &web.MinutesStep{Version: latest.Version, Status: string(store.MinutesCirculated),
					Label: fmt.Sprintf("Circulate version %d to the delegations", latest.Version)}
			case store.MinutesCirculated:
				v.MinutesNext = &web.MinutesStep{Version: latest.Version, Status: string(store.MinutesFinal),
					Label: fmt.Sprintf("Make version %d final", latest.Version)}
			}
		}
	}

	// Action points.
	points, err := s.st.ActionPoints(ctx, viewer, store.ActionPointFilter{MeetingID: id})
	if err != nil {
		return err
	}
	v.Actions = actionRows(points, now, false)
	if canEdit {
		v.ActionEdit = &web.ActionEdit{Options: actionStatusOptions(), Next: meetingHref(id) + "#actions"}
		ds, err := s.st.Delegations(ctx)
		if err != nil {
			return err
		}
		v.OwnerOptions = []web.Option{{Value: "", Label: "None: the owner as written above"}}
		for _, d := range ds {
			v.OwnerOptions = append(v.OwnerOptions, web.Option{Value: d.Code, Label: d.Code + " – " + d.Name})
		}
	}

	if viewer.SeeAll {
		hs, err := s.st.MeetingHistory(ctx, id)
		if err != nil {
			return err
		}
		v.History = historyRows(hs)
	}
	if edit != nil {
		edit(&v)
	}
	return s.render(w, r, status, web.MeetingPage(v))
}

func nameOr(name, fallback string) string {
	if name == "" {
		return fallback
	}
	return name
}

func agendaViews(items []store.AgendaItem, priorities []dialogue.Priority) []web.AgendaItemView {
	names := map[int64]string{}
	for _, p := range priorities {
		names[p.ID] = p.Title
	}
	out := make([]web.AgendaItemView, len(items))
	for i, it := range items {
		av := web.AgendaItemView{ID: it.ID, Position: it.Position, Kind: it.Kind.Label(), KindKey: string(it.Kind), Title: it.Title,
			First: i == 0, Last: i == len(items)-1,
			Form: web.AgendaForm{Kind: string(it.Kind), Title: it.Title, Priorities: map[string]bool{}}}
		if it.DocumentID != 0 {
			text := it.DocumentRef
			if text == "" {
				text = "draft"
			}
			if it.DocumentSubject != "" {
				text += ": " + it.DocumentSubject
			}
			av.Document = &web.Link{Href: documentHref(it.DocumentID), Text: text}
			av.Form.Document = strconv.FormatInt(it.DocumentID, 10)
		}
		if it.RoundID != 0 {
			av.Round = &web.Link{Href: "/rounds/" + strconv.FormatInt(it.RoundID, 10), Text: it.RoundTitle}
			av.Form.Round = strconv.FormatInt(it.RoundID, 10)
		}
		for _, pid := range it.PriorityIDs {
			if n, ok := names[pid]; ok {
				av.Priorities = append(av.Priorities, n)
			}
			av.Form.Priorities[strconv.FormatInt(pid, 10)] = true
		}
		out[i] = av
	}
	return out
}

// How many of the newest rounds and documents the agenda forms offer.
const (
	agendaChoiceRounds    = 100
	agendaChoiceDocuments = 200
)

// agendaChoices fills the agenda forms' lists: kinds, the documents the
// secretariat sees (a round's compilation named as such), the rounds and
// the dialogue's priorities.
func (s *server) agendaChoices(r *http.Request, v *web.MeetingPageView, priorities []dialogue.Priority) error {
	ctx := r.Context()
	viewer := viewerOf(currentUser(ctx))
	v.KindOptions = nil
	for _, k := range store.AgendaKinds {
		v.KindOptions = append(v.KindOptions, web.Option{Value: string(k), Label: k.Label()})
	}
	// The newest rounds and documents, plus whatever an item already links:
	// a decade of the register would make each item's form megabytes long.
	rounds, err := s.st.LatestRounds(ctx, viewer, agendaChoiceRounds)
	if err != nil {
		return err
	}
	linkedRounds, linkedDocs := map[string]bool{}, map[string]bool{}
	for _, it := range v.Agenda {
		linkedRounds[it.Form.Round], linkedDocs[it.Form.Document] = true, true
	}
	for _, rd := range rounds {
		delete(linkedRounds, strconv.FormatInt(rd.ID, 10))
	}
	var older []int64
	for id := range linkedRounds {
		if n, err := strconv.ParseInt(id, 10, 64); err == nil && n != 0 {
			older = append(older, n)
		}
	}
	olderRounds, err := s.st.RoundsByID(ctx, older)
	if err != nil {
		return err
	}
	rounds = append(rounds, olderRounds...)
	compilationOf := map[int64]string{}
	v.RoundOptions = []web.Option{{Value: "", Label: "None"}}
	for _, rd := range rounds {
		label := rd.Title
		if rd.DocumentRef != "" {
			label = rd.DocumentRef + ": " + label
		}
		v.RoundOptions = append(v.RoundOptions, web.Option{Value: strconv.FormatInt(rd.ID, 10), Label: label})
		if rd.CompilationDocumentID != 0 {
			compilationOf[rd.CompilationDocumentID] = rd.DocumentRef
		}
	}
	docs, err := s.st.Documents(ctx, store.DocumentFilter{Viewer: viewer, Limit: agendaChoiceDocuments})
	if err != nil {
		return err
	}
	for _, d := range docs.Documents {
		delete(linkedDocs, strconv.FormatInt(d.ID, 10))
	}
	var extra []int64
	for id := range linkedDocs {
		if n, err := strconv.ParseInt(id, 10, 64); err == nil && n != 0 {
			extra = append(extra, n)
		}
	}
	if len(extra) > 0 {
		more, err := s.st.DocumentsByID(ctx, viewer, extra)
		if err != nil {
			return err
		}
		for _, d := range more {
			docs.Documents = append(docs.Documents, d)
		}
	}
	v.DocumentOptions = []web.Option{{Value: "", Label: "None"}}
	for _, d := range docs.Documents {
		label := d.Reference() + ": " + shorten(d.Subject, 90)
		if ref, ok := compilationOf[d.ID]; ok {
			label = d.Reference() + ": compilation of the replies to " + ref
		}
		v.DocumentOptions = append(v.DocumentOptions, web.Option{Value: strconv.FormatInt(d.ID, 10), Label: label})
	}
	v.PriorityOptions = nil
	for _, p := range priorities {
		v.PriorityOptions = append(v.PriorityOptions, web.Option{Value: strconv.FormatInt(p.ID, 10), Label: p.Title})
	}
	if v.AgendaForm.Kind == "" {
		v.AgendaForm.Kind = string(store.AgendaDiscussion)
	}
	return nil
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

func invitationRows(invs []store.Invitation) []web.InvitationRow {
	rows := make([]web.InvitationRow, len(invs))
	for i, in := range invs {
		row := web.InvitationRow{Delegation: in.Delegation, Reply: in.Reply.Label(), ReplyKey: string(in.Reply),
			Attendees: in.Attendees, Attended: "Not recorded"}
		if in.Level != "" {
			row.Level = in.Level.Label()
		}
		if in.RepliedAt != nil {
			row.RepliedBy, row.RepliedAt = nameOr(in.RepliedByName, "the secretariat"), dialogue.FormatInstant(*in.RepliedAt)
		}
		if in.Attended != nil {
			row.Attended, row.AttendedV = "No", "no"
			if *in.Attended {
				row.Attended, row.AttendedV = "Yes", "yes"
			}
		}
		rows[i] = row
	}
	return rows
}

// inviteChoices fills the invitation list's checkboxes: ticked are the
// delegations invited now or, while no list is drawn up, the default ones.
func (s *server) inviteChoices(r *http.Request, v *web.MeetingPageView, meetingID int64, invs []store.Invitation) error {
	ctx := r.Context()
	ds, err := s.st.Delegations(ctx)
	if err != nil {
		return err
	}
	defaults, err := s.st.DefaultInvitees(ctx, meetingID)
	if err != nil {
		return err
	}
	isDefault := map[int64]bool{}
	for _, id := range defaults {
		isDefault[id] = true
	}
	checked := map[int64]bool{}
	for _, in := range invs {
		checked[in.Delegation.ID] = true
	}
	if len(invs) == 0 {
		checked = isDefault
	}
	v.InviteForm.Groups = inviteGroups(ds, checked, isDefault)
	return nil
}

var delegationKinds = []dialogue.DelegationKind{dialogue.MemberState, dialogue.Institution, dialogue.Partner, dialogue.Observer}

func inviteGroups(ds []dialogue.Delegation, checked, isDefault map[int64]bool) []web.InviteGroup {
	dialogue.SortProtocol(ds)
	var groups []web.InviteGroup
	for _, k := range delegationKinds {
		g := web.InviteGroup{Key: string(k), Label: k.Label()}
		for _, d := range ds {
			if d.Kind == k {
				g.Delegations = append(g.Delegations, web.InviteChoice{Delegation: d, Checked: checked[d.ID], Default: isDefault[d.ID]})
			}
		}
		if len(g.Delegations) > 0 {
			groups = append(groups, g)
		}
	}
	return groups
}

var attendanceLevelOptions = func() []web.Option {
	opts := []web.Option{{Value: "", Label: "Choose a level"}}
	for _, l := range store.AttendanceLevels {
		opts = append(opts, web.Option{Value: string(l), Label: l.Label()})
	}
	return opts
}()

// ownInvitation is what a delegation sees of its invitation and reply.
func ownInvitation(u *dialogue.User, m dialogue.Meeting, invs []store.Invitation, now time.Time) *web.OwnInvitation {
	o := &web.OwnInvitation{ListDrawn: len(invs) > 0, Form: web.ReplyForm{Levels: attendanceLevelOptions}}
	if u.Delegation != nil {
		o.Delegation = u.Delegation.Name
	}
	for _, in := range invs {
		if in.Delegation.ID != u.DelegationID {
			continue
		}
		o.Invited = true
		o.Reply, o.Attendees = in.Reply.Label(), in.Attendees
		if in.Level != "" {
			o.Level = in.Level.Label()
		}
		if in.RepliedAt != nil {
			o.RepliedBy, o.RepliedAt = nameOr(in.RepliedByName, "the secretariat"), dialogue.FormatInstant(*in.RepliedAt)
		}
		o.Form.Reply, o.Form.Level, o.Form.Attendees = string(in.Reply), string(in.Level), in.Attendees
	}
	switch {
	case !o.Invited:
	case m.Status == dialogue.MeetingCancelled:
		o.Closed = "The meeting is cancelled: there is nothing to reply to."
	case !now.Before(m.StartsAt):
		o.Closed = "The meeting has started: replies are closed. The secretariat records who attended."
	default:
		o.Open = true
	}
	return o
}

// minutesForm is the editor on top of the latest version of the minutes.
func minutesForm(vs []store.MinutesVersion) web.MinutesForm {
	if len(vs) == 0 {
		return web.MinutesForm{Note: "Saving creates version 1 as a draft, which only the secretariat and the Presidency see."}
	}
	latest := vs[0]
	f := web.MinutesForm{Body: latest.Body, BaseVersion: latest.Version, BaseSaved: latest.UpdatedAt.Format(time.RFC3339Nano)}
	switch latest.Status {
	case store.MinutesFinal:
		f.Note = fmt.Sprintf("Version %d is final and locked: saving starts version %d as a draft correction.", latest.Version, latest.Version+1)
	case store.MinutesCirculated:
		f.Note = fmt.Sprintf("Saving changes version %d, which the delegations already have.", latest.Version)
	default:
		f.Note = fmt.Sprintf("Saving changes the draft, version %d.", latest.Version)
	}
	return f
}

// meetingICS is one meeting as an iCalendar file, if the user may see it.
func (s *server) meetingICS(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	viewer := viewerOf(currentUser(ctx))
	id, err := urlMeetingID(r)
	if err != nil {
		return err
	}
	m, err := s.st.VisibleMeeting(ctx, viewer, id)
	if err != nil {
		return err
	}
	known, err := s.backToBack(ctx, viewer, []dialogue.Meeting{m})
	if err != nil {
		return err
	}
	// The description says "back-to-back with a COSI meeting" only when the
	// user may see that meeting.
	ms := hideUnseenBackToBack([]dialogue.Meeting{m}, known)
	body, err := calendar.Encode(ms, calendar.Options{BaseURL: s.baseURL, Now: s.now()})
	if err != nil {
		return err
	}
	writeCalendar(w, body, "meeting-"+strconv.FormatInt(id, 10)+".ics", true)
	return nil
}
