package analyzer

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/pgadvise/pgadvise/catalog"
	pg_query "github.com/pganalyze/pg_query_go/v6"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// walker turns one parsed statement into TableAccess records.
//
// Each query block (SELECT, and the body of INSERT/UPDATE/DELETE) gets a
// scope that maps the names its FROM clause introduces to relations. Column
// references resolve innermost scope first, as PostgreSQL resolves them, so a
// correlated subquery's reference to an outer table becomes a join.
type walker struct {
	schema *catalog.Schema
	// version is the parse tree's PostgreSQL version, which Deparse checks.
	version int32
	// literalAt maps the byte offset of each constant in the statement text
	// to its ordinal among the text's constants (see scanShape).
	literalAt  map[int32]int
	accesses   []*TableAccess
	unresolved int
}

func newWalker(schema *catalog.Schema) *walker { return &walker{schema: schema} }

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

// statements walks every statement of a parse result and returns the kind of
// the first one.
func (w *walker) statements(tree *pg_query.ParseResult) StatementKind {
	w.version = tree.GetVersion()
	kind := KindUtility
	for i, raw := range tree.GetStmts() {
		k := w.statement(raw.GetStmt(), nil)
		if i == 0 {
			kind = k
		}
	}
	return kind
}

func (w *walker) statement(n *pg_query.Node, parent *scope) StatementKind {
	switch s := n.GetNode().(type) {
	case *pg_query.Node_SelectStmt:
		w.selectStmt(s.SelectStmt, parent)
		return KindSelect
	case *pg_query.Node_InsertStmt:
		w.insertStmt(s.InsertStmt, parent)
		return KindInsert
	case *pg_query.Node_UpdateStmt:
		w.updateStmt(s.UpdateStmt, parent)
		return KindUpdate
	case *pg_query.Node_DeleteStmt:
		w.deleteStmt(s.DeleteStmt, parent)
		return KindDelete
	case *pg_query.Node_MergeStmt:
		w.mergeStmt(s.MergeStmt, parent)
		return KindMerge
	case *pg_query.Node_CopyStmt:
		return w.copyStmt(s.CopyStmt, parent)
	case *pg_query.Node_ExplainStmt:
		// EXPLAIN ANALYZE runs the statement; a plain EXPLAIN reads the
		// same tables the same way as far as an index is concerned.
		return w.statement(s.ExplainStmt.GetQuery(), parent)
	case *pg_query.Node_CreateTableAsStmt:
		w.statement(s.CreateTableAsStmt.GetQuery(), parent)
		return KindUtility
	case *pg_query.Node_DeclareCursorStmt:
		w.statement(s.DeclareCursorStmt.GetQuery(), parent)
		return KindSelect
	}
	return KindUtility
}

func (w *walker) with(wc *pg_query.WithClause, sc *scope) {
	if wc == nil {
		return
	}
	sc.ctes = make(map[string]*scope, len(wc.GetCtes()))
	for _, c := range wc.GetCtes() {
		cte := c.GetCommonTableExpr()
		if cte == nil {
			continue
		}
		if wc.GetRecursive() {
			// A recursive CTE refers to itself; register it first.
			sc.ctes[cte.GetCtename()] = &scope{}
		}
		inner := &scope{parent: sc}
		w.statementInScope(cte.GetCtequery(), inner)
		sc.ctes[cte.GetCtename()] = inner
	}
}

// statementInScope walks a CTE body, whose block scope is inner.
func (w *walker) statementInScope(n *pg_query.Node, inner *scope) {
	if sel := n.GetSelectStmt(); sel != nil {
		if got := w.selectStmt(sel, inner.parent); got != nil {
			*inner = *got
		}
		return
	}
	w.statement(n, inner.parent) // data-modifying CTE
}

