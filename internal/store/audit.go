package store

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// auditEntry is one line of the append-only audit log.
type auditEntry struct {
	Action     string // "user.create", "document.issue", ...
	ObjectType string
	ObjectID   int64
	Detail     map[string]any
}

// writeAudit records e in the same transaction as the write it describes, so
// a write is never without its audit record, nor a record without its write.
func writeAudit(ctx context.Context, tx pgx.Tx, actor dialogue.Actor, e auditEntry) error {
	var b pgx.Batch
	if err := queueAudit(&b, actor, e); err != nil {
		return err
	}
	return tx.SendBatch(ctx, &b).Close()
}

// queueAudit queues the audit entry's INSERT in b, to go with the change
// it records.
func queueAudit(b *pgx.Batch, actor dialogue.Actor, e auditEntry) error {
	detail := []byte("{}")
	if len(e.Detail) > 0 {
		var err error
		if detail, err = json.Marshal(e.Detail); err != nil {
			return err
		}
	}
	var uid *int64
	if actor.UserID != 0 {
		uid = &actor.UserID
	}
	var oid *int64
	if e.ObjectID != 0 {
		oid = &e.ObjectID
	}
	b.Queue(`
		INSERT INTO audit_log (user_id, actor, action, object_type, object_id, detail, remote_addr)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		uid, actor.Name, e.Action, e.ObjectType, oid, detail, actor.RemoteAddr)
	return nil
}

// AuditRecord is one row of the audit log as the secretariat browses it.
type AuditRecord struct {
	ID         int64
	At         time.Time
	UserID     int64
	Actor      string
	Action     string
	ObjectType string
	ObjectID   int64
	Detail     string // JSON
	RemoteAddr string
}

// AuditFilter narrows the audit log; zero values mean "any".
type AuditFilter struct {
	Action string // exact action, or a prefix ending in "." such as "auth."
	Actor  string // substring of the actor (e-mail or cli:user), case-insensitive
	From   time.Time
	To     time.Time // exclusive
	Before int64     // keyset pagination: rows with id < Before
	Limit  int
}

// ListAudit returns audit records newest first, at most f.Limit (default 100).
func (s *Store) ListAudit(ctx context.Context, f AuditFilter) ([]AuditRecord, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	var from, to *time.Time
	if !f.From.IsZero() {
		from = &f.From
	}
	if !f.To.IsZero() {
		to = &f.To
	}
	action, prefix := f.Action, ""
	if strings.HasSuffix(action, ".") {
		action, prefix = "", f.Action
	}
	rows, err := s.pool.Query(ctx, `
		SELECT id, at, coalesce(user_id, 0) AS user_id, actor, action, object_type,
		       coalesce(object_id, 0) AS object_id, detail::text AS detail, remote_addr
		FROM audit_log
		WHERE ($1 = '' OR action = $1)
		  AND ($2 = '' OR starts_with(action, $2))
		  AND ($3 = '' OR actor ILIKE '%' || $3 || '%')
		  AND ($4::timestamptz IS NULL OR at >= $4)
		  AND ($5::timestamptz IS NULL OR at < $5)
		  AND ($6 = 0 OR id < $6)
		ORDER BY id DESC
		LIMIT $7`, action, prefix, escapeLike(f.Actor), from, to, f.Before, f.Limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[AuditRecord])
}

// escapeLike makes a user's text match literally inside a LIKE pattern.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
