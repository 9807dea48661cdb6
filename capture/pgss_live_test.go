package capture

import (
	"context"
	"errors"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pgadvise/pgadvise/internal/pgtest"
)

// TestReadPGStatStatementsLive runs a workload on a real server and reads
// it back from pg_stat_statements.
func TestReadPGStatStatementsLive(t *testing.T) {
	c := pgtest.Start(t, pgtest.WithPGStatStatements(),
		pgtest.WithSetting("pg_stat_statements.track", "all"),
		pgtest.WithSetting("pg_stat_statements.track_planning", "on"))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for _, db := range []string{"app", "other"} {
		if err := c.CreateDatabase(ctx, db); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("missing extension", func(t *testing.T) {
		conn := c.Connect(t, "other")
		_, err := ReadPGStatStatementsLive(ctx, conn, nil)
		if !errors.Is(err, ErrNoPGStatStatements) {
			t.Fatalf("err = %v, want ErrNoPGStatStatements", err)
		}
		for _, want := range []string{"CREATE EXTENSION pg_stat_statements;", "shared_preload_libraries", `"other"`} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not say %s", err, want)
			}
		}
	})

	setup := c.Connect(t, "app")
	for _, q := range []string{
		"CREATE EXTENSION pg_stat_statements",
		"CREATE TABLE t (a int PRIMARY KEY, b int)",
		"INSERT INTO t SELECT i, i FROM generate_series(0, 99) i",
		`CREATE FUNCTION f(x int) RETURNS int LANGUAGE plpgsql AS $$
			BEGIN RETURN (SELECT b FROM t WHERE a = x); END $$`,
		"CREATE ROLE nobody LOGIN",
		"GRANT SELECT ON t TO nobody",
		"SELECT pg_stat_statements_reset()",
	} {
		if _, err := setup.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	work := c.Connect(t, "app")
	for i := range 5 {
		if _, err := work.Exec(ctx, "SELECT b FROM t WHERE a = $1", i); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 3 {
		if _, err := work.Exec(ctx, "UPDATE t SET b = $1 WHERE a < $2", i, 10); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := work.Exec(ctx, "SELECT f($1)", 7); err != nil {
		t.Fatal(err)
	}
	// Planned, fails in execution: a row with calls = 0 (track_planning).
	if _, err := work.Exec(ctx, "SELECT 1 / (b - b) FROM t WHERE a = $1", 1); err == nil {
		t.Fatal("division by zero did not fail")
	}
	other := c.Connect(t, "other")
	if _, err := other.Exec(ctx, "SELECT 42 AS in_other_database"); err != nil {
		t.Fatal(err)
	}

	read := func(t *testing.T, conn *pgx.Conn) (map[string]Statement, []string, *Stats) {
		t.Helper()
		got := map[string]Statement{}
		var order []string
		st, err := ReadPGStatStatementsLive(ctx, conn, func(s *Statement) error {
			q := string(s.Query)
			order = append(order, q)
			prev := got[q]
			s2 := *s
			s2.Query = nil
			s2.Calls += prev.Calls
			got[q] = s2
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return got, order, st
	}

	t.Run("workload", func(t *testing.T) {
		conn := c.Connect(t, "app")
		read(t, conn) // pgadvise's own statements must not show in the next read
		got, order, st := read(t, conn)
		sel := got["SELECT b FROM t WHERE a = $1"]
		if sel.Calls != 5 || sel.Rows != 5 || !sel.Timed || sel.TotalMS <= 0 || sel.MaxMS <= 0 || sel.MaxMS > sel.TotalMS {
			t.Errorf("select: %+v", sel)
		}
		if upd := got["UPDATE t SET b = $1 WHERE a < $2"]; upd.Calls != 3 || upd.Rows != 30 {
			t.Errorf("update: %+v", upd)
		}
		if f := got["SELECT f($1)"]; f.Calls != 1 {
			t.Errorf("function call: %+v", f)
		}
		for q := range got {
			if strings.Contains(q, "in_other_database") {
				t.Errorf("a statement of another database: %q", q)
			}
			if strings.Contains(q, "WHERE a = x") {
				t.Errorf("a statement nested in a function (toplevel = false): %q", q)
			}
			if strings.Contains(q, "pg_catalog.") {
				t.Errorf("pgadvise's own statement: %q", q)
			}
			if strings.Contains(q, "b - b") {
				t.Errorf("a statement with calls = 0: %q", q)
			}
		}
		if !sort.StringsAreSorted(order) {
			t.Errorf("statements not in byte order: %q", order)
		}
		if st.Name != PGSSLiveName || st.Format != FormatPGSS || st.Statements != int64(len(order)) ||
			st.Skipped[ReasonNoCalls] == nil || st.Skipped[ReasonOtherMessage] == nil || st.Lines != st.Statements+st.SkippedTotal() {
			t.Errorf("stats %+v (skipped %v)", st, st.Skipped)
		}
	})

	t.Run("without pg_read_all_stats", func(t *testing.T) {
		dsn := strings.Replace(c.DSN("app"), "postgres@", "nobody@", 1)
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "SELECT b FROM t WHERE a = $1", 3); err != nil {
			t.Fatal(err)
		}
		got, _, st := read(t, conn)
		if got["SELECT b FROM t WHERE a = $1"].Calls != 1 {
			t.Errorf("own statement: %+v", got)
		}
		if _, ok := got["UPDATE t SET b = $1 WHERE a < $2"]; ok || st.Skipped[ReasonNoQueryText] == nil || st.Skipped[ReasonNoQueryText].Count < 2 {
			t.Errorf("other roles' statements should be hidden and skipped: read %q, skipped %v", keys(got), st.Skipped)
		}
	})

	t.Run("info", func(t *testing.T) {
		info, err := ReadPGStatStatementsInfo(ctx, c.Connect(t, "app"))
		if err != nil {
			t.Fatal(err)
		}
		if info.Database != "app" || info.Schema != "public" || info.Track != "all" || info.Max != 5000 {
			t.Errorf("info %+v", info)
		}
		if c.MajorVersion() >= 14 && (info.StatsReset == nil || info.Dealloc != 0) {
			t.Errorf("info (PG 14+) %+v", info)
		}
	})
}

// TestReadPGStatStatementsLiveNotLoaded: the extension is installed but its
// library is not preloaded.
func TestReadPGStatStatementsLiveNotLoaded(t *testing.T) {
	c := pgtest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	conn := c.Connect(t, "postgres")
	if _, err := conn.Exec(ctx, "CREATE EXTENSION pg_stat_statements"); err != nil {
		t.Fatal(err)
	}
	_, err := ReadPGStatStatementsLive(ctx, conn, nil)
	if !errors.Is(err, ErrNoPGStatStatements) || !strings.Contains(err.Error(), "shared_preload_libraries") || !strings.Contains(err.Error(), "not loaded") {
		t.Fatalf("err = %v", err)
	}
}

func keys(m map[string]Statement) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
