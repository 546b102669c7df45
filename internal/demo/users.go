package demo

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"time"

	"github.com/dialogue-secretariat/portal/internal/auth"
	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
)

// Account is a demo user.
type Account struct {
	Email      string
	Name       string
	Role       dialogue.Role
	Delegation string // code, for delegates and observers
	Manager    bool
}

// Accounts are the demo users: one per role, the Presidency's user being of
// the Presidency in office at load time (presidencyName, "" when the demo's
// list of Presidencies, which ends in 2030, names none). The .example domain
// is reserved, so no real mailbox can be reached by mistake.
func Accounts(presidencyName string) []Account {
	presidency := "Demo Presidency officer"
	if presidencyName != "" {
		presidency += " (" + presidencyName + ")"
	}
	return []Account{
		{Email: "presidency@demo.example", Name: presidency, Role: dialogue.RolePresidency},
		{Email: "secretariat@demo.example", Name: "Demo Secretariat officer", Role: dialogue.RoleSecretariat},
		{Email: "manager.be@demo.example", Name: "Demo Belgian delegation manager", Role: dialogue.RoleDelegate, Delegation: "BE", Manager: true},
		{Email: "delegate.be@demo.example", Name: "Demo Belgian delegate", Role: dialogue.RoleDelegate, Delegation: "BE"},
		{Email: "delegate.fr@demo.example", Name: "Demo French delegate", Role: dialogue.RoleDelegate, Delegation: "FR"},
		{Email: "delegate.de@demo.example", Name: "Demo German delegate", Role: dialogue.RoleDelegate, Delegation: "DE"},
		{Email: "delegate.es@demo.example", Name: "Demo Spanish delegate", Role: dialogue.RoleDelegate, Delegation: "ES"},
		{Email: "delegate.tn@demo.example", Name: "Demo Tunisian delegate", Role: dialogue.RoleDelegate, Delegation: "TN"},
		{Email: "observer.europol@demo.example", Name: "Demo Europol observer", Role: dialogue.RoleObserver, Delegation: "EUROPOL"},
	}
}

// UsersResult says what LoadUsers did.
type UsersResult struct {
	Accounts  []Account
	Created   int
	Password  string // the password set, when it was generated here ("" otherwise)
	Generated bool
}

// LoadUsers creates the demo accounts that do not exist yet. With password
// empty it generates one, which the caller must show once: it is stored
// only as a hash. With a password given, every demo account gets it (so a
// forgotten generated password can be replaced by running `portal demo`
// again with PORTAL_DEMO_PASSWORD set).
func LoadUsers(ctx context.Context, st *store.Store, password string, now time.Time) (UsersResult, error) {
	var res UsersResult
	// Past the last Presidency on record, the demo still opens: its
	// Presidency officer is then nobody's in particular.
	p, err := st.CurrentPresidency(ctx, now)
	if err != nil && dialogue.KindOf(err) != dialogue.KindNotFound {
		return res, fmt.Errorf("demo users: %w", err)
	}
	res.Accounts = Accounts(p.Delegation.Name)
	emails := make([]string, len(res.Accounts))
	for i, a := range res.Accounts {
		emails[i] = a.Email
	}
	exists, err := st.UserEmailsExist(ctx, emails)
	if err != nil {
		return res, err
	}
	missing := 0
	for _, e := range emails {
		if !exists[strings.ToLower(e)] {
			missing++
		}
	}
	if password == "" && missing == 0 {
		return res, nil // all there, nothing to change
	}
	if password == "" {
		password, res.Generated = generatePassword(), true
	}
	if msg := auth.ValidatePassword(password); msg != "" {
		return res, fmt.Errorf("PORTAL_DEMO_PASSWORD: %s", msg)
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return res, err
	}
	actor := dialogue.Actor{Name: "demo"}
	for _, a := range res.Accounts {
		if exists[strings.ToLower(a.Email)] {
			continue
		}
		if _, err := st.CreateUser(ctx, actor, store.NewUser{Email: a.Email, Name: a.Name, Role: a.Role,
			DelegationCode: a.Delegation, IsManager: a.Manager, PasswordHash: hash, Demo: true}); err != nil {
			return res, fmt.Errorf("demo user %s: %w", a.Email, err)
		}
		res.Created++
	}
	// One password for every demo account, old and new, so that what is
	// printed (or was chosen) opens all of them.
	if _, err := st.SetDemoPasswords(ctx, actor, hash); err != nil {
		return res, err
	}
	if res.Generated {
		res.Password = password
	}
	return res, nil
}

// generatePassword makes a password of five groups of four lower-case
// letters and digits (about 100 bits), easy to type from a terminal.
func generatePassword() string {
	const alphabet = "abcdefghijkmnpqrstuvwxyz23456789" // no look-alikes (l, 1, o, 0)
	b := make([]byte, 20)
	_, _ = rand.Read(b)
	var sb strings.Builder
	for i, c := range b {
		if i > 0 && i%4 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(alphabet[int(c)%len(alphabet)])
	}
	return sb.String()
}
