package analyzer

// Aggregate queries, described for summary tables: what a SELECT groups by,
// filters on and aggregates, as SQL text, so that the advisor can design a
// summary and read it back without a parse tree of its own.

import (
	"fmt"
	"strings"

	"github.com/pgadvise/pgadvise/catalog"
	pg_query "github.com/pganalyze/pg_query_go/v6"
	"google.golang.org/protobuf/proto"
)

// aggregateFuncs lists the built-in aggregate functions: the raw parse tree
// does not say which calls are aggregates, and these are the ones that
// matter. The value says whether the aggregate is decomposable: whether its
// result over all rows can be computed again from its results over groups
// of them (count and sum by summing, min and max by themselves, avg from a
// sum and a count), which is what a summary table stores.
var aggregateFuncs = map[string]bool{
	"count": true, "sum": true, "avg": true, "min": true, "max": true,
	"array_agg": false, "string_agg": false, "json_agg": false, "jsonb_agg": false,
	"json_object_agg": false, "jsonb_object_agg": false, "bool_and": false, "bool_or": false,
	"every": false, "bit_and": false, "bit_or": false, "stddev": false, "stddev_pop": false,
	"stddev_samp": false, "variance": false, "var_pop": false, "var_samp": false,
	"percentile_cont": false, "percentile_disc": false, "mode": false, "count_distinct": false,
}

// isAggregate reports whether a call aggregates rows: a known aggregate, or
// any call with * or DISTINCT, that is not a window function.
func isAggregate(f *pg_query.FuncCall) bool {
	if f.GetOver() != nil {
		return false
	}
	_, known := aggregateFuncs[funcName(f.GetFuncname())]
	return f.GetAggStar() || f.GetAggDistinct() || known
}

// decomposable returns the lower-case name of a decomposable aggregate
// (aggregateFuncs), or "".
func decomposable(f *pg_query.FuncCall) string {
	name := strings.ToLower(funcName(f.GetFuncname()))
	if aggregateFuncs[name] {
		return name
	}
	return ""
}

// AggregateQuery describes a SELECT that aggregates (GROUP BY, or a
// decomposable aggregate in its output) for serving it from a summary
// table. It is computed from the sample execution's text, whose constants
// are real (date_trunc('day', …) stays 'day').
type AggregateQuery struct {
	// Blocked says why no summary can serve the query at all (a WITH
	// query, SELECT DISTINCT, subqueries, window functions, …); the other
	// fields are then unset.
	Blocked string
	// From is the FROM clause as SQL, with the join conditions of the WHERE
	// clause (equalities between columns of two tables); "" when pgadvise
	// cannot render it.
	From string
	// Groups are the GROUP BY keys, with ordinals and output names resolved.
	Groups []GroupKey
	// Filters are the column references of the other WHERE conditions, in
	// query order.
	Filters []FilterColumn
	// Aggregates are the decomposable aggregate calls of the output list,
	// then of HAVING, outermost only.
	Aggregates []AggregateCall

	version int32
	// stmt is the SELECT's parse tree, marshaled: a workload keeps every
	// aggregate query, and the tree as Go structs is several times its
	// encoding (Rewrite decodes a copy of its own).
	stmt []byte
}

// Expr is an expression of an aggregate query, as SQL over the base tables.
type Expr struct {
	// SQL is the expression with its qualifiers; "" when pgadvise cannot
	// render it.
	SQL string
	// Column is the column the expression is, or truncates (see Unit), as
	// SQL; Name is that column's name.
	Column, Name string
	// Truncated is set for date_trunc(unit, column); Unit is the unit.
	Truncated bool
	Unit      string

	node    *pg_query.Node
	version int32
}

// GroupKey is one GROUP BY key.
type GroupKey struct {
	Expr
	// Alias is the output name the key has in the SELECT list, if any.
	Alias string
	// GroupingSet is set for GROUPING SETS, CUBE and ROLLUP.
	GroupingSet bool
}

// FilterColumn is a column a WHERE condition reads.
type FilterColumn struct {
	Expr
	// Ranged is set when the condition is a range comparison (<, <=, >,
	// >=, BETWEEN).
	Ranged bool
}

