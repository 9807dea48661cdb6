package analyzer

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pgadvise/pgadvise/catalog"
	pg_query "github.com/pganalyze/pg_query_go/v6"
)

var update = flag.Bool("update", false, "rewrite the expected sections of testdata files")

// TestAccessPatterns runs the cases in testdata/access/*.txt. A file holds a
// schema and cases a DBA can read:
//
//	schema
//	CREATE TABLE ...;
//	----
//	query <name>
//	SELECT ...
//	----
//	<one line per table access, as formatAccess prints it>
//
// A "query" case with no schema before it in the file runs without one.
// `go test ./analyzer -run TestAccessPatterns -update` rewrites the expected
// lines from what the walker produces; review the diff.
func TestAccessPatterns(t *testing.T) {
	files, err := filepath.Glob("testdata/access/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no test files: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) { runAccessFile(t, file) })
	}
}

type accessCase struct {
	directive string // "schema" or "query <name>"
	input     string
	want      string
}

func runAccessFile(t *testing.T, file string) {
	cases := readCases(t, file)
	var schema *catalog.Schema
	for i := range cases {
		c := &cases[i]
		if c.directive == "schema" {
			s, rep, err := catalog.ParseDDL(c.input)
			if err != nil {
				t.Fatalf("schema: %v", err)
			}
			if rep.Failed > 0 {
				t.Fatalf("schema: %d statements failed to parse", rep.Failed)
			}
			schema = s
			continue
		}
		got := describeAccess(t, schema, c.input)
		if *update {
			c.want = got
			continue
		}
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.directive, diff)
		}
	}
	if *update {
		writeCases(t, file, cases)
	}
}

func describeAccess(t *testing.T, schema *catalog.Schema, sql string) string {
	t.Helper()
	tree, err := pg_query.Parse(sql)
	if err != nil {
		t.Fatalf("parse %q: %v", sql, err)
	}
	w := newWalker(schema)
	kind := w.statements(tree)
	var b strings.Builder
	fmt.Fprintf(&b, "kind %s", kind)
	if w.unresolved > 0 {
		fmt.Fprintf(&b, " unresolved=%d", w.unresolved)
	}
	b.WriteString("\n")
	for _, a := range w.accesses {
		b.WriteString(formatAccess(a))
		b.WriteString("\n")
	}
	return b.String()
}

// formatAccess prints an access on one line, compactly enough to read.
func formatAccess(a *TableAccess) string {
	var parts []string
	name := a.Table.String()
	if !a.Known {
		name += "?"
	}
	parts = append(parts, name)
	if a.Read {
		parts = append(parts, "read")
	}
	if a.Write != "" {
		parts = append(parts, string(a.Write))
	}
	if a.Semi {
		parts = append(parts, "semi")
	}
	for _, p := range a.Predicates {
		s := fmt.Sprintf("%s %s", p.Target.Key(), p.Op)
		switch {
		case p.Value != "":
			s += " " + p.Value
		case p.Param:
			s += " $"
		}
		if p.Negated {
			s = "NOT " + s
		}
		if p.InOr {
			s += " (or)"
		}
		parts = append(parts, "where["+s+"]")
	}
	for _, j := range a.Joins {
		parts = append(parts, fmt.Sprintf("join[%s = %s.%s]", j.Column, j.Other, j.OtherColumn))
	}
	if len(a.GroupBy) > 0 {
		var g []string
		for _, x := range a.GroupBy {
			g = append(g, x.Key())
		}
		parts = append(parts, "group["+strings.Join(g, ", ")+"]")
	}
	if len(a.OrderBy) > 0 {
		var o []string
		for _, k := range a.OrderBy {
			s := k.Target.Key()
			if k.Desc {
				s += " desc"
			}
			if k.NullsFirst != nil {
				s += fmt.Sprintf(" nullsfirst=%v", *k.NullsFirst)
			}
			o = append(o, s)
		}
		parts = append(parts, "order["+strings.Join(o, ", ")+"]")
	}
	if a.Limit != 0 {
		parts = append(parts, fmt.Sprintf("limit=%d", a.Limit))
	}
	for _, ag := range a.Aggregates {
		s := ag.Func + "(" + ag.Target.Key()
		if ag.Target.Key() == "" {
			s += "*"
		}
		if ag.Distinct {
			s = ag.Func + "(distinct " + ag.Target.Key()
		}
		parts = append(parts, "agg["+s+")]")
	}
	if len(a.Projected) > 0 {
		parts = append(parts, "cols["+strings.Join(a.Projected, ",")+"]")
	}
	if len(a.Compared) > 0 {
		parts = append(parts, "compared["+strings.Join(a.Compared, ",")+"]")
	}
	if len(a.SetColumns) > 0 {
		parts = append(parts, "set["+strings.Join(a.SetColumns, ",")+"]")
	}
	if len(a.InsertColumns) > 0 {
		parts = append(parts, "insert["+strings.Join(a.InsertColumns, ",")+"]")
	}
	if len(a.ConflictColumns) > 0 {
		parts = append(parts, "conflict["+strings.Join(a.ConflictColumns, ",")+"]")
	}
	return strings.Join(parts, " ")
}

func readCases(t *testing.T, file string) []accessCase {
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var (
		cases []accessCase
		cur   *accessCase
		sect  int // 0 directive, 1 input, 2 want
		buf   strings.Builder
	)
	flush := func() {
		if cur == nil {
			return
		}
		if sect == 1 {
			cur.input = strings.TrimSpace(buf.String())
		} else {
			cur.want = buf.String()
		}
		cases = append(cases, *cur)
		cur = nil
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case cur == nil && (line == "schema" || strings.HasPrefix(line, "query ")):
			cur, sect = &accessCase{directive: line}, 1
			buf.Reset()
		case cur != nil && line == "----":
			if cur.directive == "schema" {
				flush()
				continue
			}
			cur.input = strings.TrimSpace(buf.String())
			buf.Reset()
			sect = 2
		case cur != nil && sect == 2 && line == "":
			flush()
		case cur != nil:
			buf.WriteString(line)
			buf.WriteString("\n")
		}
	}
	flush()
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

func writeCases(t *testing.T, file string, cases []accessCase) {
	var b strings.Builder
	for i, c := range cases {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(c.directive + "\n" + c.input + "\n----\n")
		if c.directive != "schema" {
			b.WriteString(c.want)
		}
	}
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}
