package store

import (
	"context"
	"regexp"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// The secretariat keeps the delegations: a partner or an observer joining
// a dialogue is recorded here before its participation and its users, and
// names change. A delegation's code and kind are fixed once recorded: the
// code is in links, exports and feeds, and the kind decides what its users
// may read (which replies, which documents), so changing it would change
// their rights behind everyone's back.

// DelegationInput is a delegation as the secretariat types it. Code and
// Kind are read only when it is recorded.
type DelegationInput struct {
	Code          string
	Kind          dialogue.DelegationKind
	Name          string
	NativeName    string
	ProtocolOrder string // member states: their place in the protocol order
	Footnote      string
}

// DelegationEdit is a delegation as its form starts: with its version.
type DelegationEdit struct {
	Delegation dialogue.Delegation
	Version    int
}

const (
	delegationNameMax     = 120
	delegationFootnoteMax = 500
)

// delegationCode is the codes' shape (as the table's CHECK): the Council's
// two-letter codes, an institution's or an agency's short name.
var delegationCode = regexp.MustCompile(`^[A-Z][A-Z0-9-]{1,11}$`)

// normalize trims the input and checks what needs no database; order is
// the member state's protocol place (0 for the others).
func (in *DelegationInput) normalize(fe dialogue.FieldErrors, creating bool) (order int) {
	in.Code = strings.ToUpper(strings.TrimSpace(in.Code))
	in.Name = strings.Join(strings.Fields(in.Name), " ")
	in.NativeName = strings.Join(strings.Fields(in.NativeName), " ")
	in.Footnote = strings.Join(strings.Fields(in.Footnote), " ")
	if creating {
		switch {
		case in.Code == "":
			fe.Add("code", "Enter the delegation's code, e.g. LY or FRONTEX.")
		case !delegationCode.MatchString(in.Code):
			fe.Add("code", "Use 2 to 12 capital letters, digits or hyphens, starting with a letter (e.g. LY, EU-LISA).")
		}
		switch in.Kind {
		case dialogue.MemberState, dialogue.Institution, dialogue.Partner, dialogue.Observer:
		default:
			fe.Add("kind", "Choose the kind of delegation from the list.")
		}
	}
	switch {
	case in.Name == "":
		fe.Add("name", "Enter the delegation's name in English.")
	case len([]rune(in.Name)) > delegationNameMax:
		fe.Add("name", "Keep the name under "+strconv.Itoa(delegationNameMax)+" characters.")
	}
	if len([]rune(in.NativeName)) > delegationNameMax {
		fe.Add("native_name", "Keep the name under "+strconv.Itoa(delegationNameMax)+" characters.")
	}
	if len([]rune(in.Footnote)) > delegationFootnoteMax {
		fe.Add("footnote", "Keep the footnote under "+strconv.Itoa(delegationFootnoteMax)+" characters.")
	}
	in.ProtocolOrder = strings.TrimSpace(in.ProtocolOrder)
	if in.Kind != dialogue.MemberState {
		in.ProtocolOrder = "" // only member states have one; the field is not shown to others
		return 0
	}
	n, err := strconv.Atoi(in.ProtocolOrder)
	if err != nil || n < 1 || n > 99 {
		fe.Add("protocol_order", "Enter the member state's place in the protocol order as a number, e.g. 8.")
		return 0
	}
	return n
}

// DelegationForEdit reads a delegation by its code, with its version.
func (s *Store) DelegationForEdit(ctx context.Context, code string) (DelegationEdit, error) {
	var e DelegationEdit
	var r delegationRow
	err := s.pool.QueryRow(ctx, `SELECT `+delegationColumns+`, d.version FROM delegations d WHERE d.code = $1`, code).
		Scan(&r.ID, &r.Code, &r.Kind, &r.Name, &r.NativeName, &r.ProtocolOrder, &r.Footnote, &e.Version)
	e.Delegation = r.delegation()
	return e, notFound(err, "delegation")
}

// CreateDelegation records a delegation and returns it as recorded. A
// member state takes the protocol place given, and those from that place on
// move down one.
func (s *Store) CreateDelegation(ctx context.Context, actor dialogue.Actor, in DelegationInput) (dialogue.Delegation, error) {
	fe := dialogue.FieldErrors{}
	order := in.normalize(fe, true)
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if err := lockProtocolOrder(ctx, tx); err != nil {
			return err
		}
		var taken bool
		var states int
		if err := tx.QueryRow(ctx, `
			SELECT EXISTS (SELECT 1 FROM delegations WHERE code = $1),
			       (SELECT count(*) FROM delegations WHERE kind = 'member_state')::int`, in.Code).Scan(&taken, &states); err != nil {
			return err
		}
		if taken {
			fe.Add("code", "A delegation has the code "+in.Code+" already: choose another, or edit that one from the list.")
		}
		if order > states+1 {
			fe.Add("protocol_order", "There are "+strconv.Itoa(states)+" member states: enter a place from 1 to "+strconv.Itoa(states+1)+".")
		}
		if err := fe.Err(); err != nil {
			return err
		}
		var protocol *int
		if order > 0 {
			protocol = &order
			if _, err := tx.Exec(ctx, `UPDATE delegations SET protocol_order = protocol_order + 1 WHERE protocol_order >= $1`, order); err != nil {
				return err
			}
		}
		err := tx.QueryRow(ctx, `
			INSERT INTO delegations (code, kind, name, native_name, protocol_order, footnote)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			in.Code, string(in.Kind), in.Name, in.NativeName, protocol, in.Footnote).Scan(&id)
		if isUniqueViolation(err, "delegations_code_key") { // recorded meanwhile by someone else
			return dialogue.FieldError("code", "A delegation has the code %s already: choose another, or edit that one from the list.", in.Code)
		}
		if err != nil {
			return err
		}
		return writeAudit(ctx, tx, actor, auditEntry{Action: "delegation.create", ObjectType: "delegation", ObjectID: id,
			Detail: delegationDetail(in, order)})
	})
	d := dialogue.Delegation{ID: id, Code: in.Code, Kind: in.Kind, Name: in.Name, NativeName: in.NativeName,
		ProtocolOrder: order, Footnote: in.Footnote}
	return d, err
}

// UpdateDelegation saves a delegation's names, footnote and (a member
// state's) protocol place. baseVersion is the version the form started
// from: if someone saved since, nothing is written and the error is a
// conflict. A member state moved to another place takes it, and those
// between its old place and the new one move up or down one.
func (s *Store) UpdateDelegation(ctx context.Context, actor dialogue.Actor, code string, baseVersion int, in DelegationInput) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		if err := lockProtocolOrder(ctx, tx); err != nil {
			return err
		}
		var id int64
		var version, states int
		var kind string
		var was *int
		err := tx.QueryRow(ctx, `
			SELECT id, version, kind, protocol_order,
			       (SELECT count(*) FROM delegations WHERE kind = 'member_state')::int
			FROM delegations WHERE code = $1 FOR UPDATE`, code).Scan(&id, &version, &kind, &was, &states)
		if err != nil {
			return notFound(err, "delegation")
		}
		fe := dialogue.FieldErrors{}
		in.Code, in.Kind = code, dialogue.DelegationKind(kind)
		order := in.normalize(fe, false)
		if order > states {
			fe.Add("protocol_order", "There are "+strconv.Itoa(states)+" member states: enter a place from 1 to "+strconv.Itoa(states)+".")
		}
		if version != baseVersion {
			return dialogue.Errorf(dialogue.KindConflict, "Someone saved this delegation after you opened it. Nothing of yours was saved: compare what you typed, kept below, with the delegation as it is now, then save again.")
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if was != nil && order != *was {
			// One statement: the constraint is checked at its end (migration 000014).
			if _, err := tx.Exec(ctx, `
				UPDATE delegations SET protocol_order = CASE
					WHEN id = $1 THEN $3::int
					WHEN $3::int < $2::int THEN protocol_order + 1
					ELSE protocol_order - 1 END
				WHERE id = $1 OR protocol_order BETWEEN least($2::int, $3::int) AND greatest($2::int, $3::int)`, id, *was, order); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `
			UPDATE delegations SET name = $2, native_name = $3, footnote = $4, version = version + 1, updated_at = now()
			WHERE id = $1`, id, in.Name, in.NativeName, in.Footnote); err != nil {
			return err
		}
		detail := delegationDetail(in, order)
		detail["version"] = version + 1
		if was != nil && order != *was {
			detail["protocol_order_was"] = *was
		}
		return writeAudit(ctx, tx, actor, auditEntry{Action: "delegation.update", ObjectType: "delegation", ObjectID: id, Detail: detail})
	})
}

// lockProtocolOrder makes the writes that may move member states in the
// protocol order wait for one another until the end of the transaction:
// two at once would each count and shift the places without seeing the
// other's new member state.
func lockProtocolOrder(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('delegations.protocol_order'))`)
	return err
}

func delegationDetail(in DelegationInput, order int) map[string]any {
	d := map[string]any{"code": in.Code, "kind": string(in.Kind), "name": in.Name, "native_name": in.NativeName, "footnote": in.Footnote}
	if order > 0 {
		d["protocol_order"] = order
	}
	return d
}