// Bucket returns the column truncated to unit: date_trunc(unit, column).
func (f FilterColumn) Bucket(unit string) Expr {
	col := proto.Clone(f.node).(*pg_query.Node)
	n := &pg_query.Node{Node: &pg_query.Node_FuncCall{FuncCall: &pg_query.FuncCall{
		Funcname:   []*pg_query.Node{stringNode("date_trunc")},
		Args:       []*pg_query.Node{{Node: &pg_query.Node_AConst{AConst: &pg_query.A_Const{Val: &pg_query.A_Const_Sval{Sval: &pg_query.String{Sval: unit}}}}}, col},
		Funcformat: pg_query.CoercionForm_COERCE_EXPLICIT_CALL,
	}}}
	return exprWith(f.version, n, func(x *pg_query.Node) (string, error) {
		if x == col && f.Column != "" && col.GetColumnRef() != nil {
			return f.Column, nil // the column's SQL, deparsed already
		}
		return deparseQualified(f.version, x)
	})
}

// AggregateCall is one call of a decomposable aggregate.
type AggregateCall struct {
	// Func is the function's name, in lower case.
	Func string
	// Star is set for count(*); Args counts the arguments otherwise, and
	// Arg is the first one as SQL.
	Star bool
	Args int
	Arg  string
	// Distinct is set for an aggregate over distinct values (count(DISTINCT x)).
	Distinct bool
}

// aggregateQuery describes the statement of tree for summary tables, or
// returns nil when it is not one aggregate SELECT over tables.
func aggregateQuery(tree *pg_query.ParseResult) *AggregateQuery {
	if len(tree.GetStmts()) != 1 {
		return nil
	}
	sel := tree.GetStmts()[0].GetStmt().GetSelectStmt()
	if sel == nil || sel.GetOp() != pg_query.SetOperation_SETOP_NONE {
		return nil
	}
	hasAgg := len(sel.GetGroupClause()) > 0
	for _, t := range sel.GetTargetList() {
		visit(t, func(n *pg_query.Node) bool {
			if f := n.GetFuncCall(); f != nil && decomposable(f) != "" && f.GetOver() == nil {
				hasAgg = true
			}
			return true
		})
	}
	if !hasAgg {
		return nil
	}
	q := &AggregateQuery{version: tree.GetVersion()}
	switch {
	case sel.GetWithClause() != nil:
		q.Blocked = "a WITH query"
	case len(sel.GetDistinctClause()) > 0:
		q.Blocked = "SELECT DISTINCT"
	case len(sel.GetWindowClause()) > 0:
		q.Blocked = "window functions"
	}
	tables := 0
	for _, f := range sel.GetFromClause() {
		if !plainFrom(f, &tables) {
			q.Blocked = "a FROM clause with subqueries or functions"
		}
	}
	if tables == 0 {
		return nil
	}
	visit(&pg_query.Node{Node: &pg_query.Node_SelectStmt{SelectStmt: sel}}, func(n *pg_query.Node) bool {
		if n.GetSubLink() != nil {
			q.Blocked = "a subquery"
		}
		if f := n.GetFuncCall(); f != nil && (f.GetOver() != nil || f.GetAggFilter() != nil || len(f.GetAggOrder()) > 0) {
			q.Blocked = "window or ordered/filtered aggregates"
		}
		if f := n.GetFuncCall(); f != nil && isAggregate(f) && decomposable(f) == "" {
			// Over a summary's rows it would see one value per group,
			// not one per base row.
			q.Blocked = "an aggregate that cannot be re-aggregated (" + funcName(f.GetFuncname()) + ")"
		}
		if f := n.GetFuncCall(); f != nil && strings.EqualFold(funcName(f.GetFuncname()), "date_trunc") && len(f.GetArgs()) > 0 && f.GetArgs()[0].GetParamRef() != nil {
			q.Blocked = "a date_trunc unit that is a parameter"
		}
		return q.Blocked == ""
	})
	if q.Blocked != "" {
		return &AggregateQuery{Blocked: q.Blocked}
	}
	q.describe(sel)
	stmt, err := proto.Marshal(sel)
	if err != nil {
		return &AggregateQuery{Blocked: "a parse tree pgadvise cannot keep"}
	}
	q.stmt = stmt
	return q
}

