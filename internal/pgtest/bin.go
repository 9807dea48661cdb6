package pgtest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// ErrNoBinaries is wrapped by the error New returns when no PostgreSQL server
// binaries (initdb, pg_ctl, postgres) can be found. Start turns it into
// t.Skip, or t.Fatal when CI=true.
var ErrNoBinaries = errors.New("PostgreSQL server binaries not found")

// InstallHint says how to get the binaries on Debian/Ubuntu.
const InstallHint = "install them with `apt-get install postgresql-15` " +
	"(and `apt-get install postgresql-15-hypopg` for HypoPG), " +
	"or point PGBIN at the directory holding initdb, pg_ctl and postgres"

// serverBinaries must all be present in a candidate bin directory.
var serverBinaries = []string{"initdb", "pg_ctl", "postgres"}

// debianGlob is where Debian and Ubuntu install the server binaries of each
// major version; nothing of it is on PATH there.
var debianGlob = "/usr/lib/postgresql/*/bin"

// FindBinDir returns the directory holding the PostgreSQL server binaries:
// $PGBIN if set, else the highest version under /usr/lib/postgresql/*/bin,
// else the directory of pg_ctl found on PATH. The error wraps ErrNoBinaries.
func FindBinDir() (string, error) {
	if dir := os.Getenv("PGBIN"); dir != "" {
		if missing := missingIn(dir); missing != "" {
			return "", fmt.Errorf("%w: PGBIN=%s has no %s; %s", ErrNoBinaries, dir, missing, InstallHint)
		}
		return dir, nil
	}
	if dirs, _ := filepath.Glob(debianGlob); len(dirs) > 0 {
		sort.Slice(dirs, func(i, j int) bool {
			return versionLess(filepath.Base(filepath.Dir(dirs[j])), filepath.Base(filepath.Dir(dirs[i])))
		})
		for _, dir := range dirs {
			if missingIn(dir) == "" {
				return dir, nil
			}
		}
	}
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		dir := filepath.Dir(p)
		if missingIn(dir) == "" {
			return dir, nil
		}
	}
	return "", fmt.Errorf("%w (looked at $PGBIN, %s and PATH); %s", ErrNoBinaries, debianGlob, InstallHint)
}

// missingIn names the first server binary that dir lacks, or "".
func missingIn(dir string) string {
	for _, name := range serverBinaries {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
			return name
		}
	}
	return ""
}

// versionLess compares dotted version strings numerically ("9.6" < "15");
// non-numeric parts compare as strings.
func versionLess(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		ai, aerr := strconv.Atoi(as[i])
		bi, berr := strconv.Atoi(bs[i])
		if aerr == nil && berr == nil {
			if ai != bi {
				return ai < bi
			}
			continue
		}
		if as[i] != bs[i] {
			return as[i] < bs[i]
		}
	}
	return len(as) < len(bs)
}

// serverVersion runs `postgres --version` and returns the version number,
// e.g. "15.18", and its major part, e.g. 15.
func serverVersion(binDir string) (string, int, error) {
	out, err := exec.Command(filepath.Join(binDir, "postgres"), "--version").Output()
	if err != nil {
		return "", 0, fmt.Errorf("pgtest: postgres --version: %w", err)
	}
	// "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"
	fields := strings.Fields(string(out))
	for i, f := range fields {
		if f == "(PostgreSQL)" && i+1 < len(fields) {
			v := fields[i+1]
			n := 0
			for n < len(v) && v[n] >= '0' && v[n] <= '9' {
				n++
			}
			major, err := strconv.Atoi(v[:n]) // "16beta1" -> 16
			if err != nil {
				return v, 0, fmt.Errorf("pgtest: cannot parse version %q", v)
			}
			return v, major, nil
		}
	}
	return "", 0, fmt.Errorf("pgtest: cannot parse %q", strings.TrimSpace(string(out)))
}
