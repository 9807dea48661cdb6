package capture

import (
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