// plainFrom reports whether a FROM item is tables and inner joins only,
// counting the tables.
func plainFrom(n *pg_query.Node, tables *int) bool {
	switch f := n.GetNode().(type) {
	case *pg_query.Node_RangeVar:
		*tables++
		return true
	case *pg_query.Node_JoinExpr:
		j := f.JoinExpr
		if j.GetJointype() != pg_query.JoinType_JOIN_INNER || len(j.GetUsingClause()) > 0 || j.GetIsNatural() {
			return false
		}
		return plainFrom(j.GetLarg(), tables) && plainFrom(j.GetRarg(), tables)
	}
	return false
}

// describe fills in the FROM clause, the keys, filters and aggregates.
func (q *AggregateQuery) describe(sel *pg_query.SelectStmt) {
	var structural, filters []*pg_query.Node
	for _, c := range conjuncts(sel.GetWhereClause()) {
		if isJoinCondition(c) {
			structural = append(structural, c)
		} else {
			filters = append(filters, c)
		}
	}
	from := &pg_query.SelectStmt{
		TargetList: []*pg_query.Node{{Node: &pg_query.Node_ResTarget{ResTarget: &pg_query.ResTarget{Val: &pg_query.Node{Node: &pg_query.Node_AConst{AConst: &pg_query.A_Const{Val: &pg_query.A_Const_Ival{Ival: &pg_query.Integer{Ival: 1}}}}}}}}},
		FromClause: sel.GetFromClause(),
	}
	if len(structural) > 0 {
		from.WhereClause = andOf(structural)
	}
	if text, err := deparseStmt(q.version, from); err == nil {
		q.From = strings.TrimPrefix(text, "SELECT 1 FROM ")
	}

	// What the keys, filters and aggregates deparse is gathered first,
	// and rendered in one call of the deparser (deparseAll); each is
	// deparsed alone only if that fails.
	targets := sel.GetTargetList()
	type group struct {
		n     *pg_query.Node
		alias string
	}
	type filter struct {
		n      *pg_query.Node
		ranged bool
	}
	var (
		groups  []group
		fs      []filter
		aggs    []*pg_query.FuncCall
		pending []*pg_query.Node
	)
	for _, g := range sel.GetGroupClause() {
		n, alias := resolveOutput(g, targets)
		groups = append(groups, group{n, alias})
		if n.GetGroupingSet() == nil {
			pending = append(pending, exprDeparses(n)...)
		}
	}
	for _, f := range filters {
		ranged := isRangeFilter(f)
		visit(f, func(n *pg_query.Node) bool {
			if n.GetColumnRef() != nil {
				fs = append(fs, filter{n, ranged})
				pending = append(pending, n)
			}
			return true
		})
	}
	for _, n := range append(targetValues(targets), sel.GetHavingClause()) {
		visit(n, func(x *pg_query.Node) bool {
			if f := x.GetFuncCall(); f != nil && decomposable(f) != "" {
				aggs = append(aggs, f)
				if !f.GetAggStar() && len(f.GetArgs()) == 1 {
					pending = append(pending, f.GetArgs()[0])
				}
				return false
			}
			return true
		})
	}
	deparse := deparserOf(q.version, pending)
	for _, g := range groups {
		if g.n.GetGroupingSet() != nil {
			q.Groups = append(q.Groups, GroupKey{GroupingSet: true})
			continue
		}
		q.Groups = append(q.Groups, GroupKey{Expr: exprWith(q.version, g.n, deparse), Alias: g.alias})
	}
	for _, f := range fs {
		q.Filters = append(q.Filters, FilterColumn{Expr: exprWith(q.version, f.n, deparse), Ranged: f.ranged})
	}
	for _, f := range aggs {
		call, _ := callWith(f, deparse) // an argument it cannot render is left ""
		q.Aggregates = append(q.Aggregates, call)
	}
}

