// Package devdb runs the private PostgreSQL cluster behind `make run` and
// `make test`: a cluster of the system's PostgreSQL that lives under the
// repository's .data directory, listens only on 127.0.0.1 and on a Unix
// socket beside its data, and needs no setup. Its URL names the socket: on
// one machine a Unix socket costs both processes less per round trip than
// TCP's loopback (in make bench runs alternating the two, four of the
// busiest pages served about 9 % more requests a second on average; from
// -14 to +28 % run by run, on a noisy machine).
//
// State kept in the directory given to Open (normally <repo>/.data):
//
//	devdb.json     port and superuser password, chosen once (mode 0600)
//	pg/            the data directory, or a symlink to it (see below)
//	pg.log         the server's log, or a symlink to it
//	socket/        beside the data directory: the server's Unix socket
//	devdb.lock     serialises start, stop and first initialisation
//	devdb.users    every process using the server holds a shared lock on it
//	devdb.autostop present when the process that started the server has
//	               asked for it to stop while others still used it
//
// Run as root, the server runs as the "postgres" user (PostgreSQL refuses to
// run as root). When that user cannot reach the directory (a clone under
// /root, which is mode 0700), the data lives in the postgres user's home,
// under portal-devdb/<hash of the directory>, and pg/ and pg.log are symlinks
// to it: we never loosen the permissions of the user's own directories.
//
// Several processes may use one cluster at once (`make run` beside
// `make test`, or go test running packages in parallel). Start is safe when
// they race; whoever started the server stops it with Stop, and if others
// still use it then, the last of them stops it when it calls Release.
package devdb

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math/big"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Superuser is the name of the cluster's superuser role.
const Superuser = "portal"

const (
	configName   = "devdb.json"
	lockName     = "devdb.lock"
	usersName    = "devdb.users"
	autostopName = "devdb.autostop"
	dataName     = "pg"
	logName      = "pg.log"
	socketName   = "socket"

	// relocatedDir is created in the postgres user's home to hold clusters
	// whose .data directory that user cannot reach.
	relocatedDir = "portal-devdb"

	// Ports are picked below Linux's ephemeral range (32768-60999) so that an
	// outgoing connection is unlikely to be holding ours when we restart.
	portLow, portHigh = 20000, 30000

	startTimeout = 60 * time.Second
)

// config is what devdb.json holds: chosen once so that every run finds the
// same cluster at the same address with the same password.
type config struct {
	Port     int    `json:"port"`
	Password string `json:"password"`
	// Socket: the cluster takes the password over its Unix socket too (it
	// was created so, or its pg_hba.conf was brought up to it). A cluster
	// of an earlier version admitted only the system user of the same name
	// there (peer), and is reached over TCP until it restarts.
	Socket bool `json:"socket,omitempty"`
}

// Cluster is a private PostgreSQL cluster kept in one directory. A Cluster is
// not safe for concurrent use by several goroutines; open one per user.
type Cluster struct {
	dir   string // absolute path of the state directory
	cfg   config
	log   *slog.Logger
	bin   string      // directory of initdb, pg_ctl; set by tools
	srv   *serverUser // whom the server runs as; nil: ourselves
	users *os.File    // our shared lock on devdb.users while we use the server
}

// Open returns the cluster kept in dir (normally <repo>/.data), creating dir
// and choosing the cluster's port and password on first use. It starts
// nothing: see Start. Until Start is given a logger, the cluster logs to
// slog.Default().
func Open(dir string) (*Cluster, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("devdb: %w", err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("devdb: create state directory: %w", err)
	}
	c := &Cluster{dir: abs, log: slog.Default()}
	unlock, err := c.lock(context.Background())
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := c.loadConfig(); err != nil {
		return nil, err
	}
	return c, nil
}

