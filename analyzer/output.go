package analyzer

// Output: what a query block reads out, aggregates, groups by and sorts by.

import (
	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// targetList records the columns a block reads out and its aggregates.
func (w *walker) targetList(list []*pg_query.Node, sc *scope) {
	for _, t := range list {
		val := t.GetResTarget().GetVal()
		if cr := val.GetColumnRef(); cr != nil {
			fields := cr.GetFields()
			if len(fields) > 0 && fields[len(fields)-1].GetAStar() != nil {
				w.star(fields, sc)
				continue
			}
		}
		w.readExpr(val, sc)
	}
}

// readExpr records what an output expression (a target or HAVING) reads:
// its columns as projected, its aggregates, and its subqueries.
func (w *walker) readExpr(val *pg_query.Node, sc *scope) {
	visit(val, func(x *pg_query.Node) bool {
		switch v := x.GetNode().(type) {
		case *pg_query.Node_SubLink:
			w.subLink(v.SubLink, sc, false)
			return false
		case *pg_query.Node_FuncCall:
			if isAggregate(v.FuncCall) {
				w.aggregate(v.FuncCall, sc)
			}
		case *pg_query.Node_ColumnRef:
			if r, col := w.resolve(fieldNames(v.ColumnRef.GetFields()), sc, true); r != nil && r.access != nil {
				r.access.Projected = appendUnique(r.access.Projected, col)
			}
		}
		return true
	})
}

func (w *walker) star(fields []*pg_query.Node, sc *scope) {
	var rels []*rel
	if len(fields) == 1 {
		rels = sc.rels
	} else if r := sc.byAlias(stringValue(fields[len(fields)-2])); r != nil {
		rels = []*rel{r}
	}
	for len(rels) > 0 {
		r := rels[0]
		rels = rels[1:]
		if r.access != nil {
			r.access.Projected = appendUnique(r.access.Projected, "*")
			continue
		}
		for _, o := range r.outputs {
			o.r.access.Projected = appendUnique(o.r.access.Projected, o.column)
		}
		rels = append(rels, r.star...)
	}
}

func (w *walker) aggregate(f *pg_query.FuncCall, sc *scope) {
	agg := Aggregate{Func: funcName(f.GetFuncname()), Distinct: f.GetAggDistinct()}
	var r *rel
	if f.GetAggStar() || len(f.GetArgs()) == 0 {
		bases := baseRels(sc)
		if len(bases) != 1 {
			return
		}
		r = bases[0]
	} else {
		ref, base, ok := w.target(f.GetArgs()[0], sc)
		if !ok {
			return
		}
		agg.Target, r = ref, base
	}
	r.access.Aggregates = append(r.access.Aggregates, agg)
}

func baseRels(sc *scope) []*rel {
	var out []*rel
	for _, r := range sc.rels {
		if r.access != nil {
			out = append(out, r)
		}
	}
	return out
}

func (w *walker) groupBy(items []*pg_query.Node, sc *scope) {
	for _, g := range items {
		if gs := g.GetGroupingSet(); gs != nil {
			w.groupBy(gs.GetContent(), sc)
			continue
		}
		g = w.outputExpr(g, sc, false)
		if ref, r, ok := w.target(g, sc); ok {
			r.access.GroupBy = append(r.access.GroupBy, ref)
		}
	}
}

// orderBy records the sort on the one table that could deliver it in index
// order; a sort over columns of several tables gives no table an order.
func (w *walker) orderBy(items []*pg_query.Node, sc *scope) {
	if len(items) == 0 {
		return
	}
	var (
		keys  []SortKey
		owner *rel
	)
	for _, it := range items {
		sb := it.GetSortBy()
		if sb == nil {
			return
		}
		ref, r, ok := w.target(w.outputExpr(sb.GetNode(), sc, true), sc)
		if !ok || (owner != nil && r != owner) {
			return
		}
		owner = r
		k := SortKey{Target: ref, Desc: sb.GetSortbyDir() == pg_query.SortByDir_SORTBY_DESC}
		switch sb.GetSortbyNulls() {
		case pg_query.SortByNulls_SORTBY_NULLS_FIRST:
			t := true
			k.NullsFirst = &t
		case pg_query.SortByNulls_SORTBY_NULLS_LAST:
			f := false
			k.NullsFirst = &f
		}
		keys = append(keys, k)
	}
	owner.access.OrderBy = keys
}

// outputExpr maps an ordinal (ORDER BY 2) or an output alias to the target
// list expression it names. ORDER BY prefers output names; GROUP BY prefers
// input columns, as PostgreSQL does.
func (w *walker) outputExpr(n *pg_query.Node, sc *scope, preferOutput bool) *pg_query.Node {
	if c := n.GetAConst(); c != nil {
		if iv, ok := c.GetVal().(*pg_query.A_Const_Ival); ok {
			i := int(iv.Ival.GetIval())
			if i >= 1 && i <= len(sc.targets) {
				return sc.targets[i-1].GetResTarget().GetVal()
			}
		}
		return n
	}
	cr := n.GetColumnRef()
	if cr == nil || len(cr.GetFields()) != 1 {
		return n
	}
	name := stringValue(cr.GetFields()[0])
	if !preferOutput {
		if r, _ := findColumn(sc.rels, name); r != nil {
			return n
		}
	}
	for _, t := range sc.targets {
		if rt := t.GetResTarget(); rt.GetName() == name {
			return rt.GetVal()
		}
	}
	return n
}

// grouped reports whether a query block aggregates or removes duplicates:
// GROUP BY, DISTINCT, or an aggregate in its target list or HAVING.
func grouped(s *pg_query.SelectStmt) bool {
	if len(s.GetGroupClause()) > 0 || len(s.GetDistinctClause()) > 0 || s.GetHavingClause() != nil {
		return true
	}
	agg := false
	for _, t := range s.GetTargetList() {
		visit(t, func(n *pg_query.Node) bool {
			if n.GetSubLink() != nil {
				return false
			}
			if f := n.GetFuncCall(); f != nil && isAggregate(f) {
				agg = true
			}
			return !agg
		})
	}
	return agg
}