// deparserOf renders nodes in one call of the deparser (deparseAll), and
// returns a deparseQualified that looks them up, and deparses any other
// node (or all, if the one call fails) alone.
func deparserOf(version int32, nodes []*pg_query.Node) func(*pg_query.Node) (string, error) {
	var done map[*pg_query.Node]string
	if sqls, ok := deparseAll(version, nodes); ok && len(nodes) > 0 {
		done = make(map[*pg_query.Node]string, len(nodes))
		for i, n := range nodes {
			done[n] = sqls[i]
		}
	}
	return func(n *pg_query.Node) (string, error) {
		if sql, ok := done[n]; ok {
			return sql, nil
		}
		return deparseQualified(version, n)
	}
}

// exprDeparses lists the nodes exprOf(n) deparses.
func exprDeparses(n *pg_query.Node) []*pg_query.Node {
	if f := n.GetFuncCall(); f != nil && isTruncation(f) {
		return []*pg_query.Node{n, f.GetArgs()[1]}
	}
	return []*pg_query.Node{n}
}

// isTruncation reports date_trunc(unit, column).
func isTruncation(f *pg_query.FuncCall) bool {
	return strings.EqualFold(funcName(f.GetFuncname()), "date_trunc") && len(f.GetArgs()) == 2 && f.GetArgs()[1].GetColumnRef() != nil
}

func targetValues(targets []*pg_query.Node) []*pg_query.Node {
	out := make([]*pg_query.Node, 0, len(targets))
	for _, t := range targets {
		out = append(out, t.GetResTarget().GetVal())
	}
	return out
}

// callOf describes a decomposable aggregate's call. The error says its
// argument could not be rendered.
func callOf(version int32, f *pg_query.FuncCall) (AggregateCall, error) {
	return callWith(f, func(n *pg_query.Node) (string, error) { return deparseQualified(version, n) })
}

// callWith is callOf, with deparse for deparseQualified.
func callWith(f *pg_query.FuncCall, deparse func(*pg_query.Node) (string, error)) (AggregateCall, error) {
	c := AggregateCall{Func: decomposable(f), Star: f.GetAggStar(), Args: len(f.GetArgs()), Distinct: f.GetAggDistinct()}
	var err error
	if !c.Star && c.Args == 1 {
		c.Arg, err = deparse(f.GetArgs()[0])
	}
	return c, err
}

// exprOf describes an expression of a parse tree of the given version.
func exprOf(version int32, n *pg_query.Node) Expr {
	return exprWith(version, n, func(n *pg_query.Node) (string, error) { return deparseQualified(version, n) })
}

// exprWith is exprOf, with deparse for deparseQualified (the nodes it
// deparses: exprDeparses).
func exprWith(version int32, n *pg_query.Node, deparse func(*pg_query.Node) (string, error)) Expr {
	// A copy: the expression outlives the parse tree (AggregateQuery.stmt).
	e := Expr{node: proto.Clone(n).(*pg_query.Node), version: version}
	sql, err := deparse(n)
	if err != nil {
		return e
	}
	e.SQL = sql
	if cr := n.GetColumnRef(); cr != nil {
		e.Column, e.Name = sql, lastField(cr)
	} else if f := n.GetFuncCall(); f != nil && isTruncation(f) {
		e.Truncated = true
		e.Unit = strings.Trim(constString(f.GetArgs()[0]), "'")
		e.Column, _ = deparse(f.GetArgs()[1])
		e.Name = lastField(f.GetArgs()[1].GetColumnRef())
	}
	return e
}

// SummaryColumns says how a summary table holds what an aggregate query
// reads, for AggregateQuery.Rewrite.
type SummaryColumns struct {
	// Column returns the summary column that holds an expression over the
	// base tables (given as SQL; column says it is a column reference), and
	// whether there is one.
	Column func(sql string, column bool) (string, bool)
	// Aggregate returns the SQL expression over the summary's columns that
	// computes an aggregate call over the base rows again.
	Aggregate func(AggregateCall) (string, error)
	// Deparsed, if set, keeps the SQL of the column references the
	// rewrite renders, for the rewrites that follow.
	Deparsed *DeparseCache
}

