package analyzer

// Predicates: the conditions of WHERE and JOIN ... ON on each table's
// columns, the joins between tables, and columns compared with other
// columns.

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pgadvise/pgadvise/catalog"
	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// predCtx is where a predicate sits in its boolean expression.
type predCtx struct {
	inOr, negated bool
}

// predicates walks a WHERE/ON/HAVING-like boolean expression.
func (w *walker) predicates(n *pg_query.Node, sc *scope, ctx predCtx) {
	if n == nil {
		return
	}
	switch e := n.GetNode().(type) {
	case *pg_query.Node_BoolExpr:
		inner := ctx
		switch e.BoolExpr.GetBoolop() {
		case pg_query.BoolExprType_OR_EXPR:
			inner.inOr = true
			if !ctx.inOr && !ctx.negated {
				w.orOfArms(e.BoolExpr.GetArgs(), sc, inner)
				return
			}
		case pg_query.BoolExprType_NOT_EXPR:
			inner.negated = !inner.negated
		}
		for _, arg := range e.BoolExpr.GetArgs() {
			w.predicates(arg, sc, inner)
		}
		return
	case *pg_query.Node_AExpr:
		w.aExpr(e.AExpr, sc, ctx)
	case *pg_query.Node_NullTest:
		op := OpIsNull
		if (e.NullTest.GetNulltesttype() == pg_query.NullTestType_IS_NOT_NULL) != ctx.negated {
			op = OpIsNotNull
		}
		if ref, r, ok := w.target(e.NullTest.GetArg(), sc); ok {
			w.addPredicate(r, Predicate{Target: ref, Op: op, Value: "NULL", InOr: ctx.inOr})
		}
	case *pg_query.Node_BooleanTest:
		val, neg := "true", ctx.negated
		switch e.BooleanTest.GetBooltesttype() {
		case pg_query.BoolTestType_IS_FALSE, pg_query.BoolTestType_IS_NOT_TRUE:
			val = "false"
		}
		switch e.BooleanTest.GetBooltesttype() {
		case pg_query.BoolTestType_IS_NOT_TRUE, pg_query.BoolTestType_IS_NOT_FALSE:
			neg = !neg
		}
		if ref, r, ok := w.target(e.BooleanTest.GetArg(), sc); ok {
			w.addPredicate(r, Predicate{Target: ref, Op: OpEq, Operator: "=", Value: val, Negated: neg, InOr: ctx.inOr})
		}
	case *pg_query.Node_ColumnRef:
		// WHERE active / WHERE NOT active: a boolean column.
		if ref, r, ok := w.target(n, sc); ok {
			val := "true"
			if ctx.negated {
				val = "false"
			}
			w.addPredicate(r, Predicate{Target: ref, Op: OpEq, Operator: "=", Value: val, InOr: ctx.inOr})
		}
	case *pg_query.Node_SubLink:
		w.subLink(e.SubLink, sc, ctx.negated)
		return
	}
	w.subqueries(n, sc)
}

// aExpr classifies one operator expression.
func (w *walker) aExpr(e *pg_query.A_Expr, sc *scope, ctx predCtx) {
	name := operatorName(e.GetName())
	lhs, rhs := e.GetLexpr(), e.GetRexpr()
	switch e.GetKind() {
	case pg_query.A_Expr_Kind_AEXPR_OP, pg_query.A_Expr_Kind_AEXPR_NOT_DISTINCT:
		if e.GetKind() == pg_query.A_Expr_Kind_AEXPR_NOT_DISTINCT {
			name = "="
		}
		if lr, rr := lhs.GetRowExpr(), rhs.GetRowExpr(); lr != nil && rr != nil && len(lr.GetArgs()) == len(rr.GetArgs()) {
			// (a, b) > ($1, $2): keyset pagination; each column is a range.
			for i := range lr.GetArgs() {
				w.comparison(name, lr.GetArgs()[i], rr.GetArgs()[i], sc, ctx)
			}
			return
		}
		w.comparison(name, lhs, rhs, sc, ctx)
	case pg_query.A_Expr_Kind_AEXPR_OP_ANY:
		op := OpOther
		if name == "=" {
			op = OpIn
		}
		w.simple(lhs, rhs, op, name, sc, ctx)
	case pg_query.A_Expr_Kind_AEXPR_IN:
		op := OpIn
		if name == "<>" {
			op = OpNotEq
		}
		w.simple(lhs, rhs, op, name, sc, ctx)
	case pg_query.A_Expr_Kind_AEXPR_LIKE, pg_query.A_Expr_Kind_AEXPR_ILIKE, pg_query.A_Expr_Kind_AEXPR_SIMILAR:
		op := OpLike
		if name == "~~" && !ctx.negated {
			if v := likePrefix(rhs); v != "" {
				op = OpLikePrefix
			}
		}
		if strings.HasPrefix(name, "!") {
			op = OpOther
		}
		w.simple(lhs, rhs, op, name, sc, ctx)
	case pg_query.A_Expr_Kind_AEXPR_BETWEEN, pg_query.A_Expr_Kind_AEXPR_BETWEEN_SYM:
		w.simple(lhs, rhs, OpBetween, "BETWEEN", sc, ctx)
	case pg_query.A_Expr_Kind_AEXPR_NOT_BETWEEN, pg_query.A_Expr_Kind_AEXPR_NOT_BETWEEN_SYM:
		w.simple(lhs, rhs, OpOther, "NOT BETWEEN", sc, ctx)
	case pg_query.A_Expr_Kind_AEXPR_DISTINCT:
		w.simple(lhs, rhs, OpNotEq, "IS DISTINCT FROM", sc, ctx)
	}
}

