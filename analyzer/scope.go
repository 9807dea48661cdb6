package analyzer

// Scopes: the relations each query block's FROM clause introduces, and how a
// column reference resolves to one of them, innermost scope first.

import (
	"sort"
	"strings"

	"github.com/pgadvise/pgadvise/catalog"
	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// rel is a relation in a scope: a base table (access set) or a derived one
// (subquery, CTE, function) whose output columns may map to base columns.
type rel struct {
	alias  string
	access *TableAccess // nil for derived relations
	table  *catalog.Table
	// outputs maps a derived relation's column names to their base origin;
	// star lists the relations whose columns a SELECT * passes through.
	outputs map[string]origin
	star    []*rel
}

// origin is a base relation's column.
type origin struct {
	r      *rel
	column string
}

type scope struct {
	parent  *scope
	rels    []*rel
	ctes    map[string]*scope // CTE name → the scope of its query
	targets []*pg_query.Node  // the block's target list, for ORDER BY aliases and ordinals
}

func (s *scope) cte(name string) (*scope, bool) {
	for ; s != nil; s = s.parent {
		if c, ok := s.ctes[name]; ok {
			return c, true
		}
	}
	return nil, false
}

// rangeVar adds a table (or a reference to a CTE) to the scope.
func (w *walker) rangeVar(rv *pg_query.RangeVar, sc *scope) *rel {
	if rv == nil {
		return &rel{}
	}
	alias := rv.GetRelname()
	if a := rv.GetAlias().GetAliasname(); a != "" {
		alias = a
	}
	if rv.GetSchemaname() == "" {
		if cteScope, ok := sc.cte(rv.GetRelname()); ok {
			r := derivedRel(alias, cteScope, w)
			sc.rels = append(sc.rels, r)
			return r
		}
	}
	name := catalog.QualifiedName{Schema: rv.GetSchemaname(), Name: rv.GetRelname()}
	t := w.schema.Lookup(name.Schema, name.Name)
	if t != nil {
		name = t.Name
	} else if isSystemRelation(name) {
		// Monitoring queries on the catalogs: nothing to advise on.
		r := &rel{alias: alias, outputs: map[string]origin{}}
		sc.rels = append(sc.rels, r)
		return r
	} else if name.Schema == "" {
		name.Schema = "public"
	}
	a := &TableAccess{Table: name, Known: t != nil, Read: true}
	w.accesses = append(w.accesses, a)
	r := &rel{alias: alias, access: a, table: t}
	sc.rels = append(sc.rels, r)
	return r
}

// isSystemRelation reports whether a relation the schema does not know is a
// system catalog or view: pg_catalog and information_schema come first on
// every search path, and pg_stat_statements is an extension's view.
func isSystemRelation(q catalog.QualifiedName) bool {
	switch q.Schema {
	case "pg_catalog", "information_schema":
		return true
	case "", "public":
		return strings.HasPrefix(q.Name, "pg_")
	}
	return false
}

// derivedRel describes a subquery or CTE as a relation whose plain-column
// outputs map back to the base tables they come from, so that a filter on
// the outer query lands on the table the planner will push it down to.
func derivedRel(alias string, inner *scope, w *walker) *rel {
	r := &rel{alias: alias, outputs: map[string]origin{}}
	if inner == nil {
		return r
	}
	for _, t := range inner.targets {
		rt := t.GetResTarget()
		cr := rt.GetVal().GetColumnRef()
		if cr == nil {
			continue
		}
		fields := cr.GetFields()
		if len(fields) > 0 && fields[len(fields)-1].GetAStar() != nil {
			if len(fields) == 1 {
				r.star = append(r.star, inner.rels...)
			} else if x := inner.byAlias(stringValue(fields[0])); x != nil {
				r.star = append(r.star, x)
			}
			continue
		}
		base, col := w.resolve(fieldNames(fields), inner, false)
		if base == nil {
			continue
		}
		name := rt.GetName()
		if name == "" {
			name = col
		}
		r.outputs[name] = origin{base, col}
	}
	return r
}

func (s *scope) byAlias(alias string) *rel {
	for _, r := range s.rels {
		if r.alias == alias {
			return r
		}
	}
	return nil
}

func (w *walker) fromItem(n *pg_query.Node, sc *scope) {
	switch f := n.GetNode().(type) {
	case *pg_query.Node_RangeVar:
		w.rangeVar(f.RangeVar, sc)
	case *pg_query.Node_JoinExpr:
		j := f.JoinExpr
		before := len(sc.rels)
		w.fromItem(j.GetLarg(), sc)
		mid := len(sc.rels)
		w.fromItem(j.GetRarg(), sc)
		left, right := sc.rels[before:mid], sc.rels[mid:]
		for _, u := range j.GetUsingClause() {
			col := stringValue(u)
			l, lc := findColumn(left, col)
			r, rc := findColumn(right, col)
			w.addJoin(l, lc, r, rc)
		}
		w.predicates(j.GetQuals(), sc, predCtx{})
	case *pg_query.Node_RangeSubselect:
		rs := f.RangeSubselect
		inner := w.selectStmt(rs.GetSubquery().GetSelectStmt(), sc)
		sc.rels = append(sc.rels, derivedRel(rs.GetAlias().GetAliasname(), inner, w))
	case *pg_query.Node_RangeFunction:
		w.subqueries(n, sc)
		sc.rels = append(sc.rels, &rel{alias: f.RangeFunction.GetAlias().GetAliasname(), outputs: map[string]origin{}})
	}
}

// findColumn finds which of rels has column col: by the schema when known,
// else the only relation there is.
func findColumn(rels []*rel, col string) (*rel, string) {
	var found *rel
	for _, r := range rels {
		if base, c := r.lookup(col); base != nil {
			if found != nil {
				return nil, ""
			}
			found, col = base, c
		}
	}
	if found == nil && len(rels) == 1 && rels[0].access != nil && rels[0].table == nil {
		return rels[0], col
	}
	return found, col
}

// lookup resolves a column name in this relation to its base relation and
// column, or nil when the relation is known not to have it (or cannot say).
func (r *rel) lookup(col string) (*rel, string) {
	if r.access != nil {
		if r.table != nil && r.table.Column(col) != nil {
			return r, col
		}
		return nil, ""
	}
	if o, ok := r.outputs[col]; ok {
		return o.r, o.column
	}
	for _, s := range r.star {
		if base, c := s.lookup(col); base != nil {
			return base, c
		}
	}
	return nil, ""
}

// resolve finds the base relation and column a column reference names, or
// nil. count says whether a failure counts as unresolved.
func (w *walker) resolve(fields []string, sc *scope, count bool) (*rel, string) {
	switch len(fields) {
	case 0:
		return nil, ""
	case 1:
		col := fields[0]
		for s := sc; s != nil; s = s.parent {
			if r, c := findColumn(s.rels, col); r != nil {
				return r, c
			}
			if len(s.rels) > 0 && w.schema == nil {
				break // without a schema an outer scope cannot be told apart
			}
		}
	default:
		qual, col := fields[len(fields)-2], fields[len(fields)-1]
		for s := sc; s != nil; s = s.parent {
			for _, r := range s.rels {
				if r.alias != qual && !(r.access != nil && r.access.Table.Name == qual && r.alias == r.access.Table.Name) {
					continue
				}
				if r.access != nil {
					return r, col
				}
				if base, c := r.lookup(col); base != nil {
					return base, c
				}
				return nil, "" // a computed column of a subquery
			}
		}
	}
	if count {
		w.unresolved++
	}
	return nil, ""
}

// target reports whether n is a column of one base relation, or an
// expression over columns of exactly one base relation (lower(email),
// created_at::date), and which.
func (w *walker) target(n *pg_query.Node, sc *scope) (ColumnRef, *rel, bool) {
	if n == nil {
		return ColumnRef{}, nil, false
	}
	if cr := n.GetColumnRef(); cr != nil {
		fields := cr.GetFields()
		if len(fields) == 0 || fields[len(fields)-1].GetAStar() != nil {
			return ColumnRef{}, nil, false
		}
		r, col := w.resolve(fieldNames(fields), sc, true)
		if r == nil || r.access == nil {
			return ColumnRef{}, nil, false
		}
		return ColumnRef{Column: col}, r, true
	}
	var (
		r     *rel
		cols  []string
		clean = true
	)
	visit(n, func(x *pg_query.Node) bool {
		switch v := x.GetNode().(type) {
		case *pg_query.Node_SubLink, *pg_query.Node_ParamRef:
			clean = false
		case *pg_query.Node_FuncCall:
			if v.FuncCall.GetOver() != nil || isAggregate(v.FuncCall) {
				clean = false
			}
		case *pg_query.Node_ColumnRef:
			fields := v.ColumnRef.GetFields()
			if len(fields) == 0 || fields[len(fields)-1].GetAStar() != nil {
				clean = false
				return false
			}
			base, col := w.resolve(fieldNames(fields), sc, true)
			if base == nil || base.access == nil || (r != nil && base != r) {
				clean = false
				return false
			}
			r = base
			cols = appendUnique(cols, col)
			return false
		}
		return clean
	})
	if !clean || r == nil {
		return ColumnRef{}, nil, false
	}
	sort.Strings(cols)
	return ColumnRef{Expr: w.deparseExpr(n), Columns: cols}, r, true
}
