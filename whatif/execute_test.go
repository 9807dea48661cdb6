package whatif

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pgadvise/pgadvise/advisor"
	"github.com/pgadvise/pgadvise/analyzer"
	"github.com/pgadvise/pgadvise/capture"
	"github.com/pgadvise/pgadvise/catalog"
	"github.com/pgadvise/pgadvise/internal/pgtest"
)

// execSetupSQL builds the table the measured-execution tests run on.
//
// ev holds 200,000 narrow rows in ts order (ts = id, so ts is perfectly
// correlated with the heap). kind takes 100 values evenly over the first
// 99% of the rows; the last 1% (the highest ts) all have kind 100. ANALYZE
// sees kind 100 in 1% of the rows but cannot see where they are.
//
// That is the planner's LIMIT trap, and it is deterministic: for
// "WHERE kind = 100 ORDER BY ts LIMIT 10" with an index on (ts), the planner
// assumes the matches are spread evenly along ts, expects to walk about
// 1,000 index entries to find 10, and prefers that to fetching the 2,000
// kind-100 rows through ev_kind_idx and sorting them. At run time the walk
// goes through 99% of the index, fetching and filtering 198,000 rows before
// the first match: tens of times slower than the plan it replaces (0.4 ms
// against 22 ms here), on any machine. HypoPG verifies the index; measured
// execution rejects it.
const execSetupSQL = `
CREATE EXTENSION hypopg;
CREATE TABLE public.ev (id integer NOT NULL, kind integer NOT NULL, ts integer NOT NULL);
ALTER TABLE ONLY public.ev ADD CONSTRAINT ev_kind_check CHECK (kind >= 0);
INSERT INTO ev SELECT g, CASE WHEN g > 198000 THEN 100 ELSE g % 100 END, g FROM generate_series(1, 200000) g;
CREATE INDEX ev_kind_idx ON ev (kind);
CREATE TABLE public.pe (id integer NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE public.pe_1 PARTITION OF pe FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE public.pe_2 PARTITION OF pe FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
INSERT INTO pe SELECT g, date '2024-01-01' + g % 700 FROM generate_series(1, 100000) g;
CREATE TABLE public.hot (id integer PRIMARY KEY, val integer NOT NULL) WITH (fillfactor = 50);
INSERT INTO hot SELECT g, g FROM generate_series(1, 1000) g;
`

const execSchema = `
CREATE TABLE public.ev (id integer NOT NULL, kind integer NOT NULL, ts integer NOT NULL);
CREATE INDEX ev_kind_idx ON public.ev (kind);
CREATE TABLE public.pe (id integer NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);
`

// Queries of the measured-execution tests.
const (
	// trapQuery: an index on ts looks cheap to the planner and is slower.
	trapQuery = "SELECT id FROM ev WHERE kind = 100 ORDER BY ts LIMIT 10"
	// lookupQuery: a selective lookup with a logged parameter value, which
	// an index on id makes much faster.
	lookupQuery = "SELECT kind, ts FROM ev WHERE id = $1"
	// deleteQuery is measured too, and must delete nothing for good.
	deleteQuery = "DELETE FROM ev WHERE id = 4242"
	// genericQuery has a parameter without a logged value: not runnable.
	genericQuery = "SELECT ts FROM ev WHERE id = $1 AND kind = 3"
	// partitionQuery is a lookup on a partitioned table: the plan names the
	// partitions' indexes, not the one built.
	partitionQuery = "SELECT at FROM pe WHERE id = 4711"
	// hotQuery reads a table with a HOT-updated row.
	hotQuery = "SELECT id FROM hot WHERE val = 5"
	// sleepQuery takes at least 200 ms with or without an index.
	sleepQuery = "SELECT kind FROM ev WHERE id = 77 AND pg_sleep(0.2) IS NOT NULL"
)

// execFixture is a cluster with ev, a workload of the queries above and
// advice with an index on (ts) and one on (id), built by hand: the test
// pins what is measured, not what the advisor would choose.
type execFixture struct {
	cluster *pgtest.Cluster
	admin   *pgx.Conn
	work    *analyzer.Workload
	fp      map[string]string // query text → fingerprint
}

