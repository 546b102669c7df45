package devdb

import (
	"context"
	"log/slog"
	"net"
	"net/url"
	"os"
	"time"

	"github.com/jackc/pgx/v5"
)

// ResolveTestURL finds the PostgreSQL server tests use, by this rule:
//
//  1. TEST_DATABASE_URL, if set, as it is;
//  2. else a server on 127.0.0.1:5432, if it answers and lets us in as a
//     role that may create databases: as postgres without a password (or
//     with PGPASSWORD, or ~/.pgpass), then as PGUSER with PGPASSWORD;
//  3. else the private cluster kept in dir, started if need be.
//
// adminURL is a connection to the server's postgres database on which the
// caller can CREATE DATABASE. stop ends our use of the server: it stops the
// private cluster if this call started it (and nobody else still uses it)
// and does nothing otherwise. It is never nil when err is nil.
func ResolveTestURL(ctx context.Context, dir string, log *slog.Logger) (adminURL string, stop func(), err error) {
	if log == nil {
		log = slog.Default()
	}
	noop := func() {}
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		log.Debug("devdb: tests use TEST_DATABASE_URL")
		return u, noop, nil
	}
	if u, ok := probeLocalServer(ctx, log); ok {
		return u, noop, nil
	}

	c, err := Open(dir)
	if err != nil {
		return "", nil, err
	}
	started, err := c.Start(ctx, log)
	if err != nil {
		return "", nil, err
	}
	stop = func() {
		// Stop even when the caller's context is already cancelled (Ctrl-C):
		// that is precisely when the server must not be left behind.
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*startTimeout)
		defer cancel()
		var err error
		if started {
			err = c.Stop(sctx)
		} else {
			err = c.Release(sctx)
		}
		if err != nil {
			log.Error("devdb: stopping the private PostgreSQL", "err", err)
		}
	}
	return c.URL("postgres"), stop, nil
}

// probeLocalServer looks for a usable server on the standard port.
func probeLocalServer(ctx context.Context, log *slog.Logger) (string, bool) {
	const addr = "127.0.0.1:5432"
	d := net.Dialer{Timeout: time.Second}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return "", false // nothing listens: the common case, not worth a word
	}
	conn.Close()

	candidates := []*url.Userinfo{url.User("postgres")}
	pgUser, pgPassword := os.Getenv("PGUSER"), os.Getenv("PGPASSWORD")
	if pgPassword != "" {
		candidates[0] = url.UserPassword("postgres", pgPassword)
	}
	if pgUser != "" && pgUser != "postgres" {
		if pgPassword != "" {
			candidates = append(candidates, url.UserPassword(pgUser, pgPassword))
		} else {
			candidates = append(candidates, url.User(pgUser))
		}
	}
	for _, user := range candidates {
		u := (&url.URL{Scheme: "postgres", User: user, Host: addr, Path: "/postgres", RawQuery: "sslmode=disable"}).String()
		if usable(ctx, u) {
			log.Info("devdb: tests use the PostgreSQL server on "+addr, "user", user.Username())
			return u, true
		}
	}
	log.Info("devdb: a server answers on " + addr + " but does not let us in as a role that may create databases; using the private cluster")
	return "", false
}

// usable reports whether u connects, as a role allowed to create databases.
// Any failure (authentication included) just means "not this one".
func usable(ctx context.Context, u string) bool {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		return false
	}
	defer conn.Close(ctx)
	var ok bool
	err = conn.QueryRow(ctx, "SELECT rolsuper OR rolcreatedb FROM pg_roles WHERE rolname = current_user").Scan(&ok)
	return err == nil && ok
}