// Rewrite returns the query made to read table, a summary of its FROM
// clause, instead: grouped expressions become the summary's columns and
// aggregates re-aggregate its measures. The result still holds the sample's
// values.
func (q *AggregateQuery) Rewrite(table catalog.QualifiedName, cols SummaryColumns) (string, error) {
	if q.stmt == nil {
		return "", fmt.Errorf("query cannot be summarized: %s", q.Blocked)
	}
	sel := &pg_query.SelectStmt{}
	if err := proto.Unmarshal(q.stmt, sel); err != nil {
		return "", fmt.Errorf("query cannot be summarized: %w", err)
	}
	outputs := map[string]bool{}
	for _, t := range sel.GetTargetList() {
		if n := t.GetResTarget().GetName(); n != "" {
			outputs[n] = true
		}
	}
	// ahead holds the SQL of the expressions replace may look up, worked
	// out in one call of the deparser (deparseAhead).
	var ahead map[*pg_query.Node]string
	replace := func(n *pg_query.Node, aliasesOK bool) error {
		var err error
		visit(n, func(x *pg_query.Node) bool {
			if err != nil {
				return false
			}
			cr := x.GetColumnRef()
			if aliasesOK && cr != nil && len(cr.GetFields()) == 1 && outputs[lastField(cr)] {
				return false // an output column's name (ORDER BY total)
			}
			if f := x.GetFuncCall(); f != nil && decomposable(f) != "" {
				var repl *pg_query.Node
				repl, err = q.reaggregate(f, cols.Aggregate, cols.Deparsed)
				if err == nil {
					x.Node = repl.Node
				}
				return false
			}
			sql, ok := ahead[x]
			var derr error
			if !ok {
				sql, derr = cols.Deparsed.deparse(q.version, x)
			}
			if derr != nil {
				return true
			}
			if name, ok := cols.Column(sql, cr != nil); ok {
				x.Node = stringColumn(name).Node
				return false
			}
			if cr != nil {
				err = fmt.Errorf("column %s is neither grouped nor aggregated, so not in the summary", sql)
			}
			return true
		})
		return err
	}
	var where []*pg_query.Node
	for _, cj := range conjuncts(sel.GetWhereClause()) {
		if !isJoinCondition(cj) {
			where = append(where, cj)
		}
	}
	lists := [][]*pg_query.Node{where, sel.GetTargetList(), sel.GetGroupClause(), sel.GetSortClause()}
	if h := sel.GetHavingClause(); h != nil {
		lists = append(lists, []*pg_query.Node{h})
	}
	ahead = deparseAhead(q.version, lists)
	for _, cj := range where {
		if err := replace(cj, false); err != nil {
			return "", err
		}
	}
	sel.WhereClause = nil
	if len(where) > 0 {
		sel.WhereClause = andOf(where)
	}
	for i, list := range lists[1:4] {
		for _, n := range list {
			if err := replace(n, i > 0); err != nil {
				return "", err
			}
		}
	}
	if h := sel.GetHavingClause(); h != nil {
		if err := replace(h, false); err != nil {
			return "", err
		}
	}
	sel.FromClause = []*pg_query.Node{rangeVar(table)}
	return deparseStmt(q.version, sel)
}

