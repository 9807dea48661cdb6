package catalog

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgadvise/pgadvise/internal/pgtest"
)

// TestReadDDLFileRefuses: a file that is not a plain-text schema, or one
// that creates no relation, is an error that says what the file is and how
// to make a plain schema; before, each was read as an empty schema.
func TestReadDDLFileRefuses(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		content string
		want    []string // substrings of the error
	}{
		{"empty.sql", "", []string{"the file is empty", "pg_dump -s"}},
		{"blank.sql", "\n  \n", []string{"the file is empty"}},
		{"custom.dump", "PGDMP\x01\x0e\x00\x04\x08\x01\x01\x01", []string{"custom format (pg_dump -Fc)", "pg_restore -s -f -"}},
		{"tar.dump", "toc.dat" + strings.Repeat("\x00", 250) + "ustar\x0000" + strings.Repeat("\x00", 100), []string{"tar format (pg_dump -Ft)", "pg_restore -s -f -"}},
		{"ls", "\x7fELF\x02\x01\x01\x00\x00\x00", []string{"a binary file", "pg_dump -s"}},
		{"schema.sql.gz", "\x1f\x8b\x08\x00", []string{"gzip-compressed", "gunzip"}},
		{"stats.json", `{"version": 1, "taken_at": "2026-01-01T00:00:00Z", "tables": []}`, []string{"a pgadvise snapshot", "--stats"}},
		{"report.json", `{"version": 1, "recommendations": []}`, []string{"a pgadvise JSON report", "--baseline"}},
		{"slow.log", "2026-11-25 10:00:00.123 UTC [42] LOG:  duration: 1.0 ms  statement: SELECT 1\n", []string{"a PostgreSQL log", "INPUT"}},
		{"pgss.csv", "userid,dbid,queryid,query,calls,total_exec_time\n", []string{"pg_stat_statements CSV", "INPUT"}},
		{"comments.sql", "-- only a comment\nSET search_path = public;\n", []string{"no table or view in it (1 statement(s))", "pg_dump -s"}},
		{"garbage.sql", "foo bar;\nfoo bar;\nbaz;\n", []string{`3 could not be parsed: syntax error at or near "foo" (lines 1, 2); syntax error at or near "baz" (line 3)`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name)
			if err := os.WriteFile(path, []byte(tc.content), 0o644); err != nil {
				t.Fatal(err)
			}
			_, _, err := ReadDDLFile(path)
			if err == nil {
				t.Fatal("read as a schema, want an error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\nlacks %q", err, w)
				}
			}
		})
	}
}

// TestReadDDLFileFailureSummary: statements that do not parse are listed
// once per message with their lines, not as a Go slice of line numbers.
func TestReadDDLFileFailureSummary(t *testing.T) {
	_, rep, err := ParseDDL("CREATE TABLE t (a int);\nfoo bar;\nfoo bar;\nbaz;\n")
	if err != nil {
		t.Fatal(err)
	}
	want := `syntax error at or near "foo" (lines 2, 3); syntax error at or near "baz" (line 4)`
	if got := rep.FailureSummary(); got != want {
		t.Errorf("FailureSummary() = %q, want %q", got, want)
	}
}

// TestReadDDLFileArchives dumps a real database in pg_dump's custom, tar
// and directory formats: each is refused with how to make a plain schema,
// and the plain pg_dump -s of the same database is read.
func TestReadDDLFileArchives(t *testing.T) {
	c := pgtest.Start(t)
	conn := c.Connect(t, "postgres")
	if _, err := conn.Exec(context.Background(), "CREATE TABLE orders (id int PRIMARY KEY, status text); CREATE INDEX ON orders (status)"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	dump := func(args ...string) string {
		t.Helper()
		out := filepath.Join(dir, strings.Join(args, ""))
		cmd := exec.Command(c.Bin("pg_dump"), append(args, "-s", "-f", out, "postgres")...)
		cmd.Env = append(os.Environ(), c.Env("postgres")...)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("pg_dump %v: %v\n%s", args, err, b)
		}
		return out
	}
	for format, want := range map[string]string{"c": "custom format", "t": "tar format", "d": "directory format"} {
		path := dump("-F" + format)
		_, _, err := ReadDDLFile(path)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "pg_restore -s -f - ") {
			t.Errorf("pg_dump -F%s: error %v, want one naming the %s and pg_restore -s -f -", format, err, want)
		}
	}
	s, _, err := ReadDDLFile(dump("-Fp"))
	if err != nil {
		t.Fatalf("plain pg_dump -s: %v", err)
	}
	if tb := s.Lookup("public", "orders"); tb == nil || len(tb.Indexes) != 2 {
		t.Errorf("plain pg_dump -s: public.orders = %+v, want the table with its 2 indexes", tb)
	}
}
