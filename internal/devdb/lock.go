package devdb

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

// flockFile opens (creating if needed) path and takes an flock of the given
// kind (syscall.LOCK_EX or syscall.LOCK_SH) on it, polling so that ctx can
// cancel the wait: a blocking flock cannot be interrupted.
//
// flock locks belong to the open file description, so two Cluster values in
// the same process exclude each other exactly like two processes do; the
// kernel drops the lock when the file is closed or the process dies, so a
// crashed process never leaves a stale lock behind.
func flockFile(ctx context.Context, path string, how int, waiting func()) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	told := false
	for {
		err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if !told && waiting != nil {
			waiting()
			told = true
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("waiting for lock %s: %w", path, context.Cause(ctx))
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// tryUpgrade tries, without waiting, to turn the shared lock held on f into
// an exclusive one. It succeeds only when no other holder remains.
func tryUpgrade(f *os.File) bool {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil
}
