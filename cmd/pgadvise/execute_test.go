package main

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pgadvise/pgadvise/internal/pgtest"
	"github.com/pgadvise/pgadvise/report"
)

// TestVerifyExecuteFixtures runs analyze --verify=execute end to end: the
// fixtures' shop schema with generated data in a throwaway cluster, the
// fixtures' slow.log as the workload. Every recommended index is measured
// (or said not to be, with why), the report carries the figures in each
// format, the rejected ones move to the rejected list, and the database
// keeps exactly the indexes it had.
func TestVerifyExecuteFixtures(t *testing.T) {
	c := pgtest.Start(t, pgtest.WithSetting("autovacuum", "off"))
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	if err := c.CreateDatabase(ctx, "shop"); err != nil {
		t.Fatal(err)
	}
	psql(t, c, "shop", "../../fixtures/schema.sql")
	psql(t, c, "shop", "testdata/execute_shop_data.sql")
	admin := c.Connect(t, "shop")
	if _, err := admin.Exec(ctx, "VACUUM ANALYZE"); err != nil {
		t.Fatal(err)
	}
	indexes := func() []string {
		t.Helper()
		rows, err := admin.Query(ctx, "SELECT schemaname || '.' || indexname || ': ' || indexdef FROM pg_indexes ORDER BY 1")
		if err != nil {
			t.Fatal(err)
		}
		list, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		return list
	}
	before := indexes()
	dsn := c.DSN("shop")

	// The refusal comes before anything is read or built (the other wrong
	// combinations: TestVerifyExecuteFlags).
	if code, _, errOut := runCLI(t, "", "analyze", "--dsn", dsn, "--verify=execute", "../../fixtures/slow.log"); code != exitUsage ||
		!strings.Contains(errOut, "refused without --confirm-not-production") || !strings.Contains(errOut, "never on the primary") {
		t.Errorf("without --confirm-not-production: exit %d, %q", code, errOut)
	}
	if got := indexes(); !slices.Equal(before, got) {
		t.Fatalf("a refused run changed the indexes")
	}

	args := []string{"analyze", "--dsn", dsn, "--verify=execute", "--confirm-not-production", "--execute-budget", "90s", "../../fixtures/slow.log"}
	code, out, errOut := runCLI(t, "", append(args, "--format", "json")...)
	if code != exitOK {
		t.Fatalf("exit %d:\n%s", code, errOut)
	}
	if !strings.Contains(errOut, `--verify=execute: measuring`) || !strings.Contains(errOut, `every index rolled back`) {
		t.Errorf("stderr does not say what it does: %s", errOut)
	}
	var doc report.Document
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	s := doc.Advice.Execution
	if s == nil || s.Status != "done" || s.Runs == 0 || s.Kept == 0 || s.Rounds != 3 || s.MinGain != 0.1 || s.BudgetExhausted {
		t.Fatalf("execution summary %+v", s)
	}
	if doc.Advice.Verification != nil {
		t.Error("--verify=execute ran the HypoPG check too")
	}
	measured := 0
	for _, r := range doc.Recommendations {
		if r.Kind != "create_index" {
			continue
		}
		e := r.Execution
		if e == nil || (e.Status != "kept" && e.Status != "not_measured") || e.Note == "" || !strings.HasPrefix(e.DDL, "CREATE INDEX "+r.Name()+" ON") {
			t.Errorf("%s: execution %+v", r.Name(), e)
			continue
		}
		measured++
		if e.Status == "kept" {
			ok := false
			for _, q := range e.Queries {
				ok = ok || q.NotMeasured == "" && q.UsesIndex && q.Runs == 3 && q.MSAfter < q.MSBefore
			}
			if !ok || e.MSAfter >= 0.9*e.MSBefore {
				t.Errorf("%s kept without a faster query: %+v", r.Name(), e)
			}
		}
	}
	rejected := 0
	for _, r := range doc.Rejected {
		if r.Execution != nil {
			rejected++
			if r.Execution.Status != "rejected" || !strings.HasPrefix(r.Reason, "Rejected by measured execution") {
				t.Errorf("%s in the rejected list: %s, %q", r.Name(), r.Execution.Status, r.Reason)
			}
		}
	}
	if measured != s.Kept+s.NotMeasured || rejected != s.Rejected || len(s.Pruned) < s.Rejected {
		t.Errorf("%d measured recommendations, %d rejected, summary %+v", measured, rejected, s)
	}
	t.Logf("kept %d, rejected %d, not measured %d, %d runs in %.1f s", s.Kept, s.Rejected, s.NotMeasured, s.Runs, s.ElapsedMS/1000)

	// The other formats show the figures.
	code, text, errOut := runCLI(t, "", args...)
	if testing.Verbose() {
		t.Log(text[strings.Index(text, "Measured execution"):strings.Index(text, "Table access profile")])
	}
	if code != exitOK || !strings.Contains(text, "Measured execution (--verify=execute)") || !strings.Contains(text, "ms without") {
		t.Errorf("text: exit %d, %s", code, errOut)
	}
	if code, md, errOut := runCLI(t, "", append(args, "--format", "markdown")...); code != exitOK || !strings.Contains(md, "### Measured execution") {
		t.Errorf("markdown: exit %d, %s", code, errOut)
	}

	// Nothing stays behind: the same indexes, no session in a transaction.
	if got := indexes(); !slices.Equal(before, got) {
		t.Errorf("indexes before:\n%s\nafter:\n%s", strings.Join(before, "\n"), strings.Join(got, "\n"))
	}
	var open int
	if err := admin.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE datname = 'shop' AND pid <> pg_backend_pid() AND state IS DISTINCT FROM 'idle'").Scan(&open); err != nil || open != 0 {
		t.Errorf("%d other sessions not idle (%v)", open, err)
	}
}

// TestVerifyExecuteFlags checks --verify's values and --verify=execute's
// refusals, which come before any connection is made (the DSN below points
// nowhere).
func TestVerifyExecuteFlags(t *testing.T) {
	const dsn = "postgres://pgadvise@127.0.0.1:1/none?connect_timeout=1"
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"execute without the confirmation", []string{"--dsn", dsn, "--verify=execute"}, "refused without --confirm-not-production"},
		{"the confirmation without execute", []string{"--dsn", dsn, "--confirm-not-production"}, "goes with --verify=execute only"},
		{"the confirmation with --verify", []string{"--dsn", dsn, "--verify", "--confirm-not-production"}, "goes with --verify=execute only"},
		{"execute without --dsn", []string{"--verify=execute", "--confirm-not-production"}, "--verify needs --dsn"},
		{"an unknown value", []string{"--dsn", dsn, "--verify=yes-please"}, "want --verify (the planner's check, read-only) or --verify=execute"},
		{"a space instead of =", []string{"--dsn", dsn, "--verify", "execute"}, "write --verify=execute, with ="},
		{"no budget", []string{"--dsn", dsn, "--verify=execute", "--confirm-not-production", "--execute-budget", "0s"}, "want positive durations"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, "", append(append([]string{"analyze"}, tc.args...), "../../fixtures/workload.sql")...)
			if code != exitUsage || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errOut, exitUsage, tc.want)
			}
		})
	}
}
