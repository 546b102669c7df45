package server

import "github.com/dialogue-secretariat/portal/internal/auth"

// Meetings. Visibility is decided in one place, the store's meetingVisible
// rule, through VisibleMeetings and VisibleMeeting with the signed-in user's
// viewer: a meeting the user may not see is "not found" everywhere (list,
// month view, page, .ics, feed, home, dialogue page), and a meeting held
// back-to-back with one the user may not see does not name it.
//
// The list is GET /meetings (server.go: routes); the feed of a calendar
// subscription, GET /calendar/{token}, is outside the signed-in group
// (server.go: New), since a calendar application has no session.

// meetingRoutes registers the routes of meetings beyond the list: scheduling, agendas, attendance, minutes, calendar feeds.
func (s *server) meetingRoutes(with withAction) {
	// Scheduling (the secretariat). Static segments win over {id} in chi.
	with(auth.EditMeetings).Get("/meetings/new", s.page(s.newMeeting))
	with(auth.EditMeetings).Post("/meetings", s.page(s.createMeeting))
	with(auth.EditMeetings).Get("/meetings/plan", s.page(s.planForm))
	with(auth.EditMeetings).Post("/meetings/plan", s.page(s.planMeeting))
	with(auth.EditMeetings).Get("/meetings/{id}/edit", s.page(s.editMeeting))
	with(auth.EditMeetings).Post("/meetings/{id}", s.page(s.updateMeeting))

	// A meeting's page and its .ics: only if the user may see it.
	with(auth.ViewMeetings).Get("/meetings/{id}", s.page(s.meetingPage))
	with(auth.ViewMeetings).Get("/meetings/{id}/calendar.ics", s.page(s.meetingICS))

	// Invitations and attendance: the secretariat draws up the list and
	// records who attended; a delegation answers for itself only.
	with(auth.EditMeetings).Post("/meetings/{id}/invitations", s.page(s.setInvitations))
	with(auth.ReplyAttendance).Post("/meetings/{id}/attendance", s.page(s.replyAttendance))
	with(auth.EditMeetings).Post("/meetings/{id}/attended", s.page(s.recordAttendance))

	// Agenda.
	with(auth.EditMeetings).Post("/meetings/{id}/agenda", s.page(s.addAgendaItem))
	with(auth.EditMeetings).Post("/meetings/{id}/agenda/{item}", s.page(s.updateAgendaItem))
	with(auth.EditMeetings).Post("/meetings/{id}/agenda/{item}/move", s.page(s.moveAgendaItem))
	with(auth.EditMeetings).Post("/meetings/{id}/agenda/{item}/delete", s.page(s.deleteAgendaItem))

	// Outcome: minutes and action points.
	with(auth.EditMeetings).Post("/meetings/{id}/minutes", s.page(s.saveMinutes))
	with(auth.EditMeetings).Post("/meetings/{id}/minutes/status", s.page(s.setMinutesStatus))
	with(auth.EditMeetings).Post("/meetings/{id}/actions", s.page(s.addActionPoint))
	with(auth.EditMeetings).Post("/actions/{id}/status", s.page(s.setActionPointStatus))

	// The personal calendar subscription.
	with(auth.UseAccount).Get("/account/calendar", s.page(s.calendarAccount))
	with(auth.UseAccount).Post("/account/calendar/renew", s.page(s.renewCalendar))
	with(auth.UseAccount).Post("/account/calendar/revoke", s.page(s.revokeCalendar))
}