// selectStmt walks one query block and returns its scope.
func (w *walker) selectStmt(s *pg_query.SelectStmt, parent *scope) *scope {
	if s == nil {
		return nil
	}
	sc := &scope{parent: parent}
	w.with(s.GetWithClause(), sc)
	if s.GetOp() != pg_query.SetOperation_SETOP_NONE {
		left := w.selectStmt(s.GetLarg(), sc)
		w.selectStmt(s.GetRarg(), sc)
		if left != nil {
			// Output columns of a UNION are the left branch's.
			sc.targets = left.targets
			sc.rels = left.rels
		}
		return sc
	}
	for _, vl := range s.GetValuesLists() {
		w.subqueries(vl, sc)
	}
	for _, f := range s.GetFromClause() {
		w.fromItem(f, sc)
	}
	sc.targets = s.GetTargetList()
	if where := s.GetWhereClause(); where != nil {
		w.predicates(where, sc, predCtx{})
	}
	w.targetList(s.GetTargetList(), sc)
	w.groupBy(s.GetGroupClause(), sc)
	w.subqueries(s.GetHavingClause(), sc)
	if grouped(s) {
		// ORDER BY and LIMIT apply to the groups, not to the table's rows:
		// no index order can deliver them.
		for _, sb := range s.GetSortClause() {
			w.subqueries(sb, sc)
		}
		return sc
	}
	w.orderBy(s.GetSortClause(), sc)
	if limit, ok := limitValue(s.GetLimitCount()); ok {
		for _, r := range sc.rels {
			if r.access != nil {
				r.access.Limit = limit
			}
		}
	}
	return sc
}

func (w *walker) insertStmt(s *pg_query.InsertStmt, parent *scope) {
	sc := &scope{parent: parent}
	w.with(s.GetWithClause(), sc)
	if sel := s.GetSelectStmt().GetSelectStmt(); sel != nil {
		w.selectStmt(sel, sc)
	}
	target := w.rangeVar(s.GetRelation(), sc)
	if target.access == nil {
		return
	}
	a := target.access
	a.Read = false
	a.Write = KindInsert
	for _, c := range s.GetCols() {
		a.InsertColumns = appendUnique(a.InsertColumns, c.GetResTarget().GetName())
	}
	if oc := s.GetOnConflictClause(); oc != nil {
		for _, e := range oc.GetInfer().GetIndexElems() {
			if name := e.GetIndexElem().GetName(); name != "" {
				a.ConflictColumns = appendUnique(a.ConflictColumns, name)
			}
		}
		if oc.GetAction() == pg_query.OnConflictAction_ONCONFLICT_UPDATE {
			for _, t := range oc.GetTargetList() {
				a.SetColumns = appendUnique(a.SetColumns, t.GetResTarget().GetName())
			}
			// EXCLUDED is the row proposed for insertion: not a table read.
			sc.rels = append(sc.rels, &rel{alias: "excluded"})
			w.predicates(oc.GetWhereClause(), sc, predCtx{})
		}
	}
	w.returning(s.GetReturningList(), sc)
}

func (w *walker) updateStmt(s *pg_query.UpdateStmt, parent *scope) {
	sc, a := w.writeTarget(s.GetWithClause(), s.GetRelation(), s.GetFromClause(), KindUpdate, parent)
	if a != nil {
		for _, t := range s.GetTargetList() {
			a.SetColumns = appendUnique(a.SetColumns, t.GetResTarget().GetName())
		}
	}
	for _, t := range s.GetTargetList() {
		w.subqueries(t.GetResTarget().GetVal(), sc)
	}
	w.predicates(s.GetWhereClause(), sc, predCtx{})
	w.returning(s.GetReturningList(), sc)
}

func (w *walker) deleteStmt(s *pg_query.DeleteStmt, parent *scope) {
	sc, _ := w.writeTarget(s.GetWithClause(), s.GetRelation(), s.GetUsingClause(), KindDelete, parent)
	w.predicates(s.GetWhereClause(), sc, predCtx{})
	w.returning(s.GetReturningList(), sc)
}

