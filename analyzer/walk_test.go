package analyzer

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"
	"github.com/pgadvise/pgadvise/catalog"
	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// TestAccessPatterns runs the cases in testdata/access/*.txt with
// datadriven. A file holds a schema and cases a DBA can read:
//
//	schema
//	CREATE TABLE ...;
//	----
//
//	query <name>
//	SELECT ...
//	----
//	<one line per table access, as formatAccess prints it>
//
// A "query" case with no schema before it in the file runs without one. An
// "aggregate" case prints what a summary table would be built from
// (AggregateQuery) instead of the accesses.
// `go test ./analyzer -run TestAccessPatterns -rewrite` rewrites the
// expected lines from what the walker produces; review the diff.
func TestAccessPatterns(t *testing.T) {
	files, err := filepath.Glob("testdata/access/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no test files: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) { runAccessFile(t, file) })
	}
}

func runAccessFile(t *testing.T, file string) {
	var schema *catalog.Schema
	datadriven.RunTest(t, file, func(t *testing.T, d *datadriven.TestData) string {
		switch d.Cmd {
		case "schema":
			s, rep, err := catalog.ParseDDL(d.Input)
			if err != nil {
				d.Fatalf(t, "schema: %v", err)
			}
			if rep.Failed > 0 {
				d.Fatalf(t, "schema: %d statements failed to parse", rep.Failed)
			}
			schema = s
			return ""
		case "query":
			return describeAccess(t, schema, d.Input)
		case "aggregate":
			return describeAggregate(t, d.Input)
		}
		d.Fatalf(t, "unknown directive %q", d.Cmd)
		return ""
	})
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
	if a.Inequalities > 0 {
		parts = append(parts, fmt.Sprintf("inequalities=%d", a.Inequalities))
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
