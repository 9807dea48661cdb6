package capture

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// csvRow writes a csvlog record of n fields (23: PostgreSQL 12, 24: 13, 26:
// 14 and later) the way PostgreSQL quotes them.
func csvRow(n int, pid int, severity, message, detail, query string) string {
	q := func(s string) string {
		if s == "" {
			return ""
		}
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	f := []string{
		"2024-03-11 20:41:43.123 UTC", q("app"), q("shop"), strconv.Itoa(pid), q("10.0.0.1:51234"),
		"65ef5b17.1416", "3", q("SELECT"), "2024-03-11 20:41:40 UTC", "3/12", "0",
		severity, "00000", q(message), q(detail), "", "", "", "", q(query), "", "", q("psql"),
		q("client backend"), "", "-3950827362337399283",
	}
	return strings.Join(f[:n], ",") + "\n"
}

func TestReadCSVLog(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want result
	}{
		{
			name: "PostgreSQL 14: simple and extended protocol",
			in: csvRow(26, 5142, "LOG", "duration: 0.942 ms  statement: SELECT 1", "", "") +
				csvRow(26, 5142, "LOG", "duration: 1.163 ms  parse <unnamed>: SELECT * FROM t WHERE a = $1", "", "") +
				csvRow(26, 5142, "LOG", "duration: 0.2 ms  bind <unnamed>: SELECT * FROM t WHERE a = $1", "parameters: $1 = 'x'", "") +
				csvRow(26, 5142, "LOG", "duration: 778.166 ms  execute <unnamed>: SELECT * FROM t WHERE a = $1", "parameters: $1 = 'x'", ""),
			want: result{
				Stmts: []stmt{
					timed(1, 0.942, "SELECT 1"),
					timedP(4, 778.166, "SELECT * FROM t WHERE a = $1", "$1 = 'x'"),
				},
				Skipped: map[Reason]int64{ReasonProtocolStep: 2},
			},
		},
		{
			name: "PostgreSQL 12 and 13 columns; multi-line fields with quotes",
			in: csvRow(23, 1, "LOG", "duration: 2 ms  statement: SELECT \"a\",\n  'b, c'\nFROM t", "", "") +
				csvRow(24, 2, "LOG", "duration: 3 ms  execute S_1: SELECT $1", "parameters: $1 = 'multi\nline, \"q\"'", ""),
			want: result{Stmts: []stmt{
				timed(1, 2, "SELECT \"a\",\n  'b, c'\nFROM t"),
				timedP(4, 3, "SELECT $1", "$1 = 'multi\nline, \"q\"'"),
			}},
		},
		{
			name: "failed statements and log_statement = all",
			in: csvRow(26, 7, "ERROR", "relation \"nope\" does not exist", "", "SELECT * FROM nope") +
				csvRow(26, 8, "LOG", "statement: SELECT 1/0", "", "") +
				csvRow(26, 9, "LOG", "statement: SELECT 2", "", "") +
				csvRow(26, 8, "ERROR", "division by zero", "", "SELECT 1/0") +
				csvRow(26, 9, "LOG", "duration: 0.5 ms", "", ""),
			want: result{
				Stmts:   []stmt{timed(3, 0.5, "SELECT 2")},
				Skipped: map[Reason]int64{ReasonFailed: 2},
			},
		},
		{
			name: "noise, auto_explain and bad values",
			in: csvRow(26, 0, "LOG", "checkpoint starting: time", "", "") +
				csvRow(26, 1, "LOG", "duration: 3.6 ms  plan:\nQuery Text: SELECT 1\nResult", "", "") +
				csvRow(26, 1, "LOG", "duration: x ms  statement: SELECT 1", "", "") +
				csvRow(26, 1, "WARNING", "something", "", "") +
				csvRow(26, 1, "SEVERE", "not a level", "", ""),
			want: result{Skipped: map[Reason]int64{
				ReasonOtherMessage: 2, ReasonAutoExplain: 1, ReasonBadValue: 1, ReasonBadRecord: 1,
			}},
		},
		{
			name: "wrong field counts and csv errors, then reading goes on",
			in: "a,b,c\n" +
				csvRow(26, 1, "LOG", "duration: 1 ms  statement: SELECT 1", "", "") +
				strings.TrimSuffix(csvRow(26, 1, "LOG", "x", "", ""), "\n") + ",extra\n" +
				"2024-03-11,\"bad\"quote,LOG\n" +
				"bare\"quote,x\n" +
				"\n" +
				csvRow(22, 1, "LOG", "duration: 2 ms  statement: SELECT 2", "", ""),
			want: result{
				Stmts:   []stmt{timed(2, 1, "SELECT 1"), timed(7, 2, "SELECT 2")},
				Skipped: map[Reason]int64{ReasonBadRecord: 4},
			},
		},
		{
			name: "input ends inside a quoted field",
			in: csvRow(26, 1, "LOG", "duration: 1 ms  statement: SELECT 1", "", "") +
				`2024-03-11 20:41:43.123 UTC,"app","shop",1,"x",1,1,"SELECT",2024,3/1,0,LOG,00000,"duration: 2 ms  statement: SELECT 'abc` + "\n\tdef",
			want: result{
				Stmts:   []stmt{timed(1, 1, "SELECT 1")},
				Skipped: map[Reason]int64{ReasonTruncated: 1},
			},
		},
		{
			name: "last record without a newline",
			in:   strings.TrimSuffix(csvRow(26, 1, "LOG", "duration: 1 ms  statement: SELECT 1", "", ""), "\n"),
			want: result{Stmts: []stmt{timed(1, 1, "SELECT 1")}},
		},
		{
			name: "CRLF",
			in:   strings.ReplaceAll(csvRow(26, 1, "LOG", "duration: 1 ms  statement: SELECT 1", "", ""), "\n", "\r\n"),
			want: result{Stmts: []stmt{timed(1, 1, "SELECT 1")}},
		},
		{
			name: "invalid UTF-8 in the statement",
			in: csvRow(26, 1, "LOG", "duration: 1 ms  statement: SELECT '\xff'", "", "") +
				csvRow(26, 1, "LOG", "duration: 1 ms  execute S_1: SELECT $1", "parameters: $1 = '\xfe'", ""),
			want: result{Skipped: map[Reason]int64{ReasonInvalidUTF8: 2}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := readString(t, tt.in, FormatCSVLog)
			diff(t, got, tt.want)
		})
	}
}

