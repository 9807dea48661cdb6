package catalog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