// comparison handles "x <op> y" where either side may be the column.
func (w *walker) comparison(name string, lhs, rhs *pg_query.Node, sc *scope, ctx predCtx) {
	lref, lrel, lok := w.target(lhs, sc)
	rref, rrel, rok := w.target(rhs, sc)
	switch {
	case lok && rok:
		if name == "=" && lrel != rrel && !ctx.negated && lref.Expr == "" && rref.Expr == "" {
			w.addJoin(lrel, lref.Column, rrel, rref.Column)
			return
		}
		// l_commitdate < l_receiptdate: no index finds the rows, but every
		// row read must carry both columns.
		w.addCompared(lrel, lref)
		w.addCompared(rrel, rref)
		switch name {
		case "<", "<=", ">", ">=":
			if lrel == rrel && lrel != nil && lrel.access != nil && !ctx.inOr && !ctx.negated {
				lrel.access.Inequalities++
			}
		}
	case lok && isValue(rhs):
		w.addPredicate(lrel, w.predicate(lref, name, rhs, ctx))
	case rok && isValue(lhs):
		w.addPredicate(rrel, w.predicate(rref, commute(name), lhs, ctx))
	}
}

// simple handles operators whose left side is the column (IN, LIKE, BETWEEN, ANY).
func (w *walker) simple(lhs, rhs *pg_query.Node, op Op, name string, sc *scope, ctx predCtx) {
	ref, r, ok := w.target(lhs, sc)
	if !ok || !isValue(rhs) {
		return
	}
	p := w.predicate(ref, name, rhs, ctx)
	p.Op = op
	if ctx.negated && op != OpOther {
		p.Negated = true
	}
	w.addPredicate(r, p)
}

func (w *walker) predicate(ref ColumnRef, name string, value *pg_query.Node, ctx predCtx) Predicate {
	p := Predicate{Target: ref, Operator: name, Op: operatorKind(name), Negated: ctx.negated, InOr: ctx.inOr}
	p.Value, p.Param = constantText(value)
	if p.Param {
		p.params = paramNumbers(value)
	} else if p.Value == "" {
		if off, ok := relativeToNow(value); ok {
			p.FromNow = &off // now() - interval '7 days'
		} else {
			p.Sample = foldConstant(value) // date '1998-12-01' - interval '90' day
		}
	}
	if p.Value != "" && w.literalAt != nil {
		visit(value, func(x *pg_query.Node) bool {
			if c := x.GetAConst(); c != nil {
				loc := c.GetLocation()
				// A negative number's location is its minus sign.
				for _, at := range []int32{loc, loc + 1} {
					if i, ok := w.literalAt[at]; ok {
						p.lits = append(p.lits, i)
						break
					}
				}
			}
			return true
		})
	}
	return p
}

func operatorKind(name string) Op {
	switch name {
	case "=":
		return OpEq
	case "<>", "!=":
		return OpNotEq
	case "<", "<=", ">", ">=":
		return OpRange
	case "~~", "~~*", "~", "~*":
		return OpLike
	case "@>", "<@":
		return OpJSONContain
	case "?", "?|", "?&":
		return OpJSONExists
	case "&&":
		return OpArrayOverlap
	case "@@":
		return OpFullText
	}
	return OpOther
}

func commute(name string) string {
	switch name {
	case "<":
		return ">"
	case ">":
		return "<"
	case "<=":
		return ">="
	case ">=":
		return "<="
	case "@>":
		return "<@"
	case "<@":
		return "@>"
	}
	return name
}

