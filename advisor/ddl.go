package advisor

import (
	"fmt"
	"hash/fnv"
	"sort"
	"strings"

	"github.com/pgadvise/pgadvise/analyzer"
	"github.com/pgadvise/pgadvise/catalog"
)

// maxIdentifier is PostgreSQL's NAMEDATALEN - 1.
const maxIdentifier = 63

// indexName is a readable, deterministic name in PostgreSQL's own style
// (table_col1_col2_idx), shortened with a hash when over 63 bytes.
func (ix *indexModel) indexName() string {
	if ix.name != "" {
		return ix.name
	}
	parts := []string{ix.t.name.Name}
	for _, k := range ix.keys {
		parts = append(parts, nameWord(k.key))
		if k.desc {
			parts = append(parts, "desc")
		}
	}
	if len(ix.include) > 0 {
		parts = append(parts, "incl")
		for _, c := range ix.include {
			parts = append(parts, nameWord(c))
		}
	}
	if len(ix.predicate) > 0 {
		parts = append(parts, "where")
		for _, p := range ix.predicate {
			parts = append(parts, nameWord(refKey(p.Target)))
			switch {
			case p.Op == analyzer.OpIsNotNull:
				// Not the name of its IS NULL twin.
				parts = append(parts, "not_null")
			case p.Op == analyzer.OpEq && !carriesValue(p):
				parts = append(parts, nameWord(strings.Trim(p.Value, "'")))
			}
		}
		// A constant of the workload (a tenant id, an e-mail address)
		// never goes into a name, which ends up in pg_indexes, logs and
		// monitoring: a short hash of the predicate stands for it.
		if ix.containsLiteral() {
			h := fnv.New32a()
			h.Write([]byte(predicateKey(ix.predicate)))
			parts = append(parts, fmt.Sprintf("%08x", h.Sum32()))
		}
	}
	switch ix.method {
	case "gin", "brin", "hash":
		parts = append(parts, ix.method)
	}
	parts = append(parts, "idx")
	name := strings.Join(parts, "_")
	for strings.Contains(name, "__") {
		name = strings.ReplaceAll(name, "__", "_")
	}
	if len(name) > maxIdentifier {
		h := fnv.New32a()
		h.Write([]byte(ix.signature()))
		suffix := fmt.Sprintf("_%08x_idx", h.Sum32())
		name = strings.TrimRight(name[:maxIdentifier-len(suffix)], "_") + suffix
	}
	return name
}

// carriesValue reports whether a predicate compares with a constant that
// tells something about the data: anything but IS [NOT] NULL and the
// booleans true and false, which a column's type already says it holds.
func carriesValue(p analyzer.Predicate) bool {
	switch p.Op {
	case analyzer.OpIsNull, analyzer.OpIsNotNull:
		return false
	}
	if p.Value == "" {
		return false
	}
	switch strings.ToLower(strings.Trim(p.Value, "'")) {
	case "true", "false":
		return false
	}
	return true
}

// containsLiteral reports whether the index's predicate holds a constant
// from the workload (see carriesValue): its DDL then shows a value of the
// data.
func (ix *indexModel) containsLiteral() bool {
	if ix.existing != nil {
		return false // the schema's own definition, not the workload's
	}
	for _, p := range ix.predicate {
		if carriesValue(p) {
			return true
		}
	}
	return false
}

// predicateText renders the partial-index predicate for a reason: as its
// SQL with showValues, otherwise with each constant of the workload as
// "…" (the DDL still has it).
func (ix *indexModel) predicateText(showValues bool) string {
	if showValues || !ix.containsLiteral() {
		return ix.predText
	}
	var parts []string
	for _, p := range ix.predicate {
		target := quoteKey(p.Target)
		switch {
		case p.Op == analyzer.OpIsNull:
			parts = append(parts, target+" IS NULL")
		case p.Op == analyzer.OpIsNotNull:
			parts = append(parts, target+" IS NOT NULL")
		case p.Op == analyzer.OpIn:
			parts = append(parts, target+" IN (…)")
		case !carriesValue(p):
			parts = append(parts, target+" = "+p.Value)
		default:
			parts = append(parts, target+" = …")
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, " AND ")
}

// nameWord turns a column or expression into a lower-case name fragment.
func nameWord(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return strings.Trim(b.String(), "_")
}

// createDDL is the CREATE INDEX statement for a candidate.
func (ix *indexModel) createDDL(name string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE INDEX CONCURRENTLY IF NOT EXISTS %s ON %s", catalog.QuoteIdent(name), ix.t.name)
	if ix.method != "btree" {
		b.WriteString(" USING " + ix.method)
	}
	b.WriteString(" (")
	for i, k := range ix.keys {
		if i > 0 {
			b.WriteString(", ")
		}
		if k.column != "" {
			b.WriteString(catalog.QuoteIdent(k.column))
		} else {
			b.WriteString("(" + k.expr + ")")
		}
		if i == 0 && ix.opclass != "" {
			b.WriteString(" " + ix.opclass)
		}
		if k.desc {
			b.WriteString(" DESC")
		}
	}
	b.WriteString(")")
	if len(ix.include) > 0 {
		quoted := make([]string, len(ix.include))
		for i, c := range ix.include {
			quoted[i] = catalog.QuoteIdent(c)
		}
		b.WriteString(" INCLUDE (" + strings.Join(quoted, ", ") + ")")
	}
	if ix.predText != "" {
		b.WriteString(" WHERE " + ix.predText)
	}
	b.WriteString(";")
	return b.String()
}

// dropDDL is the DROP INDEX statement for an existing index.
func dropDDL(t catalog.QualifiedName, name string) string {
	return fmt.Sprintf("DROP INDEX CONCURRENTLY IF EXISTS %s;", catalog.QualifiedName{Schema: t.Schema, Name: name})
}

// quoteKey renders a predicate's target as SQL.
func quoteKey(r analyzer.ColumnRef) string {
	if r.Expr != "" {
		return "(" + r.Expr + ")"
	}
	return catalog.QuoteIdent(r.Column)
}