// writeTarget walks what UPDATE and DELETE share before their WHERE clause:
// the WITH list, the target table (written, not read) and the other tables
// of FROM or USING. It returns the statement's scope and the target's
// access (nil for a table pgadvise ignores).
func (w *walker) writeTarget(with *pg_query.WithClause, target *pg_query.RangeVar, others []*pg_query.Node, kind StatementKind, parent *scope) (*scope, *TableAccess) {
	sc := &scope{parent: parent}
	w.with(with, sc)
	t := w.rangeVar(target, sc)
	for _, f := range others {
		w.fromItem(f, sc)
	}
	a := t.access
	if a != nil {
		a.Read = false
		a.Write = kind
	}
	return sc, a
}

func (w *walker) mergeStmt(s *pg_query.MergeStmt, parent *scope) {
	sc := &scope{parent: parent}
	w.with(s.GetWithClause(), sc)
	target := w.rangeVar(s.GetRelation(), sc)
	w.fromItem(s.GetSourceRelation(), sc)
	if a := target.access; a != nil {
		a.Read = false
		a.Write = KindMerge
		for _, wc := range s.GetMergeWhenClauses() {
			for _, t := range wc.GetMergeWhenClause().GetTargetList() {
				if name := t.GetResTarget().GetName(); name != "" {
					a.SetColumns = appendUnique(a.SetColumns, name)
				}
			}
		}
	}
	w.predicates(s.GetJoinCondition(), sc, predCtx{})
}

func (w *walker) copyStmt(s *pg_query.CopyStmt, parent *scope) StatementKind {
	if q := s.GetQuery(); q != nil {
		w.statement(q, parent)
		return KindSelect
	}
	if s.GetRelation() == nil {
		return KindUtility
	}
	sc := &scope{parent: parent}
	r := w.rangeVar(s.GetRelation(), sc)
	if r.access == nil {
		return KindUtility
	}
	var cols []string
	for _, c := range s.GetAttlist() {
		cols = appendUnique(cols, stringValue(c))
	}
	if s.GetIsFrom() {
		r.access.Read = false
		r.access.Write = KindCopy
		r.access.InsertColumns = cols
		return KindCopy
	}
	if len(cols) == 0 {
		cols = []string{"*"}
	}
	r.access.Projected = cols
	return KindSelect
}

