package store

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// NewUser is what it takes to create a user.
type NewUser struct {
	Email          string
	Name           string
	Role           dialogue.Role
	DelegationCode string // required for delegates and observers
	IsManager      bool
	// AccessFrom and AccessUntil: the first and the last day of access
	// (dates; zero: from the account's creation, no end).
	AccessFrom, AccessUntil time.Time
	PasswordHash            string // argon2id PHC string; "" leaves the account without a password
	Demo                    bool   // a demo account
}

// CreateUser validates and inserts a user, with its audit record.
func (s *Store) CreateUser(ctx context.Context, actor dialogue.Actor, u NewUser) (dialogue.User, error) {
	u.Email = strings.TrimSpace(u.Email)
	u.Name = strings.TrimSpace(u.Name)
	fe := nameAndEmailErrors(u.Name, u.Email)
	addDaysError(fe, u.AccessFrom, u.AccessUntil)
	if !u.Role.Valid() {
		fe.Add("role", "Choose a role: secretariat, presidency, delegate or observer.")
	}
	if u.Role.NeedsDelegation() && u.DelegationCode == "" {
		fe.Add("delegation", "Delegates and observers belong to a delegation: choose one.")
	}
	if !u.Role.NeedsDelegation() && u.DelegationCode != "" {
		fe.Add("delegation", "Only delegates and observers belong to a delegation.")
	}
	if u.IsManager && u.Role != dialogue.RoleDelegate {
		fe.Add("manager", "Only a delegate can manage a delegation's users.")
	}
	if err := fe.Err(); err != nil {
		return dialogue.User{}, err
	}
	var out dialogue.User
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var delegationID *int64
		if u.DelegationCode != "" {
			var id int64
			var kind dialogue.DelegationKind
			err := tx.QueryRow(ctx, `SELECT id, kind FROM delegations WHERE code = $1`, strings.ToUpper(u.DelegationCode)).Scan(&id, &kind)
			if errors.Is(err, pgx.ErrNoRows) {
				return dialogue.FieldError("delegation", "There is no delegation with the code %q.", u.DelegationCode)
			}
			if err != nil {
				return err
			}
			if u.Role == dialogue.RoleObserver && kind != dialogue.Observer {
				return dialogue.FieldError("delegation", "Observers belong to an observer delegation (an agency such as EUROPOL).")
			}
			if u.Role == dialogue.RoleDelegate && kind == dialogue.Observer {
				return dialogue.FieldError("delegation", "An agency's users are observers, not delegates.")
			}
			delegationID = &id
		}
		var hash *string
		if u.PasswordHash != "" {
			hash = &u.PasswordHash
		}
		err := tx.QueryRow(ctx, `
			INSERT INTO users (email, name, role, delegation_id, is_manager, password_hash, demo, access_until, access_from)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			RETURNING id, created_at`,
			u.Email, u.Name, u.Role, delegationID, u.IsManager, hash, u.Demo, dateOrNull(u.AccessUntil), dateOrNull(u.AccessFrom)).Scan(&out.ID, &out.CreatedAt)
		if isUniqueViolation(err, "users_email_uq") {
			return dialogue.FieldError("email", "A user with this e-mail address already exists.")
		}
		if err != nil {
			return err
		}
		out.Email, out.Name, out.Role, out.IsManager, out.AccessFrom, out.AccessUntil = u.Email, u.Name, u.Role, u.IsManager, u.AccessFrom, u.AccessUntil
		if delegationID != nil {
			out.DelegationID = *delegationID
		}
		return writeAudit(ctx, tx, actor, auditEntry{
			Action: "user.create", ObjectType: "user", ObjectID: out.ID,
			Detail: map[string]any{"email": u.Email, "role": u.Role, "delegation": u.DelegationCode, "manager": u.IsManager,
				"access_from": auditDate(dateOrNull(u.AccessFrom)), "access_until": auditDate(dateOrNull(u.AccessUntil))},
		})
	})
	return out, err
}

// userColumns selects a user with its delegation, for scanUser.
const userColumns = `
	u.id, u.email, u.name, u.role, coalesce(u.delegation_id, 0), u.is_manager,
	u.disabled_at IS NOT NULL, u.access_until, ` + accessEnded + `, u.access_from, ` + accessNotYet + `, u.created_at,
	coalesce(d.code, ''), coalesce(d.kind, ''), coalesce(d.name, ''), coalesce(d.footnote, '')`

