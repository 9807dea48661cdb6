package capture

import (
	"strings"
	"testing"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		name     string
		head     string
		filename string
		want     Format
	}{
		{"stderr %m [%p]", lines(pM + "LOG:  duration: 1 ms  statement: SELECT 1"), "postgresql.log", FormatStderr},
		{"stderr after noise", lines("some banner", "", pRDS+"LOG:  checkpoint starting: time"), "x", FormatStderr},
		{"stderr verbose", lines(pHero + "LOG:  00000: duration: 1 ms"), "x", FormatStderr},
		{"stderr starting with a continuation", lines("\tFROM t", pT+"ERROR:  boom"), "x", FormatStderr},
		{"csvlog PG 14", csvRow(26, 1, "LOG", "duration: 1 ms  statement: SELECT 1", "", ""), "postgresql.csv", FormatCSVLog},
		{"csvlog PG 12", csvRow(23, 1, "ERROR", "x", "", "SELECT 1"), "x", FormatCSVLog},
		{"csvlog with a multi-line first record", csvRow(26, 1, "LOG", "duration: 1 ms  statement: SELECT\n1", "", ""), "x", FormatCSVLog},
		{"csvlog cut inside the head", csvRow(26, 1, "LOG", "a", "", "") + `2024-03-11,"unfinished`, "x", FormatCSVLog},
		{"jsonlog", jsonRow(1, "LOG", "duration: 1 ms  statement: SELECT 1", "", ""), "x.json", FormatJSONLog},
		{"jsonlog after blank lines", "\n  \n" + `{"textPayload":"x"}`, "x", FormatJSONLog},
		{"pgss", "userid,dbid,queryid,query,calls,total_time\n10,1,2,SELECT 1,3,4\n", "pgss.csv", FormatPGSS},
		{"pgss quoted header", `"query","calls"` + "\n", "x", FormatPGSS},
		{"sql", "SELECT * FROM t WHERE a = 1;\n", "x", FormatSQL},
		{"sql by name wins", lines(pM + "LOG:  duration: 1 ms  statement: SELECT 1"), "queries.SQL", FormatSQL},
		{"sql by name, gzipped", "x", "dump.sql.gz", FormatSQL},
		{"plain CSV is not csvlog", "a,b,c\n1,2,3\n", "x.csv", FormatSQL},
		{"a query column alone is not pgss", "query,total_time\n", "x", FormatSQL},
		{"empty", "", "x", FormatSQL},
		{"BOM then jsonlog", "\ufeff{}", "x", FormatJSONLog},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Detect([]byte(tt.head), tt.filename); got != tt.want {
				t.Errorf("Detect(%q, %q) = %q, want %q", tt.head, tt.filename, got, tt.want)
			}
		})
	}
}

// TestReadAuto checks that Read detects the format and records it.
func TestReadAuto(t *testing.T) {
	tests := []struct {
		in   string
		want Format
	}{
		{lines(pM + "LOG:  duration: 1 ms  statement: SELECT 1"), FormatStderr},
		{csvRow(26, 1, "LOG", "duration: 1 ms  statement: SELECT 1", "", ""), FormatCSVLog},
		{jsonRow(1, "LOG", "duration: 1 ms  statement: SELECT 1", "", ""), FormatJSONLog},
		{"query,calls,total_exec_time\nSELECT 1,1,1\n", FormatPGSS},
		{"SELECT 1;\n", FormatSQL},
	}
	for _, tt := range tests {
		got, st := readString(t, tt.in, FormatAuto)
		if st.Format != tt.want || len(got.Stmts) != 1 || got.Stmts[0].Query != "SELECT 1" {
			t.Errorf("%q: format %q, statements %+v; want %q and SELECT 1", tt.in, st.Format, got.Stmts, tt.want)
		}
	}
}

func TestParseFormat(t *testing.T) {
	for _, s := range []string{"auto", "stderr", "csvlog", "jsonlog", "pgss", "sql"} {
		f, err := ParseFormat(s)
		if err != nil || string(f) != s {
			t.Errorf("ParseFormat(%q) = %q, %v", s, f, err)
		}
	}
	if f, err := ParseFormat(" CSVLog "); err != nil || f != FormatCSVLog {
		t.Errorf("ParseFormat(CSVLog) = %q, %v", f, err)
	}
	if f, err := ParseFormat(""); err != nil || f != FormatAuto {
		t.Errorf("ParseFormat(\"\") = %q, %v", f, err)
	}
	if _, err := ParseFormat("xml"); err == nil || !strings.Contains(err.Error(), "xml") {
		t.Errorf("ParseFormat(xml) error = %v", err)
	}
}

// TestFormats checks the list of formats: each named once, with a reader,
// tried once by Detect, and only the last of Detect's order taking any
// input.
func TestFormats(t *testing.T) {
	seen := map[Format]bool{}
	for _, f := range formats {
		if f.format == "" || f.format == FormatAuto || f.read == nil || seen[f.format] {
			t.Errorf("format %q: want a name of its own and a reader", f.format)
		}
		seen[f.format] = true
		if got, err := ParseFormat(strings.ToUpper(string(f.format))); err != nil || got != f.format {
			t.Errorf("ParseFormat(%q) = %q, %v", f.format, got, err)
		}
	}
	if len(detectOrder) != len(formats) {
		t.Fatalf("Detect tries %d formats of %d", len(detectOrder), len(formats))
	}
	for i, f := range detectOrder {
		if !seen[f.format] {
			t.Errorf("Detect tries %q, which is not listed", f.format)
		}
		delete(seen, f.format)
		if (f.sniff == nil) != (i == len(detectOrder)-1) {
			t.Errorf("format %q at %d of Detect's order: only the last may take any input", f.format, i)
		}
	}
	if _, err := ParseFormat("syslog"); err == nil || !strings.Contains(err.Error(), "(want auto, stderr, csvlog, jsonlog, pgss or sql)") {
		t.Errorf("ParseFormat(syslog): %v", err)
	}
}
