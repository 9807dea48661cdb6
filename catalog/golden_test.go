package catalog

import (
	"bytes"
	"encoding/json"
	"flag"
	"github.com/pgadvise/pgadvise/internal/golden"
	"path/filepath"
	"slices"
	"strings"
	"testing"
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
	golden.Check(t, goldenPath, string(renderSchema(t, s, rep)), *update)
}