func execSetup(t *testing.T) *execFixture {
	t.Helper()
	ctx := context.Background()
	c := pgtest.Start(t, pgtest.WithSetting("autovacuum", "off"))
	admin := c.Connect(t, "postgres")
	for _, sql := range []string{execSetupSQL, "VACUUM ANALYZE ev", "VACUUM ANALYZE pe"} {
		if _, err := admin.Exec(ctx, sql); err != nil {
			t.Fatalf("setup: %v", err)
		}
	}
	schema, rep, err := catalog.ParseDDL(execSchema)
	if err != nil || rep.Failed > 0 {
		t.Fatalf("schema: %v %v", err, rep.Errors)
	}
	an := analyzer.New(schema)
	for _, s := range []stmt{
		{sql: trapQuery, calls: 100},
		{sql: lookupQuery, params: "$1 = '123456'", calls: 600},
		{sql: lookupQuery, params: "$1 = '654'", calls: 400},
		{sql: lookupQuery, params: "$1 = '123456'", calls: 1},
		{sql: deleteQuery, calls: 1},
		{sql: genericQuery, calls: 10},
		{sql: sleepQuery, calls: 1},
		{sql: partitionQuery, calls: 50},
		{sql: hotQuery, calls: 5},
	} {
		st := capture.Statement{Query: []byte(s.sql), Calls: s.calls}
		if s.params != "" {
			st.Params = []byte(s.params)
		}
		an.Add(&st)
	}
	f := &execFixture{cluster: c, admin: admin, work: an.Result(), fp: map[string]string{}}
	for _, sh := range f.work.Shapes {
		f.fp[sh.SampleQuery] = sh.Fingerprint
	}
	return f
}

// advice returns a fresh result: an index on ts serving the trap query, one
// on id serving the lookup, the DELETE and the query without values, and
// the drop of ev_kind_idx as if the ts index superseded it.
func (f *execFixture) advice() *advisor.Result {
	ev := catalog.QualifiedName{Schema: "public", Name: "ev"}
	return &advisor.Result{Recommendations: []advisor.Recommendation{
		{Kind: advisor.KindCreateIndex, Table: ev, Index: &advisor.IndexDetail{Name: "ev_ts_idx"}, Reason: "model",
			DDL:     "CREATE INDEX CONCURRENTLY IF NOT EXISTS ev_ts_idx ON public.ev (ts);",
			Queries: []string{f.fp[trapQuery]}},
		{Kind: advisor.KindCreateIndex, Table: ev, Index: &advisor.IndexDetail{Name: "ev_id_idx"}, Reason: "model",
			DDL:     "CREATE INDEX CONCURRENTLY IF NOT EXISTS ev_id_idx ON public.ev (id);",
			Queries: []string{f.fp[lookupQuery], f.fp[deleteQuery], f.fp[genericQuery]}},
		{Kind: advisor.KindDropIndex, Table: ev, Index: &advisor.IndexDetail{Name: "ev_kind_idx", SupersededBy: "ev_ts_idx"}, Reason: "superseded"},
	}}
}

