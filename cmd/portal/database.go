package main

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/dialogue-secretariat/portal/internal/devdb"
)

// database is where the portal's data lives: DATABASE_URL, or the private
// cluster under the data directory when it is unset.
type database struct {
	URL     string
	Private bool
	close   func(context.Context) error
}

// Close stops the private cluster if this process started it (or leaves it
// to the last of the processes that share it).
func (d database) Close() error {
	if d.close == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return d.close(ctx)
}

func openDatabase(ctx context.Context, cfg config, log *slog.Logger) (database, error) {
	if cfg.DatabaseURL != "" {
		return database{URL: cfg.DatabaseURL}, nil
	}
	c, err := devdb.Open(cfg.DataDir)
	if err != nil {
		return database{}, err
	}
	started, err := c.Start(ctx, log)
	if err != nil {
		return database{}, err
	}
	closeFn := c.Release
	if started {
		closeFn = c.Stop
		log.Info("private PostgreSQL started", "data", c.DataDir(), "port", c.Port())
	} else {
		log.Info("joined the running private PostgreSQL", "data", c.DataDir(), "port", c.Port())
	}
	if _, err := c.EnsureDatabase(ctx, "portal"); err != nil {
		return database{}, errors.Join(err, closeFn(context.Background()))
	}
	return database{URL: c.URL("portal"), Private: true, close: closeFn}, nil
}