// URL is the address of database on this cluster, as the superuser: its
// Unix socket when it has one, else 127.0.0.1.
func (c *Cluster) URL(database string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.UserPassword(Superuser, c.cfg.Password),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(c.cfg.Port)),
		Path:     "/" + database,
		RawQuery: "sslmode=disable",
	}
	if dir, ok := c.socketDir(); ok {
		u.Host = ""
		u.RawQuery = url.Values{"host": {dir}, "port": {strconv.Itoa(c.cfg.Port)}, "sslmode": {"disable"}}.Encode()
	}
	return u.String()
}

// socketDir is the directory of the server's Unix socket, beside its data
// directory, and whether the cluster is reached there: it admits the
// password there (config.Socket), and the socket's path is short enough
// for a socket address (107 bytes) and plain enough to pass through
// pg_ctl's command line to the server. Else the cluster is reached over
// TCP alone.
func (c *Cluster) socketDir() (string, bool) {
	dir := filepath.Join(filepath.Dir(c.DataDir()), socketName)
	file := filepath.Join(dir, ".s.PGSQL."+strconv.Itoa(c.cfg.Port))
	plain := strings.Trim(file, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-") == ""
	return dir, c.cfg.Socket && plain && len(file) <= 107
}

// Port is the TCP port the server listens on, on 127.0.0.1.
func (c *Cluster) Port() int { return c.cfg.Port }

// DataDir is the real data directory (symlinks resolved), or where it will
// be created.
func (c *Cluster) DataDir() string {
	if real, err := filepath.EvalSymlinks(c.dataLink()); err == nil {
		return real
	}
	return c.dataLink()
}

// LogFile is the server's log file.
func (c *Cluster) LogFile() string { return filepath.Join(filepath.Dir(c.DataDir()), logName) }

// Start makes sure the server is running: it installs PostgreSQL if it must
// and can, creates the cluster on first use and starts the server, or joins
// a server that is already running. startedByUs tells whether this call
// started it; either way the caller should call Stop (if it started the
// server) or Release (if it did not) when done, though exiting does as much
// as Release.
func (c *Cluster) Start(ctx context.Context, log *slog.Logger) (startedByUs bool, err error) {
	if log != nil {
		c.log = log
	}
	if c.users != nil {
		return false, errors.New("devdb: Start called twice on one Cluster")
	}
	unlock, err := c.lock(ctx)
	if err != nil {
		return false, err
	}
	defer unlock()
	// Under the lock, so that racing processes do not both run apt-get.
	if err := c.tools(ctx, true); err != nil {
		return false, err
	}
	if err := c.prepare(ctx); err != nil {
		return false, fmt.Errorf("devdb: %w", err)
	}
	running, err := c.running(ctx)
	if err != nil {
		return false, err
	}
	if running {
		if err := c.waitReady(ctx); err != nil {
			return false, err
		}
		c.log.Info("devdb: using the running private PostgreSQL", "addr", c.addr(), "data", c.DataDir())
	} else {
		if err := c.startServer(ctx); err != nil {
			return false, err
		}
		// A fresh start owes nothing to an earlier starter's wish.
		_ = os.Remove(c.path(autostopName))
	}
	// Stoppers hold devdb.users exclusively only while holding devdb.lock,
	// which we hold: this does not wait.
	c.users, err = flockFile(ctx, c.path(usersName), syscall.LOCK_SH, nil)
	if err != nil {
		return false, fmt.Errorf("devdb: %w", err)
	}
	return !running, nil
}

// Stop ends this process's use of the server and stops it (pg_ctl stop
// -m fast). If other processes still use it, it is left running and the last
// of them stops it when it calls Release.
func (c *Cluster) Stop(ctx context.Context) error {
	unlock, err := c.lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	if !c.lastUser() {
		if err := os.WriteFile(c.path(autostopName), nil, 0o600); err != nil {
			return fmt.Errorf("devdb: %w", err)
		}
		c.log.Info("devdb: other processes still use the private PostgreSQL; the last of them will stop it")
		return nil
	}
	return c.stopServer(ctx)
}

// Release ends this process's use of a server it joined (Start returned
// startedByUs false). It stops the server only if its starter has asked for
// that (see Stop) and no other process still uses it.
func (c *Cluster) Release(ctx context.Context) error {
	unlock, err := c.lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	if !c.lastUser() {
		return nil
	}
	if _, err := os.Stat(c.path(autostopName)); err != nil {
		return nil // started to stay up (`portal devdb start`), or already stopped
	}
	return c.stopServer(ctx)
}

// ForceStop stops the server now, whoever started or uses it. It is for
// `portal devdb stop`: programs use Stop or Release.
func (c *Cluster) ForceStop(ctx context.Context) error {
	unlock, err := c.lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	c.lastUser()
	return c.stopServer(ctx)
}

// Destroy stops the server and deletes the cluster, its data, log and
// configuration (including a data directory kept outside dir). The Cluster
// must not be used afterwards.
func (c *Cluster) Destroy(ctx context.Context) error {
	unlock, err := c.lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	c.lastUser()
	if err := c.stopServer(ctx); err != nil {
		return err
	}
	link := c.dataLink()
	if target, err := os.Readlink(link); err == nil {
		// A relocated cluster: delete its home too, but only if it is one of
		// ours, so that a hand-made symlink can never make us delete elsewhere.
		home := filepath.Dir(target)
		if filepath.Base(filepath.Dir(home)) == relocatedDir {
			if err := os.RemoveAll(home); err != nil {
				return fmt.Errorf("devdb: %w", err)
			}
			_ = os.Remove(filepath.Dir(home)) // only if no other clone's cluster is left in it
		}
	}
	for _, name := range []string{dataName, logName, logName + ".1", socketName, configName, usersName, autostopName} {
		if err := os.RemoveAll(c.path(name)); err != nil {
			return fmt.Errorf("devdb: %w", err)
		}
	}
	c.log.Info("devdb: deleted the private PostgreSQL cluster", "dir", c.dir)
	return nil
}

// Running reports whether the cluster's server is running.
func (c *Cluster) Running(ctx context.Context) (bool, error) {
	if err := c.tools(ctx, false); err != nil {
		if errors.Is(err, ErrNoPostgres) {
			return false, nil // nothing can be running without the programs
		}
		return false, err
	}
	return c.running(ctx)
}

// EnsureDatabase creates database name on the cluster unless it exists.
// Processes racing to create the same database are fine: one creates it.
func (c *Cluster) EnsureDatabase(ctx context.Context, name string) (created bool, err error) {
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return false, fmt.Errorf("devdb: connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return false, fmt.Errorf("devdb: look for database %q: %w", name, err)
	}
	if exists {
		return false, nil
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		var pgErr *pgconn.PgError
		// 42P04: someone created it since we looked; 23505: we raced them
		// inside the catalog itself.
		if errors.As(err, &pgErr) && (pgErr.Code == "42P04" || pgErr.Code == "23505") {
			return false, nil
		}
		return false, fmt.Errorf("devdb: create database %q: %w", name, err)
	}
	return true, nil
}

// --- internals -------------------------------------------------------------

func (c *Cluster) path(name string) string { return filepath.Join(c.dir, name) }
func (c *Cluster) dataLink() string        { return c.path(dataName) }

// Addr is where the server listens: its socket's directory and TCP address.
func (c *Cluster) Addr() string { return c.addr() }

func (c *Cluster) addr() string {
	if dir, ok := c.socketDir(); ok {
		return dir + " and 127.0.0.1:" + strconv.Itoa(c.cfg.Port)
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(c.cfg.Port))
}

// lock takes devdb.lock, which serialises everything that changes the
// cluster: creating it, starting, stopping, and rewriting devdb.json.
func (c *Cluster) lock(ctx context.Context) (unlock func(), err error) {
	f, err := flockFile(ctx, c.path(lockName), syscall.LOCK_EX, func() {
		c.log.Info("devdb: waiting for another process to finish starting or stopping the private PostgreSQL")
	})
	if err != nil {
		return nil, fmt.Errorf("devdb: %w", err)
	}
	return func() { f.Close() }, nil
}

// lastUser ends our use of the server (if we had one) and reports whether
// no other process uses it. Callers hold devdb.lock, so nobody can join
// between the answer and what the caller does with it.
func (c *Cluster) lastUser() bool {
	f := c.users
	c.users = nil
	if f == nil {
		var err error
		if f, err = os.OpenFile(c.path(usersName), os.O_RDWR|os.O_CREATE, 0o600); err != nil {
			return true // cannot tell; stopping is the safer default for a private server
		}
	}
	defer f.Close()
	return tryUpgrade(f)
}

// loadConfig reads devdb.json or, on first use, chooses a port and password
// and writes it.
func (c *Cluster) loadConfig() error {
	b, err := os.ReadFile(c.path(configName))
	if err == nil {
		if err := json.Unmarshal(b, &c.cfg); err != nil {
			return fmt.Errorf("devdb: read %s: %w", c.path(configName), err)
		}
		if c.cfg.Port <= 0 || c.cfg.Password == "" {
			return fmt.Errorf("devdb: %s lacks a port or password; delete it (and the cluster in %s) to start afresh",
				c.path(configName), c.dataLink())
		}
		return nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("devdb: %w", err)
	}
	c.cfg.Password = rand.Text()
	if c.cfg.Port, err = freePort(); err != nil {
		return err
	}
	return c.saveConfig()
}

func (c *Cluster) saveConfig() error {
	b, err := json.MarshalIndent(c.cfg, "", "  ")
	if err != nil {
		return fmt.Errorf("devdb: %w", err)
	}
	// Write then rename, so that a reader never sees half a file.
	tmp := c.path(configName + ".tmp")
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("devdb: write config: %w", err)
	}
	if err := os.Rename(tmp, c.path(configName)); err != nil {
		return fmt.Errorf("devdb: write config: %w", err)
	}
	return nil
}

