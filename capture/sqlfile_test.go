package capture

import (
	"bufio"
	"fmt"
	"strings"
	"testing"
)

func TestReadSQL(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want result
	}{
		{
			name: "statements, comments, quoted semicolons, dollar quotes",
			in: lines(
				"-- the report queries",
				"SELECT * FROM orders WHERE id = 1;",
				"",
				"SELECT 'a;b'",
				"  FROM t;  SELECT $$x;y$$;",
				"/* block */ UPDATE t SET a = 1 WHERE b = 2;",
				"CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;",
				"SELECT 3 -- no semicolon at the end",
			),
			want: result{Stmts: []stmt{
				untimed(1, "-- the report queries\nSELECT * FROM orders WHERE id = 1"),
				untimed(4, "SELECT 'a;b'\n  FROM t"),
				untimed(5, "SELECT $$x;y$$"),
				untimed(6, "/* block */ UPDATE t SET a = 1 WHERE b = 2"),
				untimed(7, "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql"),
				untimed(8, "SELECT 3 -- no semicolon at the end"),
			}},
		},
		{
			name: "psql meta-commands and COPY data are not SQL",
			in: lines(
				`\set ON_ERROR_STOP on`,
				`\connect shop`,
				"SELECT 1;",
				"COPY public.t (a, b) FROM stdin;",
				"1\tx;y",
				"2\t'z",
				`\.`,
				`  \timing`,
				"SELECT 2;",
			),
			want: result{Stmts: []stmt{
				untimed(3, "SELECT 1"),
				untimed(4, "COPY public.t (a, b) FROM stdin"),
				untimed(9, "SELECT 2"),
			}},
		},
		{
			name: "invalid UTF-8 and NUL bytes drop their statement",
			in: lines(
				"SELECT 'caf\xe9';",
				"SELECT 1;",
				"SELECT 'a\x00b';",
				"SELECT 2,",
				"  '\xff';",
				"SELECT 3;",
			),
			want: result{
				Stmts:   []stmt{untimed(2, "SELECT 1"), untimed(6, "SELECT 3")},
				Skipped: map[Reason]int64{ReasonInvalidUTF8: 2, ReasonGarbage: 1},
			},
		},
		{
			name: "a scanner error: what comes before and after it is kept",
			in: lines(
				"SELECT 1;",
				"SELECT 1abc FROM t;",
				"SELECT 2;",
			),
			want: result{
				Stmts:   []stmt{untimed(1, "SELECT 1"), untimed(3, "SELECT 2")},
				Skipped: map[Reason]int64{ReasonBadRecord: 1},
			},
		},
		{
			name: "an unterminated string: reading goes on after the next semicolon",
			in: lines(
				"SELECT 'é', 1;",
				"SELECT 'oops;",
				"SELECT 2;",
			),
			want: result{
				Stmts:   []stmt{untimed(1, "SELECT 'é', 1"), untimed(3, "SELECT 2")},
				Skipped: map[Reason]int64{ReasonBadRecord: 1},
			},
		},
		{
			name: "an unterminated string at the end",
			in:   "SELECT 1;\nSELECT 'oops\n",
			want: result{
				Stmts:   []stmt{untimed(1, "SELECT 1")},
				Skipped: map[Reason]int64{ReasonBadRecord: 1},
			},
		},
		{
			name: "unbalanced parentheses drop their statement, counted, not the rest",
			in: lines(
				"SELECT 1;",
				"SELECT 2);",
				"SELECT 3;",
				"SELECT (4;6);",
				"SELECT (5;",
				"SELECT 7;",
			),
			want: result{
				Stmts:   []stmt{untimed(1, "SELECT 1"), untimed(3, "SELECT 3"), untimed(4, "SELECT (4;6)"), untimed(6, "SELECT 7")},
				Skipped: map[Reason]int64{ReasonBadRecord: 2},
			},
		},
		{
			name: "only comments and blanks",
			in:   "-- nothing\n\n/* here */\n",
			want: result{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := readString(t, tt.in, FormatSQL)
			diff(t, got, tt.want)
		})
	}
}

func TestReadSQLTooLong(t *testing.T) {
	long := "SELECT '" + strings.Repeat("x", MaxStatementBytes) + "'"
	got, _ := readString(t, long+";\nSELECT 1;\n", FormatSQL)
	diff(t, got, result{
		Stmts:   []stmt{untimed(2, "SELECT 1")},
		Skipped: map[Reason]int64{ReasonTooLong: 1},
	})
}

