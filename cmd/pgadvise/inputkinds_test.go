package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgadvise/pgadvise/catalog"
	"github.com/pgadvise/pgadvise/internal/pgtest"
)

// TestInputKinds gives each of pgadvise's input files to each flag: the
// right one is read, a wrong one is an error (exit 1) that says what the
// file is and where it belongs. Before, a snapshot given as --baseline was
// an empty baseline (exit 0), and a report given as --stats failed on a
// table without a name.
func TestInputKinds(t *testing.T) {
	dir := t.TempDir()
	schema, _, err := catalog.ReadDDLFile("../../fixtures/schema.sql")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := catalog.WriteSnapshot(&buf, catalog.NewSnapshot(schema, nil)); err != nil {
		t.Fatal(err)
	}
	snapshot := filepath.Join(dir, "stats.json")
	if err := os.WriteFile(snapshot, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	rep := filepath.Join(dir, "report.json")
	if code, _, errOut := runCLI(t, "", "analyze", "--schema", "../../fixtures/schema.sql", "--format", "json", "-o", rep, "../../fixtures/slow.log"); code != exitOK {
		t.Fatalf("report: exit %d: %s", code, errOut)
	}
	empty := filepath.Join(dir, "empty.sql")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	const (
		schemaFile = "../../fixtures/schema.sql"
		log        = "../../fixtures/slow.log"
	)
	tests := []struct {
		name string
		args []string
		want string // in stderr; "" when the run must succeed
	}{
		{"right files", []string{"analyze", "--stats", snapshot, "--baseline", rep, log}, ""},
		{"snapshot as baseline", []string{"analyze", "--schema", schemaFile, "--baseline", snapshot, log},
			"stats.json: this is a pgadvise snapshot, not a JSON report (pgadvise analyze --format json); give it as --stats"},
		{"report as stats", []string{"analyze", "--stats", rep, log},
			"report.json: this is a pgadvise JSON report, not a snapshot (pgadvise snapshot -o FILE); a report holds no schema or statistics"},
		{"schema as stats", []string{"analyze", "--stats", schemaFile, log},
			"schema.sql: this is text, not a snapshot (pgadvise snapshot -o FILE); make one with pgadvise snapshot --dsn URL -o FILE; a SQL schema goes to --schema"},
		{"log as baseline", []string{"analyze", "--schema", schemaFile, "--baseline", log, log},
			"slow.log: this is a PostgreSQL log, not a JSON report (pgadvise analyze --format json); give it as INPUT"},
		{"snapshot as schema", []string{"analyze", "--schema", snapshot, log},
			"stats.json: this is a pgadvise snapshot, not a schema (DDL as pg_dump -s prints it); give it as --stats"},
		{"report as schema", []string{"analyze", "--schema", rep, log},
			"report.json: this is a pgadvise JSON report, not a schema"},
		{"snapshot as input", []string{"analyze", "--schema", schemaFile, snapshot},
			"stats.json: this is a pgadvise snapshot, not a workload (a log, a pg_stat_statements CSV or a .sql file); give it as --stats"},
		{"report as input", []string{"analyze", "--schema", schemaFile, rep},
			"report.json: this is a pgadvise JSON report, not a workload (a log, a pg_stat_statements CSV or a .sql file); give it as --baseline"},
		{"report as migrate input", []string{"migrate", "--tool", "sql", "--dir", t.TempDir(), "--schema", schemaFile, rep},
			"report.json: this is a pgadvise JSON report, not a workload"},
		{"empty schema", []string{"analyze", "--schema", empty, log}, "the file is empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, "", tc.args...)
			if tc.want == "" {
				if code != exitOK {
					t.Errorf("exit %d: %s", code, errOut)
				}
				return
			}
			if code != exitError || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr %q\nwant exit %d and %q", code, errOut, exitError, tc.want)
			}
			if n := strings.Count(errOut, "\n"); n != 1 {
				t.Errorf("%d lines on stderr, want the one error", n)
			}
		})
	}
}

// TestConnectErrorPrintedOnce: a failed connection is one line on stderr
// with the reason that matters, not pgx's TLS fallback before it.
func TestConnectErrorPrintedOnce(t *testing.T) {
	c := pgtest.Start(t, pgtest.WithTCP())
	for _, cmd := range [][]string{
		{"analyze", "--dsn", fmt.Sprintf("host=127.0.0.1 port=%d user=nobody dbname=postgres", c.Port())},
		{"snapshot", "--dsn", fmt.Sprintf("host=127.0.0.1 port=%d user=nobody dbname=postgres", c.Port()), "-o", filepath.Join(t.TempDir(), "s.json")},
	} {
		code, _, errOut := runCLI(t, "", cmd...)
		if code != exitError {
			t.Errorf("%s: exit %d, want %d", cmd[0], code, exitError)
		}
		if strings.Count(errOut, "\n") != 1 || strings.Count(errOut, `role "nobody" does not exist`) != 1 || strings.Contains(errOut, "TLS") {
			t.Errorf("%s: stderr %q, want one line saying the role does not exist", cmd[0], errOut)
		}
	}
}