// freePort picks a TCP port nobody listens on at 127.0.0.1.
func freePort() (int, error) {
	for range 100 {
		n, err := rand.Int(rand.Reader, big.NewInt(portHigh-portLow))
		if err != nil {
			return 0, fmt.Errorf("devdb: %w", err)
		}
		if port := portLow + int(n.Int64()); portFree(port) {
			return port, nil
		}
	}
	// A crowded range: let the kernel choose.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("devdb: find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func portFree(port int) bool {
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return false
	}
	ln.Close()
	return true
}

// tools finds the server programs (installing them if install is set and we
// can) and whom to run them as.
func (c *Cluster) tools(ctx context.Context, install bool) error {
	if c.bin != "" {
		return nil
	}
	var bin string
	if install {
		var err error
		if bin, err = ensureBinDir(ctx, c.log); err != nil {
			return fmt.Errorf("devdb: %w", err)
		}
	} else {
		var ok bool
		if bin, ok = findBinDir(); !ok {
			return fmt.Errorf("devdb: %w", ErrNoPostgres)
		}
	}
	srv, err := lookupServerUser()
	if err != nil {
		return fmt.Errorf("devdb: %w", err)
	}
	c.bin, c.srv = bin, srv
	return nil
}

func (c *Cluster) program(name string) string { return filepath.Join(c.bin, name) }