// accessEnded holds for a user (u) whose last day of access, in Brussels,
// has passed by the database's clock: the clock every session, link and
// feed is checked by, whatever the portal's machine says.
const accessEnded = `coalesce(u.access_until < (now() AT TIME ZONE 'Europe/Brussels')::date, false)`

// accessNotYet holds for a user (u) whose first day of access, in Brussels,
// has not come, by the database's clock.
const accessNotYet = `coalesce(u.access_from > (now() AT TIME ZONE 'Europe/Brussels')::date, false)`

// userMaySetPassword holds for a user (u) whose password links work: not
// disabled, not past the last day of access (before the first day too, so
// that an invited user sets a password in time).
const userMaySetPassword = `(u.disabled_at IS NULL AND NOT ` + accessEnded + `)`

// userActive holds for a user (u) who may use the portal: not disabled, and
// within the days of access.
const userActive = `(` + userMaySetPassword + ` AND NOT ` + accessNotYet + `)`

func scanUser(row pgx.Row, extra ...any) (dialogue.User, error) {
	var u dialogue.User
	var d dialogue.Delegation
	var until, from *time.Time
	dest := append([]any{&u.ID, &u.Email, &u.Name, &u.Role, &u.DelegationID, &u.IsManager,
		&u.Disabled, &until, &u.AccessEnded, &from, &u.AccessNotYet, &u.CreatedAt, &d.Code, &d.Kind, &d.Name, &d.Footnote}, extra...)
	if err := row.Scan(dest...); err != nil {
		return u, err
	}
	if until != nil {
		u.AccessUntil = *until
	}
	if from != nil {
		u.AccessFrom = *from
	}
	if u.DelegationID != 0 {
		d.ID = u.DelegationID
		u.Delegation = &d
	}
	return u, nil
}

// UserByID returns a user (disabled ones too: the caller decides).
func (s *Store) UserByID(ctx context.Context, id int64) (dialogue.User, error) {
	u, err := scanUser(s.pool.QueryRow(ctx, `SELECT `+userColumns+`
		FROM users u LEFT JOIN delegations d ON d.id = u.delegation_id WHERE u.id = $1`, id))
	return u, notFound(err, "user")
}

// UserForLogin returns the user with this e-mail (case-insensitive) and the
// password hash ("" when none is set).
func (s *Store) UserForLogin(ctx context.Context, email string) (dialogue.User, string, error) {
	var hash *string
	u, err := scanUser(s.pool.QueryRow(ctx, `SELECT `+userColumns+`, u.password_hash
		FROM users u LEFT JOIN delegations d ON d.id = u.delegation_id
		WHERE lower(u.email) = lower($1)`, strings.TrimSpace(email)), &hash)
	if err != nil {
		return u, "", notFound(err, "user")
	}
	if hash == nil {
		return u, "", nil
	}
	return u, *hash, nil
}

// UserFilter narrows ListUsers.
type UserFilter struct {
	DelegationID int64         // 0: every delegation
	Role         dialogue.Role // "": every role
	// Words: found in the name or the e-mail address, case and accents
	// ignored ("muller" finds Müller).
	Words string
	// Status: the accounts of that status (see dialogue.User.Status); "":
	// every account.
	Status dialogue.AccountStatus
}

// ListUsers returns users ordered by delegation (protocol order) and name.
// The users table holds a few hundred rows (five a delegation): the filter
// reads them all, and an index would not be used.
func (s *Store) ListUsers(ctx context.Context, f UserFilter) ([]dialogue.User, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+userColumns+`
		FROM users u LEFT JOIN delegations d ON d.id = u.delegation_id
		WHERE ($1 = 0 OR u.delegation_id = $1)
		  AND ($2 = '' OR u.role = $2)
		  AND ($3 = '' OR unaccent(u.name) ILIKE '%' || unaccent($3) || '%' OR unaccent(u.email) ILIKE '%' || unaccent($3) || '%')
		  AND CASE $4 WHEN 'active' THEN `+userActive+`
		              WHEN 'disabled' THEN u.disabled_at IS NOT NULL
		              WHEN 'ended' THEN u.disabled_at IS NULL AND `+accessEnded+`
		              WHEN 'not_yet' THEN u.disabled_at IS NULL AND NOT `+accessEnded+` AND `+accessNotYet+`
		              ELSE true END
		ORDER BY d.id IS NOT NULL, array_position(ARRAY['member_state','institution','partner','observer'], d.kind), d.protocol_order NULLS LAST, d.name, u.name`,
		f.DelegationID, string(f.Role), escapeLike(f.Words), string(f.Status))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (dialogue.User, error) { return scanUser(r) })
}

