package whatif

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/pgadvise/pgadvise/advisor"
	"github.com/pgadvise/pgadvise/analyzer"
	"github.com/pgadvise/pgadvise/capture"
	"github.com/pgadvise/pgadvise/catalog"
	"github.com/pgadvise/pgadvise/internal/pgtest"
)

// testSchema is the schema as pg_dump -s would print it. invoices is in the
// DDL but not in the database, for a query that cannot be explained.
const testSchema = `
CREATE TABLE public.orders (id bigint NOT NULL, tenant_id integer NOT NULL, customer_id integer NOT NULL,
  status text NOT NULL, active boolean NOT NULL, region integer NOT NULL, total numeric, created_at timestamp with time zone NOT NULL, tags text[]);
ALTER TABLE ONLY public.orders ADD CONSTRAINT orders_pkey PRIMARY KEY (id);
CREATE TABLE public.invoices (id bigint NOT NULL, order_id bigint NOT NULL, amount numeric);
`

// setupSQL builds the database: only orders exists, with 100,000 rows.
const setupSQL = `
CREATE EXTENSION hypopg;
CREATE TABLE public.orders (id bigint NOT NULL, tenant_id integer NOT NULL, customer_id integer NOT NULL,
  status text NOT NULL, active boolean NOT NULL, region integer NOT NULL, total numeric, created_at timestamp with time zone NOT NULL, tags text[]);
ALTER TABLE ONLY public.orders ADD CONSTRAINT orders_pkey PRIMARY KEY (id);
INSERT INTO orders
  SELECT g, g % 1000, g % 5000, (ARRAY['new','paid','shipped','cancelled'])[g % 4 + 1], g % 2 = 0, g % 2, g * 1.5,
         timestamptz '2030-01-01' - g * interval '1 minute', ARRAY['t' || (g % 50)]
  FROM generate_series(1, 100000) g;
ANALYZE orders;
`

// stmt is one captured statement of the test workload.
type stmt struct {
	sql    string
	params string // the DETAIL "parameters:" text, or ""
	calls  int64
}

var testWorkload = []stmt{
	// Literal values that vary: (tenant_id, status) is worth an index.
	{sql: "SELECT id, total FROM orders WHERE tenant_id = 42 AND status = 'paid'", calls: 500},
	{sql: "SELECT id, total FROM orders WHERE tenant_id = 7 AND status = 'new'", calls: 500},
	// Half the table: no index helps. Without statistics the advisor
	// takes region = $1 for PostgreSQL's default equality selectivity
	// (0.5%), and the planner, which knows better, will not use its index.
	{sql: "SELECT id, total FROM orders WHERE region = 1", calls: 300},
	{sql: "SELECT id, total FROM orders WHERE region = 0", calls: 300},
	// GIN territory.
	{sql: "SELECT id FROM orders WHERE tags && ARRAY['t1', 't2']", calls: 200},
	// A placeholder without values (pg_stat_statements): a generic plan.
	{sql: "SELECT id, status FROM orders WHERE customer_id = $1", calls: 400},
	// A placeholder with its logged value: a custom plan.
	{sql: "SELECT id, total FROM orders WHERE created_at > $1 ORDER BY created_at LIMIT 10", params: "$1 = '2029-12-31 00:00:00+00'", calls: 300},
	// A table missing from the database.
	{sql: "SELECT amount FROM invoices WHERE order_id = $1", calls: 300},
	// Writes: the UPDATE is explained, the INSERT is not.
	{sql: "UPDATE orders SET status = $1 WHERE id = $2", calls: 50},
	{sql: "INSERT INTO orders (id, tenant_id, customer_id, status, active, region, created_at) VALUES ($1, $2, $3, $4, $5, $6, now())", calls: 20},
}

// fixture is a database with the test table, a read-only connection to it,
// and the advice for the test workload.
type fixture struct {
	cluster *pgtest.Cluster
	conn    *pgx.Conn
	work    *analyzer.Workload
	res     *advisor.Result
}