// prepare makes sure an initialised data directory exists and that the
// server user owns it and can reach it.
func (c *Cluster) prepare(ctx context.Context) error {
	link := c.dataLink()
	fi, err := os.Lstat(link)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return c.initCluster(ctx)
	case err != nil:
		return err
	case fi.Mode()&os.ModeSymlink != 0:
		if _, err := os.Stat(link); errors.Is(err, fs.ErrNotExist) {
			c.log.Warn("devdb: the data directory behind the symlink is gone; creating a new cluster", "link", link)
			if err := os.Remove(link); err != nil {
				return err
			}
			return c.initCluster(ctx)
		}
	case !fi.IsDir():
		return fmt.Errorf("%s is neither a directory nor a symlink to one", link)
	case !c.srv.canEnter(ctx, c.dir):
		return fmt.Errorf("user %s cannot reach %s (a directory above it is closed to other users), so it cannot run "+
			"the cluster kept there; move the clone somewhere that user can reach, or stop the server and delete %s "+
			"to create a new cluster outside it", c.srv.name, c.dir, link)
	}
	data := c.DataDir()
	if _, err := os.Stat(filepath.Join(data, "PG_VERSION")); err != nil {
		return fmt.Errorf("%s holds no PostgreSQL cluster (no PG_VERSION); delete it to create a new one", data)
	}
	if fi, err := os.Stat(data); err == nil {
		want := uint32(os.Geteuid())
		if c.srv != nil {
			want = c.srv.uid
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Uid != want {
			return fmt.Errorf("%s belongs to uid %d but the server would run as uid %d "+
				"(was it created by another user, or as root?); run as that user, or delete it to create a new cluster",
				data, st.Uid, want)
		}
	}
	return nil
}

