package analyzer

// Statements: the walk of each kind of statement (SELECT, INSERT, UPDATE,
// DELETE, MERGE, COPY) and of its subqueries and CTEs, block by block. The
// other files of the walk: scope.go, predicates.go, constants.go, output.go
// and tree.go.

import (
	"github.com/pgadvise/pgadvise/catalog"
	pg_query "github.com/pganalyze/pg_query_go/v6"
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
	// HAVING reads like the target list: its aggregates and columns are
	// read from every row of the group (sum(l_quantity) > 300 needs
	// l_quantity, so an index-only scan must hold it).
	if having := s.GetHavingClause(); having != nil {
		w.readExpr(having, sc)
	}
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

// subLink walks a subquery in a boolean position: EXISTS, IN (SELECT ...),
// scalar comparisons. "x IN (SELECT y FROM t)" is a semi-join of x and t.y.
// Under NOT, "x NOT IN (SELECT y FROM t)" is no join: PostgreSQL checks x
// against a hashed subplan (NOT IN cannot become an anti-join, for its
// NULL semantics), so no index on x or on t.y serves it as a probe.
func (w *walker) subLink(s *pg_query.SubLink, sc *scope, negated bool) {
	sel := s.GetSubselect().GetSelectStmt()
	if s.GetSubLinkType() == pg_query.SubLinkType_EXISTS_SUBLINK && simpleExists(sel) {
		// The planner drops what an EXISTS need not evaluate
		// (simplify_EXISTS_query): EXISTS (SELECT * FROM lineitem WHERE …)
		// reads out no column, and an index that holds the conditions'
		// columns answers it alone. The parse tree is restored after.
		targets, orderBy, distinct, group, limit := sel.TargetList, sel.SortClause, sel.DistinctClause, sel.GroupClause, sel.LimitCount
		sel.TargetList, sel.SortClause, sel.DistinctClause, sel.GroupClause, sel.LimitCount = nil, nil, nil, nil, nil
		defer func() {
			sel.TargetList, sel.SortClause, sel.DistinctClause, sel.GroupClause, sel.LimitCount = targets, orderBy, distinct, group, limit
		}()
	}
	inner := w.selectStmt(sel, sc)
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
	switch {
	case ok && iok && ref.Expr == "" && iref.Expr == "" && !negated:
		w.addJoin(outer, ref.Column, innerRel, iref.Column)
	case ok && ref.Expr == "" && outer.access != nil:
		// Every row read carries x, to test it against the subplan.
		outer.access.Compared = appendUnique(outer.access.Compared, ref.Column)
	}
}

// simpleExists reports whether the planner simplifies an EXISTS over sel
// (simplify_EXISTS_query): a plain SELECT with no HAVING, window, OFFSET or
// LIMIT other than a positive constant, and no function in its target list
// (an aggregate, a window or a set-returning function keeps it a subplan;
// without the catalog any function may be one).
func simpleExists(sel *pg_query.SelectStmt) bool {
	if sel == nil || sel.GetOp() != pg_query.SetOperation_SETOP_NONE || sel.HavingClause != nil ||
		len(sel.WindowClause) > 0 || sel.LimitOffset != nil || len(sel.GetValuesLists()) > 0 {
		return false
	}
	if lc := sel.LimitCount; lc != nil {
		if c := lc.GetAConst(); c == nil || c.GetIval() == nil || c.GetIval().GetIval() <= 0 {
			return false
		}
	}
	funcs := false
	for _, t := range sel.TargetList {
		visit(t, func(x *pg_query.Node) bool {
			if x.GetFuncCall() != nil {
				funcs = true
			}
			return !funcs
		})
	}
	return !funcs
}

// subqueries walks every subquery inside an expression (but not into the
// subqueries themselves, which selectStmt does).
func (w *walker) subqueries(n *pg_query.Node, sc *scope) {
	if n == nil {
		return
	}
	visit(n, func(x *pg_query.Node) bool {
		if sl := x.GetSubLink(); sl != nil {
			w.subLink(sl, sc, false)
			return false
		}
		if rs := x.GetRangeSubselect(); rs != nil {
			w.selectStmt(rs.GetSubquery().GetSelectStmt(), sc)
			return false
		}
		return true
	})
}