func setup(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	c := pgtest.Start(t)
	admin := c.Connect(t, "postgres")
	var available bool
	if err := admin.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'hypopg')").Scan(&available); err != nil {
		t.Fatal(err)
	}
	if !available {
		msg := fmt.Sprintf("hypopg is not installed for PostgreSQL %d: apt-get install postgresql-%d-hypopg", c.MajorVersion(), c.MajorVersion())
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	if _, err := admin.Exec(ctx, setupSQL); err != nil {
		t.Fatalf("setup: %v", err)
	}
	schema, rep, err := catalog.ParseDDL(testSchema)
	if err != nil || rep.Failed > 0 {
		t.Fatalf("schema: %v %v", err, rep.Errors)
	}
	an := analyzer.New(schema)
	for _, s := range testWorkload {
		st := capture.Statement{Query: []byte(s.sql), Calls: s.calls}
		if s.params != "" {
			st.Params = []byte(s.params)
		}
		an.Add(&st)
	}
	w := an.Result()
	res := advisor.Advise(w, schema, advisor.Options{MinBenefit: advisor.DefaultMinBenefitShare, MinBenefitIsShare: true})
	return &fixture{cluster: c, conn: readOnly(t, c, "postgres"), work: w, res: res}
}

// readOnly connects with default_transaction_read_only=on, as pgadvise does.
func readOnly(t *testing.T, c *pgtest.Cluster, db string) *pgx.Conn {
	t.Helper()
	ctx := context.Background()
	cfg, err := pgx.ParseConfig(c.DSN(db))
	if err != nil {
		t.Fatal(err)
	}
	cfg.RuntimeParams["default_transaction_read_only"] = "on"
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

// TestVerify runs Verify on a real cluster, read-only, and checks each kind
// of outcome, the placeholder methods, the counts and that nothing is left
// behind.
func TestVerify(t *testing.T) {
	f := setup(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// A hypothetical index left in the backend must not bias the baseline:
	// Verify resets them first. With hypopg.enabled off the planner would
	// ignore hypothetical indexes: Verify turns it on, and back off after.
	if _, err := f.conn.Exec(ctx, "SELECT hypopg_create_index('CREATE INDEX ON orders (tenant_id, status)'); SET hypopg.enabled = off"); err != nil {
		t.Fatal(err)
	}
	rep, err := Verify(ctx, f.conn, f.work, f.res, Options{})
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	outcome := func(index string) *advisor.Verification {
		t.Helper()
		for _, o := range rep.Outcomes {
			if o.Index == index {
				return o.Verification
			}
		}
		t.Fatalf("no outcome for %s; have %+v", index, rep.Outcomes)
		return nil
	}
	method := func(fp string) Method {
		for _, q := range rep.Queries {
			if q.Fingerprint == fp {
				return q.Method
			}
		}
		return ""
	}

	t.Run("verified", func(t *testing.T) {
		for _, tc := range []struct {
			index  string
			method Method
		}{
			{"orders_status_tenant_id_incl_id_total_idx", MethodLiteral},
			{"orders_customer_id_incl_id_status_idx", MethodGeneric}, // $1, no value known
			{"orders_created_at_idx", MethodSampleParams},            // $1 with its logged value
		} {
			v := outcome(tc.index)
			if v.Status != advisor.Verified || !(v.CostAfter < v.CostBefore) || len(v.Queries) != 1 || !v.Queries[0].UsesIndex {
				t.Errorf("%s: %+v, want verified, used, cheaper", tc.index, v)
				continue
			}
			if got := method(v.Queries[0].Fingerprint); got != tc.method {
				t.Errorf("%s: explained as %q, want %q", tc.index, got, tc.method)
			}
			if v.CostAfter > v.CostBefore/10 {
				t.Errorf("%s: cost %g -> %g, expected a large cut on 100,000 rows", tc.index, v.CostBefore, v.CostAfter)
			}
		}
	})
	t.Run("not_used", func(t *testing.T) {
		// region = 1 matches half the table: a sequential scan stays cheaper.
		v := outcome("orders_region_incl_id_total_idx")
		if v.Status != advisor.NotUsed || v.Note == "" || len(v.Queries) != 1 || v.Queries[0].UsesIndex || v.CostAfter != v.CostBefore {
			t.Errorf("got %+v, want not_used with a note and an unchanged cost", v)
		}
	})
	t.Run("gin_unverifiable", func(t *testing.T) {
		v := outcome("orders_tags_gin_idx")
		if v.Status != advisor.Unverifiable || !strings.Contains(v.Note, "gin") {
			t.Errorf("got %+v, want unverifiable with a note about gin", v)
		}
	})
	t.Run("failing_query", func(t *testing.T) {
		v := outcome("invoices_order_id_incl_amount_idx")
		if v.Status != advisor.Unverifiable || len(v.Queries) != 1 || !strings.Contains(v.Queries[0].Error, `relation "invoices" does not exist`) {
			t.Errorf("got %+v, want unverifiable with the query's error", v)
		}
	})
	t.Run("recommendations_carry_the_verdict", func(t *testing.T) {
		n := 0
		for _, r := range f.res.Recommendations {
			if r.Kind != advisor.KindCreateIndex {
				continue
			}
			n++
			if r.Verification == nil || r.Verification != outcome(r.Index.Name) {
				t.Errorf("%s: Verification %p, want the outcome's", r.Index.Name, r.Verification)
			}
		}
		if n != len(rep.Outcomes) || n != 6 {
			t.Errorf("%d create_index recommendations, %d outcomes, want 6 of each", n, len(rep.Outcomes))
		}
	})
	t.Run("report", func(t *testing.T) {
		// 8 shapes: 6 explained (4 literal or prepared SELECTs, the GIN
		// one, the UPDATE), invoices failed, the INSERT skipped.
		if rep.Explained != 6 || rep.Failed != 1 || rep.Skipped != 1 || rep.Verified != 3 || rep.NotUsed != 1 || rep.Unverifiable != 2 {
			t.Errorf("counts: explained %d failed %d skipped %d verified %d not_used %d unverifiable %d",
				rep.Explained, rep.Failed, rep.Skipped, rep.Verified, rep.NotUsed, rep.Unverifiable)
		}
		// What-if calls: 7 baseline EXPLAINs (invoices' failed one too); 4
		// indexes alone (3 verified, the boolean) with one query each; then
		// the 3 verified together over the 6 explained shapes.
		if rep.IndexCreations != 4+3 || rep.Explains != 7+4+6 || rep.WhatIfCalls() != 24 {
			t.Errorf("what-if calls: %d creations, %d explains, %d in all; want 7, 17, 24", rep.IndexCreations, rep.Explains, rep.WhatIfCalls())
		}
		var before, after float64
		for _, q := range rep.Queries {
			before += float64(q.Calls) * q.CostBefore
			after += float64(q.Calls) * q.CostAfter
		}
		if before != rep.WorkloadCost || after != rep.WorkloadCostAfter || !(after < before/2) {
			t.Errorf("workload cost %g -> %g, queries sum to %g -> %g", rep.WorkloadCost, rep.WorkloadCostAfter, before, after)
		}
		for _, q := range rep.Queries {
			switch {
			case strings.HasPrefix(q.Skipped, "INSERT"), q.Error != "":
			case q.Method == "":
				t.Errorf("%s: no method", q.Fingerprint)
			}
		}
		if rep.ServerVersionNum < 100000 || rep.HypoPGVersion == "" {
			t.Errorf("server %d, hypopg %q", rep.ServerVersionNum, rep.HypoPGVersion)
		}
	})
	t.Run("read_only_and_clean", func(t *testing.T) {
		var readOnly, mode, enabled string
		var hypo, prepared int
		if err := f.conn.QueryRow(ctx, `SELECT current_setting('transaction_read_only'), current_setting('plan_cache_mode'), current_setting('hypopg.enabled'),
			(SELECT count(*) FROM hypopg_list_indexes), (SELECT count(*) FROM pg_prepared_statements WHERE name = 'pgadvise_whatif')`).
			Scan(&readOnly, &mode, &enabled, &hypo, &prepared); err != nil {
			t.Fatal(err)
		}
		if readOnly != "on" || mode != "auto" || enabled != "off" || hypo != 0 || prepared != 0 {
			t.Errorf("after Verify: read_only=%s plan_cache_mode=%s hypopg.enabled=%s hypothetical indexes=%d prepared=%d; want on, auto, off, 0, 0",
				readOnly, mode, enabled, hypo, prepared)
		}
		_, err := f.conn.Exec(ctx, "INSERT INTO orders (id, tenant_id, customer_id, status, active, region, created_at) VALUES (0, 0, 0, 'x', true, 0, now())")
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "25006" {
			t.Errorf("INSERT on the verify connection: %v, want SQLSTATE 25006 (read-only transaction)", err)
		}
	})
	t.Run("prune", func(t *testing.T) {
		// Again, on the same connection.
		rep, err := Verify(ctx, f.conn, f.work, f.res, Options{Prune: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Pruned) != 1 || rep.Pruned[0] != "orders_region_incl_id_total_idx" {
			t.Fatalf("pruned %v, want the region index", rep.Pruned)
		}
		for _, r := range f.res.Recommendations {
			if r.Name() == "orders_region_incl_id_total_idx" {
				t.Errorf("still recommended: %s", r.DDL)
			}
		}
		found := false
		for _, r := range f.res.Rejected {
			if r.Name() == "orders_region_incl_id_total_idx" {
				found = strings.HasPrefix(r.Reason, "Not used by the planner") && r.Verification != nil && r.Verification.Status == advisor.NotUsed
			}
		}
		if !found {
			t.Errorf("the pruned index is not among the rejected with the planner's reason: %+v", f.res.Rejected)
		}
	})
}

// TestGenericPlanClaim pins what the placeholder handling relies on, on the
// real server: with force_generic_plan, EXPLAIN EXECUTE shows the generic
// plan whatever the values (NULL included); without it, a custom plan for
// NULL folds "col = NULL" into a constant false.
func TestGenericPlanClaim(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	explain := func(sql string) string {
		t.Helper()
		var doc string
		if err := f.conn.QueryRow(ctx, sql, pgx.QueryExecModeSimpleProtocol).Scan(&doc); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return doc
	}
	if _, err := f.conn.Exec(ctx, "PREPARE claim AS SELECT id, status FROM orders WHERE customer_id = $1"); err != nil {
		t.Fatal(err)
	}
	defer f.conn.Exec(ctx, "DEALLOCATE claim")
	if _, err := f.conn.Exec(ctx, "SET plan_cache_mode = force_generic_plan"); err != nil {
		t.Fatal(err)
	}
	withNull, withValue := explain("EXPLAIN (FORMAT JSON) EXECUTE claim(NULL)"), explain("EXPLAIN (FORMAT JSON) EXECUTE claim(7)")
	if withNull != withValue || !strings.Contains(withNull, "$1") {
		t.Errorf("generic plans differ or do not show $1:\nNULL: %s\n7: %s", withNull, withValue)
	}
	if _, err := f.conn.Exec(ctx, "SET plan_cache_mode = force_custom_plan"); err != nil {
		t.Fatal(err)
	}
	if custom := explain("EXPLAIN (FORMAT JSON) EXECUTE claim(NULL)"); !strings.Contains(custom, "One-Time Filter") {
		t.Errorf("a custom plan for NULL: %s, expected a constant-false filter", custom)
	}
}

// TestVerifyRefuses covers the cases where verification cannot run.
func TestVerifyRefuses(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	t.Run("no_hypopg", func(t *testing.T) {
		if err := f.cluster.CreateDatabase(ctx, "nohypo"); err != nil {
			t.Fatal(err)
		}
		_, err := Verify(ctx, readOnly(t, f.cluster, "nohypo"), f.work, f.res, Options{})
		if !errors.Is(err, ErrHypoPGMissing) || !strings.Contains(err.Error(), "CREATE EXTENSION hypopg") {
			t.Errorf("got %v, want ErrHypoPGMissing saying how to create it", err)
		}
	})
	t.Run("in_transaction", func(t *testing.T) {
		tx, err := f.conn.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		if _, err := Verify(ctx, f.conn, f.work, f.res, Options{}); err == nil || !strings.Contains(err.Error(), "transaction") {
			t.Errorf("got %v, want an error about the open transaction", err)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := Verify(cctx, readOnly(t, f.cluster, "postgres"), f.work, f.res, Options{}); err == nil {
			t.Error("Verify with a cancelled context succeeded")
		}
	})
	for _, r := range f.res.Recommendations {
		if r.Verification != nil {
			t.Errorf("%s: verification set by a refused run", r.Name())
		}
	}
}

// TestTypedParamsPrepare: pg_stat_statements replaces a typed literal's value
// by a parameter (interval '7 days' → interval $1), which the server's
// PREPARE rejects (syntax error at $1), so every such query was
// unverifiable. newQuery's text, with casts instead, is prepared.
func TestTypedParamsPrepare(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	for i, sql := range []string{
		"SELECT id FROM orders WHERE created_at > now() - interval $1",
		"SELECT date $1, timestamp $2, timestamp with time zone $3, time $4",
		"SELECT now() - interval $1 day to second, interval $2 hour",
	} {
		if _, err := f.conn.Exec(ctx, fmt.Sprintf("PREPARE typed_raw%d AS %s", i, sql)); err == nil {
			t.Errorf("the server prepared %q as it is: no need to rewrite it", sql)
		}
		q := newQuery(&analyzer.QueryShape{Query: sql}, true)
		if q.skip != "" || q.method != MethodGeneric {
			t.Fatalf("%q: skip %q, method %q", sql, q.skip, q.method)
		}
		if _, err := f.conn.Exec(ctx, fmt.Sprintf("PREPARE typed%d AS %s", i, q.text)); err != nil {
			t.Errorf("PREPARE %s: %v", q.text, err)
		}
	}
}