// RecordSignIn writes a sign-in attempt to the audit log. A failed attempt
// keeps the address typed, so the secretariat can see what was tried.
func (s *Store) RecordSignIn(ctx context.Context, actor dialogue.Actor, userID int64, email string, ok bool, reason string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		action := "auth.sign_in"
		if !ok {
			action = "auth.sign_in_failed"
		}
		return writeAudit(ctx, tx, actor, auditEntry{Action: action, ObjectType: "user", ObjectID: userID,
			Detail: map[string]any{"email": email, "reason": reason}})
	})
}

// RecordSignOut writes a sign-out to the audit log.
func (s *Store) RecordSignOut(ctx context.Context, actor dialogue.Actor) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		return writeAudit(ctx, tx, actor, auditEntry{Action: "auth.sign_out", ObjectType: "user", ObjectID: actor.UserID})
	})
}

// SetPassword replaces a user's password hash.
func (s *Store) SetPassword(ctx context.Context, actor dialogue.Actor, userID int64, hash string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1`, userID, hash)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return dialogue.ErrNotFound
		}
		return writeAudit(ctx, tx, actor, auditEntry{Action: "user.password_change", ObjectType: "user", ObjectID: userID})
	})
}

// SetDisabled disables or re-enables a user. Sessions are not touched here:
// the session middleware signs a disabled user out at the next request.
func (s *Store) SetDisabled(ctx context.Context, actor dialogue.Actor, userID int64, disabled bool) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `
			UPDATE users SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, now()) END, updated_at = now()
			WHERE id = $1`, userID, disabled)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return dialogue.ErrNotFound
		}
		action := "user.enable"
		if disabled {
			action = "user.disable"
		}
		return writeAudit(ctx, tx, actor, auditEntry{Action: action, ObjectType: "user", ObjectID: userID})
	})
}

// nameAndEmailErrors checks a user's name and e-mail address as typed.
func nameAndEmailErrors(name, email string) dialogue.FieldErrors {
	fe := dialogue.FieldErrors{}
	if !strings.Contains(email, "@") || strings.ContainsAny(email, " \t\n") {
		fe.Add("email", "Enter an e-mail address such as name@example.eu.")
	}
	if name == "" {
		fe.Add("name", "Enter the person's name.")
	}
	return fe
}

// addDaysError adds to fe the problem of days of access that come in the
// wrong order.
func addDaysError(fe dialogue.FieldErrors, from, until time.Time) {
	if !from.IsZero() && !until.IsZero() && dateOrNull(from).After(*dateOrNull(until)) {
		fe.Add("until", "The last day of access comes before the first: change one of them.")
	}
}

// Account is what the account form changes: the name, the e-mail address
// (the sign-in name) and the first and last days of access (dates; zero:
// from the account's creation, no end).
type Account struct {
	Name, Email string
	From, Until time.Time
}

// UpdateAccount changes a user's name, e-mail address and last day of
// access, unless the account is no longer as the form showed it (was): two
// officers editing the same account must not overwrite each other unseen.
// Sessions are not touched here: the session middleware signs the user out
// at the first request after the last day; the e-mail address is only the
// sign-in name, the sessions stay.
func (s *Store) UpdateAccount(ctx context.Context, actor dialogue.Actor, userID int64, to, was Account) error {
	to.Name, to.Email = strings.TrimSpace(to.Name), strings.TrimSpace(to.Email)
	fe := nameAndEmailErrors(to.Name, to.Email)
	addDaysError(fe, to.From, to.Until)
	if err := fe.Err(); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		var now Account
		var from, until *time.Time
		err := tx.QueryRow(ctx, `SELECT name, email, access_from, access_until FROM users WHERE id = $1 FOR UPDATE`, userID).
			Scan(&now.Name, &now.Email, &from, &until)
		if err != nil {
			return notFound(err, "user")
		}
		if from != nil {
			now.From = *from
		}
		if until != nil {
			now.Until = *until
		}
		if now.Name != was.Name || now.Email != was.Email || !sameDay(now.From, was.From) || !sameDay(now.Until, was.Until) {
			return dialogue.Errorf(dialogue.KindConflict, "This account was changed meanwhile: it is now %s, %s, first day of access: %s, last day: %s. Nothing was changed; the form shows it as it is.",
				now.Name, now.Email, dayOr(from, "none"), dayOr(until, "none"))
		}
		_, err = tx.Exec(ctx, `UPDATE users SET name = $2, email = $3, access_from = $4, access_until = $5, updated_at = now() WHERE id = $1`,
			userID, to.Name, to.Email, dateOrNull(to.From), dateOrNull(to.Until))
		if isUniqueViolation(err, "users_email_uq") {
			return dialogue.FieldError("email", "Another user has this e-mail address.")
		}
		if err != nil {
			return err
		}
		changed := map[string]any{}
		if to.Name != now.Name {
			changed["name"] = map[string]any{"was": now.Name, "now": to.Name}
		}
		if to.Email != now.Email {
			changed["email"] = map[string]any{"was": now.Email, "now": to.Email}
		}
		if !sameDay(to.From, now.From) {
			changed["access_from"] = map[string]any{"was": auditDate(from), "now": auditDate(dateOrNull(to.From))}
		}
		if !sameDay(to.Until, now.Until) {
			changed["access_until"] = map[string]any{"was": auditDate(until), "now": auditDate(dateOrNull(to.Until))}
		}
		return writeAudit(ctx, tx, actor, auditEntry{Action: "user.update", ObjectType: "user", ObjectID: userID, Detail: changed})
	})
}

// sameDay reports whether two dates (zero: none) are the same day.
func sameDay(a, b time.Time) bool {
	da, db := dateOrNull(a), dateOrNull(b)
	return (da == nil) == (db == nil) && (da == nil || da.Equal(*db))
}

// dateOrNull is a civil date for a date column: its day, or NULL for zero.
func dateOrNull(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return &d
}

// auditDate is a date as the audit log's detail keeps it, 2026-12-31, or
// null.
func auditDate(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.Format(time.DateOnly)
}

// dayOr is a date as the portal writes it, or none when there is none.
func dayOr(t *time.Time, none string) string {
	if t == nil {
		return none
	}
	return t.Format("2 January 2006")
}

// RoleChange is a change of a user's role, made on a form that showed the
// role as it was (Was, WasManager).
type RoleChange struct {
	Role, Was           dialogue.Role
	Manager, WasManager bool
}

// SetRole changes a user's role (and delegation scope), unless it is no
// longer the one the form showed: two officers changing the same account's
// role at once must not overwrite each other unseen. The session
// middleware renews the token of the user's sessions when it sees the
// change.
func (s *Store) SetRole(ctx context.Context, actor dialogue.Actor, userID int64, c RoleChange) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		var now dialogue.Role
		var manager bool
		err := tx.QueryRow(ctx, `SELECT role, is_manager FROM users WHERE id = $1 FOR UPDATE`, userID).Scan(&now, &manager)
		if err != nil {
			return notFound(err, "user")
		}
		if now != c.Was || manager != c.WasManager {
			label := now.Label()
			if manager {
				label += " (manager)"
			}
			return dialogue.Errorf(dialogue.KindConflict, "This account's role was changed meanwhile: it is now %s. Nothing was changed; the users list shows it as it is.", label)
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET role = $2, is_manager = $3, updated_at = now() WHERE id = $1`, userID, c.Role, c.Manager); err != nil {
			return err
		}
		return writeAudit(ctx, tx, actor, auditEntry{Action: "user.role_change", ObjectType: "user", ObjectID: userID,
			Detail: map[string]any{"role": c.Role, "manager": c.Manager, "was": c.Was, "was_manager": c.WasManager}})
	})
}

