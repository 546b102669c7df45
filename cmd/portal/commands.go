package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os/user"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dialogue-secretariat/portal/internal/auth"
	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
)

func migrateCmd(ctx context.Context, cfg config, args []string, stdout io.Writer) (err error) {
	if len(args) == 0 {
		return errors.New("usage: portal migrate up | down N | version")
	}
	db, err := openDatabase(ctx, cfg, newLogger(cfg, io.Discard))
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	m, err := store.NewMigrator(db.URL)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, m.Close()) }()
	switch args[0] {
	case "up":
		if err := m.Up(); err != nil {
			return err
		}
	case "down":
		if len(args) != 2 {
			return errors.New("usage: portal migrate down N (N migrations to revert)")
		}
		n, err := strconv.Atoi(args[1])
		if err != nil || n < 1 {
			return fmt.Errorf("migrate down: %q is not a positive number", args[1])
		}
		if err := m.Down(n); err != nil {
			return err
		}
	case "version":
	default:
		return fmt.Errorf("migrate: unknown action %q (up, down N, version)", args[0])
	}
	v, dirty, err := m.Version()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "schema version %d", v)
	if dirty {
		fmt.Fprint(stdout, " (dirty: a migration failed half-way; fix it, then force the version)")
	}
	fmt.Fprintln(stdout)
	return nil
}

// withStore runs fn on the portal's database, migrated to the latest
// schema, and then closes it (and the private cluster, if it started it).
func withStore(ctx context.Context, cfg config, fn func(*store.Store) error) (err error) {
	db, err := openDatabase(ctx, cfg, newLogger(cfg, io.Discard))
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	if err := store.MigrateUp(db.URL); err != nil {
		return err
	}
	st, err := store.Open(ctx, db.URL, 2)
	if err != nil {
		return err
	}
	defer st.Close()
	return fn(st)
}

func demoCmd(ctx context.Context, cfg config, stdout io.Writer) error {
	return withStore(ctx, cfg, func(st *store.Store) error { return loadDemo(ctx, cfg, st, stdout) })
}

func userCmd(ctx context.Context, cfg config, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return errors.New("usage: portal user add --email E --name N --role R [--delegation CODE] [--manager] [--from YYYY-MM-DD] [--until YYYY-MM-DD] < password")
	}
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	email := fs.String("email", "", "e-mail address (the sign-in name)")
	name := fs.String("name", "", "full name")
	role := fs.String("role", "", "secretariat, presidency, delegate or observer")
	delegation := fs.String("delegation", "", "delegation code (delegates and observers), e.g. BE or EUROPOL")
	manager := fs.Bool("manager", false, "the delegate manages their delegation's users")
	from := fs.String("from", "", "the first day of access (Brussels), YYYY-MM-DD; none by default")
	until := fs.String("until", "", "the last day of access (Brussels), YYYY-MM-DD; none by default")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	var days [2]time.Time
	for i, f := range []struct{ name, value string }{{"from", *from}, {"until", *until}} {
		if f.value == "" {
			continue
		}
		var err error
		if days[i], err = time.Parse(time.DateOnly, f.value); err != nil {
			return fmt.Errorf("--%s: %q is not a day such as 2026-12-31", f.name, f.value)
		}
	}
	password, err := readPassword(stdin)
	if err != nil {
		return err
	}
	if msg := auth.ValidatePassword(password); msg != "" {
		return fmt.Errorf("password: %s", msg)
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}

	var u dialogue.User
	err = withStore(ctx, cfg, func(st *store.Store) (err error) {
		u, err = st.CreateUser(ctx, cliActor(), store.NewUser{
			Email: *email, Name: *name, Role: dialogue.Role(*role),
			DelegationCode: strings.ToUpper(*delegation), IsManager: *manager, PasswordHash: hash, AccessFrom: days[0], AccessUntil: days[1],
		})
		return err
	})
	if err != nil {
		// Name the flag each message is about.
		var fe *dialogue.FormError
		var de *dialogue.Error
		switch {
		case errors.As(err, &fe):
			var msgs []string
			for field, msg := range fe.Fields {
				msgs = append(msgs, "--"+field+": "+msg)
			}
			slices.Sort(msgs)
			return errors.New(strings.Join(msgs, "\n"))
		case errors.As(err, &de) && de.Field != "":
			return errors.New("--" + de.Field + ": " + de.Message)
		}
		return err
	}
	fmt.Fprintf(stdout, "user %d created: %s (%s)\n", u.ID, u.Email, u.Role.Label())
	return nil
}

// readPassword takes the first line of stdin, so `echo pw | portal user add`
// and a here-document both work, and nothing lands in the shell history.
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("give the password on standard input, e.g. portal user add ... < password-file")
	}
	return line, nil
}

// cliActor names the operating-system user in the audit log for writes made
// from the command line.
func cliActor() dialogue.Actor {
	name := "cli"
	if u, err := user.Current(); err == nil {
		name = "cli:" + u.Username
	}
	return dialogue.Actor{Name: name}
}
