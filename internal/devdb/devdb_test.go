package devdb

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// These tests run real PostgreSQL servers, each cluster in its own
// directory on its own port, so they do not disturb the cluster that
// `make test` itself may be running in .data.

func needPostgres(t *testing.T) {
	t.Helper()
	if _, ok := findBinDir(); !ok {
		t.Skip("PostgreSQL server programs not installed")
	}
	if os.Geteuid() == 0 {
		if _, err := lookupServerUser(); err != nil {
			t.Skip(err)
		}
	}
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// stateDir makes a state directory under parent and arranges for the cluster
// in it (wherever its data went) to be stopped and deleted after the test.
func stateDir(t *testing.T, parent string) string {
	t.Helper()
	dir, err := os.MkdirTemp(parent, "devdb-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if c, err := Open(dir); err == nil {
			if err := c.Destroy(context.Background()); err != nil {
				t.Errorf("destroy: %v", err)
			}
		}
		os.RemoveAll(dir)
	})
	return dir
}

func start(t *testing.T, dir string) (*Cluster, bool) {
	t.Helper()
	c, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	started, err := c.Start(t.Context(), testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	return c, started
}

func execSQL(t *testing.T, url, sql string) {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(t.Context(), sql); err != nil {
		t.Fatal(err)
	}
}

func queryString(t *testing.T, url, sql string) string {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var s string
	if err := conn.QueryRow(t.Context(), sql).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func assertRunning(t *testing.T, c *Cluster, want bool) {
	t.Helper()
	got, err := c.Running(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("running = %v, want %v", got, want)
	}
}

// assertSocket checks that the cluster's URL reaches it over its Unix
// socket (a connection there has no server address).
func assertSocket(t *testing.T, c *Cluster) {
	t.Helper()
	if !strings.Contains(c.URL("postgres"), "host=") {
		t.Errorf("URL %s does not name the socket", c.URL("postgres"))
	}
	if via := queryString(t, c.URL("postgres"), "SELECT coalesce(host(inet_server_addr()), 'socket')"); via != "socket" {
		t.Errorf("connected over %s, want the Unix socket", via)
	}
}

// lifecycle starts a cluster (racing several openers), keeps a row in a
// database, stops it, starts it again from a fresh Open and finds the row.
func lifecycle(t *testing.T, dir string) *Cluster {
	const openers = 4
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		clusters []*Cluster
		starts   int
	)
	for range openers {
		wg.Go(func() {
			c, started := start(t, dir)
			mu.Lock()
			defer mu.Unlock()
			clusters = append(clusters, c)
			if started {
				starts++
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	if starts != 1 {
		t.Fatalf("%d of %d racing Starts started the server, want exactly 1", starts, openers)
	}
	c := clusters[0]

	created, err := c.EnsureDatabase(t.Context(), "devdb_test")
	if err != nil || !created {
		t.Fatalf("EnsureDatabase = %v, %v; want created", created, err)
	}
	if created, err := c.EnsureDatabase(t.Context(), "devdb_test"); err != nil || created {
		t.Fatalf("second EnsureDatabase = %v, %v; want not created", created, err)
	}
	execSQL(t, c.URL("devdb_test"), "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')")
	if enc := queryString(t, c.URL("devdb_test"), "SHOW server_encoding"); enc != "UTF8" {
		t.Errorf("server_encoding = %s", enc)
	}
	if ctype := queryString(t, c.URL("devdb_test"), "SELECT datctype FROM pg_database WHERE datname = current_database()"); ctype != "C.UTF-8" && ctype != "C" {
		t.Errorf("ctype = %s", ctype)
	}
	if addr := queryString(t, c.URL("postgres"), "SHOW listen_addresses"); addr != "127.0.0.1" {
		t.Errorf("listen_addresses = %s", addr)
	}
	assertSocket(t, c)

	// The data directory belongs to the server user alone.
	fi, err := os.Stat(c.DataDir())
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o700 {
		t.Errorf("data directory mode = %v, want 0700", fi.Mode().Perm())
	}
	if os.Geteuid() == 0 {
		srv, _ := lookupServerUser()
		if uid := fi.Sys().(*syscall.Stat_t).Uid; uid != srv.uid {
			t.Errorf("data directory owner = %d, want postgres (%d)", uid, srv.uid)
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, configName)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("devdb.json: %v, mode %v; want mode 0600", err, fi.Mode().Perm())
	}

	// Stop by the starter while others still use it leaves it running; the
	// last of them stops it.
	var starter *Cluster
	var others []*Cluster
	for _, c := range clusters {
		if c.users != nil && starter == nil {
			starter = c
		} else {
			others = append(others, c)
		}
	}
	if err := starter.Stop(t.Context()); err != nil {
		t.Fatal(err)
	}
	assertRunning(t, c, true)
	for _, o := range others {
		if err := o.Release(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	assertRunning(t, c, false)

	// A cluster made before the socket admitted no password over it (peer)
	// and devdb.json said nothing of it: its next start brings it up to it.
	hba := filepath.Join(c.DataDir(), "pg_hba.conf")
	b, err := os.ReadFile(hba)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), localLine) {
		t.Fatalf("pg_hba.conf lacks %q", localLine)
	}
	if err := os.WriteFile(hba, []byte(strings.Replace(string(b), localLine, peerLine, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	c.cfg.Socket = false
	if err := c.saveConfig(); err != nil {
		t.Fatal(err)
	}
	c.cfg.Socket = true

	// A fresh Open finds the same cluster, port, password and data.
	c2, started := start(t, dir)
	if !started {
		t.Fatal("Start after Stop did not start the server")
	}
	assertSocket(t, c2)
	if c2.Port() != c.Port() || c2.URL("x") != c.URL("x") {
		t.Errorf("config changed across runs: %s vs %s", c2.URL("x"), c.URL("x"))
	}
	if v := queryString(t, c2.URL("devdb_test"), "SELECT v FROM kept"); v != "still here" {
		t.Errorf("kept row = %q", v)
	}
	if err := c2.Stop(t.Context()); err != nil {
		t.Fatal(err)
	}
	assertRunning(t, c2, false)
	return c2
}

func TestLifecycle(t *testing.T) {
	needPostgres(t)
	t.Parallel()
	// MkdirTemp makes a 0700 directory; open it so that the server user can
	// reach it and the cluster stays inside, the usual case for a clone.
	dir := stateDir(t, "")
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	c := lifecycle(t, dir)
	if fi, err := os.Lstat(filepath.Join(dir, dataName)); err != nil || !fi.IsDir() {
		t.Errorf("pg should be a plain directory here: %v", err)
	}
	if c.DataDir() != filepath.Join(dir, dataName) {
		t.Errorf("DataDir = %s", c.DataDir())
	}
}

// TestUnreachableDir is a clone under /root (mode 0700): the postgres user
// cannot reach it, so the cluster lives in its home behind a symlink.
func TestUnreachableDir(t *testing.T) {
	needPostgres(t)
	if os.Geteuid() != 0 {
		t.Skip("only root runs the server as another user")
	}
	t.Parallel()
	home, err := os.UserHomeDir()
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(home); err != nil || fi.Mode().Perm()&0o001 != 0 {
		t.Skipf("%s is open to other users; the case needs a closed parent", home)
	}
	dir := stateDir(t, home)
	c := lifecycle(t, dir)

	srv, _ := lookupServerUser()
	if srv.canEnter(t.Context(), dir) {
		t.Fatalf("postgres can enter %s: the test does not test the case", dir)
	}
	target, err := os.Readlink(filepath.Join(dir, dataName))
	if err != nil {
		t.Fatalf("pg should be a symlink: %v", err)
	}
	if !strings.Contains(target, "/"+relocatedDir+"/") {
		t.Errorf("pg links to %s, want a place under %s", target, relocatedDir)
	}
	if _, err := os.Stat(filepath.Join(dir, logName)); err != nil {
		t.Errorf("pg.log should be readable through its symlink: %v", err)
	}
	if home := filepath.Dir(target); !strings.Contains(c.LogFile(), home) {
		t.Errorf("LogFile = %s, want it in %s", c.LogFile(), home)
	}

	// Destroy removes the relocated data too.
	if err := c.Destroy(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Dir(target)); !os.IsNotExist(err) {
		t.Errorf("relocated cluster left behind: %v", err)
	}
}

func TestResolveTestURLFromEnv(t *testing.T) {
	const want = "postgres://someone@db.example:5432/postgres"
	t.Setenv("TEST_DATABASE_URL", want)
	url, stop, err := ResolveTestURL(t.Context(), t.TempDir(), nil)
	if err != nil || url != want {
		t.Fatalf("ResolveTestURL = %q, %v; want %q", url, err, want)
	}
	stop()
}

func TestResolveTestURL(t *testing.T) {
	needPostgres(t)
	t.Parallel()

	if os.Getenv("TEST_DATABASE_URL") != "" {
		t.Skip("TEST_DATABASE_URL is set: ResolveTestURL would return it")
	}
	dir := stateDir(t, "")
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	url, stop, err := ResolveTestURL(t.Context(), dir, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	// Whatever server was chosen, we may create databases on it.
	name := "devdb_resolve_" + time.Now().Format("150405")
	execSQL(t, url, "CREATE DATABASE "+name)
	execSQL(t, url, "DROP DATABASE "+name)
	stop()

	if !strings.Contains(url, "127.0.0.1:5432") {
		c, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		assertRunning(t, c, false)
	}
}

// TestSocketDir: the socket is used only where its path fits a socket
// address and passes through pg_ctl's command line untouched, and only
// for a cluster that takes the password over it.
func TestSocketDir(t *testing.T) {
	for _, tc := range []struct {
		dir    string
		socket bool
		want   bool
	}{
		{"/home/me/portal/.data", true, true},
		{"/home/me/portal/.data", false, false}, // a cluster made before the socket, not yet restarted
		{"/home/me/my portal/.data", true, false},
		{"/home/me/it's/.data", true, false},
		{"/home/" + strings.Repeat("x", 90) + "/.data", true, false},
	} {
		c := &Cluster{dir: tc.dir, cfg: config{Port: 29845, Password: "pw", Socket: tc.socket}}
		dir, ok := c.socketDir()
		if ok != tc.want || dir != filepath.Join(tc.dir, socketName) {
			t.Errorf("%q (socket %v): socketDir = %q, %v; want %v", tc.dir, tc.socket, dir, ok, tc.want)
		}
		if url := c.URL("portal"); strings.Contains(url, "host=") != tc.want {
			t.Errorf("%q (socket %v): URL = %s", tc.dir, tc.socket, url)
		}
	}
}