// initCluster creates the cluster with initdb. It initialises into a
// temporary directory and renames it into place, so that an interrupted
// initdb never leaves a half-made cluster where we would look for one.
func (c *Cluster) initCluster(ctx context.Context) error {
	home := c.dir // the directory that will hold pg/ and pg.log
	if !c.srv.canEnter(ctx, c.dir) {
		var err error
		if home, err = c.relocatedHome(); err != nil {
			return err
		}
		c.log.Info("devdb: user "+c.srv.name+" cannot reach the data directory (a directory above it, such as /root, "+
			"is closed to other users), so the cluster lives outside it, with a symlink",
			"dir", c.dir, "cluster", filepath.Join(home, dataName))
	}
	final := filepath.Join(home, dataName)
	if _, err := os.Stat(filepath.Join(final, "PG_VERSION")); err == nil {
		// Left by an earlier .data that was deleted: its password is not
		// ours any more. Stop it in case it still runs, then replace it.
		c.log.Warn("devdb: replacing a cluster left by an earlier, deleted state directory", "cluster", final)
		_ = c.srv.command(ctx, c.program("pg_ctl"), "stop", "-D", final, "-m", "immediate", "-s").Run()
		if err := os.RemoveAll(final); err != nil {
			return err
		}
	}

	tmp := filepath.Join(home, dataName+".init")
	if err := os.RemoveAll(tmp); err != nil {
		return err
	}
	if err := c.srv.mkdir(tmp, 0o700); err != nil {
		return err
	}
	defer os.RemoveAll(tmp) // after a failure; after success it has been renamed away

	// initdb reads the superuser's password from a file the server user can
	// read; it must not outlive initdb.
	pwfile := filepath.Join(home, dataName+".pwfile")
	if err := os.WriteFile(pwfile, []byte(c.cfg.Password+"\n"), 0o600); err != nil {
		return err
	}
	defer os.Remove(pwfile)
	if err := c.srv.chown(pwfile); err != nil {
		return err
	}

	c.log.Info("devdb: creating the private PostgreSQL cluster (first run)", "data", final, "bin", c.bin)
	// C.UTF-8 keeps byte order for sorting but knows the case of non-ASCII
	// letters; plain C is the fallback where that locale is missing.
	var out []byte
	var err error
	for _, locale := range []string{"C.UTF-8", "C"} {
		out, err = c.srv.command(ctx, c.program("initdb"),
			"-D", tmp, "-U", Superuser, "--pwfile="+pwfile,
			"--encoding=UTF8", "--locale="+locale,
			"--auth-host=scram-sha-256", "--auth-local=scram-sha-256",
		).CombinedOutput()
		if err == nil || !strings.Contains(string(out), "locale") {
			break
		}
		c.log.Warn("devdb: initdb refused locale "+locale+"; trying the next", "output", strings.TrimSpace(string(out)))
		if err := emptyDir(tmp); err != nil {
			return err
		}
	}
	if err != nil {
		return fmt.Errorf("initdb: %w\n%s", err, out)
	}
	if err := os.Rename(tmp, final); err != nil {
		return err
	}
	if home != c.dir {
		for _, name := range []string{dataName, logName} {
			if err := os.RemoveAll(c.path(name)); err != nil {
				return err
			}
			if err := os.Symlink(filepath.Join(home, name), c.path(name)); err != nil {
				return err
			}
		}
	}
	c.cfg.Socket = true // --auth-local above
	return c.saveConfig()
}

