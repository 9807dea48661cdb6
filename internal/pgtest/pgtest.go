// Package pgtest starts real, throwaway PostgreSQL clusters for tests.
//
//	func TestSomething(t *testing.T) {
//		c := pgtest.Start(t, pgtest.WithPGStatStatements())
//		conn := c.Connect(t, "postgres")
//		...
//	}
//
// Start runs initdb (with --no-sync, fsync=off) in a fresh temporary
// directory, starts the server on a free port with its unix socket in that
// directory, waits until it accepts connections, and registers a cleanup that
// stops it (pg_ctl stop -m immediate) and removes the directory. A cluster
// takes about a second to come up.
//
// The server binaries are found via $PGBIN, else the highest version under
// /usr/lib/postgresql/*/bin (Debian, Ubuntu), else PATH. When none are found
// Start skips the test with a hint on how to install them, except when the
// environment variable CI is "true": then it fails the test, so that CI can
// never go green by skipping.
//
// PostgreSQL refuses to run as root. When the tests run as root, initdb,
// pg_ctl and the server run as $PGTEST_USER, else "postgres" if that account
// exists, else DefaultUser ("pgadvise-test"), which is created with useradd if
// missing; the temporary directory is handed to that account. Set
// PGTEST_KEEP=1 to keep the directory of a failed test for inspection.
//
// Programs that are not tests (such as the fixture generator) use New and
// Close instead of Start.
package pgtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Superuser is the name of the bootstrap superuser of every cluster.
const Superuser = "postgres"

// Option configures a cluster.
type Option func(*config)

type setting struct{ name, value string }

type config struct {
	settings     []setting
	preload      []string
	tcp          bool
	initdbArgs   []string
	startTimeout time.Duration
}

// WithSetting adds `name = 'value'` to postgresql.conf. The value is quoted
// for the configuration file, so pass it as you would to SET:
// WithSetting("log_min_duration_statement", "0"),
// WithSetting("log_line_prefix", "%m [%p] %q%u@%d "). Later settings win.
func WithSetting(name, value string) Option {
	return func(c *config) { c.settings = append(c.settings, setting{name, value}) }
}

// WithSettings adds several settings, in name order.
func WithSettings(kv map[string]string) Option {
	return func(c *config) {
		names := make([]string, 0, len(kv))
		for k := range kv {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			c.settings = append(c.settings, setting{k, kv[k]})
		}
	}
}

// WithPreload adds libraries to shared_preload_libraries.
func WithPreload(libs ...string) Option {
	return func(c *config) { c.preload = append(c.preload, libs...) }
}

// WithPGStatStatements preloads pg_stat_statements. The extension must still
// be created (CREATE EXTENSION pg_stat_statements) in the database that reads it.
func WithPGStatStatements() Option { return WithPreload("pg_stat_statements") }

// WithLogCollector turns on logging_collector with the given log_destination
// (e.g. "stderr,csvlog,jsonlog") and a fixed log_filename "postgresql.log",
// so that LogDir holds postgresql.log, postgresql.csv and postgresql.json.
func WithLogCollector(destination string) Option {
	return func(c *config) {
		c.settings = append(c.settings,
			setting{"logging_collector", "on"},
			setting{"log_destination", destination},
			setting{"log_filename", "postgresql.log"},
			setting{"log_rotation_age", "0"},
			setting{"log_rotation_size", "0"})
	}
}

// WithTCP also listens on 127.0.0.1 (Port). By default the server listens on
// its unix socket only.
func WithTCP() Option { return func(c *config) { c.tcp = true } }

// WithInitdbArgs passes extra arguments to initdb.
func WithInitdbArgs(args ...string) Option {
	return func(c *config) { c.initdbArgs = append(c.initdbArgs, args...) }
}

// WithStartTimeout sets how long to wait for the server to accept
// connections (default 60s).
func WithStartTimeout(d time.Duration) Option { return func(c *config) { c.startTimeout = d } }

// Cluster is a running (or stopped) throwaway PostgreSQL cluster.
type Cluster struct {
	binDir  string
	version string
	major   int
	root    string // temporary directory: data/, log/, the socket
	data    string
	logDir  string
	port    int
	tcp     bool
	user    *runAs
	timeout time.Duration

	mu      sync.Mutex
	running bool
	removed bool
}

// Start starts a cluster for the test and stops and removes it when the test
// ends. It skips the test when no server binaries are installed (fails it
// instead when CI=true) and fails it on any other error.
func Start(t testing.TB, opts ...Option) *Cluster {
	t.Helper()
	c, err := New(opts...)
	if err != nil {
		if errors.Is(err, ErrNoBinaries) && os.Getenv("CI") != "true" {
			t.Skipf("pgtest: %v", err)
		}
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() {
		c.Stop()
		if t.Failed() {
			t.Logf("pgtest: server log tail (%s):\n%s", c.logDir, c.logTail(40))
			if os.Getenv("PGTEST_KEEP") != "" {
				t.Logf("pgtest: PGTEST_KEEP set, keeping %s", c.root)
				return
			}
		}
		if err := c.remove(); err != nil {
			t.Errorf("pgtest: %v", err)
		}
	})
	return c
}

