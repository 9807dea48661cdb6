package catalog

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// renderSchema renders a schema and its report as indented JSON, tables by
// name and each table's indexes by name, so that the output is stable.
func renderSchema(t *testing.T, s *Schema, rep *DDLReport) []byte {
	t.Helper()
	tables := s.SortedTables()
	out := make([]Table, len(tables))
	for i, tb := range tables {
		out[i] = *tb
		out[i].Indexes = slices.Clone(tb.Indexes)
		sortIndexes(out[i].Indexes)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(struct {
		Report *DDLReport `json:"report"`
		Tables []Table    `json:"tables"`
	}{rep, out}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func sortIndexes(ixs []Index) {
	slices.SortFunc(ixs, func(a, b Index) int { return strings.Compare(a.Name, b.Name) })
}

// TestGoldenPgDump15 reads a real pg_dump -s of PostgreSQL 15 (made by
// testdata/gen_pg_dump.sh from testdata/pg_dump_15_schema.sql).
func TestGoldenPgDump15(t *testing.T) {
	testGolden(t, "pg_dump_15")
}

func testGolden(t *testing.T, name string) {
	sqlPath := filepath.Join("testdata", name+".sql")
	goldenPath := filepath.Join("testdata", name+".golden.json")
	s, rep, err := ReadDDLFile(sqlPath)
	if err != nil {
		t.Fatal(err)
	}
	got := renderSchema(t, s, rep)
	if *update {
		if err := os.WriteFile(goldenPath, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(goldenPath)
	if err != nil {
		t.Fatalf("%v (run go test ./catalog -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (-want +got):\n%s", sqlPath, cmp.Diff(string(want), string(got)))
	}
}