// peerLine is the line of pg_hba.conf by which clusters made before the
// socket (initdb --auth-local=peer) admitted only the system user named as
// the role over it; localLine, the one initdb writes now.
const (
	peerLine  = "local   all             all                                     peer"
	localLine = "local   all             all                                     scram-sha-256"
)

// admitPasswordLocally brings a cluster made before the socket up to it,
// before its server starts: the peer line initdb wrote becomes the password
// line it writes now (the same password as over TCP). A pg_hba.conf edited
// by hand is left as it is, and the cluster reached over TCP.
func (c *Cluster) admitPasswordLocally() error {
	hba := filepath.Join(c.DataDir(), "pg_hba.conf")
	b, err := os.ReadFile(hba)
	if err != nil {
		return err
	}
	lines := strings.Split(string(b), "\n")
	found := false
	for i, l := range lines {
		if strings.TrimSpace(l) == peerLine {
			lines[i], found = localLine, true
			break
		}
	}
	if !found {
		return nil
	}
	// Rewritten in place, keeping the server user's file (owner and mode).
	if err := os.WriteFile(hba, []byte(strings.Join(lines, "\n")), 0o600); err != nil {
		return err
	}
	c.cfg.Socket = true
	return c.saveConfig()
}

// relocatedHome creates, in the server user's home, a directory for a
// cluster whose state directory that user cannot reach. It is named after
// the state directory's path, so each clone gets its own and finds it again.
func (c *Cluster) relocatedHome() (string, error) {
	base := c.srv.home
	if base == "" || base == "/" || base == "/nonexistent" {
		base = "/var/lib/postgresql"
	}
	if err := os.MkdirAll(base, 0o755); err != nil {
		return "", err
	}
	base = filepath.Join(base, relocatedDir)
	if err := c.srv.mkdir(base, 0o755); err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(c.dir))
	home := filepath.Join(base, hex.EncodeToString(sum[:])[:12])
	if err := c.srv.mkdir(home, 0o700); err != nil {
		return "", err
	}
	// Record whose cluster this is for whoever wonders, later, in /var/lib.
	_ = os.WriteFile(filepath.Join(home, "SOURCE"), []byte(c.dir+"\n"), 0o644)
	return home, nil
}

func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

// running asks pg_ctl whether a server runs on the data directory (it checks
// postmaster.pid and that its process is alive).
func (c *Cluster) running(ctx context.Context) (bool, error) {
	data := c.DataDir()
	if _, err := os.Stat(data); err != nil {
		return false, nil
	}
	out, err := c.srv.command(ctx, c.program("pg_ctl"), "status", "-D", data).CombinedOutput()
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &exitErr) && exitErr.ExitCode() == 3: // documented: not running
		return false, nil
	default:
		return false, fmt.Errorf("devdb: pg_ctl status: %w\n%s", err, out)
	}
}

