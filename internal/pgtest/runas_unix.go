//go:build unix

package pgtest

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
)

// DefaultUser is the unprivileged account created (with useradd) to run the
// server when the tests run as root and no "postgres" account exists.
const DefaultUser = "pgadvise-test"

// runAs is the unprivileged account that runs initdb, pg_ctl and the server
// when the test process is root (PostgreSQL refuses to run as root).
type runAs struct {
	name     string
	uid, gid uint32
}

var userMu sync.Mutex

// serverUser returns who must run the server: nil for the current user, else
// $PGTEST_USER, else "postgres" if that account exists, else DefaultUser,
// created if missing.
func serverUser() (*runAs, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	userMu.Lock()
	defer userMu.Unlock()
	name := os.Getenv("PGTEST_USER")
	if name == "" {
		name = "postgres"
		if _, err := user.Lookup(name); err != nil {
			name = DefaultUser
		}
	}
	u, err := user.Lookup(name)
	if err != nil && name == DefaultUser {
		out, aerr := exec.Command("useradd", "--system", "--user-group", "--no-create-home",
			"--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", name).CombinedOutput()
		// Another test binary may have created it at the same moment: look again.
		if u, err = user.Lookup(name); err != nil {
			return nil, fmt.Errorf("pgtest: running as root and cannot create user %q to run PostgreSQL (useradd: %v: %s); create an unprivileged user and set PGTEST_USER", name, aerr, out)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("pgtest: running as root: user %q: %w", name, err)
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("pgtest: user %q uid %q: %w", name, u.Uid, err)
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("pgtest: user %q gid %q: %w", name, u.Gid, err)
	}
	if uid == 0 {
		return nil, fmt.Errorf("pgtest: user %q is root; PostgreSQL refuses to run as root", name)
	}
	return &runAs{name: name, uid: uint32(uid), gid: uint32(gid)}, nil
}

// apply makes cmd run as the account (the same as `runuser -u NAME --`).
func (r *runAs) apply(cmd *exec.Cmd) {
	if r == nil {
		return
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Credential: &syscall.Credential{Uid: r.uid, Gid: r.gid, Groups: []uint32{}},
		Setpgid:    true,
	}
}

// chownAll gives the account the tree at path.
func (r *runAs) chownAll(path string) error {
	if r == nil {
		return nil
	}
	return filepath.Walk(path, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, int(r.uid), int(r.gid))
	})
}

func (r *runAs) String() string {
	if r == nil {
		return "current user"
	}
	return r.name
}
