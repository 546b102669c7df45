package web

import (
	"context"
	"slices"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// UserBadge is what every page knows of the signed-in user: the menu it
// shows and the footer of printed pages depend on it.
type UserBadge struct {
	Name       string
	Email      string
	Role       string
	Delegation string   // "" for the Presidency and the secretariat
	PrintedOn  string   // the date and time the page was made, for printed copies
	Can        []string // the policy's actions the user may perform (auth.Action values)
}

// can reports whether the user may perform an action (an auth.Action value).
func (b *UserBadge) can(action string) bool { return b != nil && slices.Contains(b.Can, action) }

type userKey struct{}

// WithUser makes the signed-in user known to every component rendered with ctx.
func WithUser(ctx context.Context, b *UserBadge) context.Context {
	return context.WithValue(ctx, userKey{}, b)
}

// CurrentUser returns the signed-in user, or nil.
func CurrentUser(ctx context.Context) *UserBadge {
	b, _ := ctx.Value(userKey{}).(*UserBadge)
	return b
}

// printedFor is the line printed copies of LIMITE pages carry.
func printedFor(b *UserBadge) string {
	if b == nil {
		return ""
	}
	who := b.Name
	if b.Delegation != "" {
		who += ", " + b.Delegation
	} else {
		who += ", " + b.Role
	}
	return "Printed for " + who + ", " + b.PrintedOn
}

// LoginView is the sign-in form.
type LoginView struct {
	Email  string
	Next   string
	Error  string // a message about the attempt as a whole
	Flash  string // a message carried over from the previous page
	Errors dialogue.FieldErrors
}

// PasswordView is the change-password form.
type PasswordView struct {
	Done   bool
	Errors dialogue.FieldErrors
}

// ResetView is the form behind a one-time link.
type ResetView struct {
	Token  string
	Name   string
	Email  string
	Errors dialogue.FieldErrors
}

// roleLine is the user's role and delegation, e.g. "Delegate, Belgium".
func roleLine(b *UserBadge) string {
	if b.Delegation == "" {
		return b.Role
	}
	return b.Role + ", " + b.Delegation
}