func TestReadCSVLogTooLong(t *testing.T) {
	long := strings.Repeat("x", MaxStatementBytes)
	in := csvRow(26, 1, "LOG", "duration: 1 ms  statement: "+long+"y", "", "") +
		csvRow(26, 1, "LOG", "duration: 1 ms  statement: "+long, "", "") +
		csvRow(26, 1, "LOG", "duration: 1 ms  statement: SELECT "+long+long+long, "", "") +
		csvRow(26, 1, "LOG", "duration: 2 ms  statement: SELECT 2", "", "")
	got, _ := readString(t, in, FormatCSVLog)
	want := result{
		Stmts:   []stmt{timed(2, 1, long), timed(4, 2, "SELECT 2")},
		Skipped: map[Reason]int64{ReasonTooLong: 2},
	}
	diff(t, got, want)
}

// TestReadCSVLogUnclosedQuote checks that a quote that never closes does not
// make the reader hold the rest of the input, and that it reads the records
// after it once the quote is known to be stray.
func TestReadCSVLogUnclosedQuote(t *testing.T) {
	row := csvRow(26, 1, "LOG", "duration: 1 ms  statement: SELECT 2", "", "")
	tests := []struct {
		name  string
		bad   string // the line with the stray quote
		after int    // bytes of good rows after it
		want  map[Reason]int64
	}{
		{"stray quote, then csvRecordMax bytes of rows", `2024-03-11 20:41:43.123 UTC,"app` + "\n", csvRecordMax + 100000, map[Reason]int64{ReasonBadRecord: 1}},
		{"stray quote, then a few rows", `2024-03-11 20:41:43.123 UTC,"app` + "\n", 1000, map[Reason]int64{ReasonBadRecord: 1}},
		{"stray quote and no record start after it", `x,"app` + "\n" + strings.Repeat("y\n", csvRecordMax), 0, map[Reason]int64{ReasonTruncated: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			b.WriteString(csvRow(26, 1, "LOG", "duration: 1 ms  statement: SELECT 1", "", ""))
			b.WriteString(tt.bad)
			rows := 0
			for b.Len() < tt.after {
				b.WriteString(row)
				rows++
			}
			got, st := readString(t, b.String(), FormatCSVLog)
			// Up to csvRecordMax bytes after the quote are lost when it is
			// found stray only then.
			if lost := csvRecordMax/len(row) + 1; len(got.Stmts) < 1+rows-lost {
				t.Errorf("got %d statements, want at least %d", len(got.Stmts), 1+rows-lost)
			}
			if d := cmp.Diff(got.Skipped, tt.want); d != "" {
				t.Errorf("skipped (-got +want):\n%s", d)
			}
			for r, c := range st.Skipped {
				if c.FirstLines[0] != 2 {
					t.Errorf("%s first at line %d, want 2", r, c.FirstLines[0])
				}
			}
		})
	}
}