// New initializes and starts a cluster. The caller must Close it. The error
// wraps ErrNoBinaries when no server binaries are installed.
func New(opts ...Option) (*Cluster, error) {
	cfg := config{startTimeout: 60 * time.Second}
	for _, o := range opts {
		o(&cfg)
	}
	binDir, err := FindBinDir()
	if err != nil {
		return nil, err
	}
	version, major, err := serverVersion(binDir)
	if err != nil {
		return nil, err
	}
	u, err := serverUser()
	if err != nil {
		return nil, err
	}
	root, err := os.MkdirTemp(tempBase(u != nil), "pgtest-")
	if err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	c := &Cluster{
		binDir: binDir, version: version, major: major,
		root: root, data: filepath.Join(root, "data"), logDir: filepath.Join(root, "log"),
		tcp: cfg.tcp, user: u, timeout: cfg.startTimeout,
	}
	if err := c.init(cfg); err != nil {
		_ = c.remove()
		return nil, err
	}
	if err := c.Resume(); err != nil {
		tail := c.logTail(30)
		c.Stop()
		_ = c.remove()
		return nil, fmt.Errorf("%w\nserver log:\n%s", err, tail)
	}
	return c, nil
}

// tempBase picks the parent of the temporary directory. The socket path must
// stay short (about 100 bytes at most) and, when the server runs as another
// account, every directory above it must be searchable by that account.
func tempBase(otherUser bool) string {
	if dir := os.Getenv("PGTEST_TMPDIR"); dir != "" {
		return dir
	}
	base := os.TempDir()
	if otherUser || len(base) > 60 {
		return "/tmp"
	}
	return base
}

func (c *Cluster) init(cfg config) error {
	if err := os.Mkdir(c.logDir, 0o700); err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	if err := c.user.chownAll(c.root); err != nil {
		return fmt.Errorf("pgtest: handing %s to %s: %w", c.root, c.user, err)
	}
	port, err := freePort()
	if err != nil {
		return err
	}
	c.port = port
	args := []string{"-D", c.data, "-U", Superuser, "--auth=trust", "--no-sync",
		"--encoding=UTF8", "--locale=C"}
	args = append(args, cfg.initdbArgs...)
	if _, err := c.run(2*time.Minute, "initdb", args...); err != nil {
		return err
	}
	listen := ""
	if c.tcp {
		listen = "127.0.0.1"
	}
	var b strings.Builder
	b.WriteString("\n# ---- added by pgtest ----\n")
	put := func(name, value string) {
		fmt.Fprintf(&b, "%s = '%s'\n", name, strings.ReplaceAll(value, "'", "''"))
	}
	put("listen_addresses", listen)
	put("port", strconv.Itoa(c.port))
	put("unix_socket_directories", c.root)
	put("fsync", "off")
	put("synchronous_commit", "off")
	put("full_page_writes", "off")
	put("log_directory", c.logDir)
	if len(cfg.preload) > 0 {
		put("shared_preload_libraries", strings.Join(cfg.preload, ","))
	}
	for _, s := range cfg.settings {
		put(s.name, s.value)
	}
	f, err := os.OpenFile(filepath.Join(c.data, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	if _, err := f.WriteString(b.String()); err != nil {
		f.Close()
		return fmt.Errorf("pgtest: %w", err)
	}
	return f.Close()
}

// freePort returns a TCP port on 127.0.0.1 that nothing listens on now.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pgtest: finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// run runs a server binary as the server account, in the cluster directory,
// without the caller's PG* environment.
func (c *Cluster) run(timeout time.Duration, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(c.binDir, name), args...)
	cmd.Dir = c.root
	cmd.Env = c.childEnv()
	cmd.WaitDelay = 5 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	c.user.apply(cmd)
	err := cmd.Run()
	if err != nil {
		return out.String(), fmt.Errorf("pgtest: %s %s (as %s): %w\n%s",
			name, strings.Join(args, " "), c.user, err, strings.TrimSpace(out.String()))
	}
	return out.String(), nil
}

func (c *Cluster) childEnv() []string {
	env := []string{"HOME=" + c.root}
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "PG") || strings.HasPrefix(kv, "HOME=") || strings.HasPrefix(kv, "LC_") || strings.HasPrefix(kv, "LANG") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "LC_ALL=C")
}

// Resume starts the server (again) and waits until it accepts connections.
// New calls it; call it yourself after StopMode to restart the same cluster.
func (c *Cluster) Resume() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.removed {
		return errors.New("pgtest: cluster removed")
	}
	if c.running {
		return nil
	}
	secs := strconv.Itoa(int(c.timeout / time.Second))
	if _, err := c.run(c.timeout+10*time.Second, "pg_ctl", "start", "-D", c.data, "-w", "-t", secs,
		"-l", filepath.Join(c.logDir, "server.log")); err != nil {
		return err
	}
	c.running = true
	return nil
}

