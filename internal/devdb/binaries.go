package devdb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// ErrNoPostgres is returned (wrapped) by Start when no PostgreSQL server
// programs can be found or installed. Its message is written for the person
// at the terminal.
var ErrNoPostgres = errors.New("PostgreSQL is not installed: the portal runs a private database " +
	"with the system's PostgreSQL server programs (initdb, pg_ctl) and found none " +
	"(looked in /usr/lib/postgresql/*/bin, `pg_config --bindir` and PATH). " +
	"Either install PostgreSQL (Debian/Ubuntu: `sudo apt-get install postgresql`; " +
	"macOS: `brew install postgresql@15`), or set DATABASE_URL (and TEST_DATABASE_URL for tests) " +
	"to an existing PostgreSQL server, or run the portal and its database in containers " +
	"with `docker compose up`")

// debianBinGlob is where Debian and Ubuntu put each major version's server
// programs; they are not on PATH there.
const debianBinGlob = "/usr/lib/postgresql/*/bin/initdb"

// findBinDir returns the directory holding initdb and pg_ctl: the highest
// version under /usr/lib/postgresql, else what pg_config reports, else PATH.
func findBinDir() (string, bool) {
	if matches, _ := filepath.Glob(debianBinGlob); len(matches) > 0 {
		// Sort by major version as a number: "9.6" < "15" < "16".
		sort.Slice(matches, func(i, j int) bool {
			return versionOf(matches[i]) < versionOf(matches[j])
		})
		for i := len(matches) - 1; i >= 0; i-- {
			if dir := filepath.Dir(matches[i]); hasServerPrograms(dir) {
				return dir, true
			}
		}
	}
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		if dir := strings.TrimSpace(string(out)); hasServerPrograms(dir) {
			return dir, true
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		if dir := filepath.Dir(p); hasServerPrograms(dir) {
			return dir, true
		}
	}
	return "", false
}

// versionOf reads the major version from /usr/lib/postgresql/<v>/bin/initdb.
func versionOf(initdb string) float64 {
	v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(filepath.Dir(initdb))), 64)
	return v
}

// hasServerPrograms reports whether dir has the programs we run. A client-only
// install (postgresql-client) has psql and pg_dump but no initdb.
func hasServerPrograms(dir string) bool {
	for _, name := range []string{"initdb", "pg_ctl", "postgres"} {
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
			return false
		}
	}
	return true
}

// ensureBinDir finds the server programs, installing Debian's postgresql
// package first when that is possible (root with apt-get, as on a fresh CI
// machine or container) and returning ErrNoPostgres when it is not.
func ensureBinDir(ctx context.Context, log *slog.Logger) (string, error) {
	if dir, ok := findBinDir(); ok {
		return dir, nil
	}
	aptGet, err := exec.LookPath("apt-get")
	if os.Geteuid() != 0 || err != nil {
		return "", ErrNoPostgres
	}
	log.Info("devdb: PostgreSQL is not installed; installing Debian's postgresql package with apt-get (this takes a minute)")
	for _, args := range [][]string{{"update"}, {"install", "-y", "--no-install-recommends", "postgresql"}} {
		cmd := exec.CommandContext(ctx, aptGet, args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		// The user sees apt's progress: a silent minute looks like a hang.
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return "", fmt.Errorf("apt-get %s: %w; %w", args[0], err, ErrNoPostgres)
		}
	}
	if dir, ok := findBinDir(); ok {
		return dir, nil
	}
	return "", fmt.Errorf("installed the postgresql package but still found no initdb: %w", ErrNoPostgres)
}
