// Command portal is the Dialogue Secretariat Portal: the web server and the
// commands that prepare its database. It only wires packages together; the
// logic lives in internal/.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

const usage = `usage: portal COMMAND [ARGS]

  serve                 run the web portal (default address 127.0.0.1:8080)
  migrate up            apply every pending migration
  migrate down N        revert the last N migrations
  migrate version       print the schema version
  demo                  load the demo data (idempotent)
  user add              create a user: --email --name --role [--delegation CODE]
                        [--manager] [--from DAY] [--until DAY]; the password is read from standard input
  bench-data            fill a bench database with generated years of activity:
                        [--years 10] [--seed 1] [--first-year Y] [--password P] [--reset]
  bench                 measure the portal on the bench database (a child
                        portal, signed-in load, deadline storm; report in bench/)
  devdb ...             the private PostgreSQL cluster (portal devdb for help)

Configuration comes from the environment; see README.md.`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout)
	stop()
	if err == nil {
		return
	}
	var code ExitCode
	if errors.As(err, &code) {
		os.Exit(int(code))
	}
	fmt.Fprintln(os.Stderr, "portal:", err)
	os.Exit(1)
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	cfg, err := loadConfig(os.Getenv)
	if err != nil {
		return err
	}
	slog.SetDefault(newLogger(cfg, os.Stderr))
	if len(args) == 0 {
		return errors.New(usage)
	}
	switch args[0] {
	case "serve", "demo":
		// Neither takes arguments: a mistyped flag must not start the
		// portal (or load the demo) as if it had been understood.
		if len(args) > 1 {
			if isHelp(args[1]) {
				fmt.Fprintln(stdout, usage)
				return nil
			}
			return fmt.Errorf("portal %s takes no arguments (configuration comes from the environment; see README.md), not %q", args[0], args[1])
		}
		if args[0] == "demo" {
			return demoCmd(ctx, cfg, stdout)
		}
		return serve(ctx, cfg)
	case "migrate":
		return migrateCmd(ctx, cfg, args[1:], stdout)
	case "user":
		return userCmd(ctx, cfg, args[1:], stdin, stdout)
	case "bench-data":
		return benchDataCmd(ctx, cfg, args[1:], stdout)
	case "bench":
		return benchCmd(ctx, cfg, args[1:], stdout)
	case "devdb":
		return runDevDB(ctx, args[1:])
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n\n%s", args[0], usage)
}

func isHelp(arg string) bool {
	return arg == "help" || arg == "-h" || arg == "--help" || arg == "-help"
}

func newLogger(cfg config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
