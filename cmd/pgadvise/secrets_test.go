package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pgadvise/pgadvise/internal/pgtest"
)

// TestSnapshotLeaks: a snapshot never holds a password typed into a
// utility statement (in any mode), and with --no-values no value of the
// data: not the e-mail addresses pg_stats keeps as most common values and
// histogram bounds, nor those in utility statements PostgreSQL does not
// normalize. analyze --dsn shows no password either.
func TestSnapshotLeaks(t *testing.T) {
	c := pgtest.Start(t, pgtest.WithPGStatStatements(), pgtest.WithSetting("autovacuum", "off"))
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	if err := c.CreateDatabase(ctx, "leak"); err != nil {
		t.Fatal(err)
	}
	conn := c.Connect(t, "leak")
	secrets := []string{"Sup3rS3cretPW", "An0therS3cret", "s3cretPr0gram", "t0kenValue", "Ma9pingPW", "Subscr1ptionPW"}
	for _, q := range []string{
		"CREATE EXTENSION pg_stat_statements",
		"CREATE EXTENSION postgres_fdw",
		"CREATE TABLE customers (id int PRIMARY KEY, email text NOT NULL, status text NOT NULL)",
		// A most common value, and a histogram of distinct addresses.
		`INSERT INTO customers SELECT i, CASE WHEN i % 10 = 0 THEN 'vip@example.com' ELSE 'user' || i || '@example.com' END,
			CASE WHEN i % 3 = 0 THEN 'active' ELSE 'closed' END FROM generate_series(1, 5000) i`,
		"ANALYZE customers",
		"SELECT pg_stat_statements_reset()",
		"CREATE ROLE leaky LOGIN PASSWORD 'Sup3rS3cretPW'",
		"ALTER ROLE leaky WITH ENCRYPTED PASSWORD 'An0therS3cret'",
		"COPY (SELECT 1) TO PROGRAM 'cat > /dev/null # s3cretPr0gram'",
		"SET app.api_token = 't0kenValue'",
		"CREATE SERVER remote FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'localhost', dbname 'leak')",
		"CREATE USER MAPPING FOR leaky SERVER remote OPTIONS (user 'leaky', password 'Ma9pingPW')",
		"DO $$ BEGIN PERFORM 'Subscr1ptionPW credential'; END $$",
		"SELECT id FROM customers WHERE email = 'user42@example.com'",
		"CREATE TABLE vip AS SELECT * FROM customers WHERE email = 'user77@example.com'",
	} {
		if _, err := conn.Exec(ctx, q, pgx.QueryExecModeSimpleProtocol); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for range 20 {
		if _, err := conn.Exec(ctx, "SELECT id, status FROM customers WHERE email = $1", "user5@example.com"); err != nil {
			t.Fatal(err)
		}
	}
	dsn := c.DSN("leak")
	dir := t.TempDir()
	read := func(path string) string {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	noSecret := func(t *testing.T, what, text string) {
		t.Helper()
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("%s holds the secret %q", what, s)
			}
		}
	}

	t.Run("snapshot", func(t *testing.T) {
		path := filepath.Join(dir, "values.json")
		code, _, errOut := runCLI(t, "", "snapshot", "--dsn", dsn, "--workload", "-o", path)
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		snap := read(path)
		noSecret(t, "the snapshot", snap+errOut)
		if !strings.Contains(errOut, "secret_redacted") {
			t.Errorf("stderr does not say statements were redacted:\n%s", errOut)
		}
		// The values are there without --no-values (the test can fail).
		if !strings.Contains(snap, "vip@example.com") || !strings.Contains(snap, "WHERE email = $1") {
			t.Errorf("the snapshot lacks the values or the workload it should hold")
		}
		code, out, errOut := runCLI(t, "", "analyze", "--stats", path, "--format", "json", "--show-values")
		if code != exitOK {
			t.Fatalf("analyze --stats: exit %d: %s", code, errOut)
		}
		noSecret(t, "analyze --stats", out+errOut)
	})

	t.Run("snapshot --no-values", func(t *testing.T) {
		path := filepath.Join(dir, "novalues.json")
		code, _, errOut := runCLI(t, "", "snapshot", "--dsn", dsn, "--workload", "--no-values", "-o", path)
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		snap := read(path)
		noSecret(t, "the snapshot", snap+errOut)
		for _, value := range []string{"@example.com", `"active"`, `"closed"`, "histogram_bounds", "most_common"} {
			if strings.Contains(snap, value) {
				t.Errorf("the --no-values snapshot holds %q", value)
			}
		}
		if !strings.Contains(snap, `"n_distinct"`) || !strings.Contains(snap, "WHERE email = $1") {
			t.Errorf("the --no-values snapshot lost its statistics or workload:\n%s", snap)
		}
		if !strings.Contains(errOut, "left out 1 workload statement") {
			t.Errorf("stderr does not say the CREATE TABLE AS was left out:\n%s", errOut)
		}
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("snapshot mode %v", fi.Mode())
		}
	})

	t.Run("analyze --dsn", func(t *testing.T) {
		code, out, errOut := runCLI(t, "", "analyze", "--dsn", dsn, "--format", "json", "--show-values")
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		noSecret(t, "the report", out+errOut)
		code, out, errOut = runCLI(t, "", "analyze", "--dsn", dsn, "--top", "100")
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		noSecret(t, "the text report", out+errOut)
	})
}
