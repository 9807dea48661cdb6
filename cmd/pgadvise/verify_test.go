package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgadvise/pgadvise/internal/pgtest"
	"github.com/pgadvise/pgadvise/report"
)

// TestVerifyBehindLocks runs analyze --dsn --verify while a DDL statement
// holds ACCESS EXCLUSIVE locks (issue 12, part 7). The schema read goes on;
// the planner check reports each query it could not explain, with the
// reason, and costs over the measured queries only ("partial"); when no
// query can be explained, nothing is verified and the exit code says so.
// The error texts quote no value of the samples without --show-values
// (part 4).
func TestVerifyBehindLocks(t *testing.T) {
	c := pgtest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	if err := c.CreateDatabase(ctx, "app"); err != nil {
		t.Fatal(err)
	}
	setup := c.Connect(t, "app")
	if _, err := setup.Exec(ctx, `CREATE EXTENSION hypopg;
		CREATE TABLE orders (id bigint PRIMARY KEY, tenant_id int NOT NULL, total numeric);
		INSERT INTO orders SELECT g, g % 1000, g FROM generate_series(1, 100000) g;
		CREATE TABLE invoices (id bigint PRIMARY KEY, order_id bigint NOT NULL, amount numeric);
		INSERT INTO invoices SELECT g, g, g FROM generate_series(1, 100000) g;
		ANALYZE;`); err != nil {
		t.Skipf("setup (HypoPG installed?): %v", err)
	}
	const secret = "SECRETVALUE-jane.doe@example.com"
	workload := filepath.Join(t.TempDir(), "workload.sql")
	if err := os.WriteFile(workload, []byte(`SELECT id, total FROM orders WHERE tenant_id = 42;
SELECT amount FROM invoices WHERE order_id = 7;
SELECT id FROM invoices WHERE order_id = '`+secret+`';
`), 0o644); err != nil {
		t.Fatal(err)
	}
	ddl := c.Connect(t, "app")
	lock := func(tables string) {
		for _, q := range []string{"BEGIN", "LOCK TABLE " + tables + " IN ACCESS EXCLUSIVE MODE"} {
			if _, err := ddl.Exec(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
	}
	unlock := func() {
		if _, err := ddl.Exec(ctx, "ROLLBACK"); err != nil {
			t.Fatal(err)
		}
	}
	analyze := func(extra ...string) (int, report.Document, string) {
		t.Helper()
		args := append([]string{"analyze", "--dsn", c.DSN("app"), "--verify", "--format", "json", workload}, extra...)
		code, out, errOut := runCLI(t, "", args...)
		var doc report.Document
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatalf("exit %d, %v:\n%s", code, err, errOut)
		}
		return code, doc, out + errOut
	}

	t.Run("one table locked", func(t *testing.T) {
		lock("invoices")
		defer unlock()
		code, doc, all := analyze("--statement-timeout", "1s")
		v := doc.Advice.Verification
		if code != exitOK || v == nil || v.Status != "partial" || v.Measured != 1 || v.LeftOut != 2 || len(v.Unmeasured) != 2 {
			t.Fatalf("exit %d, verification %+v", code, v)
		}
		for _, q := range v.Unmeasured {
			if q.Status != "not_explained" || !strings.Contains(q.Reason, "canceling statement due to statement timeout") {
				t.Errorf("unmeasured %+v, want not_explained for the wait", q)
			}
		}
		if !strings.Contains(all, `table public.invoices: a DDL statement holds or waits for an ACCESS EXCLUSIVE lock`) {
			t.Errorf("the schema read does not report the locked table:\n%s", all)
		}
	})
	t.Run("values hidden", func(t *testing.T) {
		_, _, all := analyze()
		if strings.Contains(all, secret) {
			t.Errorf("the report or stderr shows the sample's value:\n%s", all)
		}
		if !strings.Contains(all, `invalid input syntax for type bigint: \"…\"`) {
			t.Errorf("the error is not reported, redacted:\n%s", all)
		}
		if _, _, all := analyze("--show-values"); !strings.Contains(all, `invalid input syntax for type bigint: \"`+secret) {
			t.Errorf("--show-values: the error does not quote the value:\n%s", all)
		}
	})
	t.Run("every table locked", func(t *testing.T) {
		lock("orders, invoices")
		defer unlock()
		// statement_timeout ends each wait sooner than lock_timeout (5s).
		code, doc, all := analyze("--statement-timeout", "1s")
		v := doc.Advice.Verification
		if code != exitUnverified || v == nil || v.Status != "unavailable" || v.Measured != 0 || v.PlannerCost != 0 {
			t.Errorf("exit %d, verification %+v\n%s", code, v, all)
		}
	})
}
