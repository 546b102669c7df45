package auth

import (
	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// Action is something a user may or may not do. Handlers ask the policy
// about actions; no handler compares roles itself.
type Action string

const (
	ViewRegistry       Action = "registry.view"      // delegations, dialogues, missions, action tracking
	EditRegistry       Action = "registry.edit"      // partners, priorities, initiatives
	ViewDocuments      Action = "documents.view"     // what is distributed to one's delegation
	ViewAllDocuments   Action = "documents.view_all" // every document, drafts included
	DraftDocuments     Action = "documents.draft"    // create and edit drafts, issue, REV
	RunRounds          Action = "rounds.run"         // open, extend, release, close, compile
	ViewRounds         Action = "rounds.view"        // rounds open to one's delegation
	ReadAllPositions   Action = "positions.read_all" // every delegation's replies, sealed or not
	WritePositions     Action = "positions.write"    // one's own delegation's replies
	RecordProxyReplies Action = "positions.proxy"    // a reply received by e-mail or note verbale
	ViewMeetings       Action = "meetings.view"      // meetings one is invited to
	ViewAllMeetings    Action = "meetings.view_all"  // every meeting
	EditMeetings       Action = "meetings.edit"      // schedule, agendas, minutes, attendance records
	ReplyAttendance    Action = "meetings.reply"     // one's own delegation's attendance
	ManageUsers        Action = "users.manage"       // any user
	ManageOwnUsers     Action = "users.manage_own"   // the users of one's own delegation
	ViewAudit          Action = "audit.view"         // the audit log
	UseAccount         Action = "account.use"        // change one's password, calendar token
)

// Scope limits an allowed action to some data.
type Scope int

const (
	Denied        Scope = iota
	OwnDelegation       // only data of the user's own delegation
	Anything            // all data
)

// manager is the policy's name for a delegate who manages their
// delegation's users; it is not a role of its own in the database.
const manager dialogue.Role = "delegate+manager"

// policy is THE permission table: role × action → scope. A manager has the
// delegate's rights plus those in the manager column.
var policy = map[Action]map[dialogue.Role]Scope{
	ViewRegistry: {
		dialogue.RoleSecretariat: Anything, dialogue.RolePresidency: Anything,
		dialogue.RoleDelegate: Anything, dialogue.RoleObserver: Anything,
	},
	EditRegistry:       {dialogue.RoleSecretariat: Anything},
	ViewDocuments:      {dialogue.RoleSecretariat: Anything, dialogue.RolePresidency: Anything, dialogue.RoleDelegate: OwnDelegation, dialogue.RoleObserver: OwnDelegation},
	ViewAllDocuments:   {dialogue.RoleSecretariat: Anything, dialogue.RolePresidency: Anything},
	DraftDocuments:     {dialogue.RoleSecretariat: Anything, dialogue.RolePresidency: Anything},
	RunRounds:          {dialogue.RoleSecretariat: Anything, dialogue.RolePresidency: Anything},
	ViewRounds:         {dialogue.RoleSecretariat: Anything, dialogue.RolePresidency: Anything, dialogue.RoleDelegate: OwnDelegation, dialogue.RoleObserver: OwnDelegation},
	ReadAllPositions:   {dialogue.RoleSecretariat: Anything, dialogue.RolePresidency: Anything},
	WritePositions:     {dialogue.RoleDelegate: OwnDelegation},
	RecordProxyReplies: {dialogue.RoleSecretariat: Anything},
	ViewMeetings:       {dialogue.RoleSecretariat: Anything, dialogue.RolePresidency: Anything, dialogue.RoleDelegate: OwnDelegation, dialogue.RoleObserver: OwnDelegation},
	ViewAllMeetings:    {dialogue.RoleSecretariat: Anything, dialogue.RolePresidency: Anything},
	EditMeetings:       {dialogue.RoleSecretariat: Anything},
	ReplyAttendance:    {dialogue.RoleDelegate: OwnDelegation, dialogue.RoleObserver: OwnDelegation},
	ManageUsers:        {dialogue.RoleSecretariat: Anything},
	ManageOwnUsers:     {dialogue.RoleSecretariat: Anything, manager: OwnDelegation},
	ViewAudit:          {dialogue.RoleSecretariat: Anything},
	UseAccount: {
		dialogue.RoleSecretariat: Anything, dialogue.RolePresidency: Anything,
		dialogue.RoleDelegate: Anything, dialogue.RoleObserver: Anything,
	},
}

// Actions lists every action of the policy (for tests and documentation).
func Actions() []Action {
	out := make([]Action, 0, len(policy))
	for a := range policy {
		out = append(out, a)
	}
	return out
}

// ScopeOf returns how far u may perform a. A nil or inactive user (disabled,
// or past the last day of access) may do nothing.
func ScopeOf(u *dialogue.User, a Action) Scope {
	if u == nil || u.Inactive() {
		return Denied
	}
	row := policy[a]
	s := row[u.Role]
	if u.IsManager && u.Role == dialogue.RoleDelegate {
		s = max(s, row[manager])
	}
	if s == OwnDelegation && u.DelegationID == 0 {
		return Denied // a scoped right without a delegation covers nothing
	}
	return s
}

// Can reports whether u may perform a at all (on some data).
func Can(u *dialogue.User, a Action) bool { return ScopeOf(u, a) != Denied }

// CanFor reports whether u may perform a on data of the given delegation.
func CanFor(u *dialogue.User, a Action, delegationID int64) bool {
	switch ScopeOf(u, a) {
	case Anything:
		return true
	case OwnDelegation:
		return delegationID != 0 && delegationID == u.DelegationID
	}
	return false
}
