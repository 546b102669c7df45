// Package migrations holds the database schema as numbered golang-migrate
// files, embedded so the binary carries its own schema.
package migrations

import "embed"

// FS holds every *.up.sql and *.down.sql file of this directory.
//
//go:embed *.sql
var FS embed.FS