func (w *walker) returning(list []*pg_query.Node, sc *scope) {
	if len(list) > 0 {
		w.targetList(list, sc)
	}
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
		w.subLink(e.SubLink, sc)
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

// paramNumbers lists the $n of a value that is a parameter or a list of
// parameters (BETWEEN $1 AND $2, IN ($1, $2)); nil for anything else, such
// as an expression over parameters.
func paramNumbers(n *pg_query.Node) []int {
	switch v := n.GetNode().(type) {
	case *pg_query.Node_ParamRef:
		return []int{int(v.ParamRef.GetNumber())}
	case *pg_query.Node_TypeCast:
		return paramNumbers(v.TypeCast.GetArg())
	case *pg_query.Node_List:
		var out []int
		for _, item := range v.List.GetItems() {
			ns := paramNumbers(item)
			if len(ns) != 1 {
				return nil
			}
			out = append(out, ns[0])
		}
		return out
	}
	return nil
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

// isValue reports whether n is the same for every row: a constant, a
// parameter, or an expression of those (now() - interval '1 day').
func isValue(n *pg_query.Node) bool {
	if n == nil {
		return false
	}
	ok := true
	visit(n, func(x *pg_query.Node) bool {
		switch x.GetNode().(type) {
		case *pg_query.Node_ColumnRef, *pg_query.Node_SubLink:
			ok = false
		}
		return ok
	})
	return ok
}

// constantText returns the text of a constant value (for partial-index
// predicates) or reports that it is a parameter.
func constantText(n *pg_query.Node) (string, bool) {
	switch v := n.GetNode().(type) {
	case *pg_query.Node_AConst:
		return constText(v.AConst), false
	case *pg_query.Node_ParamRef:
		return "", true
	case *pg_query.Node_TypeCast:
		return constantText(v.TypeCast.GetArg())
	case *pg_query.Node_List:
		// IN (...): a list of constants becomes ('a', 'b').
		var parts []string
		param := false
		for _, item := range v.List.GetItems() {
			s, p := constantText(item)
			if p {
				param = true
			}
			if s == "" {
				return "", param
			}
			parts = append(parts, s)
		}
		return "(" + strings.Join(parts, ", ") + ")", param
	case *pg_query.Node_AArrayExpr:
		s, p := constantText(&pg_query.Node{Node: &pg_query.Node_List{List: &pg_query.List{Items: v.AArrayExpr.GetElements()}}})
		if s != "" {
			s = "ARRAY[" + s[1:len(s)-1] + "]"
		}
		return s, p
	}
	// An expression of values (lower($1), now() - interval '1 day'): it
	// varies per call when a parameter feeds it.
	param := false
	visit(n, func(x *pg_query.Node) bool {
		if x.GetParamRef() != nil {
			param = true
		}
		return !param
	})
	return "", param
}

func constText(c *pg_query.A_Const) string {
	if c.GetIsnull() {
		return "NULL"
	}
	switch v := c.GetVal().(type) {
	case *pg_query.A_Const_Ival:
		return strconv.FormatInt(int64(v.Ival.GetIval()), 10)
	case *pg_query.A_Const_Fval:
		return v.Fval.GetFval()
	case *pg_query.A_Const_Boolval:
		return strconv.FormatBool(v.Boolval.GetBoolval())
	case *pg_query.A_Const_Sval:
		return "'" + strings.ReplaceAll(v.Sval.GetSval(), "'", "''") + "'"
	case *pg_query.A_Const_Bsval:
		b := v.Bsval.GetBsval()
		if b != "" {
			return strings.ToUpper(b[:1]) + "'" + b[1:] + "'"
		}
	}
	return ""
}

// likePrefix returns the fixed prefix of a LIKE pattern constant ('abc%' →
// "abc"), or "" when it starts with a wildcard or is not a constant.
func likePrefix(n *pg_query.Node) string {
	for n.GetTypeCast() != nil {
		n = n.GetTypeCast().GetArg()
	}
	s := n.GetAConst().GetSval().GetSval()
	i := strings.IndexAny(s, `%_\`)
	if i <= 0 {
		return ""
	}
	return s[:i]
}

func limitValue(n *pg_query.Node) (int64, bool) {
	for n.GetTypeCast() != nil {
		n = n.GetTypeCast().GetArg()
	}
	if n.GetParamRef() != nil {
		return -1, true
	}
	if c := n.GetAConst(); c != nil && !c.GetIsnull() {
		if iv, ok := c.GetVal().(*pg_query.A_Const_Ival); ok {
			return int64(iv.Ival.GetIval()), true
		}
	}
	return 0, false
}

// subLink walks a subquery in a boolean position: EXISTS, IN (SELECT ...),
// scalar comparisons. "x IN (SELECT y FROM t)" is a semi-join of x and t.y.
func (w *walker) subLink(s *pg_query.SubLink, sc *scope) {
	inner := w.selectStmt(s.GetSubselect().GetSelectStmt(), sc)
	if t := s.GetSubLinkType(); inner != nil && (t == pg_query.SubLinkType_EXISTS_SUBLINK || t == pg_query.SubLinkType_ANY_SUBLINK) {
		// EXISTS and IN (subquery) are semi-joins: a probe of the inner
		// table stops at its first match.
		for _, r := range inner.rels {
			if r.access != nil {
				r.access.Semi = true
			}
		}
	}
	if s.GetSubLinkType() != pg_query.SubLinkType_ANY_SUBLINK || inner == nil || len(inner.targets) != 1 {
		w.subqueries(s.GetTestexpr(), sc)
		return
	}
	ref, outer, ok := w.target(s.GetTestexpr(), sc)
	iref, innerRel, iok := w.target(inner.targets[0].GetResTarget().GetVal(), inner)
	if ok && iok && ref.Expr == "" && iref.Expr == "" {
		w.addJoin(outer, ref.Column, innerRel, iref.Column)
	}
}

// subqueries walks every subquery inside an expression (but not into the
// subqueries themselves, which selectStmt does).
func (w *walker) subqueries(n *pg_query.Node, sc *scope) {
	if n == nil {
		return
	}
	visit(n, func(x *pg_query.Node) bool {
		if sl := x.GetSubLink(); sl != nil {
			w.subLink(sl, sc)
			return false
		}
		if rs := x.GetRangeSubselect(); rs != nil {
			w.selectStmt(rs.GetSubquery().GetSelectStmt(), sc)
			return false
		}
		return true
	})
}

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
		visit(val, func(x *pg_query.Node) bool {
			switch v := x.GetNode().(type) {
			case *pg_query.Node_SubLink:
				w.subLink(v.SubLink, sc)
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

func funcName(parts []*pg_query.Node) string {
	if len(parts) == 0 {
		return ""
	}
	return stringValue(parts[len(parts)-1])
}

func operatorName(parts []*pg_query.Node) string { return funcName(parts) }

func stringValue(n *pg_query.Node) string { return n.GetString_().GetSval() }

func fieldNames(fields []*pg_query.Node) []string {
	out := make([]string, 0, len(fields))
	for _, f := range fields {
		out = append(out, stringValue(f))
	}
	return out
}

func appendUnique(list []string, s string) []string {
	if s == "" {
		return list
	}
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// deparseExpr renders an expression as SQL with its column references
// unqualified (lower(u.email) → lower(email)), so that it can be compared
// with an index expression on the table.
func (w *walker) deparseExpr(n *pg_query.Node) string {
	c := proto.Clone(n).(*pg_query.Node)
	visit(c, func(x *pg_query.Node) bool {
		if cr := x.GetColumnRef(); cr != nil && len(cr.Fields) > 1 {
			cr.Fields = cr.Fields[len(cr.Fields)-1:]
		}
		return true
	})
	tree := &pg_query.ParseResult{Version: w.version, Stmts: []*pg_query.RawStmt{{Stmt: &pg_query.Node{Node: &pg_query.Node_SelectStmt{
		SelectStmt: &pg_query.SelectStmt{TargetList: []*pg_query.Node{{Node: &pg_query.Node_ResTarget{ResTarget: &pg_query.ResTarget{Val: c}}}}},
	}}}}}
	s, err := pg_query.Deparse(tree)
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(s, "SELECT ")
}

// visit calls fn on n and, while fn returns true, on every node below it,
// whatever its kind: it walks the protobuf message reflectively, so no kind
// of node is missed (including typed children such as SelectStmt.Larg).
func visit(n *pg_query.Node, fn func(*pg_query.Node) bool) {
	if n == nil || n.GetNode() == nil || !fn(n) {
		return
	}
	visitMessage(n.ProtoReflect(), fn)
}

func visitMessage(m protoreflect.Message, fn func(*pg_query.Node) bool) {
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		if fd.Kind() != protoreflect.MessageKind {
			return true
		}
		if fd.IsList() {
			l := v.List()
			for i := 0; i < l.Len(); i++ {
				visitValue(l.Get(i).Message(), fn)
			}
		} else if !fd.IsMap() {
			visitValue(v.Message(), fn)
		}
		return true
	})
}

func visitValue(m protoreflect.Message, fn func(*pg_query.Node) bool) {
	if node, ok := m.Interface().(*pg_query.Node); ok {
		visit(node, fn)
		return
	}
	visitMessage(m, fn)
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


// deparseQualified renders one expression of a parse tree of the given version
// as SQL, keeping its column qualifiers.
func deparseQualified(version int32, n *pg_query.Node) (string, error) {
	tree := &pg_query.ParseResult{Version: version, Stmts: []*pg_query.RawStmt{{Stmt: &pg_query.Node{Node: &pg_query.Node_SelectStmt{
		SelectStmt: &pg_query.SelectStmt{TargetList: []*pg_query.Node{{Node: &pg_query.Node_ResTarget{ResTarget: &pg_query.ResTarget{Val: n}}}}},
	}}}}}
	s, err := pg_query.Deparse(tree)
	if err != nil {
		return "", fmt.Errorf("deparse expression: %w", err)
	}
	return strings.TrimPrefix(s, "SELECT "), nil
}