// sqlRead reads text as a .sql input split in chunks of chunk bytes.
func sqlRead(t testing.TB, text string, chunk int) (result, *Stats) {
	t.Helper()
	var res result
	st := &Stats{}
	e := newEngine(st, func(s *Statement) error {
		res.Stmts = append(res.Stmts, toStmt(s))
		return nil
	})
	if err := readSQLChunks(bufio.NewReaderSize(strings.NewReader(text), 4096), e, chunk); err != nil {
		t.Fatal(err)
	}
	res.Skipped = skipCounts(st)
	return res, st
}

// TestReadSQLStreams: statements are the same whatever the chunks the input
// is split in, over many chunks; the line numbers run on.
func TestReadSQLStreams(t *testing.T) {
	var b strings.Builder
	var want []stmt
	for i := 0; b.Len() < 2*sqlChunk+1000; i++ {
		line := int64(strings.Count(b.String(), "\n") + 1)
		q := fmt.Sprintf("SELECT %d, 'a;b', $$;$$ /* ; /* ; */ */ FROM t -- ;\nWHERE x = E'\\';'", i)
		want = append(want, untimed(line, q))
		b.WriteString(q + ";\n")
	}
	for _, chunk := range []int{4096, sqlChunk} {
		got, _ := sqlRead(t, b.String(), chunk)
		diff(t, got, result{Stmts: want})
	}
	prefix := b.String()[:64<<10]
	prefix = prefix[:strings.LastIndex(prefix, ";\n")+2]
	got, _ := sqlRead(t, prefix, 1) // a statement a chunk
	if len(got.Stmts) < 100 {
		t.Fatalf("%d statements in 64 KiB", len(got.Stmts))
	}
	diff(t, got, result{Stmts: want[:len(got.Stmts)]})
}

// TestReadSQLUnterminated: an unterminated string at the start of a large
// input is not a reason to hold it all, nor to lose what follows: past
// maxSQLPending the text is split as it is, and reading recovers.
func TestReadSQLUnterminated(t *testing.T) {
	var b strings.Builder
	b.WriteString("SELECT 'oops;\n")
	n := 0
	for b.Len() < maxSQLPending+maxSQLPending/4 {
		b.WriteString("SELECT 1 FROM t WHERE a = 2;\n")
		n++
	}
	got, st := sqlRead(t, b.String(), sqlChunk)
	if len(got.Stmts) < n-2 || st.Skipped[ReasonBadRecord] == nil {
		t.Fatalf("%d of %d statements, skipped %v", len(got.Stmts), n, got.Skipped)
	}
}

// TestReadSQLLongLine: a line longer than maxSQLPending is counted as too
// long, not held, and reading goes on.
func TestReadSQLLongLine(t *testing.T) {
	text := "SELECT 1;\nSELECT '" + strings.Repeat("x", maxSQLPending) + "';\nSELECT 2;\n"
	got, _ := sqlRead(t, text, sqlChunk)
	diff(t, got, result{
		Stmts:   []stmt{untimed(1, "SELECT 1"), untimed(3, "SELECT 2")},
		Skipped: map[Reason]int64{ReasonTooLong: 1},
	})
}

// FuzzReadSQLChunks: splitting a .sql input in chunks gives the statements
// splitting it whole gives, wherever the input is clean enough for the
// scanner to split it without error.
func FuzzReadSQLChunks(f *testing.F) {
	for _, s := range []string{
		"SELECT 1; SELECT 'a;b';\nSELECT $$;$$;\n",
		"SELECT E'\\';'; SELECT \"a;\"\"b\";\n-- ;\nSELECT 2 /* ; /* ; */ */;",
		"CREATE FUNCTION f() RETURNS int AS $f$ SELECT 1; $f$ LANGUAGE sql;\nSELECT $1; SELECT x$y$z;",
		"COPY t FROM stdin;\n1;2\n\\.\nSELECT 1;\n\\set x 1\nSELECT 2;",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		whole, wst := sqlRead(t, text, 1<<30)
		if len(wst.Skipped) > 0 {
			return // the scanner's error recovery may restart elsewhere
		}
		for _, chunk := range []int{1, 64} {
			got, _ := sqlRead(t, text, chunk)
			if fmt.Sprint(got) != fmt.Sprint(whole) {
				t.Fatalf("chunks of %d: %v\nwhole: %v", chunk, got, whole)
			}
		}
	})
}
