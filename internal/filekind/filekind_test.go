package filekind

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		head string
		want Kind
	}{
		{"", Empty},
		{" \n\t", Empty},
		{"PGDMP\x01\x0e", PgDumpCustom},
		{"toc.dat" + strings.Repeat("\x00", 250) + "ustar\x0000", PgDumpTar},
		{"\x1f\x8b\x08\x00", Gzip},
		{"\x7fELF\x02\x01\x01\x00", Binary},
		{strings.Repeat("\xff\xfe\xfd", 100), Binary},
		{"CREATE TABLE t (a int);", Text},
		{"-- pg_dump\nSET statement_timeout = 0;\n", Text},
		{`{"version": 1, "taken_at": "2026-01-01T00:00:00Z"}`, Snapshot},
		{"{\n  \"version\": 1,\n  \"input\": {\"files\": []", Report}, // cut off
		{`{"version": 1, "recommendations": []}`, Report},
		{`{"timestamp":"2026-11-25 10:00:00.123 UTC","pid":1,"message":"duration: 1 ms"}`, JSON},
		{`{"taken_at": "x"}`, JSON}, // no version
		{"2026-11-25 10:00:00.123 UTC [42] LOG:  duration: 1.0 ms  statement: SELECT 1\n", Log},
		{"2026-11-25 10:00:00.123 UTC,\"app\",\"shop\",42,...\n", Log}, // csvlog
		{"userid,dbid,queryid,query,calls,total_exec_time\n1,2,3,SELECT 1,4,5\n", PgssCSV},
		{"\"query\",\"calls\"\n", PgssCSV},
	}
	for _, tc := range tests {
		if got := Detect([]byte(tc.head)); got != tc.want {
			t.Errorf("Detect(%.40q) = %v, want %v", tc.head, got, tc.want)
		}
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		kind Kind
		role Role
		want string // "" for accepted
	}{
		{Text, SchemaRole, ""},
		{Snapshot, StatsRole, ""},
		{JSON, StatsRole, ""},
		{Report, BaselineRole, ""},
		{Log, WorkloadRole, ""},
		{Binary, WorkloadRole, ""}, // garbage lines are counted by the readers
		{Gzip, WorkloadRole, ""},
		{Snapshot, BaselineRole, "f: this is a pgadvise snapshot, not a JSON report (pgadvise analyze --format json); give it as --stats"},
		{Report, StatsRole, "f: this is a pgadvise JSON report, not a snapshot (pgadvise snapshot -o FILE); a report holds no schema or statistics; give it as --baseline, and the schema as --schema or --stats"},
		{Snapshot, WorkloadRole, "f: this is a pgadvise snapshot, not a workload (a log, a pg_stat_statements CSV or a .sql file); give it as --stats"},
		{Report, WorkloadRole, "f: this is a pgadvise JSON report, not a workload (a log, a pg_stat_statements CSV or a .sql file); give it as --baseline"},
		{Text, StatsRole, "f: this is text, not a snapshot (pgadvise snapshot -o FILE); make one with pgadvise snapshot --dsn URL -o FILE; a SQL schema goes to --schema"},
		{Empty, BaselineRole, "f: the file is empty; want a JSON report (pgadvise analyze --format json); make one with pgadvise analyze --format json -o FILE"},
		{PgDumpDirectory, SchemaRole, "f: this is a pg_dump archive in the directory format (pg_dump -Fd), not a schema (DDL as pg_dump -s prints it); make a plain-text schema with pg_dump -s (without -F), or from this archive with pg_restore -s -f - f > schema.sql"},
	}
	for _, tc := range tests {
		err := Check("f", tc.kind, tc.role)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("Check(%v, %v) = %q\nwant %q", tc.kind, tc.role, got, tc.want)
		}
	}
}

func TestDetectFileDirectory(t *testing.T) {
	dir := t.TempDir()
	if _, err := DetectFile(dir); err == nil {
		t.Error("a directory without toc.dat: no error")
	}
	if err := os.WriteFile(filepath.Join(dir, "toc.dat"), []byte("PGDMP"), 0o644); err != nil {
		t.Fatal(err)
	}
	if k, err := DetectFile(dir); err != nil || k != PgDumpDirectory {
		t.Errorf("DetectFile(pg_dump -Fd directory) = %v, %v", k, err)
	}
}

// FuzzDetect: any head gives a kind, without panicking.
func FuzzDetect(f *testing.F) {
	f.Add([]byte(`{"version": 1, "taken_at": "x"}`))
	f.Add([]byte("PGDMP"))
	f.Add([]byte("query,calls\n"))
	f.Fuzz(func(t *testing.T, head []byte) {
		if k := Detect(head); k.String() == "" {
			t.Errorf("Detect(%q) = kind %d without a name", head, k)
		}
	})
}
