package capture

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

// fuzzRead reads data in format and checks what must hold whatever the bytes:
// no panic, no error, every statement valid UTF-8 and within
// MaxStatementBytes, line numbers within the input, and no more records
// (statements and skips) than perRecord allows.
func fuzzRead(t *testing.T, data []byte, format Format, maxRecords func(st *Stats) int64) {
	n := 0
	st, err := Read(bytes.NewReader(data), "fuzz", format, func(s *Statement) error {
		n++
		if !utf8.Valid(s.Query) || !utf8.Valid(s.Params) {
			t.Fatalf("statement not UTF-8: %q, %q", s.Query, s.Params)
		}
		if len(s.Query) > MaxStatementBytes || len(s.Params) > MaxStatementBytes {
			t.Fatalf("statement of %d bytes, parameters of %d", len(s.Query), len(s.Params))
		}
		if s.Line < 1 || !ValidCount(s.Calls) || !ValidMS(s.TotalMS) || !ValidMS(s.MaxMS) || !ValidCount(s.Rows) {
			t.Fatalf("bad statement %+v", s)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	checkStats(t, st, n)
	if total, max := st.Statements+st.SkippedTotal(), maxRecords(st); total > max {
		t.Fatalf("%d statements + %d skipped > %d (lines %d, bytes %d)", st.Statements, st.SkippedTotal(), max, st.Lines, st.Bytes)
	}
}

// Each record takes at least one line; a gzip stream can add a skip.
func perLine(st *Stats) int64 { return st.Lines + 1 }

// A jsonlog line can carry a stderr record of several lines.
func perByte(st *Stats) int64 { return st.Bytes + 1 }

func addSeeds(f *testing.F, seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	// Every seed cut at a few places, and gzipped.
	for _, s := range seeds {
		if len(s) > 10 {
			f.Add([]byte(s[:len(s)/2]))
			f.Add([]byte(s[:len(s)-3]))
		}
	}
	var b bytes.Buffer
	for _, s := range seeds {
		b.WriteString(s)
	}
	f.Add(gzipped(f, b.String()))
}

func FuzzReadStderr(f *testing.F) {
	addSeeds(f,
		"",
		sampleLog,
		string(genStderrLog(3000)),
		lines(
			pT+"LOG:  duration: 1 ms  statement: CREATE ROLE app LOGIN PASSWORD 'x'",
			pT+"LOG:  statement: ALTER SYSTEM SET work_mem = '1GB'",
		),
		lines(
			pT+"LOG:  duration: 12.5 ms  statement: SELECT a,",
			"\t\tb",
			"\tFROM t",
			pQ+"LOG:  duration: 0.2 ms  bind S_1: SELECT $1",
			pQ+"DETAIL:  parameters: $1 = 'multi",
			"\tline'",
			pRDS+"LOG:  00000: statement: SELECT 1",
			pRDS+"LOG:  duration: 1 ms",
			pHero+"ERROR:  boom",
			pHero+"STATEMENT:  SELECT 1/0",
			pM+"LOG:  execute <unnamed>: SELECT $1",
			pM2+"LOG:  duration: 3.651 ms  plan:",
			"\tQuery Text: SELECT 1",
			pM+"DETAIL:  parameters: $1 = '1'",
			"Mar 14 00:23:00 db1 postgres[4821]: [20-2] #011FROM t",
			"garbage \xff\xfe",
		),
		"\tcontinuation first\n"+pM+"STATEMENT:  x\n",
		pM+"LOG:  duration: 1e308 ms  statement: x\r\n"+pM+"LOG:  duration: NaN ms  statement: y",
	)
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, data, FormatStderr, perLine)
	})
}

func FuzzReadCSVLog(f *testing.F) {
	addSeeds(f,
		csvRow(26, 5142, "LOG", "duration: 0.942 ms  statement: SELECT 1", "", ""),
		csvRow(23, 1, "LOG", "duration: 2 ms  statement: SELECT \"a\",\n  'b, c'\nFROM t", "", "")+
			csvRow(24, 2, "LOG", "duration: 3 ms  execute S_1: SELECT $1", "parameters: $1 = 'multi\nline'", ""),
		csvRow(26, 8, "LOG", "statement: SELECT 1/0", "", "")+csvRow(26, 8, "ERROR", "division by zero", "", "SELECT 1/0"),
		"a,b,c\n2024-03-11,\"bad\"quote,LOG\nbare\"quote,x\n\n"+csvRow(22, 1, "LOG", "duration: 2 ms  statement: SELECT 2", "", ""),
		`2024-03-11 20:41:43.123 UTC,"app`+"\n"+csvRow(26, 1, "LOG", "duration: 1 ms  statement: SELECT 2", "", ""),
		string(genCSVLog(2000)),
	)
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, data, FormatCSVLog, perLine)
	})
}

