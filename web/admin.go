package web

import (
	"github.com/a-h/templ"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// UsersView is the user administration page.
type UsersView struct {
	All           bool   // the secretariat: every user, every role
	OwnDelegation string // a manager's delegation
	Users         []UserRow
	Delegations   []Option
	Form          UserForm
	Link          *ResetLink // a one-time link just issued
	Filter        UsersFilter
	Handover      *Handover // the secretariat's, in the weeks before a Presidency hands over
	// FromHint, UntilHint: the secretariat's: a Presidency officer's usual
	// days of access.
	FromHint, UntilHint string
	Flash               string // the message of the action just done
}

// Handover is the next Presidency, shown in the weeks before it takes
// over: the secretariat reviews the Presidency accounts (the outgoing
// staff's access to every draft and reply ends with their Presidency only
// when their accounts are disabled), or records the Presidency when none
// is recorded.
type Handover struct {
	Period   string // "January–June 2027"
	Starts   string // "1 January 2027"
	Days     int    // until it starts
	Incoming string // the member state's name, "" when none is recorded
	Outgoing string // the Presidency in office, when recorded
	Accounts int    // active Presidency accounts
	// OpenEnded of them have no last day of access before Starts;
	// LastDay is the day before Starts, as the access form is filled in.
	OpenEnded int
	LastDay   string
}

// UsersFilter is the users list's filter as typed. Query is the valid
// filter as a URL query ("?q=…", "" for none): the page's forms carry it,
// so that after an action the list comes back as it was.
type UsersFilter struct {
	Words, Delegation, Role, Status string
	Errors                          dialogue.FieldErrors
	Query                           string
}

var usersFilterOrder = []string{"q", "delegation", "role", "status"}
var usersFilterIDs = map[string]string{"q": "uf-q", "delegation": "uf-delegation", "role": "uf-role", "status": "uf-status"}

var userStatusOptions = []Option{
	{Value: "", Label: "Every account"},
	{Value: "active", Label: "Active"},
	{Value: "disabled", Label: "Disabled"},
	{Value: "ended", Label: "Access ended"},
	{Value: "not_yet", Label: "Access not yet begun"},
}

// UserRow is a line of the users table.
type UserRow struct {
	ID         int64
	Name       string
	Email      string
	Role       string
	RoleValue  string
	Delegation string
	Manager    bool
	Disabled   bool
	Ended      bool   // past the last day of access
	NotYet     bool   // before the first day of access
	From       string // the first day of access, "" for none
	Until      string // the last day of access, "" for no end
	Self       bool
}

// UserForm is the new-user form as typed.
type UserForm struct {
	Email      string
	Name       string
	Role       string
	Delegation string
	Manager    bool
	From       string // the first day of access, YYYY-MM-DD or ""
	Until      string // the last day of access, YYYY-MM-DD or ""
	Errors     dialogue.FieldErrors
}

// AccountView is the form that edits a user's account: the name, the
// e-mail address and the last day of access.
type AccountView struct {
	Name, Role, Delegation string      // the account as saved, for the page's heading and facts
	Status                 string      // as the list says it: "Active", "Disabled"...
	Form                   AccountForm // as typed
	Was                    AccountForm // as the form showed it when opened
	// FromHint and UntilHint, for a Presidency officer: the last day of the
	// Presidency in office (and of the next, before a handover, when the
	// first day of the next is proposed too).
	FromHint, UntilHint string
	Action              templ.SafeURL // where the form posts, with the list's filter
	Back                templ.SafeURL // the users list, filtered as it was
	Conflict            string        // someone saved the account meanwhile
	Errors              dialogue.FieldErrors
}

// AccountForm is the account form's fields; From and Until are YYYY-MM-DD
// or "".
type AccountForm struct{ Name, Email, From, Until string }

// ResetLink is a one-time link to set a password, shown once.
type ResetLink struct {
	For        string
	URL        string
	Invitation bool
}

// AuditView is the audit log page.
type AuditView struct {
	Form      AuditForm
	Rows      []AuditRow
	OlderHref string
}

// AuditForm is the audit filter as typed.
type AuditForm struct {
	Action, Actor, From, To string
	Errors                  dialogue.FieldErrors
}

// AuditRow is a line of the audit log.
type AuditRow struct {
	At, AtISO, Actor, Action, Object, Detail, From string
}

var roleOptions = []Option{
	{Value: "delegate", Label: "Delegate"},
	{Value: "observer", Label: "Observer (agency)"},
	{Value: "presidency", Label: "Presidency"},
	{Value: "secretariat", Label: "Secretariat"},
}