// CreatePasswordReset stores the hash of a one-time reset token, valid for
// the given duration from now by the database's clock (the same clock that
// checks it).
func (s *Store) CreatePasswordReset(ctx context.Context, actor dialogue.Actor, userID int64, tokenHash []byte, validFor time.Duration) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		var creator *int64
		if actor.UserID != 0 {
			creator = &actor.UserID
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO password_resets (token_hash, user_id, created_by, expires_at)
			VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
			tokenHash, userID, creator, validFor.Seconds()); err != nil {
			return err
		}
		return writeAudit(ctx, tx, actor, auditEntry{Action: "user.password_reset_issue", ObjectType: "user", ObjectID: userID})
	})
}

// ResetUser returns the user a valid (unused, unexpired) reset token is for.
func (s *Store) ResetUser(ctx context.Context, tokenHash []byte) (dialogue.User, error) {
	u, err := scanUser(s.pool.QueryRow(ctx, `SELECT `+userColumns+`
		FROM password_resets r JOIN users u ON u.id = r.user_id
		LEFT JOIN delegations d ON d.id = u.delegation_id
		WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > now() AND `+userMaySetPassword, tokenHash))
	return u, notFound(err, "reset link")
}

// ConsumePasswordReset sets the new password and spends the token, once:
// a second use of the same link finds nothing.
func (s *Store) ConsumePasswordReset(ctx context.Context, actor dialogue.Actor, tokenHash []byte, newHash string) (int64, error) {
	var userID int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `
			UPDATE password_resets r SET used_at = now()
			FROM users u
			WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > now()
			  AND u.id = r.user_id AND `+userMaySetPassword+`
			RETURNING r.user_id`, tokenHash).Scan(&userID)
		if err != nil {
			return notFound(err, "reset link")
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1`, userID, newHash); err != nil {
			return err
		}
		actor.UserID = userID
		return writeAudit(ctx, tx, actor, auditEntry{Action: "user.password_reset", ObjectType: "user", ObjectID: userID})
	})
	return userID, err
}

// SetDemoPasswords gives every demo account the same password hash, so that
// `portal demo` with PORTAL_DEMO_PASSWORD set restores access to them.
func (s *Store) SetDemoPasswords(ctx context.Context, actor dialogue.Actor, hash string) (int64, error) {
	var n int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE users SET password_hash = $1, updated_at = now() WHERE demo`, hash)
		if err != nil {
			return err
		}
		n = tag.RowsAffected()
		return writeAudit(ctx, tx, actor, auditEntry{Action: "user.demo_passwords", Detail: map[string]any{"accounts": n}})
	})
	return n, err
}