// indexes lists the database's indexes as pg_indexes has them.
func (f *execFixture) indexes(t *testing.T) []string {
	t.Helper()
	rows, err := f.admin.Query(context.Background(), "SELECT schemaname || '.' || indexname || ': ' || indexdef FROM pg_indexes ORDER BY 1")
	if err != nil {
		t.Fatal(err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// writable connects as pgadvise's --verify=execute does.
func writable(t *testing.T, c *pgtest.Cluster, dsn string) *pgx.Conn {
	t.Helper()
	conn, err := catalog.ConnectWritable(context.Background(), dsn, catalog.ConnectOptions{})
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

// TestExecute measures the two indexes on a real server: the one the
// planner likes and execution rejects, the one execution keeps; and checks
// that nothing stays behind.
func TestExecute(t *testing.T) {
	f := execSetup(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	before := f.indexes(t)

	// The planner likes both: HypoPG verifies them.
	planned := f.advice()
	vrep, err := Verify(ctx, readOnly(t, f.cluster, "postgres"), f.work, planned, Options{})
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	for _, o := range vrep.Outcomes {
		if o.Verification.Status != advisor.Verified {
			t.Fatalf("HypoPG: %s is %s (%s); the test needs the planner to like both", o.Index, o.Verification.Status, o.Verification.Note)
		}
	}

	conn := writable(t, f.cluster, f.cluster.DSN("postgres"))
	res := f.advice()
	var steps []string
	rep, err := Execute(ctx, conn, f.work, res, ExecuteOptions{ConfirmedNotProduction: true, Prune: true,
		Progress: func(s string) { steps = append(steps, s) }})
	if err != nil {
		t.Fatalf("Execute: %v", err)
	}
	if len(rep.Outcomes) != 2 {
		t.Fatalf("%d outcomes, want 2", len(rep.Outcomes))
	}
	for _, o := range rep.Outcomes {
		t.Logf("%s: %s: %s", o.Index, o.Verdict, o.Note)
		for _, q := range o.Queries {
			t.Logf("  %s: %.3f → %.3f ms, uses %v, %d runs, not measured %q", q.Fingerprint, q.MSBefore, q.MSAfter, q.UsesIndex, q.Runs, q.NotMeasured)
		}
	}

	// (a) The trap: the planner uses the real index too, and it is slower.
	ts := rep.Outcomes[0]
	if ts.Verdict != ExecRejected || !strings.Contains(ts.Note, "Measured slower") || len(ts.Queries) != 1 {
		t.Errorf("ev_ts_idx: %s: %s; want rejected as slower", ts.Verdict, ts.Note)
	} else if q := ts.Queries[0]; !q.UsesIndex || q.MSAfter <= q.MSBefore*(1+MaxMeasuredRegression) || q.Runs != DefaultExecRounds {
		t.Errorf("ev_ts_idx: %+v; want the index used and more than 10%% slower over %d runs", q, DefaultExecRounds)
	}
	// (b) The lookup: kept, with the DELETE measured and the query without
	// values reported as not measured, with why.
	id := rep.Outcomes[1]
	if id.Verdict != ExecKept || id.MSAfter >= id.MSBefore*(1-MinMeasuredGain) || id.BuildMS <= 0 {
		t.Errorf("ev_id_idx: %s (%.3f → %.3f ms, build %.1f ms): %s; want kept", id.Verdict, id.MSBefore, id.MSAfter, id.BuildMS, id.Note)
	}
	byFP := map[string]QueryTiming{}
	for _, q := range id.Queries {
		byFP[q.Fingerprint] = q
	}
	if q := byFP[f.fp[lookupQuery]]; !q.UsesIndex || q.Samples != 2 || q.MSAfter >= q.MSBefore {
		t.Errorf("lookup: %+v", q)
	}
	if q := byFP[f.fp[deleteQuery]]; q.NotMeasured != "" || !q.UsesIndex {
		t.Errorf("delete: %+v", q)
	}
	if q := byFP[f.fp[genericQuery]]; !strings.Contains(q.NotMeasured, "no logged values") || !strings.Contains(id.Note, "Not measured") {
		t.Errorf("query without values: %+v; note %q", q, id.Note)
	}
	if rep.Kept != 1 || rep.Rejected != 1 || rep.NotMeasured != 0 || rep.Runs == 0 || rep.BudgetExhausted {
		t.Errorf("counts %+v", rep)
	}
	// Prune moved the rejected index, and the drop that depended on it.
	if !slices.Equal(rep.Pruned, []string{"ev_ts_idx", "ev_kind_idx"}) || len(res.Recommendations) != 1 || res.Recommendations[0].Name() != "ev_id_idx" ||
		!strings.HasPrefix(res.Rejected[0].Reason, "Rejected by measured execution: Measured slower") {
		t.Errorf("pruned %q; recommendations %d; rejected %+v", rep.Pruned, len(res.Recommendations), res.Rejected)
	}
	if len(steps) == 0 || !strings.Contains(steps[len(steps)-1], "measuring index 2 of 2, ev_id_idx") {
		t.Errorf("progress: %q", steps)
	}

	// (c) Nothing stays behind: the same indexes, the deleted row, no open
	// transaction, no prepared statement.
	if after := f.indexes(t); !slices.Equal(before, after) {
		t.Errorf("indexes before:\n%s\nafter:\n%s", strings.Join(before, "\n"), strings.Join(after, "\n"))
	}
	var rows, prepared int
	var state string
	if err := conn.QueryRow(ctx, `SELECT (SELECT count(*) FROM ev WHERE id = 4242), (SELECT count(*) FROM pg_prepared_statements),
		(SELECT state FROM pg_stat_activity WHERE pid = pg_backend_pid())`).Scan(&rows, &prepared, &state); err != nil {
		t.Fatal(err)
	}
	if rows != 1 || prepared != 0 || conn.PgConn().TxStatus() != 'I' {
		t.Errorf("after Execute: row 4242 %d times, %d prepared statements, transaction status %q", rows, prepared, conn.PgConn().TxStatus())
	}
	var open int
	if err := f.admin.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE state LIKE 'idle in transaction%' OR (backend_xid IS NOT NULL AND pid <> pg_backend_pid())").Scan(&open); err != nil || open != 0 {
		t.Errorf("%d sessions in a transaction (%v)", open, err)
	}
}

// TestExecuteRefusesAndBounds covers what stops measurement: no
// confirmation, a role that may not build indexes, the time budget and the
// statement timeout.
func TestExecuteRefusesAndBounds(t *testing.T) {
	f := execSetup(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	before := f.indexes(t)
	conn := writable(t, f.cluster, f.cluster.DSN("postgres"))

	// (d) Without the confirmation, nothing is built.
	_, err := Execute(ctx, conn, f.work, f.advice(), ExecuteOptions{})
	if !errors.Is(err, ErrNotConfirmed) || !strings.Contains(err.Error(), "staging copy") {
		t.Errorf("without confirmation: %v; want ErrNotConfirmed", err)
	}

	// A role that owns nothing: SQLSTATE 42501, said clearly.
	if _, err := f.admin.Exec(ctx, "CREATE ROLE reader LOGIN; GRANT SELECT, DELETE ON ev TO reader"); err != nil {
		t.Fatal(err)
	}
	reader := writable(t, f.cluster, strings.Replace(f.cluster.DSN("postgres"), "//postgres@", "//reader@", 1))
	var who string
	if err := reader.QueryRow(ctx, "SELECT current_user").Scan(&who); err != nil || who != "reader" {
		t.Fatalf("connected as %q (%v); the DSN is %s", who, err, f.cluster.DSN("postgres"))
	}
	_, err = Execute(ctx, reader, f.work, f.advice(), ExecuteOptions{ConfirmedNotProduction: true})
	if !errors.Is(err, ErrCannotCreateIndex) || !strings.Contains(err.Error(), `role "reader"`) {
		t.Errorf("as reader: %v; want ErrCannotCreateIndex", err)
	}

	// A budget that is gone before the first build: every index is
	// reported as not measured, with why.
	rep, err := Execute(ctx, conn, f.work, f.advice(), ExecuteOptions{ConfirmedNotProduction: true, Budget: time.Nanosecond})
	if err != nil {
		t.Fatal(err)
	}
	if rep.NotMeasured != 2 || !rep.BudgetExhausted || !strings.Contains(rep.Outcomes[0].Note, "time budget") {
		t.Errorf("budget: %+v", rep)
	}

	// A query that exceeds the statement timeout on both sides is not
	// measured, and says why.
	sleepy := &advisor.Result{Recommendations: []advisor.Recommendation{{Kind: advisor.KindCreateIndex,
		Table: catalog.QualifiedName{Schema: "public", Name: "ev"}, Index: &advisor.IndexDetail{Name: "ev_id_idx"},
		DDL: "CREATE INDEX ev_id_idx ON public.ev (id)", Queries: []string{f.fp[sleepQuery]}}}}
	rep, err = Execute(ctx, conn, f.work, sleepy, ExecuteOptions{ConfirmedNotProduction: true, StatementTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if o := rep.Outcomes[0]; o.Verdict != ExecNotMeasured || !strings.Contains(o.Queries[0].NotMeasured, "statement timeout with and without") {
		t.Errorf("timeout: %s: %s; %+v", o.Verdict, o.Note, o.Queries)
	}

	// An index on a partitioned table: the plans name the partitions'
	// indexes, and the index is seen as used.
	parted := &advisor.Result{Recommendations: []advisor.Recommendation{{Kind: advisor.KindCreateIndex,
		Table: catalog.QualifiedName{Schema: "public", Name: "pe"}, Index: &advisor.IndexDetail{Name: "pe_id_idx"},
		DDL: "CREATE INDEX pe_id_idx ON public.pe (id)", Queries: []string{f.fp[partitionQuery]}}}}
	rep, err = Execute(ctx, conn, f.work, parted, ExecuteOptions{ConfirmedNotProduction: true})
	if err != nil {
		t.Fatal(err)
	}
	if o := rep.Outcomes[0]; o.Verdict != ExecKept || !o.Queries[0].UsesIndex {
		t.Errorf("partitioned: %s: %s; %+v", o.Verdict, o.Note, o.Queries)
	}

	// A HOT-updated row that an open snapshot still sees: the index built
	// over it carries indcheckxmin, the planner may not use it in the
	// transaction that built it, and measuring would compare nothing.
	holder := f.cluster.Connect(t, "postgres")
	if _, err := holder.Exec(ctx, "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM hot"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.admin.Exec(ctx, "UPDATE hot SET val = -val WHERE id = 5"); err != nil {
		t.Fatal(err)
	}
	hot := &advisor.Result{Recommendations: []advisor.Recommendation{{Kind: advisor.KindCreateIndex,
		Table: catalog.QualifiedName{Schema: "public", Name: "hot"}, Index: &advisor.IndexDetail{Name: "hot_val_idx"},
		DDL: "CREATE INDEX hot_val_idx ON public.hot (val)", Queries: []string{f.fp[hotQuery]}}}}
	rep, err = Execute(ctx, conn, f.work, hot, ExecuteOptions{ConfirmedNotProduction: true})
	if err != nil {
		t.Fatal(err)
	}
	if o := rep.Outcomes[0]; o.Verdict != ExecNotMeasured || !strings.Contains(o.Note, "indcheckxmin") || rep.Runs != 0 {
		t.Errorf("HOT chain: %s: %s (%d runs)", o.Verdict, o.Note, rep.Runs)
	}
	if _, err := holder.Exec(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	if after := f.indexes(t); !slices.Equal(before, after) {
		t.Errorf("indexes before:\n%s\nafter:\n%s", strings.Join(before, "\n"), strings.Join(after, "\n"))
	}

	// A hot standby: refused, with or without the confirmation. The
	// cluster restarts with standby.signal and no primary to follow: in
	// recovery, open to reads.
	if err := f.cluster.StopMode("fast"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(f.cluster.Dir(), "standby.signal"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := f.cluster.Resume(); err != nil {
		t.Fatal(err)
	}
	standby := writable(t, f.cluster, f.cluster.DSN("postgres"))
	_, err = Execute(ctx, standby, f.work, f.advice(), ExecuteOptions{ConfirmedNotProduction: true})
	if !errors.Is(err, ErrHotStandby) {
		t.Errorf("on a hot standby: %v; want ErrHotStandby", err)
	}
}

// TestExecVerdict checks the thresholds on figures alone.
func TestExecVerdict(t *testing.T) {
	q := func(fp string, calls int64, before, after float64) QueryTiming {
		return QueryTiming{Fingerprint: fp, Calls: calls, MSBefore: before, MSAfter: after, UsesIndex: true, Samples: 1, Runs: 3}
	}
	for _, tc := range []struct {
		name string
		qs   []QueryTiming
		want ExecVerdict
		note string
	}{
		{"faster", []QueryTiming{q("a", 10, 10, 1)}, ExecKept, "Measured faster"},
		{"one query slower, sum faster", []QueryTiming{q("a", 100, 10, 1), q("b", 1, 2, 3)}, ExecRejected, "Measured slower"},
		{"slower within noise", []QueryTiming{q("a", 100, 10, 1), q("b", 1, 0.02, 0.04)}, ExecKept, "Measured faster"},
		{"gain under 10%", []QueryTiming{q("a", 10, 10, 9.5)}, ExecRejected, "Not measurably faster"},
		{"weighted by calls", []QueryTiming{q("a", 1, 100, 50), q("b", 1000, 1, 1.05)}, ExecRejected, "Not measurably faster"},
		{"unused", []QueryTiming{{Fingerprint: "a", Calls: 1, MSBefore: 10, MSAfter: 5}}, ExecRejected, "not used"},
		{"timed out with it", []QueryTiming{{Fingerprint: "a", Calls: 1, MSBefore: 10, MSAfter: 30000, AfterTimedOut: true, UsesIndex: true}}, ExecRejected, "10.0 ms → ≥ 30000 ms (timed out)"},
		{"timed out without it", []QueryTiming{{Fingerprint: "a", Calls: 1, MSBefore: 30000, MSAfter: 3, BeforeTimedOut: true, UsesIndex: true}}, ExecKept, "Measured faster"},
		{"nothing measured", []QueryTiming{{Fingerprint: "a", NotMeasured: "no values"}}, ExecNotMeasured, "a (no values)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, note, _, _ := execVerdict(tc.qs)
			if v != tc.want || !strings.Contains(note, tc.note) {
				t.Errorf("%s: %s; want %s, %q", v, note, tc.want, tc.note)
			}
		})
	}
}
