package dialogue

import "time"

// Role is what a user does in the portal; the permission policy
// (internal/auth) maps roles and actions to what is allowed.
type Role string

const (
	RoleSecretariat Role = "secretariat" // administers everything
	RolePresidency  Role = "presidency"  // drafts and issues documents, runs rounds
	RoleDelegate    Role = "delegate"    // belongs to one delegation, writes its positions
	RoleObserver    Role = "observer"    // an agency's user: reads what it is invited to
)

// Roles lists every role, in the order forms show them.
var Roles = []Role{RoleSecretariat, RolePresidency, RoleDelegate, RoleObserver}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	switch r {
	case RoleSecretariat, RolePresidency, RoleDelegate, RoleObserver:
		return true
	}
	return false
}

// NeedsDelegation reports whether users of this role belong to a delegation.
func (r Role) NeedsDelegation() bool { return r == RoleDelegate || r == RoleObserver }

// Label is the role as shown to users.
func (r Role) Label() string {
	switch r {
	case RoleSecretariat:
		return "Secretariat"
	case RolePresidency:
		return "Presidency"
	case RoleDelegate:
		return "Delegate"
	case RoleObserver:
		return "Observer"
	}
	return string(r)
}

// User is a person who signs in to the portal.
type User struct {
	ID           int64
	Email        string
	Name         string
	Role         Role
	DelegationID int64 // delegates and observers only
	Delegation   *Delegation
	IsManager    bool // manages the users of their own delegation
	Disabled     bool // disabled by the secretariat or the delegation's manager
	// AccessUntil is the last day (in Brussels) the user may use the
	// portal, zero for no end: a Presidency officer's access ends with the
	// Presidency they serve, a seconded expert's with the secondment.
	// AccessEnded says that day has passed, by the database's clock.
	AccessUntil time.Time
	AccessEnded bool
	// AccessFrom is the first day (in Brussels) the user may use the
	// portal, zero for from the account's creation: the incoming
	// Presidency's staff, invited before the handover, from its first day.
	// AccessNotYet says that day has not come, by the database's clock.
	AccessFrom   time.Time
	AccessNotYet bool
	CreatedAt    time.Time
}

// Inactive reports whether the account may not be used: disabled, past its
// last day of access or before its first. Sign-in, sessions, calendar feeds
// and every permission refuse an inactive account (a password link works
// before the first day, so that an invited user sets a password in time).
func (u *User) Inactive() bool { return u.Disabled || u.AccessEnded || u.AccessNotYet }

// AccountStatus is an account's state as the users list shows and filters it.
type AccountStatus string

const (
	AccountActive   AccountStatus = "active"
	AccountDisabled AccountStatus = "disabled" // by a person, whatever its last day
	AccountEnded    AccountStatus = "ended"    // past its last day of access, not disabled
	AccountNotYet   AccountStatus = "not_yet"  // before its first day of access, not disabled
)

// Status is u's AccountStatus.
func (u *User) Status() AccountStatus {
	switch {
	case u.Disabled:
		return AccountDisabled
	case u.AccessEnded:
		return AccountEnded
	case u.AccessNotYet:
		return AccountNotYet
	}
	return AccountActive
}

// Valid reports whether s is a known status.
func (s AccountStatus) Valid() bool {
	return s == AccountActive || s == AccountDisabled || s == AccountEnded || s == AccountNotYet
}

// Actor is who performs a write and from where, for the audit log.
type Actor struct {
	UserID     int64  // 0 for the command line or the system
	Name       string // e-mail, or "cli:root"
	RemoteAddr string
}

// Viewer is who is asking, for every query that filters by what one may see
// (documents, rounds, replies, meetings, search, counts, exports).
type Viewer struct {
	UserID         int64
	DelegationID   int64          // 0 for the Presidency and the secretariat
	DelegationKind DelegationKind // the kind of DelegationID
	SeeAll         bool           // Presidency and secretariat: every document, drafts included
}