// deparseAhead renders, in one call of the deparser (deparseAll), the
// expressions below the roots of lists that Rewrite's visit may deparse
// one by one: all but the column references and names, which the
// DeparseCache keeps, the nodes that are not expressions, and what is
// below a decomposable aggregate (Rewrite re-aggregates it whole). Some
// may not be reached, if one above them is a summary column; the one
// call still costs less. Nil when the deparser does not render them all:
// Rewrite then deparses each.
func deparseAhead(version int32, lists [][]*pg_query.Node) map[*pg_query.Node]string {
	var nodes []*pg_query.Node
	for _, list := range lists {
		for _, n := range list {
			visit(n, func(x *pg_query.Node) bool {
				switch x.GetNode().(type) {
				case *pg_query.Node_FuncCall:
					if decomposable(x.GetFuncCall()) != "" {
						return false
					}
					nodes = append(nodes, x)
				case *pg_query.Node_AExpr, *pg_query.Node_BoolExpr, *pg_query.Node_TypeCast, *pg_query.Node_NullTest,
					*pg_query.Node_BooleanTest, *pg_query.Node_CaseExpr, *pg_query.Node_CoalesceExpr, *pg_query.Node_MinMaxExpr,
					*pg_query.Node_AArrayExpr, *pg_query.Node_ParamRef, *pg_query.Node_AConst:
					// Constants too: leaves, but a workload's
					// shapes hold values the cache has not seen.
					nodes = append(nodes, x)
				}
				return true
			})
		}
	}
	sqls, ok := deparseAll(version, nodes)
	if !ok || len(nodes) == 0 {
		return nil
	}
	out := make(map[*pg_query.Node]string, len(nodes))
	for i, n := range nodes {
		out[n] = sqls[i]
	}
	return out
}

// reaggregate turns an aggregate over base rows into one over the summary.
func (q *AggregateQuery) reaggregate(f *pg_query.FuncCall, over func(AggregateCall) (string, error), cache *DeparseCache) (*pg_query.Node, error) {
	call, err := callOf(q.version, f)
	if err != nil {
		return nil, err
	}
	expr, err := over(call)
	if err != nil {
		return nil, err
	}
	return cache.parseExpr(expr)
}

// summaryPlaceholder names the summary table of a RewriteUnnamed, until
// Named gives it its name.
const summaryPlaceholder = "pgadvise_summary_table_placeholder"

// UnnamedRewrite is an aggregate query rewritten to read a summary table
// whose name is given later (Named): the rewrites of one query against
// summaries that hold what it reads under the same column names differ in
// that name alone, and the rewrite itself (a deparse per expression) is
// the costly part.
type UnnamedRewrite struct {
	version int32
	sql     string
}

// RewriteUnnamed is Rewrite, with the table's name left to Named.
func (q *AggregateQuery) RewriteUnnamed(cols SummaryColumns) (UnnamedRewrite, error) {
	sql, err := q.Rewrite(catalog.QualifiedName{Name: summaryPlaceholder}, cols)
	if err != nil {
		return UnnamedRewrite{}, err
	}
	return UnnamedRewrite{version: q.version, sql: sql}, nil
}

// Named returns the rewrite reading table: what Rewrite(table, cols)
// returns for the same answers of cols. It returns false when it cannot
// tell: the query's own text holds the placeholder, or the name does not
// deparse (then call Rewrite).
func (r UnnamedRewrite) Named(table catalog.QualifiedName) (string, bool) {
	from := " FROM " + summaryPlaceholder
	if r.sql == "" || strings.Count(r.sql, summaryPlaceholder) != 1 || !strings.Contains(r.sql, from) {
		return "", false
	}
	// The name as the deparser writes it (quoted where it must be).
	named, err := deparseStmt(r.version, &pg_query.SelectStmt{FromClause: []*pg_query.Node{rangeVar(table)}})
	if err != nil {
		return "", false
	}
	_, name, ok := strings.Cut(named, " FROM ")
	if !ok || name == "" {
		return "", false
	}
	return strings.Replace(r.sql, from, " FROM "+name, 1), true
}

// rangeVar is a FROM item reading table.
func rangeVar(table catalog.QualifiedName) *pg_query.Node {
	return &pg_query.Node{Node: &pg_query.Node_RangeVar{RangeVar: &pg_query.RangeVar{Schemaname: table.Schema, Relname: table.Name, Inh: true, Relpersistence: "p"}}}
}

// Normalize returns a query's text with its constants replaced by $n, as
// pg_stat_statements shows it.
func Normalize(sql string) (string, error) { return pg_query.Normalize(sql) }

func lastField(cr *pg_query.ColumnRef) string {
	fs := cr.GetFields()
	if len(fs) == 0 {
		return ""
	}
	return stringValue(fs[len(fs)-1])
}

