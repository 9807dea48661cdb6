package pgtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestStartConnectStop(t *testing.T) {
	c := Start(t)
	if c.MajorVersion() < 10 {
		t.Fatalf("MajorVersion = %d (%s)", c.MajorVersion(), c.Version())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, c.DSN("postgres"))
	if err != nil {
		t.Fatalf("connect %s: %v", c.DSN("postgres"), err)
	}
	var one int
	if err := conn.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("SELECT 1 = %d, %v", one, err)
	}
	var fsync string
	if err := conn.QueryRow(ctx, "SHOW fsync").Scan(&fsync); err != nil || fsync != "off" {
		t.Errorf("fsync = %q, %v; want off", fsync, err)
	}
	conn.Close(ctx)

	if _, err := os.Stat(filepath.Join(c.Dir(), "PG_VERSION")); err != nil {
		t.Errorf("Dir() %s is not a data directory: %v", c.Dir(), err)
	}
	if _, err := os.Stat(filepath.Join(c.LogDir(), "server.log")); err != nil {
		t.Errorf("LogDir(): %v", err)
	}

	c.Stop()
	c.Stop() // idempotent
	if _, err := os.Stat(filepath.Join(c.Dir(), "postmaster.pid")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("postmaster.pid still there after Stop: %v", err)
	}
	short, cancel2 := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel2()
	if conn, err := pgx.Connect(short, c.DSN("postgres")); err == nil {
		conn.Close(short)
		t.Fatal("connected after Stop")
	}
}

func TestOptionsPGSSLogCollectorRestart(t *testing.T) {
	c := Start(t,
		WithPGStatStatements(),
		WithLogCollector("stderr,csvlog"),
		WithSetting("log_min_duration_statement", "0"),
		WithSetting("log_line_prefix", "%m [%p] %q%u@%d "),
		WithTCP(),
	)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.CreateDatabase(ctx, "app"); err != nil {
		t.Fatal(err)
	}
	conn := c.Connect(t, "app")
	if _, err := conn.Exec(ctx, "CREATE EXTENSION pg_stat_statements"); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "SELECT 42 AS pgtest_marker"); err != nil {
		t.Fatal(err)
	}
	var calls int64
	err := conn.QueryRow(ctx, "SELECT calls FROM pg_stat_statements WHERE query LIKE '%pgtest_marker%' AND query NOT LIKE '%pg_stat_statements%'").Scan(&calls)
	if err != nil || calls != 1 {
		t.Fatalf("pg_stat_statements calls = %d, %v", calls, err)
	}
	tcp, err := pgx.Connect(ctx, c.TCPDSN("app"))
	if err != nil {
		t.Fatalf("TCP connect: %v", err)
	}
	tcp.Close(ctx)
	conn.Close(ctx)

	// A fast stop flushes the collector; the same cluster starts again.
	if err := c.StopMode("fast"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"postgresql.log", "postgresql.csv"} {
		b, err := os.ReadFile(filepath.Join(c.LogDir(), name))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "pgtest_marker") {
			t.Errorf("%s lacks the statement:\n%s", name, b)
		}
	}
	if err := c.Resume(); err != nil {
		t.Fatal(err)
	}
	conn2 := c.Connect(t, "app")
	if err := conn2.QueryRow(ctx, "SELECT 1").Scan(new(int)); err != nil {
		t.Fatal(err)
	}
}

func TestParallelClusters(t *testing.T) {
	for i := 0; i < 2; i++ {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			c := Start(t)
			conn := c.Connect(t, "postgres")
			var port int
			if err := conn.QueryRow(context.Background(), "SELECT current_setting('port')::int").Scan(&port); err != nil || port != c.Port() {
				t.Fatalf("port = %d, %v; want %d", port, err, c.Port())
			}
		})
	}
}

// fakeTB records Skip and Fatal instead of acting on them.
type fakeTB struct {
	testing.TB
	skipped, fatal string
}

type stop struct{}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Skipf(format string, args ...any) {
	f.skipped = fmt.Sprintf(format, args...)
	panic(stop{})
}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.fatal = fmt.Sprintf(format, args...)
	panic(stop{})
}

func startRecovering(tb *fakeTB) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(stop); !ok {
				panic(r)
			}
		}
	}()
	Start(tb)
}

func TestMissingBinariesSkipOrFail(t *testing.T) {
	empty := t.TempDir()
	t.Setenv("PGBIN", empty)

	t.Setenv("CI", "")
	tb := &fakeTB{TB: t}
	startRecovering(tb)
	if tb.skipped == "" || tb.fatal != "" {
		t.Fatalf("without CI: skipped=%q fatal=%q; want a skip", tb.skipped, tb.fatal)
	}
	for _, want := range []string{"apt-get install postgresql-15", "postgresql-15-hypopg", "PGBIN"} {
		if !strings.Contains(tb.skipped, want) {
			t.Errorf("skip message %q lacks %q", tb.skipped, want)
		}
	}

	t.Setenv("CI", "true")
	tb = &fakeTB{TB: t}
	startRecovering(tb)
	if tb.fatal == "" || tb.skipped != "" {
		t.Fatalf("with CI=true: skipped=%q fatal=%q; want a failure", tb.skipped, tb.fatal)
	}
}

func TestVersionLess(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"9.6", "15", true}, {"15", "9.6", false}, {"14", "15", true}, {"15", "15", false}, {"16", "9", false},
	} {
		if got := versionLess(tc.a, tc.b); got != tc.want {
			t.Errorf("versionLess(%q, %q) = %v", tc.a, tc.b, got)
		}
	}
}

func TestFindBinDirPrefersHighestVersion(t *testing.T) {
	root := t.TempDir()
	for _, v := range []string{"9.6", "15", "13"} {
		dir := filepath.Join(root, v, "bin")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, b := range serverBinaries {
			if err := os.WriteFile(filepath.Join(dir, b), []byte("#!/bin/sh\n"), 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	old := debianGlob
	debianGlob = filepath.Join(root, "*", "bin")
	defer func() { debianGlob = old }()
	t.Setenv("PGBIN", "")
	got, err := FindBinDir()
	if err != nil || got != filepath.Join(root, "15", "bin") {
		t.Fatalf("FindBinDir = %q, %v", got, err)
	}
}
