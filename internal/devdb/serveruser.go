package devdb

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"strings"
	"syscall"
)

// serverUser is the account the server runs as when we are root: PostgreSQL
// refuses to run as root, so initdb, pg_ctl and the server run as the
// "postgres" system user that Debian's package creates.
type serverUser struct {
	name       string
	uid, gid   uint32
	groups     []uint32
	home       string
	credential *syscall.Credential
}

// lookupServerUser returns nil when we are not root: the server then simply
// runs as the current user.
func lookupServerUser() (*serverUser, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root: PostgreSQL refuses to run as root and there is no "+
			"\"postgres\" system user to run it as (install Debian's postgresql package, which creates it, "+
			"or run as an ordinary user): %w", err)
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err1 != nil || err2 != nil {
		return nil, fmt.Errorf("user postgres has a non-numeric uid %q or gid %q", u.Uid, u.Gid)
	}
	s := &serverUser{name: u.Username, uid: uint32(uid), gid: uint32(gid), home: u.HomeDir}
	if ids, err := u.GroupIds(); err == nil {
		for _, id := range ids {
			if g, err := strconv.ParseUint(id, 10, 32); err == nil {
				s.groups = append(s.groups, uint32(g))
			}
		}
	}
	s.credential = &syscall.Credential{Uid: s.uid, Gid: s.gid, Groups: s.groups}
	return s, nil
}

// command prepares a command that runs as the server user (or as ourselves
// when s is nil). It starts in / because the server user may not be allowed
// into our working directory, and it gets an environment without PG*
// variables so that a PGDATA or PGPORT meant for some other server cannot
// leak into ours.
func (s *serverUser) command(ctx context.Context, path string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Dir = "/"
	env := make([]string, 0, len(os.Environ()))
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "PG") {
			continue
		}
		if s != nil && (strings.HasPrefix(kv, "HOME=") || strings.HasPrefix(kv, "USER=") || strings.HasPrefix(kv, "LOGNAME=")) {
			continue
		}
		env = append(env, kv)
	}
	if s != nil {
		env = append(env, "HOME="+s.home, "USER="+s.name, "LOGNAME="+s.name)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.credential}
	}
	cmd.Env = env
	return cmd
}

// canEnter reports whether the server user can reach dir, that is, has
// search permission on dir and every directory above it. Asking the kernel
// (by letting a shell running as that user cd there) is the only answer that
// also respects ACLs and group memberships.
func (s *serverUser) canEnter(ctx context.Context, dir string) bool {
	if s == nil {
		return true
	}
	return s.command(ctx, "/bin/sh", "-c", `cd -- "$1"`, "sh", dir).Run() == nil
}

// chown gives path to the server user; a no-op when we are not root.
func (s *serverUser) chown(path string) error {
	if s == nil {
		return nil
	}
	if err := os.Lchown(path, int(s.uid), int(s.gid)); err != nil {
		return fmt.Errorf("give %s to user %s: %w", path, s.name, err)
	}
	return nil
}

// mkdir creates dir (not its parents) owned by the server user with the given
// mode, or fixes owner and mode when it exists.
func (s *serverUser) mkdir(dir string, mode os.FileMode) error {
	if err := os.Mkdir(dir, mode); err != nil && !os.IsExist(err) {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	if err := os.Chmod(dir, mode); err != nil { // Mkdir's mode is filtered by the umask
		return fmt.Errorf("chmod %s: %w", dir, err)
	}
	return s.chown(dir)
}
