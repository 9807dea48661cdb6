package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/jackc/pgx/v5"

	"github.com/pgadvise/pgadvise/advisor"
	"github.com/pgadvise/pgadvise/catalog"
	"github.com/pgadvise/pgadvise/internal/pgtest"
	"github.com/pgadvise/pgadvise/report"
)

// TestLive runs analyze --dsn, snapshot and analyze --stats against one
// throwaway cluster holding the shop of catalog/testdata/live_shop.sql,
// after a workload that fills pg_stat_statements and the activity counters.
func TestLive(t *testing.T) {
	// Autovacuum off: nothing changes the statistics between the runs.
	c := pgtest.Start(t, pgtest.WithPGStatStatements(), pgtest.WithSetting("autovacuum", "off"))
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	for _, db := range []string{"shop", "nopgss"} {
		if err := c.CreateDatabase(ctx, db); err != nil {
			t.Fatal(err)
		}
		psql(t, c, db, "../../catalog/testdata/live_shop.sql")
	}
	setup := c.Connect(t, "shop")
	for _, q := range []string{"CREATE EXTENSION pg_stat_statements", "CREATE EXTENSION hypopg", "SELECT pg_stat_statements_reset()", "SELECT pg_stat_reset()"} {
		if _, err := setup.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var statsReset time.Time
	if err := setup.QueryRow(ctx, "SELECT stats_reset FROM pg_stat_database WHERE datname = 'shop'").Scan(&statsReset); err != nil {
		t.Fatal(err)
	}
	runWorkload(t, c, "shop")

	// The password is never used (trust) and must never be written.
	dsn := strings.Replace(c.DSN("shop"), "postgres@", "postgres:hunter2@", 1)
	dir := t.TempDir()
	var live report.Document

	t.Run("analyze --dsn", func(t *testing.T) {
		code, out, errOut := runCLI(t, "", "analyze", "--dsn", dsn, "--format", "json")
		if code != exitOK {
			t.Fatalf("exit %d:\n%s", code, errOut)
		}
		if err := json.Unmarshal([]byte(out), &live); err != nil {
			t.Fatal(err)
		}
		if live.Input.SchemaTables != 5 || !strings.Contains(live.Input.Schema, `live database "shop"`) ||
			len(live.Input.Files) != 1 || live.Input.Files[0].Name != "pg_stat_statements" {
			t.Errorf("input %+v", live.Input)
		}
		reset := "statistics reset at " + statsReset.UTC().Format("2006-01-02 15:04:05 UTC")
		if !strings.Contains(strings.Join(live.Advice.Assumptions, "\n"), reset) {
			t.Errorf("assumptions do not state the stats reset (%s):\n%s", reset, strings.Join(live.Advice.Assumptions, "\n"))
		}
		if strings.Contains(strings.Join(live.Advice.Assumptions, "\n"), "no statistics") {
			t.Errorf("the advisor found tables without statistics:\n%s", strings.Join(live.Advice.Assumptions, "\n"))
		}
		var creates []string
		for _, r := range live.Recommendations {
			if r.Kind == "create_index" {
				creates = append(creates, r.DDL)
			}
		}
		if !containsSub(creates, "ON public.orders (created_at)") {
			t.Errorf("no index advised on orders (created_at); create_index: %q", creates)
		}
		if strings.Contains(out, "hunter2") || strings.Contains(errOut, "hunter2") {
			t.Error("the report shows the password")
		}
		// The text report states the reset too.
		code, text, _ := runCLI(t, "", "analyze", "--dsn", dsn)
		if code != exitOK || !strings.Contains(text, reset) {
			t.Errorf("text report (exit %d) does not state %q", code, reset)
		}
	})

	t.Run("analyze --dsn --verify", func(t *testing.T) {
		code, out, errOut := runCLI(t, "", "analyze", "--dsn", dsn, "--verify", "--format", "json")
		if code != exitOK {
			t.Fatalf("exit %d:\n%s", code, errOut)
		}
		var doc report.Document
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		v := doc.Advice.Verification
		if v == nil || v.Status != "done" || v.Verified == 0 || v.WhatIfCalls == 0 || v.PlannerCostAfter >= v.PlannerCost || v.Measured == 0 || v.LeftOut != 0 {
			t.Fatalf("verification summary %+v", v)
		}
		for _, r := range doc.Recommendations {
			if r.Kind != "create_index" {
				continue
			}
			if r.Verification == nil || (r.Verification.Status != "verified" && r.Verification.Status != "unverifiable") {
				t.Errorf("%s: verification %+v; the planner's unused indexes must move to rejected", r.Name(), r.Verification)
			}
		}
		// A database without HypoPG: the advice stays the model's, says so,
		// and the exit code says that nothing was verified (issue 12.7).
		code, out, errOut = runCLI(t, "", "analyze", "--dsn", strings.Replace(dsn, "/shop", "/nopgss", 1), "--verify", "--format", "json", "../../fixtures/workload.sql")
		if code != exitUnverified || !strings.Contains(errOut, "hypopg") || !strings.Contains(out, `"status": "unavailable"`) {
			t.Errorf("without HypoPG: exit %d, stderr %q", code, errOut)
		}
		if code, _, errOut := runCLI(t, "", "analyze", "--verify", "../../fixtures/workload.sql"); code != exitUsage || !strings.Contains(errOut, "--verify needs --dsn") {
			t.Errorf("--verify without --dsn: exit %d, %q", code, errOut)
		}
	})

	snapPath := filepath.Join(dir, "stats.json")
	t.Run("snapshot", func(t *testing.T) {
		code, _, errOut := runCLI(t, "", "snapshot", "--dsn", dsn, "--workload", "-o", snapPath)
		if code != exitOK {
			t.Fatalf("exit %d:\n%s", code, errOut)
		}
		if !strings.Contains(errOut, `snapshot of database "shop"`) {
			t.Errorf("stderr: %s", errOut)
		}
		b, err := os.ReadFile(snapPath)
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{"hunter2", c.SocketDir(), "postgres://", "host="} {
			if bytes.Contains(b, []byte(secret)) {
				t.Errorf("the snapshot contains %q", secret)
			}
		}
		if fi, err := os.Stat(snapPath); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("snapshot mode %v, %v; want 0600", fi.Mode(), err)
		}
		snap, err := catalog.ReadSnapshot(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if snap.Database != "shop" || snap.StatsReset == nil || !snap.StatsReset.Equal(statsReset) || len(snap.Workload) < 5 || len(snap.Schema.Tables) != 5 {
			t.Errorf("snapshot: db %q reset %v workload %d tables %d", snap.Database, snap.StatsReset, len(snap.Workload), len(snap.Schema.Tables))
		}
		// The same database read live and through the snapshot: the same
		// schema, statistics included.
		conn, err := catalog.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		s, _, err := catalog.ReadLive(ctx, conn)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(s, snap.Schema); diff != "" {
			t.Errorf("snapshot schema differs from the live one (-live +snapshot):\n%s", diff)
		}
		// Write → read gives back the very snapshot taken: schema,
		// statistics and workload.
		taken, _, err := takeSnapshot(ctx, dsn, true, catalog.ConnectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := catalog.WriteSnapshot(&buf, taken); err != nil {
			t.Fatal(err)
		}
		back, err := catalog.ReadSnapshot(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(taken, back); diff != "" {
			t.Errorf("snapshot round trip (-taken +read):\n%s", diff)
		}
		if !containsQuery(back.Workload, "SELECT id, total FROM orders WHERE tenant_id = $1 AND status = $2", 300) {
			t.Errorf("workload lacks the orders lookup with 300 calls: %+v", back.Workload)
		}
	})

	t.Run("analyze --stats gives what --dsn gave", func(t *testing.T) {
		code, out, errOut := runCLI(t, "", "analyze", "--stats", snapPath, "--format", "json")
		if code != exitOK {
			t.Fatalf("exit %d:\n%s", code, errOut)
		}
		var fromSnap report.Document
		if err := json.Unmarshal([]byte(out), &fromSnap); err != nil {
			t.Fatal(err)
		}
		// Only the input section differs: it names the sources. pgadvise's
		// own statements, which pg_stat_statements gained between the runs,
		// are left out of the workload.
		a, b := live, fromSnap
		a.Input, b.Input = report.Input{}, report.Input{}
		if diff := cmp.Diff(a, b, cmpopts.IgnoreUnexported(advisor.RewrittenQuery{})); diff != "" {
			t.Errorf("analyze --stats differs from analyze --dsn (-dsn +stats):\n%s", diff)
		}
		if live.Input.Statements != fromSnap.Input.Statements || live.Input.Shapes != fromSnap.Input.Shapes {
			t.Errorf("input: --dsn %d statements, %d shapes; --stats %d, %d", live.Input.Statements, live.Input.Shapes, fromSnap.Input.Statements, fromSnap.Input.Shapes)
		}
		if len(live.Recommendations) == 0 {
			t.Error("no recommendations to compare")
		}
	})

	t.Run("snapshot --no-values", func(t *testing.T) {
		code, out, errOut := runCLI(t, "", "snapshot", "--dsn", dsn, "--no-values")
		if code != exitOK {
			t.Fatalf("exit %d:\n%s", code, errOut)
		}
		if strings.Contains(out, "most_common") || strings.Contains(out, "shipped") || !strings.Contains(out, `"n_distinct"`) {
			t.Error("--no-values kept the values, or lost the counts")
		}
		if strings.Contains(out, `"workload"`) {
			t.Error("a workload without --workload")
		}
	})

	t.Run("no pg_stat_statements", func(t *testing.T) {
		noPGSS := c.DSN("nopgss")
		code, _, errOut := runCLI(t, "", "analyze", "--dsn", noPGSS)
		if code != exitError || !strings.Contains(errOut, "CREATE EXTENSION pg_stat_statements;") || !strings.Contains(errOut, "shared_preload_libraries") {
			t.Errorf("exit %d, stderr:\n%s", code, errOut)
		}
		code, _, errOut = runCLI(t, "", "snapshot", "--dsn", noPGSS, "--workload")
		if code != exitError || !strings.Contains(errOut, "CREATE EXTENSION pg_stat_statements;") {
			t.Errorf("snapshot --workload: exit %d, stderr:\n%s", code, errOut)
		}
		// With INPUT, the workload comes from it.
		in := filepath.Join(dir, "w.sql")
		if err := os.WriteFile(in, []byte("SELECT id FROM orders WHERE note = 'x';\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		code, out, errOut := runCLI(t, "", "analyze", "--dsn", noPGSS, "--format", "json", in)
		if code != exitOK || !strings.Contains(out, `"public.orders"`) {
			t.Errorf("analyze --dsn with INPUT: exit %d, stderr:\n%s", code, errOut)
		}
	})

	t.Run("flags", func(t *testing.T) {
		noWorkload := filepath.Join(dir, "noworkload.json")
		if code, _, errOut := runCLI(t, "", "snapshot", "--dsn", dsn, "-o", noWorkload); code != exitOK {
			t.Fatalf("snapshot: exit %d: %s", code, errOut)
		}
		for _, tc := range []struct {
			args []string
			code int
			want string
		}{
			{[]string{"analyze", "--dsn", dsn, "--stats", snapPath}, exitUsage, "exclude each other"},
			{[]string{"analyze", "--dsn", dsn, "--schema", "x.sql"}, exitUsage, "--schema cannot be combined"},
			{[]string{"analyze", "--stats", noWorkload}, exitUsage, "holds no workload"},
			{[]string{"analyze", "--stats", filepath.Join(dir, "missing.json")}, exitError, "no such file"},
			{[]string{"snapshot", "extra"}, exitUsage, "unexpected argument"},
		} {
			code, _, errOut := runCLI(t, "", tc.args...)
			if code != tc.code || !strings.Contains(errOut, tc.want) {
				t.Errorf("%q: exit %d, stderr %q; want %d and %q", tc.args, code, errOut, tc.code, tc.want)
			}
		}
	})
}

// TestLiveUnreachable: a database that cannot be reached is a clear error,
// exit 1, without the password.
func TestLiveUnreachable(t *testing.T) {
	dsn := "postgres://bob:hunter2@127.0.0.1:1/shop?sslmode=disable&connect_timeout=5"
	for _, args := range [][]string{
		{"analyze", "--dsn", dsn},
		{"snapshot", "--dsn", dsn, "-o", filepath.Join(t.TempDir(), "s.json")},
	} {
		code, out, errOut := runCLI(t, "", args...)
		if code != exitError {
			t.Errorf("%s: exit %d, want %d", args[0], code, exitError)
		}
		for _, want := range []string{"cannot connect", "127.0.0.1:1", `"shop"`, `"bob"`} {
			if !strings.Contains(errOut, want) {
				t.Errorf("%s: stderr %q does not say %s", args[0], errOut, want)
			}
		}
		if strings.Contains(out+errOut, "hunter2") {
			t.Errorf("%s shows the password", args[0])
		}
	}
}

func containsSub(list []string, sub string) bool {
	for _, s := range list {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func psql(t *testing.T, c *pgtest.Cluster, db, file string) {
	t.Helper()
	cmd := exec.Command("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", file)
	cmd.Env = append(os.Environ(), c.Env(db)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("psql %s: %v\n%s", file, err, out)
	}
}

// runWorkload runs the shop's queries on a connection of its own, closes it
// (a backend flushes its counters when it exits) and waits until
// pg_stat_user_indexes shows them.
func runWorkload(t *testing.T, c *pgtest.Cluster, db string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, c.DSN(db))
	if err != nil {
		t.Fatal(err)
	}
	statuses := []string{"pending", "paid", "shipped"}
	exec := func(sql string, args ...any) {
		if _, err := conn.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	for i := range 300 {
		exec("SELECT id, total FROM orders WHERE tenant_id = $1 AND status = $2", i%100+1, statuses[i%3])
	}
	day := time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)
	for i := range 200 {
		from := day.Add(time.Duration(i) * time.Hour)
		exec("SELECT id, total FROM orders WHERE created_at >= $1 AND created_at < $2 ORDER BY created_at", from, from.Add(time.Hour))
	}
	for i := range 100 {
		exec("SELECT id FROM tenants WHERE name = $1", "tenant "+string(rune('0'+i%10)))
	}
	for i := range 50 {
		exec("SELECT count(*) FROM events WHERE kind = $1", "k"+string(rune('0'+i%7)))
	}
	for i := range 20 {
		exec("UPDATE orders SET status = $1 WHERE id = $2", "shipped", i+1)
	}
	conn.Close(ctx)
	check, err := pgx.Connect(ctx, c.DSN(db))
	if err != nil {
		t.Fatal(err)
	}
	defer check.Close(ctx)
	for deadline := time.Now().Add(20 * time.Second); ; {
		var n int64
		if err := check.QueryRow(ctx, `SELECT coalesce(sum(idx_scan), 0) FROM pg_stat_user_indexes
			WHERE indexrelname = 'orders_tenant_status_idx'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n >= 300 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("pg_stat_user_indexes shows %d scans of orders_tenant_status_idx after 20s", n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func containsQuery(ws []catalog.SnapshotStatement, query string, calls int64) bool {
	for _, w := range ws {
		if w.Query == query && w.Calls == calls {
			return true
		}
	}
	return false
}
