package store

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/golang-migrate/migrate/v4"
	_ "github.com/golang-migrate/migrate/v4/database/pgx/v5" // registers pgx5://
	"github.com/golang-migrate/migrate/v4/source/iofs"

	"github.com/dialogue-secretariat/portal/migrations"
)

// Migrator applies the embedded migrations to one database.
type Migrator struct{ m *migrate.Migrate }

// NewMigrator prepares migrations for the database at dbURL (postgres://...).
func NewMigrator(dbURL string) (*Migrator, error) {
	src, err := iofs.New(migrations.FS, ".")
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	m, err := migrate.NewWithSourceInstance("iofs", src, pgx5URL(dbURL))
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return &Migrator{m: m}, nil
}

// pgx5URL rewrites a postgres:// URL to the pgx5:// scheme golang-migrate's
// pgx/v5 driver registers, without the pool's settings (pool_max_conns,
// which the README offers, and the other pool_ parameters): the driver
// opens a single connection and would send them to the server as run-time
// parameters, which it refuses, and the portal would not start.
func pgx5URL(dbURL string) string {
	u, err := url.Parse(dbURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return dbURL
	}
	q := u.Query()
	for k := range q {
		if strings.HasPrefix(k, "pool_") {
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode()
	u.Scheme = "pgx5"
	return u.String()
}

// Up applies every pending migration.
func (m *Migrator) Up() error { return ignoreNoChange(m.m.Up()) }

// Down reverts the last n migrations.
func (m *Migrator) Down(n int) error {
	if n <= 0 {
		return fmt.Errorf("migrations: down needs a positive count")
	}
	return ignoreNoChange(m.m.Steps(-n))
}

// Version returns the current version and whether a failed migration left
// the schema dirty; version 0 means no migration is applied.
func (m *Migrator) Version() (version uint, dirty bool, err error) {
	v, d, err := m.m.Version()
	if errors.Is(err, migrate.ErrNilVersion) {
		return 0, false, nil
	}
	return v, d, err
}

// Close releases the migrator's connection.
func (m *Migrator) Close() error {
	se, de := m.m.Close()
	return errors.Join(se, de)
}

func ignoreNoChange(err error) error {
	if errors.Is(err, migrate.ErrNoChange) {
		return nil
	}
	return err
}

// MigrateUp is the common case: open, apply everything, close.
func MigrateUp(dbURL string) error {
	m, err := NewMigrator(dbURL)
	if err != nil {
		return err
	}
	return errors.Join(m.Up(), m.Close())
}
