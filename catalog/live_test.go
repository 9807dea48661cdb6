package catalog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/pgadvise/pgadvise/internal/pgtest"
)

// One cluster for the package's live tests, started by the first test that
// needs it and stopped by TestMain; each test makes its own database.
var shared struct {
	once sync.Once
	c    *pgtest.Cluster
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.c != nil {
		_ = shared.c.Close()
	}
	os.Exit(code)
}

// cluster returns the package's cluster; without server binaries it skips
// the test (fails it under CI=true), as pgtest.Start does.
func cluster(t *testing.T) *pgtest.Cluster {
	t.Helper()
	shared.once.Do(func() {
		shared.c, shared.err = pgtest.New(pgtest.WithPGStatStatements(), pgtest.WithTCP())
	})
	if shared.err != nil {
		if errors.Is(shared.err, pgtest.ErrNoBinaries) && os.Getenv("CI") != "true" {
			t.Skipf("pgtest: %v", shared.err)
		}
		t.Fatalf("pgtest: %v", shared.err)
	}
	return shared.c
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// newDB creates a database named after the test and runs the files (or SQL
// text) in it as the superuser; it returns a superuser connection to it.
func newDB(t *testing.T, name string, sqlFiles ...string) *pgx.Conn {
	t.Helper()
	c, ctx := cluster(t), testCtx(t)
	// The cluster outlives a test under -count=N: start afresh.
	admin, err := pgx.Connect(ctx, c.DSN("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
	admin.Close(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CreateDatabase(ctx, name); err != nil {
		t.Fatal(err)
	}
	conn := c.Connect(t, name)
	for _, f := range sqlFiles {
		src := f
		if strings.HasSuffix(f, ".sql") {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			src = string(b)
		}
		// psql, as a person would: CREATE INDEX CONCURRENTLY cannot run
		// in the implicit transaction of a multi-statement query.
		cmd := exec.CommandContext(ctx, "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1")
		cmd.Env = append(os.Environ(), c.Env(name)...)
		cmd.Stdin = strings.NewReader(src)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("psql %s: %v\n%s", filepath.Base(f), err, out)
		}
	}
	return conn
}

func readLive(t *testing.T, dsn string) (*Schema, *LiveReport) {
	t.Helper()
	ctx := testCtx(t)
	conn, err := Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	s, rep, err := ReadLive(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	return s, rep
}

// runShopWorkload runs queries that use two of the shop's indexes on a
// connection of its own, closes it (a backend flushes its counters when it
// exits) and waits until pg_stat_user_indexes shows them.
func runShopWorkload(t *testing.T, c *pgtest.Cluster, db string) {
	t.Helper()
	ctx := testCtx(t)
	conn, err := pgx.Connect(ctx, c.DSN(db))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		if _, err := conn.Exec(ctx, "SELECT id, total FROM orders WHERE tenant_id = $1 AND status = $2", i%100+1, "paid"); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 50 {
		from := time.Date(2024, 3, 1+i%20, 0, 0, 0, 0, time.UTC)
		if _, err := conn.Exec(ctx, "SELECT count(*) FROM events WHERE at BETWEEN $1 AND $2", from, from.AddDate(0, 0, 3)); err != nil {
			t.Fatal(err)
		}
	}
	conn.Close(ctx)
	check, err := pgx.Connect(ctx, c.DSN(db))
	if err != nil {
		t.Fatal(err)
	}
	defer check.Close(ctx)
	deadline := time.Now().Add(20 * time.Second)
	for {
		var n int64
		var ins int64
		err := check.QueryRow(ctx, `SELECT
			(SELECT coalesce(sum(idx_scan), 0) FROM pg_stat_user_indexes
				WHERE indexrelname IN ('orders_tenant_status_idx', 'events_2024_at_idx')),
			(SELECT coalesce(sum(n_tup_ins), 0) FROM pg_stat_user_tables WHERE relname = 'orders')`).Scan(&n, &ins)
		if err != nil {
			t.Fatal(err)
		}
		if n >= 250 && ins >= 30000 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 20s, pg_stat_user_indexes shows %d scans of 250, pg_stat_user_tables %d inserts of 30000", n, ins)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

const shopSQL = "testdata/live_shop.sql"

// TestReadLiveShop reads a database with data, statistics and a workload
// and checks the schema and every kind of figure.
func TestReadLiveShop(t *testing.T) {
	c := cluster(t)
	setup := newDB(t, "shop", shopSQL)
	ctx := testCtx(t)
	for _, q := range []string{
		// Extension-owned views (pg_stat_statements, _info) must not appear.
		"CREATE EXTENSION pg_stat_statements",
		// A failed CREATE INDEX CONCURRENTLY leaves an invalid index.
		"CREATE UNIQUE INDEX CONCURRENTLY orders_status_uq ON orders (status)",
		// A table never analyzed.
		"CREATE TABLE fresh (a int)",
		"CREATE TEMP TABLE temp_t (a int)",
		"CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 90",
	} {
		_, err := setup.Exec(ctx, q)
		if err != nil && !strings.Contains(q, "CONCURRENTLY") {
			t.Fatalf("%s: %v", q, err)
		}
	}
	runShopWorkload(t, c, "shop")

	s, rep := readLive(t, c.DSN("shop"))
	var names []string
	for _, tb := range s.SortedTables() {
		names = append(names, tb.Name.String())
	}
	want := []string{"public.big_orders", "public.events", "public.events_2024", "public.events_2025", "public.fresh", "public.orders", "public.tenants"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Fatalf("tables (-want +got):\n%s", diff)
	}
	if rep.Database != "shop" || rep.ServerVersionNum < 130000 || rep.ReadAt.IsZero() || rep.Tables != 7 {
		t.Errorf("report: %+v", rep)
	}

	orders := s.Tables[QualifiedName{"public", "orders"}]
	if got := orders.Column("id"); got.Type != "bigint" || !got.NotNull || got.Default != "nextval('public.orders_id_seq'::regclass)" {
		t.Errorf("orders.id = %+v", got)
	}
	if got := orders.Column("total").Type; got != "numeric(12,2)" {
		t.Errorf("orders.total type %q", got)
	}
	if diff := cmp.Diff([]ForeignKey{{Name: "orders_tenant_id_fkey", Columns: []string{"tenant_id"}, RefTable: QualifiedName{"public", "tenants"}, RefColumns: []string{"id"}}}, orders.ForeignKeys); diff != "" {
		t.Errorf("orders foreign keys (-want +got):\n%s", diff)
	}
	if st := orders.Stats; st == nil || st.Rows != 30000 || st.Pages < 100 || st.Inserts != 30000 || st.IdxScans < 200 {
		t.Errorf("orders stats %+v", st)
	}
	status := orders.Column("status").Stats
	if status == nil || status.NDistinct != 3 || status.NullFrac != 0 || len(status.MostCommon) != 3 ||
		status.MostCommon[0] != "shipped" || status.MostCommonFreqs[0] != 0.7 {
		t.Errorf("orders.status stats %+v", status)
	}
	if cs := orders.Column("created_at").Stats; cs == nil || cs.Correlation == nil || *cs.Correlation < 0.99 || cs.NDistinct != -1 || cs.AvgWidth != 8 {
		t.Errorf("orders.created_at stats %+v", cs)
	} else if h := cs.HistogramBounds; len(h) != 101 || !sort.StringsAreSorted(h) || !strings.Contains(h[0], "2024-01-0") {
		// A unique column: the default statistics target's 100 buckets,
		// timestamps in one offset, so in text order too.
		t.Errorf("orders.created_at histogram: %d bounds %q … %q", len(h), h[0:min(len(h), 1)], h[max(len(h)-1, 0):])
	}
	if cs := orders.Column("status").Stats; cs != nil && len(cs.HistogramBounds) != 0 {
		t.Errorf("orders.status: every value is most common, yet a histogram %q", cs.HistogramBounds)
	}
	if cs := orders.Column("note").Stats; cs == nil || cs.NullFrac != 0.98 {
		t.Errorf("orders.note stats %+v", cs)
	}
	ix := map[string]Index{}
	var ixNames []string
	for _, i := range orders.Indexes {
		ix[i.Name] = i
		ixNames = append(ixNames, i.Name)
	}
	if diff := cmp.Diff([]string{"orders_note_idx", "orders_pending_idx", "orders_pkey", "orders_tenant_status_idx"}, ixNames); diff != "" {
		t.Errorf("orders indexes, without the invalid one (-want +got):\n%s", diff)
	}
	if i := ix["orders_tenant_status_idx"]; i.Stats == nil || i.Stats.Scans < 200 || i.Stats.SizeBytes < 8192 ||
		i.Definition != "CREATE INDEX orders_tenant_status_idx ON public.orders USING btree (tenant_id, status)" {
		t.Errorf("orders_tenant_status_idx = %+v %+v", i, i.Stats)
	}
	if i := ix["orders_note_idx"]; i.Stats == nil || i.Stats.Scans != 0 || i.Stats.SizeBytes == 0 {
		t.Errorf("orders_note_idx stats %+v (want 0 scans, a size)", i.Stats)
	}
	if i := ix["orders_pending_idx"]; i.Predicate != "status = 'pending'::text" || i.Keys[0].Column != "created_at" {
		t.Errorf("orders_pending_idx = %+v", i)
	}
	if i := ix["orders_pkey"]; i.Constraint != ConstraintPrimaryKey || !i.Unique {
		t.Errorf("orders_pkey = %+v", i)
	}
	tenants := s.Tables[QualifiedName{"public", "tenants"}]
	if !slices.Equal(tenants.PrimaryKey, []string{"id"}) || len(tenants.Uniques) != 1 || tenants.Uniques[0][0] != "name" {
		t.Errorf("tenants keys: pk %v uniques %v", tenants.PrimaryKey, tenants.Uniques)
	}
	if cs := tenants.Column("id").Stats; cs == nil || cs.NDistinct != -1 {
		t.Errorf("tenants.id stats %+v", cs)
	}

	events := s.Tables[QualifiedName{"public", "events"}]
	if events.Kind != KindPartitionedTable || events.PartitionBy == nil || events.PartitionBy.Strategy != "range" || !slices.Equal(events.PartitionBy.Keys, []string{"at"}) {
		t.Errorf("events partitioning %+v %+v", events.Kind, events.PartitionBy)
	}
	if st := events.Stats; st == nil || st.Rows != 20000 || st.Pages == 0 {
		t.Errorf("events stats (sum of the partitions) %+v", st)
	}
	if len(events.Indexes) != 1 || events.Indexes[0].Stats == nil || events.Indexes[0].Stats.Scans < 50 || events.Indexes[0].Stats.SizeBytes == 0 {
		t.Errorf("events_at_idx (sum of the partitions' indexes) %+v", events.Indexes)
	}
	if events.Indexes[0].Definition != "CREATE INDEX events_at_idx ON ONLY public.events USING btree (at)" {
		t.Errorf("events_at_idx definition %q", events.Indexes[0].Definition)
	}
	p := s.Tables[QualifiedName{"public", "events_2024"}]
	if p.PartitionOf == nil || *p.PartitionOf != events.Name || p.PartitionBound != "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')" {
		t.Errorf("events_2024 partition of %v bound %q", p.PartitionOf, p.PartitionBound)
	}
	if st := p.Stats; st == nil || st.Rows == 0 || st.IdxScans < 50 {
		t.Errorf("events_2024 stats %+v", st)
	}
	if v := s.Tables[QualifiedName{"public", "big_orders"}]; v.Kind != KindView || v.Stats != nil || len(v.Columns) != 2 {
		t.Errorf("view %+v", v)
	}

	kinds := map[string][]string{}
	for _, is := range rep.Issues {
		kinds[is.Kind] = append(kinds[is.Kind], is.Relation)
		if is.Message == "" {
			t.Errorf("issue without a message: %+v", is)
		}
	}
	if diff := cmp.Diff(map[string][]string{
		IssueInvalidIndex:  {"public.orders_status_uq"},
		IssueNeverAnalyzed: {"public.fresh"},
	}, kinds); diff != "" {
		t.Errorf("issues (-want +got):\n%s\n%+v", diff, rep.Issues)
	}
	if fresh := s.Tables[QualifiedName{"public", "fresh"}]; fresh.Stats == nil || fresh.Stats.Rows != 0 {
		t.Errorf("fresh stats %+v", fresh.Stats)
	}

	// The snapshot of it reads back the same, and writes the same bytes.
	snap := NewSnapshot(s, rep)
	snap.Workload = []SnapshotStatement{{Query: "SELECT 1", Calls: 3, TotalMS: 1.5, MaxMS: 1, Rows: 3}}
	var buf bytes.Buffer
	if err := WriteSnapshot(&buf, snap); err != nil {
		t.Fatal(err)
	}
	back, err := ReadSnapshot(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(snap, back); diff != "" {
		t.Errorf("snapshot round trip (-wrote +read):\n%s", diff)
	}
	var again bytes.Buffer
	if err := WriteSnapshot(&again, back); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("a snapshot read back writes different bytes")
	}
}

// TestReadLiveMatchesPgDump loads schemas into a database and checks that
// ReadLive gives the same schema as the DDL reader on pg_dump -s of it.
func TestReadLiveMatchesPgDump(t *testing.T) {
	c := cluster(t)
	for _, tc := range []struct{ db, file string }{
		{"hand", "testdata/handwritten.sql"},
		{"dump15", "testdata/pg_dump_15_schema.sql"},
	} {
		t.Run(tc.db, func(t *testing.T) {
			newDB(t, tc.db, tc.file)
			cmd := exec.Command(c.Bin("pg_dump"), "-s")
			cmd.Env = append(os.Environ(), c.Env(tc.db)...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			dump, err := cmd.Output()
			if err != nil {
				t.Fatalf("pg_dump: %v\n%s", err, stderr.String())
			}
			fromDump, ddlRep, err := ParseDDL(string(dump))
			if err != nil || ddlRep.Failed > 0 || len(ddlRep.Warnings) > 0 {
				t.Fatalf("ParseDDL(pg_dump): %v %+v", err, ddlRep)
			}
			live, rep := readLive(t, c.DSN(tc.db))
			for _, is := range rep.Issues {
				// CREATE INDEX ... ON ONLY a partitioned table makes an
				// invalid index until every partition has one attached:
				// ReadLive leaves it out, the DDL cannot tell.
				if is.Kind == IssueInvalidIndex && is.Relation == "public.parts_note_only" {
					parts := fromDump.Tables[QualifiedName{"public", "parts"}]
					parts.Indexes = slices.DeleteFunc(parts.Indexes, func(ix Index) bool { return ix.Name == "parts_note_only" })
					continue
				}
				if is.Kind != IssueNeverAnalyzed {
					t.Errorf("issue: %+v", is)
				}
			}
			if diff := cmp.Diff(canonical(fromDump, false), canonical(live, false)); diff != "" {
				t.Errorf("live schema differs from pg_dump's (-pg_dump +live):\n%s", diff)
			}
		})
	}
}

// canonical lists the tables by name with indexes, foreign keys and unique
// constraints sorted, statistics dropped, and (viewTypes false) view
// column types, which the DDL reader can only guess, blanked.
func canonical(s *Schema, viewTypes bool) []Table {
	var out []Table
	for _, t := range s.SortedTables() {
		c := *t
		c.Stats = nil
		c.Columns = slices.Clone(t.Columns)
		for i := range c.Columns {
			c.Columns[i].Stats = nil
			if !viewTypes && (t.Kind == KindView || t.Kind == KindMaterializedView) {
				c.Columns[i].Type = ""
			}
		}
		c.Indexes = slices.Clone(t.Indexes)
		for i := range c.Indexes {
			c.Indexes[i].Stats = nil
		}
		sortIndexes(c.Indexes)
		c.ForeignKeys = slices.Clone(t.ForeignKeys)
		slices.SortFunc(c.ForeignKeys, func(a, b ForeignKey) int { return strings.Compare(a.Name, b.Name) })
		c.Uniques = slices.Clone(t.Uniques)
		slices.SortFunc(c.Uniques, func(a, b []string) int { return strings.Compare(strings.Join(a, ","), strings.Join(b, ",")) })
		out = append(out, c)
	}
	return out
}

// TestReadOnlyGuard checks that a pgadvise connection cannot write, is
// bounded, and says who it is.
func TestReadOnlyGuard(t *testing.T) {
	c := cluster(t)
	newDB(t, "guard", "CREATE TABLE t (a int)")
	ctx := testCtx(t)
	conn, err := ConnectWith(ctx, c.DSN("guard"), ConnectOptions{StatementTimeout: 7 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	checkGuard(t, conn, "7s")
}

func checkGuard(t *testing.T, conn *pgx.Conn, statementTimeout string) {
	t.Helper()
	ctx := testCtx(t)
	for _, q := range []string{
		"INSERT INTO t VALUES (1)",
		"CREATE TABLE t2 (a int)",
		"CREATE INDEX ON t (a)",
		"UPDATE t SET a = 2",
	} {
		_, err := conn.Exec(ctx, q)
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.Code != "25006" {
			t.Errorf("%s: err = %v, want SQLSTATE 25006 (read_only_sql_transaction)", q, err)
		}
	}
	for name, want := range map[string]string{
		"statement_timeout": statementTimeout, "lock_timeout": "5s",
		"idle_in_transaction_session_timeout": "1min", "application_name": "pgadvise",
		"default_transaction_read_only": "on",
	} {
		var got string
		if err := conn.QueryRow(ctx, "SELECT current_setting($1)", name).Scan(&got); err != nil || got != want {
			t.Errorf("%s = %q, %v; want %q", name, got, err, want)
		}
	}
}

// TestConnectErrors checks that a failed connection says where it tried,
// and never shows the password.
func TestConnectErrors(t *testing.T) {
	ctx := testCtx(t)
	for _, dsn := range []string{
		"postgres://bob:s3cr3t@127.0.0.1:1/appdb?sslmode=disable&connect_timeout=5",
		"host=127.0.0.1 port=1 dbname=appdb user=bob password=s3cr3t sslmode=disable",
	} {
		_, err := Connect(ctx, dsn)
		if err == nil {
			t.Fatalf("connected to %s", dsn)
		}
		msg := err.Error()
		t.Log(msg)
		for _, want := range []string{"127.0.0.1:1", `"appdb"`, `"bob"`} {
			if !strings.Contains(msg, want) {
				t.Errorf("error %q does not name %s", msg, want)
			}
		}
		if strings.Contains(msg, "s3cr3t") {
			t.Errorf("error shows the password: %q", msg)
		}
	}
	for _, dsn := range []string{
		"postgres://bob:s3cr3t@host:notaport/db",
		"host=h password=s3cr3t port=x",
		"postgres://bob:s3cr3t@host/db?password=s3cr3t&sslmode=bogus",
	} {
		_, err := Connect(ctx, dsn)
		if err == nil || strings.Contains(err.Error(), "s3cr3t") || !strings.Contains(err.Error(), "invalid connection string") {
			t.Errorf("Connect(%q) = %v", dsn, err)
		} else {
			t.Log(err)
		}
	}
}

// TestConnectEnv checks that an empty DSN takes the PG* variables, as
// libpq does.
func TestConnectEnv(t *testing.T) {
	c := cluster(t)
	newDB(t, "envdb")
	for _, kv := range c.Env("envdb") {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	ctx := testCtx(t)
	conn, err := Connect(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var db string
	if err := conn.QueryRow(ctx, "SELECT current_database()").Scan(&db); err != nil || db != "envdb" {
		t.Errorf("current_database() = %q, %v", db, err)
	}
}

// TestReadLiveMonitoringRole reads as a least-privilege role (pg_monitor,
// no SELECT on the tables): the schema, row counts and index usage are
// read; column statistics are hidden and the report says so.
func TestReadLiveMonitoringRole(t *testing.T) {
	c := cluster(t)
	setup := newDB(t, "shopmon", shopSQL)
	ctx := testCtx(t)
	for _, q := range []string{"DROP ROLE IF EXISTS advisor_mon", "CREATE ROLE advisor_mon LOGIN IN ROLE pg_monitor"} {
		if _, err := setup.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	dsn := strings.Replace(c.DSN("shopmon"), "postgres@", "advisor_mon@", 1)
	s, rep := readLive(t, dsn)
	orders := s.Tables[QualifiedName{"public", "orders"}]
	if orders == nil || orders.Stats == nil || orders.Stats.Rows != 30000 || len(orders.Indexes) != 4 || orders.Indexes[0].Stats == nil {
		t.Fatalf("orders as pg_monitor: %+v", orders)
	}
	for _, col := range orders.Columns {
		if col.Stats != nil {
			t.Errorf("column %s has statistics without SELECT privilege", col.Name)
		}
	}
	var hidden []string
	for _, is := range rep.Issues {
		if is.Kind == IssueStatsHidden {
			hidden = append(hidden, is.Relation)
		}
	}
	if diff := cmp.Diff([]string{"public.events_2024", "public.events_2025", "public.orders", "public.tenants"}, hidden); diff != "" {
		t.Errorf("column_stats_hidden issues (-want +got):\n%s\n%+v", diff, rep.Issues)
	}
}

func TestExplainPgError(t *testing.T) {
	for code, want := range map[string]string{"42501": "pg_monitor", "57014": "statement-timeout", "55P03": "lock_timeout"} {
		got := explainPgError(fmt.Errorf("wrapped: %w", &pgconn.PgError{Code: code, Message: "m"}))
		if !strings.Contains(got, want) {
			t.Errorf("%s: %q", code, got)
		}
	}
}

// TestReadLiveLockedIndex: pg_relation_size waits for a lock a DDL holds;
// after lock_timeout the sizes come from relpages, the report says so, and
// the rest of the read goes on.
func TestReadLiveLockedIndex(t *testing.T) {
	c := cluster(t)
	newDB(t, "locked", `CREATE TABLE t (a int); CREATE INDEX t_a ON t (a);
		INSERT INTO t SELECT generate_series(1, 10000); ANALYZE t;`)
	ctx := testCtx(t)
	ddl := c.Connect(t, "locked")
	for _, q := range []string{"BEGIN", "REINDEX INDEX t_a"} { // ACCESS EXCLUSIVE on t_a
		if _, err := ddl.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	conn, err := ConnectWith(ctx, c.DSN("locked"), ConnectOptions{LockTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	s, rep, err := ReadLive(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, is := range rep.Issues {
		kinds = append(kinds, is.Kind)
		if is.Kind == IssueUnreadable && !strings.Contains(is.Message, "lock") {
			t.Errorf("issue does not say why: %s", is.Message)
		}
	}
	if diff := cmp.Diff([]string{IssueSizeEstimated, IssueUnreadable}, kinds); diff != "" {
		t.Errorf("issues (-want +got):\n%s\n%+v", diff, rep.Issues)
	}
	tb := s.Tables[QualifiedName{"public", "t"}]
	if tb == nil || len(tb.Indexes) != 1 || tb.Indexes[0].Name != "t_a" || tb.Indexes[0].Stats == nil || tb.Indexes[0].Stats.SizeBytes < 8192*10 {
		t.Fatalf("table t: %+v", tb)
	}
	if tb.Stats == nil || tb.Stats.Rows != 10000 || tb.Column("a").Stats == nil {
		t.Errorf("the rest was not read: %+v", tb.Stats)
	}
	// The connection is usable after ReadLive.
	var one int
	if err := conn.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
		t.Error(err)
	}
}

func TestVersionNum(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int
	}{
		{"15.18", 150018}, {"15.18 (Debian 15.18-0+deb12u1)", 150018}, {"9.6.24", 90624}, {"17beta1", 170000},
		{"14", 140000}, {"", 0}, {"devel", 0}, {"10.23", 100023},
	} {
		if got := VersionNum(c.in); got != c.want {
			t.Errorf("VersionNum(%q) = %d, want %d", c.in, got, c.want)
		}
	}
}