// startServer starts the server with pg_ctl and waits until it accepts us.
func (c *Cluster) startServer(ctx context.Context) error {
	if !portFree(c.cfg.Port) {
		port, err := freePort()
		if err != nil {
			return err
		}
		c.log.Warn("devdb: the cluster's port is taken by another program; moving to a new one", "old", c.cfg.Port, "new", port)
		c.cfg.Port = port
		if err := c.saveConfig(); err != nil {
			return err
		}
	}
	data := c.DataDir()
	logFile := filepath.Join(filepath.Dir(data), logName)
	if err := c.prepareLog(logFile); err != nil {
		return fmt.Errorf("devdb: %w", err)
	}
	// Settings go on the command line rather than into postgresql.conf, so
	// that devdb.json stays their one source. The Unix socket's directory
	// is the server user's alone (root reaches it anyway; without root the
	// server runs as ourselves). synchronous_commit=off trades the last few
	// milliseconds of commits on a crash (never consistency) for speed; the
	// connection limit leaves room for tests running in parallel.
	if !c.cfg.Socket {
		if err := c.admitPasswordLocally(); err != nil {
			return fmt.Errorf("devdb: %w", err)
		}
	}
	socket := "''"
	if dir, ok := c.socketDir(); ok {
		if err := c.srv.mkdir(dir, 0o700); err != nil {
			return fmt.Errorf("devdb: %w", err)
		}
		socket = "'" + dir + "'" // socketDir allows no quote, space or other shell character in it
	}
	opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -c unix_socket_directories=%s "+
		"-c max_connections=200 -c synchronous_commit=off", c.cfg.Port, socket)
	out, err := c.srv.command(ctx, c.program("pg_ctl"), "start", "-D", data, "-l", logFile,
		"-w", "-t", strconv.Itoa(int(startTimeout.Seconds())), "-s", "-o", opts).CombinedOutput()
	if err != nil {
		return fmt.Errorf("devdb: pg_ctl start: %w\n%s\nlast lines of %s:\n%s", err, out, logFile, tail(logFile, 15))
	}
	if err := c.waitReady(ctx); err != nil {
		return err
	}
	c.log.Info("devdb: started the private PostgreSQL", "addr", c.addr(), "data", data, "log", logFile)
	return nil
}

// prepareLog creates the log file for the server user to append to (it may
// not be allowed to create files in our directory), first setting aside a
// log grown large.
func (c *Cluster) prepareLog(path string) error {
	if fi, err := os.Stat(path); err == nil && fi.Size() > 10<<20 {
		if err := os.Rename(path, path+".1"); err != nil {
			return err
		}
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	f.Close()
	return c.srv.chown(path)
}

// waitReady waits until the server accepts our connection: pg_ctl -w only
// says the postmaster is up, and a server another process is still starting
// may be in crash recovery.
func (c *Cluster) waitReady(ctx context.Context) error {
	deadline := time.Now().Add(startTimeout)
	for {
		cctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		conn, err := pgx.Connect(cctx, c.URL("postgres"))
		if err == nil {
			conn.Close(cctx)
			cancel()
			return nil
		}
		cancel()
		if ctx.Err() != nil || time.Now().After(deadline) {
			return fmt.Errorf("devdb: the private PostgreSQL at %s does not accept connections: %w\nlast lines of %s:\n%s",
				c.addr(), err, c.LogFile(), tail(c.LogFile(), 15))
		}
		select {
		case <-ctx.Done():
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// stopServer stops the server if it runs. Callers hold devdb.lock.
func (c *Cluster) stopServer(ctx context.Context) error {
	defer os.Remove(c.path(autostopName))
	if err := c.tools(ctx, false); err != nil {
		if errors.Is(err, ErrNoPostgres) {
			return nil
		}
		return err
	}
	running, err := c.running(ctx)
	if err != nil || !running {
		return err
	}
	// Fast: roll back open transactions and disconnect clients rather than
	// wait for them; it is still a clean shutdown (no recovery on restart).
	out, err := c.srv.command(ctx, c.program("pg_ctl"), "stop", "-D", c.DataDir(), "-m", "fast",
		"-w", "-t", strconv.Itoa(int(startTimeout.Seconds())), "-s").CombinedOutput()
	if err != nil {
		return fmt.Errorf("devdb: pg_ctl stop: %w\n%s", err, out)
	}
	c.log.Info("devdb: stopped the private PostgreSQL", "addr", c.addr())
	return nil
}

// tail returns the last n lines of a file, for error messages.
func tail(path string, n int) string {
	f, err := os.Open(path)
	if err != nil {
		return "(" + err.Error() + ")"
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() > 16<<10 {
		_, _ = f.Seek(-16<<10, io.SeekEnd)
	}
	b, _ := io.ReadAll(f)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