func FuzzReadJSONLog(f *testing.F) {
	addSeeds(f,
		jsonRow(5142, "LOG", "duration: 0.942 ms  statement: SELECT 1\nFROM t", "", "")+
			jsonRow(5142, "LOG", "duration: 2.5 ms  execute <unnamed>: SELECT $1", "parameters: $1 = 'a'", "")+
			jsonRow(5142, "ERROR", "division by zero", "", "SELECT 1/0"),
		`{"pid":"77","error_severity":"LOG","message":"duration: 1 ms  statement: SELECT 1"}`+"\n{not json\n",
		`{"textPayload":`+jsonString(pM+"LOG:  duration: 1.5 ms  execute <unnamed>: SELECT $1\n\tFROM t")+"}\n"+
			`{"textPayload":`+jsonString(pM+"DETAIL:  parameters: $1 = '5'")+"}\n",
		`{"record":{"process_id":"5142","error_severity":"LOG","message":"statement: SELECT 1"}}`+"\n",
	)
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, data, FormatJSONLog, perByte)
	})
}

func FuzzReadPGSS(f *testing.F) {
	addSeeds(f,
		"userid,dbid,queryid,query,calls,total_exec_time,max_exec_time,rows\n10,1,2,\"SELECT 1\nFROM t\",3,4.5,2,3\n",
		"query,calls,total_time\nSELECT 1,0,0\n<insufficient privilege>,1,1\nSELECT 2,x,1\n",
		"query,calls\n\"a,1\nSELECT \"1,2\nb,2\n",
		"query,calls,total_exec_time,max_exec_time,rows\nSELECT 1,9223372036854775807,1e308,1e308,9223372036854775807\nSELECT 1,1,NaN,-Inf,-1\n",
		"query,calls\n\"CREATE ROLE app PASSWORD 'x'\",1\n\"COPY t TO PROGRAM 'cat'\",2\n",
	)
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, data, FormatPGSS, perLine)
	})
}

// FuzzReadAuto covers detection and the sql reader too.
func FuzzReadAuto(f *testing.F) {
	addSeeds(f,
		sampleLog,
		csvRow(26, 1, "LOG", "duration: 1 ms  statement: SELECT 1", "", ""),
		jsonRow(1, "LOG", "duration: 1 ms  statement: SELECT 1", "", ""),
		"query,calls\nSELECT 1,2\n",
		"SELECT 1; SELECT 'a;b'; SELECT $$x$$;\n\\set x 1\nCOPY t FROM stdin;\n1\n\\.\nSELECT 'oops",
		"SELECT 1x; SELECT \"\"; SELECT 2",
	)
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, data, FormatAuto, perByte)
	})
}

func FuzzParseParams(f *testing.F) {
	f.Add([]byte(`$1 = 'a''b', $2 = NULL, $3 = '42'`), "x", "")
	f.Add([]byte("$1 = 'x, $2 = y', $2 = 'multi\nline'"), "it's", "a\nb, $3 = 'c'")
	f.Add([]byte(`$2 = 'b', $1 = 'a', $5 = NULL`), "''", "NULL")
	f.Add([]byte(`$1 = 'a', $2 = 'unclosed`), "", "é")
	f.Fuzz(func(t *testing.T, text []byte, a, b string) {
		vals := ParseParams(text)
		if len(vals) > maxParams {
			t.Fatalf("%d values", len(vals))
		}
		for _, v := range vals {
			if v != "NULL" && !strings.Contains(string(text), v) {
				t.Fatalf("value %q is not in the text", v)
			}
		}
		// What PostgreSQL writes comes back value for value.
		quote := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
		in := "$1 = " + quote(a) + ", $2 = NULL, $3 = " + quote(b)
		got := ParseParams([]byte(in))
		if want := []string{quote(a), "NULL", quote(b)}; strings.Join(got, "\x00") != strings.Join(want, "\x00") || len(got) != 3 {
			t.Fatalf("ParseParams(%q) = %q, want %q", in, got, want)
		}
	})
}

// FuzzHoldsSecret: whatever text comes before it, an ALTER SYSTEM after a
// line break and a semicolon is found, either by the parser or because the
// text does not parse (when unsure, redact); and nothing panics.
func FuzzHoldsSecret(f *testing.F) {
	for _, s := range []string{
		"SELECT 1", "SELECT 'a", "SELECT $$x", "/* open", "-- comment", "CREATE ROLE x PASSWORD 'y'",
		"COPY t FROM STDIN", "DO $f$ BEGIN END $f$", "SELECT * FROM options", "E'\\'", "U&'\\0041'",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		HoldsSecret([]byte(q))
		if !HoldsSecret([]byte(q + "\n;ALTER SYSTEM SET work_mem = '1GB'")) {
			t.Fatalf("missed the ALTER SYSTEM after %q", q)
		}
	})
}
