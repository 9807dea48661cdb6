package catalog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// FuzzParseDDL checks that ParseDDL never panics or fails, that its counts
// add up, and that every table's indexes name that table.
func FuzzParseDDL(f *testing.F) {
	// The test files' statements as seeds, one paragraph each: the fuzzer
	// minimizes every new interesting input, which takes long on big ones.
	for _, name := range []string{"pg_dump_15.sql", "handwritten.sql"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		for _, para := range strings.Split(string(b), "\n\n") {
			if strings.TrimSpace(para) != "" && !strings.HasPrefix(para, "--") {
				f.Add(para)
			}
		}
	}
	for _, s := range []string{
		"",
		"CREATE TABLE a (x int PRIMARY KEY, y text UNIQUE); CREATE INDEX ON a (lower(y)) WHERE x > 0;",
		"CREATE TABLE p (k int) PARTITION BY LIST (k); CREATE TABLE c PARTITION OF p FOR VALUES IN (1); CREATE INDEX ON p (k);",
		"ALTER TABLE ONLY public.t ADD CONSTRAINT t_pkey PRIMARY KEY (id);",
		"CREATE TABLE a (x int; CREATE TABLE b (y int));",
		"SELECT 'unterminated",
		"CREATE TABLE \"A\" () INHERITS (\"A\"); ALTER TABLE \"A\" ATTACH PARTITION \"A\" DEFAULT;",
		"CREATE TABLE p (k int) PARTITION BY RANGE (k); CREATE TABLE q PARTITION OF p DEFAULT PARTITION BY RANGE (k); ALTER TABLE q ATTACH PARTITION p DEFAULT; CREATE INDEX ON p (k);",
		"CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END; \\connect x\nCREATE VIEW v AS SELECT 1 AS a;",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		s, rep, err := ParseDDL(src)
		if err != nil {
			t.Fatalf("ParseDDL: %v", err)
		}
		if s == nil || rep == nil {
			t.Fatal("nil schema or report")
		}
		if rep.Used+rep.Ignored+rep.Failed != rep.Statements {
			t.Fatalf("counts do not add up: %+v", rep)
		}
		for q, tb := range s.Tables {
			if tb.Name != q {
				t.Fatalf("table %s stored as %s", tb.Name, q)
			}
			for _, ix := range tb.Indexes {
				if ix.Table != tb.Name {
					t.Fatalf("index %s of %s names table %s", ix.Name, tb.Name, ix.Table)
				}
			}
		}
	})
}

// FuzzWithoutConstants: what snapshot --no-values keeps of a query text has
// no string constant left (nor any constant, outside SELECT, INSERT,
// UPDATE, DELETE and MERGE, where type modifiers such as varchar(255) stay).
func FuzzWithoutConstants(f *testing.F) {
	for _, s := range []string{
		"SELECT * FROM users WHERE email = 'jane@example.com' LIMIT 10",
		"SELECT $1::varchar(255), B'101', X'ff', U&'\\0041', E'a\\'b', $$dollar$$, 1.5e3",
		"CREATE TABLE vip AS SELECT * FROM users WHERE email = 'jane@example.com'",
		"CALL notify('jane@example.com')",
		"COPY users TO '/tmp/x.csv'",
		"INSERT INTO t VALUES ('a') ON CONFLICT (id) DO UPDATE SET x = 'y'; SELECT 'b'",
		"EXPLAIN SELECT DATE '2026-01-01'",
		"VACUUM users",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		out, ok := withoutConstants(q)
		if !ok {
			return
		}
		scan, err := pg_query.Scan(out)
		if err != nil {
			t.Fatalf("%q kept as %q, which does not scan: %v", q, out, err)
		}
		for _, tok := range scan.GetTokens() {
			switch tok.GetToken() {
			case pg_query.Token_SCONST, pg_query.Token_USCONST, pg_query.Token_BCONST, pg_query.Token_XCONST:
				t.Fatalf("%q kept as %q, with a constant at %d", q, out, tok.GetStart())
			}
		}
	})
}
