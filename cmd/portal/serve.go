package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"time"

	"github.com/dialogue-secretariat/portal/internal/demo"
	"github.com/dialogue-secretariat/portal/internal/server"
	"github.com/dialogue-secretariat/portal/internal/store"
)

// serve runs the portal until SIGINT or SIGTERM, then drains requests,
// closes the database and stops the private cluster it started.
func serve(ctx context.Context, cfg config) (err error) {
	log := slog.Default()
	tuneGC()
	db, err := openDatabase(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()

	if err := store.MigrateUp(db.URL); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	// pgxpool's default size (the number of cores, at least 4) unless
	// DATABASE_URL sets pool_max_conns. More connections do not serve more
	// requests on a machine whose cores are busy: with 16 on two cores,
	// make bench measured the same throughput but a p99 1.5 to 2 times
	// longer than with 4 (16 backends taking turns on two cores), the same
	// pages back to back.
	st, err := store.Open(ctx, db.URL, 0)
	if err != nil {
		return err
	}
	defer st.Close()

	if cfg.Demo == "1" || (cfg.Demo == "auto" && db.Private) {
		loaded, err := st.DemoLoaded(ctx)
		if err != nil {
			return err
		}
		if !loaded {
			if err := loadDemo(ctx, cfg, st, os.Stdout); err != nil {
				return err
			}
		} else if users, err := demo.LoadUsers(ctx, st, cfg.DemoPassword, time.Now()); err != nil {
			return err
		} else {
			printAccounts(os.Stdout, cfg, users)
		}
	}

	srv := &http.Server{
		Addr: cfg.Addr,
		Handler: server.New(server.Config{Log: log, BaseURL: cfg.BaseURL, SessionIdle: cfg.SessionIdle,
			SessionLifetime: cfg.SessionLifetime, TrustedProxies: cfg.TrustedProxies}, st),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	log.Info("portal listening", "url", cfg.BaseURL, "addr", ln.Addr().String())
	fmt.Printf("\n  Dialogue Secretariat Portal: %s  (Ctrl-C to stop)\n\n", cfg.BaseURL)

	go sweepSessions(ctx, st.Sessions(cfg.SessionIdle, nil), log) // it only deletes
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// tuneGC lets the heap grow to five times what is live (GOGC=400) unless
// GOGC says otherwise, within a soft limit of 256 MiB unless GOMEMLIMIT
// says otherwise. The portal keeps little live and makes much short-lived
// garbage (pages of 50–150 KB): at the default GOGC of 100 the collector
// took about a third of the CPU of a busy page; the limit makes it work
// harder only when the heap nears it, so memory stays bounded on a small
// machine.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(256 << 20)
	}
}

// sweepSessions deletes expired sessions every ten minutes, so that the
// sessions table does not grow with every visit.
func sweepSessions(ctx context.Context, ss store.SessionStore, log *slog.Logger) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := ss.DeleteExpired(ctx); err != nil && ctx.Err() == nil {
				log.Warn("deleting expired sessions", "err", err)
			} else if n > 0 {
				log.Debug("expired sessions deleted", "count", n)
			}
		}
	}
}
