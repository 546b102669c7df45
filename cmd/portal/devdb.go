package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"syscall"

	"github.com/dialogue-secretariat/portal/internal/devdb"
)

// ExitCode is returned by a subcommand that wants the process to exit with
// that status and nothing more said: `portal devdb exec` passes on its
// child's status, `portal devdb status` returns 3 when the server is stopped
// (as pg_ctl status does). main must check for it before printing errors:
//
//	var code ExitCode
//	if errors.As(err, &code) {
//		os.Exit(int(code))
//	}
type ExitCode int

func (e ExitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

const devdbUsage = `usage: portal devdb COMMAND

The private PostgreSQL cluster used when DATABASE_URL is unset. It lives in
.data/ (or $PORTAL_DATA_DIR) and listens on 127.0.0.1 only.

  start              start the server (creating the cluster on first use); it keeps running
  stop               stop the server, whoever started it
  status             say whether it runs (exit status 3 when stopped)
  url [DATABASE]     print the URL of DATABASE (default postgres) as the superuser
  exec -- CMD ARGS   run CMD with TEST_DATABASE_URL set to the test server
                     ($TEST_DATABASE_URL, else a server on 127.0.0.1:5432 that lets
                     us in, else this cluster), then stop what it started
  destroy            stop the server and delete the cluster and all its data`

// runDevDB implements `portal devdb`.
func runDevDB(ctx context.Context, args []string) error {
	log := slog.Default()
	dir := os.Getenv("PORTAL_DATA_DIR")
	if dir == "" {
		dir = ".data"
	}
	if len(args) == 0 {
		return errors.New(devdbUsage)
	}
	cmd, args := args[0], args[1:]
	if cmd == "exec" {
		return devdbExec(ctx, dir, log, args)
	}

	c, err := devdb.Open(dir)
	if err != nil {
		return err
	}
	switch {
	case cmd == "start" && len(args) == 0:
		started, err := c.Start(ctx, log)
		if err != nil {
			return err
		}
		if !started {
			fmt.Fprintln(os.Stderr, "already running")
		}
		// Leaving without Stop or Release keeps the server up: that is the point.
		fmt.Println(c.URL("postgres"))
		return nil
	case cmd == "stop" && len(args) == 0:
		return c.ForceStop(ctx)
	case cmd == "status" && len(args) == 0:
		running, err := c.Running(ctx)
		if err != nil {
			return err
		}
		if !running {
			fmt.Printf("stopped (data %s)\n", c.DataDir())
			return ExitCode(3)
		}
		fmt.Printf("running on %s (data %s, log %s)\n", c.Addr(), c.DataDir(), c.LogFile())
		return nil
	case cmd == "url" && len(args) <= 1:
		database := "postgres"
		if len(args) == 1 {
			database = args[0]
		}
		fmt.Println(c.URL(database))
		return nil
	case cmd == "destroy" && len(args) == 0:
		return c.Destroy(ctx)
	}
	return errors.New(devdbUsage)
}

// devdbExec runs a command (normally go test) against the test server and
// exits with its status.
func devdbExec(ctx context.Context, dir string, log *slog.Logger, args []string) error {
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		return errors.New("portal devdb exec: no command given\n\n" + devdbUsage)
	}
	// Find the command before starting a server for it.
	path, err := exec.LookPath(args[0])
	if err != nil {
		return fmt.Errorf("portal devdb exec: %w", err)
	}
	adminURL, stop, err := devdb.ResolveTestURL(ctx, dir, log)
	if err != nil {
		return err
	}
	defer stop()

	child := exec.Command(path, args[1:]...)
	child.Stdin, child.Stdout, child.Stderr = os.Stdin, os.Stdout, os.Stderr
	child.Env = append(os.Environ(), "TEST_DATABASE_URL="+adminURL)

	// We must outlive the child to stop the server: catch the signals that
	// would kill us and pass them on. (A Ctrl-C reaches the child from the
	// terminal anyway; a second copy does no harm.)
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)

	if err := child.Start(); err != nil {
		return fmt.Errorf("portal devdb exec: %w", err)
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-sigs:
				_ = child.Process.Signal(s)
			case <-done:
				return
			}
		}
	}()
	err = child.Wait()
	close(done)

	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &exitErr):
		if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return ExitCode(128 + int(ws.Signal())) // the shell's convention
		}
		return ExitCode(exitErr.ExitCode())
	default:
		return fmt.Errorf("portal devdb exec: %w", err)
	}
}