// Stop stops the server at once (pg_ctl stop -m immediate). It is safe to
// call more than once and never fails: if pg_ctl cannot stop the server, the
// postmaster is killed.
func (c *Cluster) Stop() {
	if err := c.StopMode("immediate"); err != nil {
		c.kill()
	}
}

// StopMode stops the server with pg_ctl stop -m mode ("smart", "fast" or
// "immediate"). A fast stop writes a shutdown checkpoint and flushes the logs.
func (c *Cluster) StopMode(mode string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.running {
		return nil
	}
	_, err := c.run(70*time.Second, "pg_ctl", "stop", "-D", c.data, "-m", mode, "-w", "-t", "60")
	if err == nil {
		c.running = false
	}
	return err
}

// kill sends SIGKILL to the postmaster named in postmaster.pid.
func (c *Cluster) kill() {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, err := os.ReadFile(filepath.Join(c.data, "postmaster.pid"))
	if err == nil {
		line, _, _ := strings.Cut(string(b), "\n")
		if pid, err := strconv.Atoi(strings.TrimSpace(line)); err == nil && pid > 0 {
			if p, err := os.FindProcess(pid); err == nil {
				_ = p.Kill()
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	c.running = false
}

// Close stops the server (immediately) and removes its directory: the
// counterpart of New for programs that are not tests.
func (c *Cluster) Close() error {
	c.Stop()
	return c.remove()
}

func (c *Cluster) remove() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.removed {
		return nil
	}
	c.removed = true
	if err := os.RemoveAll(c.root); err != nil {
		return fmt.Errorf("pgtest: removing %s: %w", c.root, err)
	}
	return nil
}

// logTail returns the last n lines of the server's log files.
func (c *Cluster) logTail(n int) string {
	var b strings.Builder
	files, _ := filepath.Glob(filepath.Join(c.logDir, "*"))
	for _, f := range files {
		if strings.HasSuffix(f, ".csv") || strings.HasSuffix(f, ".json") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
		if len(lines) > n {
			lines = lines[len(lines)-n:]
		}
		fmt.Fprintf(&b, "==> %s <==\n%s\n", filepath.Base(f), strings.Join(lines, "\n"))
	}
	return b.String()
}

// DSN returns a URL that pgx and libpq accept, connecting as the superuser
// over the unix socket: postgres://postgres@/DB?host=SOCKETDIR&port=PORT&sslmode=disable.
func (c *Cluster) DSN(dbname string) string {
	return fmt.Sprintf("postgres://%s@/%s?host=%s&port=%d&sslmode=disable",
		Superuser, url.PathEscape(dbname), url.QueryEscape(c.root), c.port)
}

// TCPDSN returns a URL connecting over TCP to 127.0.0.1; the cluster must
// have been started WithTCP.
func (c *Cluster) TCPDSN(dbname string) string {
	return fmt.Sprintf("postgres://%s@127.0.0.1:%d/%s?sslmode=disable", Superuser, c.port, url.PathEscape(dbname))
}

// Dir returns the data directory (PGDATA).
func (c *Cluster) Dir() string { return c.data }

// LogDir returns the log directory: server.log (pg_ctl's -l file: the whole
// log without logging_collector, only its first lines with it) and the
// collector's files when logging_collector is on.
func (c *Cluster) LogDir() string { return c.logDir }

// SocketDir returns the directory of the unix socket (the PGHOST to use).
func (c *Cluster) SocketDir() string { return c.root }

// Port returns the server's port.
func (c *Cluster) Port() int { return c.port }

// BinDir returns the directory of the server binaries in use.
func (c *Cluster) BinDir() string { return c.binDir }

// Bin returns the path of a binary of the same installation, e.g. Bin("pg_dump").
func (c *Cluster) Bin(name string) string { return filepath.Join(c.binDir, name) }

// Version returns the server version, e.g. "15.18".
func (c *Cluster) Version() string { return c.version }

// MajorVersion returns the server's major version, e.g. 15.
func (c *Cluster) MajorVersion() int { return c.major }

// Env returns the libpq environment (PGHOST, PGPORT, PGUSER, PGDATABASE) for
// client programs such as psql and pg_dump, to append to os.Environ().
func (c *Cluster) Env(dbname string) []string {
	return []string{"PGHOST=" + c.root, "PGPORT=" + strconv.Itoa(c.port),
		"PGUSER=" + Superuser, "PGDATABASE=" + dbname, "PGSSLMODE=disable"}
}

// Connect opens a pgx connection as the superuser to dbname and closes it
// when the test ends.
func (c *Cluster) Connect(t testing.TB, dbname string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, c.DSN(dbname))
	if err != nil {
		t.Fatalf("pgtest: connect %s: %v", dbname, err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

// CreateDatabase creates a database owned by the superuser.
func (c *Cluster) CreateDatabase(ctx context.Context, name string) error {
	conn, err := pgx.Connect(ctx, c.DSN("postgres"))
	if err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return fmt.Errorf("pgtest: create database %s: %w", name, err)
	}
	return nil
}