// addPredicate records p on r's table, adjusting containment operators on
// columns the schema says are arrays.
// orOfArms walks the arms of a top-level OR and, as PostgreSQL's
// extract_restriction_or_clauses does, keeps for each table what every arm
// asks of it: where each arm pins one column of a table to values
// ((a.x = 1 AND b.y = 2) OR (a.x = 3 AND b.y = 4)), the table is filtered
// by x IN (1, 3) whatever the other arms' conditions, which estimates its
// rows and can be served by an index on x.
func (w *walker) orOfArms(arms []*pg_query.Node, sc *scope, ctx predCtx) {
	type armPreds map[*TableAccess][]Predicate
	var perArm []armPreds
	for _, arm := range arms {
		before := map[*TableAccess]int{}
		for _, a := range w.accesses {
			before[a] = len(a.Predicates)
		}
		w.predicates(arm, sc, ctx)
		got := armPreds{}
		for a, n := range before {
			if len(a.Predicates) > n {
				got[a] = a.Predicates[n:]
			}
		}
		perArm = append(perArm, got)
	}
	if len(perArm) < 2 {
		return
	}
	for _, a := range w.accesses {
		for _, col := range pinnedColumns(perArm[0][a]) {
			var values []string
			var lits []int
			constant := true
			for _, arm := range perArm {
				p, ok := pinned(arm[a], col)
				if !ok {
					values = nil
					break
				}
				if p.Value == "" {
					constant = false
				}
				values = append(values, strings.TrimSuffix(strings.TrimPrefix(p.Value, "("), ")"))
				lits = append(lits, p.lits...)
			}
			if values == nil {
				continue
			}
			d := Predicate{Target: ColumnRef{Column: col}, Op: OpIn, Operator: "IN", lits: lits}
			if constant {
				d.Value = "(" + strings.Join(values, ", ") + ")"
			} else {
				d.Param = true
			}
			a.Predicates = append(a.Predicates, d)
		}
	}
}

// pinnedColumns lists the plain columns an arm's predicates pin with = or
// IN.
func pinnedColumns(ps []Predicate) []string {
	var cols []string
	for _, p := range ps {
		if pins(p) && !slices.Contains(cols, p.Target.Column) {
			cols = append(cols, p.Target.Column)
		}
	}
	return cols
}

// pinned returns the predicate that pins col with = or IN among ps.
func pinned(ps []Predicate, col string) (Predicate, bool) {
	for _, p := range ps {
		if p.Target.Column == col && pins(p) {
			return p, true
		}
	}
	return Predicate{}, false
}

// pins reports whether p holds a plain column to values (= or IN).
func pins(p Predicate) bool {
	return p.Target.Column != "" && p.Target.Expr == "" && !p.Negated && (p.Op == OpEq || p.Op == OpIn) && p.Value != "NULL"
}

func (w *walker) addPredicate(r *rel, p Predicate) {
	if r == nil || r.access == nil {
		return
	}
	if p.Op == OpJSONContain && r.table != nil && p.Target.Column != "" {
		if c := r.table.Column(p.Target.Column); c != nil && strings.HasSuffix(c.Type, "[]") {
			p.Op = OpArrayContain
		}
	}
	r.access.Predicates = append(r.access.Predicates, p)
}

// addCompared records the columns of ref, compared with another column,
// as read by r's access.
func (w *walker) addCompared(r *rel, ref ColumnRef) {
	if r == nil || r.access == nil {
		return
	}
	cols := ref.Columns
	if ref.Expr == "" && ref.Column != "" {
		cols = []string{ref.Column}
	}
	for _, c := range cols {
		r.access.Compared = appendUnique(r.access.Compared, c)
	}
}

func (w *walker) addJoin(l *rel, lc string, r *rel, rc string) {
	if l == nil || r == nil || l.access == nil || r.access == nil || l == r {
		return
	}
	l.access.Joins = appendJoin(l.access.Joins, Join{Column: lc, Other: r.access.Table, OtherColumn: rc})
	r.access.Joins = appendJoin(r.access.Joins, Join{Column: rc, Other: l.access.Table, OtherColumn: lc})
}

func appendJoin(js []Join, j Join) []Join {
	for _, x := range js {
		if x == j {
			return js
		}
	}
	return append(js, j)
}

// ParsePredicates returns the predicates of a WHERE clause on one table, as
// the walker reads them from a query: the way to compare a partial index's
// predicate with the filters of the workload. table may be nil.
func ParsePredicates(schema *catalog.Schema, table catalog.QualifiedName, where string) ([]Predicate, error) {
	tree, err := pg_query.Parse("SELECT 1 FROM " + table.String() + " WHERE " + where)
	if err != nil {
		return nil, fmt.Errorf("parse predicate %q: %w", where, err)
	}
	w := newWalker(schema)
	w.statements(tree)
	if len(w.accesses) != 1 {
		return nil, fmt.Errorf("predicate %q: not a condition on %s alone", where, table)
	}
	return w.accesses[0].Predicates, nil
}