// UserEmailsExist returns which of the given e-mail addresses have a user.
func (s *Store) UserEmailsExist(ctx context.Context, emails []string) (map[string]bool, error) {
	rows, err := s.pool.Query(ctx, `SELECT lower(email) FROM users WHERE lower(email) = ANY($1)`, lowerAll(emails))
	if err != nil {
		return nil, err
	}
	found, err := pgx.CollectRows(rows, pgx.RowTo[string])
	out := make(map[string]bool, len(found))
	for _, e := range found {
		out[e] = true
	}
	return out, err
}

func lowerAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.ToLower(s)
	}
	return out
}

// CurrentPresidency returns the Presidency holding office at now.
func (s *Store) CurrentPresidency(ctx context.Context, now time.Time) (dialogue.Presidency, error) {
	sem := dialogue.SemesterAt(now)
	var p dialogue.Presidency
	d := &p.Delegation
	err := s.pool.QueryRow(ctx, `
		SELECT p.id, p.year, p.semester, d.id, d.code, d.kind, d.name, d.native_name, coalesce(d.protocol_order, 0)
		FROM presidencies p JOIN delegations d ON d.id = p.delegation_id
		WHERE p.year = $1 AND p.semester = $2`, sem.Year, sem.Semester).
		Scan(&p.ID, &p.Year, &p.Semester, &d.ID, &d.Code, &d.Kind, &d.Name, &d.NativeName, &d.ProtocolOrder)
	return p, notFound(err, "presidency")
}