func constString(n *pg_query.Node) string {
	for n.GetTypeCast() != nil {
		n = n.GetTypeCast().GetArg()
	}
	return n.GetAConst().GetSval().GetSval()
}

func stringNode(s string) *pg_query.Node {
	return &pg_query.Node{Node: &pg_query.Node_String_{String_: &pg_query.String{Sval: s}}}
}

func stringColumn(name string) *pg_query.Node {
	return &pg_query.Node{Node: &pg_query.Node_ColumnRef{ColumnRef: &pg_query.ColumnRef{Fields: []*pg_query.Node{stringNode(name)}}}}
}

// resolveOutput maps a GROUP BY ordinal or output alias to its expression.
func resolveOutput(n *pg_query.Node, targets []*pg_query.Node) (*pg_query.Node, string) {
	if c := n.GetAConst(); c != nil {
		if iv, ok := c.GetVal().(*pg_query.A_Const_Ival); ok {
			if i := int(iv.Ival.GetIval()); i >= 1 && i <= len(targets) {
				rt := targets[i-1].GetResTarget()
				return rt.GetVal(), rt.GetName()
			}
		}
	}
	if cr := n.GetColumnRef(); cr != nil && len(cr.GetFields()) == 1 {
		name := lastField(cr)
		for _, t := range targets {
			if rt := t.GetResTarget(); rt.GetName() == name && rt.GetVal().GetColumnRef() == nil {
				return rt.GetVal(), name
			}
		}
	}
	for _, t := range targets {
		rt := t.GetResTarget()
		if rt.GetName() != "" && proto.Equal(rt.GetVal(), n) {
			return n, rt.GetName()
		}
	}
	return n, ""
}

// conjuncts flattens a WHERE clause's top-level AND.
func conjuncts(n *pg_query.Node) []*pg_query.Node {
	if n == nil {
		return nil
	}
	if b := n.GetBoolExpr(); b != nil && b.GetBoolop() == pg_query.BoolExprType_AND_EXPR {
		var out []*pg_query.Node
		for _, a := range b.GetArgs() {
			out = append(out, conjuncts(a)...)
		}
		return out
	}
	return []*pg_query.Node{n}
}

func andOf(list []*pg_query.Node) *pg_query.Node {
	if len(list) == 1 {
		return list[0]
	}
	return &pg_query.Node{Node: &pg_query.Node_BoolExpr{BoolExpr: &pg_query.BoolExpr{Boolop: pg_query.BoolExprType_AND_EXPR, Args: list}}}
}

// isJoinCondition reports whether a conjunct equates columns of two tables.
func isJoinCondition(n *pg_query.Node) bool {
	e := n.GetAExpr()
	if e == nil || e.GetKind() != pg_query.A_Expr_Kind_AEXPR_OP || len(e.GetName()) != 1 || stringValue(e.GetName()[0]) != "=" {
		return false
	}
	l, r := e.GetLexpr().GetColumnRef(), e.GetRexpr().GetColumnRef()
	if l == nil || r == nil || len(l.GetFields()) < 2 || len(r.GetFields()) < 2 {
		return false
	}
	return stringValue(l.GetFields()[0]) != stringValue(r.GetFields()[0])
}

// isRangeFilter reports whether a conjunct is a range comparison.
func isRangeFilter(n *pg_query.Node) bool {
	if e := n.GetAExpr(); e != nil {
		switch e.GetKind() {
		case pg_query.A_Expr_Kind_AEXPR_BETWEEN, pg_query.A_Expr_Kind_AEXPR_NOT_BETWEEN:
			return true
		case pg_query.A_Expr_Kind_AEXPR_OP:
			if len(e.GetName()) == 1 {
				switch stringValue(e.GetName()[0]) {
				case "<", "<=", ">", ">=":
					return true
				}
			}
		}
	}
	return false
}

func deparseStmt(version int32, sel *pg_query.SelectStmt) (string, error) {
	tree := &pg_query.ParseResult{Version: version, Stmts: []*pg_query.RawStmt{{Stmt: &pg_query.Node{Node: &pg_query.Node_SelectStmt{SelectStmt: sel}}}}}
	return pg_query.Deparse(tree)
}
