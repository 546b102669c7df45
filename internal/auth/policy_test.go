package auth

import (
	"testing"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

func TestPolicyScopes(t *testing.T) {
	secretariat := &dialogue.User{ID: 1, Role: dialogue.RoleSecretariat}
	presidency := &dialogue.User{ID: 2, Role: dialogue.RolePresidency}
	delegateBE := &dialogue.User{ID: 3, Role: dialogue.RoleDelegate, DelegationID: 10}
	managerBE := &dialogue.User{ID: 4, Role: dialogue.RoleDelegate, DelegationID: 10, IsManager: true}
	observer := &dialogue.User{ID: 5, Role: dialogue.RoleObserver, DelegationID: 40}
	disabled := &dialogue.User{ID: 6, Role: dialogue.RoleSecretariat, Disabled: true}
	lapsed := &dialogue.User{ID: 7, Role: dialogue.RolePresidency, AccessEnded: true}

	cases := []struct {
		name       string
		user       *dialogue.User
		action     Action
		delegation int64
		want       bool
	}{
		{"anonymous reads nothing", nil, ViewRegistry, 0, false},
		{"disabled secretariat does nothing", disabled, ViewAudit, 0, false},
		{"presidency past its last day reads no reply", lapsed, ReadAllPositions, 10, false},
		{"presidency past its last day reads no document", lapsed, ViewDocuments, 0, false},
		{"secretariat reads the audit log", secretariat, ViewAudit, 0, true},
		{"presidency does not read the audit log", presidency, ViewAudit, 0, false},
		{"presidency drafts documents", presidency, DraftDocuments, 0, true},
		{"delegate does not draft documents", delegateBE, DraftDocuments, 0, false},
		{"delegate writes own delegation's positions", delegateBE, WritePositions, 10, true},
		{"delegate cannot write another delegation's positions", delegateBE, WritePositions, 11, false},
		{"presidency does not write positions", presidency, WritePositions, 10, false},
		{"secretariat records proxy replies", secretariat, RecordProxyReplies, 10, true},
		{"presidency reads all positions", presidency, ReadAllPositions, 11, true},
		{"delegate does not read all positions", delegateBE, ReadAllPositions, 10, false},
		{"plain delegate manages no users", delegateBE, ManageOwnUsers, 10, false},
		{"manager manages own delegation's users", managerBE, ManageOwnUsers, 10, true},
		{"manager cannot manage another delegation's users", managerBE, ManageOwnUsers, 11, false},
		{"manager does not manage all users", managerBE, ManageUsers, 10, false},
		{"observer views documents of its own delegation only", observer, ViewDocuments, 40, true},
		{"observer cannot view for another delegation", observer, ViewDocuments, 10, false},
		{"observer does not view all documents", observer, ViewAllDocuments, 0, false},
		{"observer answers attendance for itself", observer, ReplyAttendance, 40, true},
		{"secretariat edits meetings", secretariat, EditMeetings, 0, true},
		{"presidency does not edit meetings", presidency, EditMeetings, 0, false},
	}
	for _, c := range cases {
		if got := CanFor(c.user, c.action, c.delegation); got != c.want {
			t.Errorf("%s: CanFor = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestEveryRoleHasEveryActionDecided(t *testing.T) {
	// The table lists allowed scopes; a role missing from a row is denied.
	// This guards against an action added to the constants but not the table.
	for _, a := range Actions() {
		if len(policy[a]) == 0 {
			t.Errorf("action %s allows nobody: remove it or give it a row", a)
		}
	}
	if len(Actions()) < 18 {
		t.Errorf("policy has %d actions; every Action constant needs a row", len(Actions()))
	}
}

func TestScopedRightWithoutDelegationIsDenied(t *testing.T) {
	u := &dialogue.User{ID: 9, Role: dialogue.RoleDelegate}
	if Can(u, WritePositions) {
		t.Fatal("a delegate without a delegation may write positions")
	}
}
