package analyzer

// Parse tree helpers: names, visiting every node, rendering expressions as
// SQL.

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

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
// of node is missed (including typed children such as SelectStmt.Larg),
// but for a few common kinds it lists the fields of by hand
// (TestVisitMatchesReflection holds them to the reflective walk).
// Visit calls fn on n and on every node below it while fn returns true,
// whatever the node kinds: for packages that rewrite parse trees.
func Visit(n *pg_query.Node, fn func(*pg_query.Node) bool) { visit(n, fn) }

func visit(n *pg_query.Node, fn func(*pg_query.Node) bool) {
	if n == nil || n.GetNode() == nil || !fn(n) {
		return
	}
	// The commonest kinds of expression node, whose node fields are
	// listed here, are walked without reflection (most of a walk's time
	// went there); every other kind, and the messages below these that
	// are not nodes (a window, a type name), reflectively.
	switch x := n.GetNode().(type) {
	case *pg_query.Node_String_, *pg_query.Node_AConst, *pg_query.Node_ParamRef, *pg_query.Node_AStar,
		*pg_query.Node_Integer, *pg_query.Node_Float, *pg_query.Node_Boolean, *pg_query.Node_BitString:
		// No node below.
	case *pg_query.Node_ColumnRef:
		visitList(x.ColumnRef.GetFields(), fn)
	case *pg_query.Node_AExpr:
		visitList(x.AExpr.GetName(), fn)
		visit(x.AExpr.GetLexpr(), fn)
		visit(x.AExpr.GetRexpr(), fn)
	case *pg_query.Node_BoolExpr:
		visit(x.BoolExpr.GetXpr(), fn)
		visitList(x.BoolExpr.GetArgs(), fn)
	case *pg_query.Node_ResTarget:
		visitList(x.ResTarget.GetIndirection(), fn)
		visit(x.ResTarget.GetVal(), fn)
	case *pg_query.Node_NullTest:
		visit(x.NullTest.GetXpr(), fn)
		visit(x.NullTest.GetArg(), fn)
	case *pg_query.Node_List:
		visitList(x.List.GetItems(), fn)
	case *pg_query.Node_SortBy:
		visit(x.SortBy.GetNode(), fn)
		visitList(x.SortBy.GetUseOp(), fn)
	case *pg_query.Node_SubLink:
		visit(x.SubLink.GetXpr(), fn)
		visit(x.SubLink.GetTestexpr(), fn)
		visitList(x.SubLink.GetOperName(), fn)
		visit(x.SubLink.GetSubselect(), fn)
	case *pg_query.Node_FuncCall:
		f := x.FuncCall
		visitList(f.GetFuncname(), fn)
		visitList(f.GetArgs(), fn)
		visitList(f.GetAggOrder(), fn)
		visit(f.GetAggFilter(), fn)
		if w := f.GetOver(); w != nil {
			visitMessage(w.ProtoReflect(), fn)
		}
	case *pg_query.Node_TypeCast:
		visit(x.TypeCast.GetArg(), fn)
		if t := x.TypeCast.GetTypeName(); t != nil {
			visitMessage(t.ProtoReflect(), fn)
		}
	default:
		visitMessage(n.ProtoReflect(), fn)
	}
}

func visitList(list []*pg_query.Node, fn func(*pg_query.Node) bool) {
	for _, n := range list {
		visit(n, fn)
	}
}

func visitMessage(m protoreflect.Message, fn func(*pg_query.Node) bool) {
	visitMessageWith(m, fn, visit)
}

// visitMessageWith calls node on every node field of m, and of the
// messages below it that are not nodes.
func visitMessageWith(m protoreflect.Message, fn func(*pg_query.Node) bool, node func(*pg_query.Node, func(*pg_query.Node) bool)) {
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		if fd.Kind() != protoreflect.MessageKind {
			return true
		}
		if fd.IsList() {
			l := v.List()
			for i := 0; i < l.Len(); i++ {
				visitValue(l.Get(i).Message(), fn, node)
			}
		} else if !fd.IsMap() {
			visitValue(v.Message(), fn, node)
		}
		return true
	})
}

func visitValue(m protoreflect.Message, fn func(*pg_query.Node) bool, node func(*pg_query.Node, func(*pg_query.Node) bool)) {
	if n, ok := m.Interface().(*pg_query.Node); ok {
		node(n, fn)
		return
	}
	visitMessageWith(m, fn, node)
}

// DeparseCache keeps the SQL of the leaves deparsed by the rewrites of one
// workload: column references, which name the same few columns over and
// over, operator names, and constants, which each query's second rewrite
// meets again. Their SQL depends on their content alone. It is safe for
// concurrent use; the zero value is ready, and a nil one keeps nothing.
type DeparseCache struct {
	m sync.Map
	// parsed keeps the expression trees of the re-aggregations
	// (AggregateQuery.reaggregate), by their SQL: a handful of texts
	// (sum("count_all")::bigint), each parsed once instead of once per
	// rewrite.
	parsed sync.Map
}

// parseExpr returns the tree of the expression sql (SELECT sql's first
// output), through the cache: a copy of its own, which the caller may
// put in a tree it changes.
func (c *DeparseCache) parseExpr(sql string) (*pg_query.Node, error) {
	if c != nil {
		if n, ok := c.parsed.Load(sql); ok {
			return proto.Clone(n.(*pg_query.Node)).(*pg_query.Node), nil
		}
	}
	tree, err := pg_query.Parse("SELECT " + sql)
	if err != nil {
		return nil, err
	}
	n := tree.GetStmts()[0].GetStmt().GetSelectStmt().GetTargetList()[0].GetResTarget().GetVal()
	if c == nil {
		return n, nil
	}
	c.parsed.Store(sql, n)
	return proto.Clone(n).(*pg_query.Node), nil
}

// deparse is deparseQualified(version, n), through the cache for a leaf.
// A node of a kind the deparser refuses as an expression whatever it
// holds (expressionKind) fails without a call: a rewrite asks it of every
// node it walks, output entries and operator names among them.
func (c *DeparseCache) deparse(version int32, n *pg_query.Node) (string, error) {
	if !expressionKind(n) {
		return "", fmt.Errorf("deparse expression: a %T is not one", n.GetNode())
	}
	key, ok := leafKey(version, n)
	if c == nil || !ok {
		return deparseQualified(version, n)
	}
	if sql, ok := c.m.Load(key); ok {
		return sql.(string), nil
	}
	sql, err := deparseQualified(version, n)
	if err == nil {
		c.m.Store(key, sql)
	}
	return sql, err
}

// expressionKind reports whether the deparser renders a node of n's kind
// as an expression (SELECT n): the kinds its deparseExpr (pg_query's
// postgres_deparse.c) takes; it refuses any other, whatever the node
// holds.
func expressionKind(n *pg_query.Node) bool {
	switch n.GetNode().(type) {
	case *pg_query.Node_ColumnRef, *pg_query.Node_AConst, *pg_query.Node_ParamRef, *pg_query.Node_AIndirection,
		*pg_query.Node_CaseExpr, *pg_query.Node_SubLink, *pg_query.Node_AArrayExpr, *pg_query.Node_RowExpr,
		*pg_query.Node_GroupingFunc, *pg_query.Node_TypeCast, *pg_query.Node_CollateClause, *pg_query.Node_AExpr,
		*pg_query.Node_BoolExpr, *pg_query.Node_NullTest, *pg_query.Node_BooleanTest, *pg_query.Node_JsonIsPredicate,
		*pg_query.Node_SetToDefault, *pg_query.Node_MergeSupportFunc, *pg_query.Node_JsonParseExpr,
		*pg_query.Node_JsonScalarExpr, *pg_query.Node_JsonSerializeExpr, *pg_query.Node_JsonFuncExpr,
		*pg_query.Node_FuncCall, *pg_query.Node_SqlvalueFunction, *pg_query.Node_MinMaxExpr, *pg_query.Node_CoalesceExpr,
		*pg_query.Node_XmlExpr, *pg_query.Node_XmlSerialize, *pg_query.Node_JsonObjectAgg, *pg_query.Node_JsonArrayAgg,
		*pg_query.Node_JsonObjectConstructor, *pg_query.Node_JsonArrayConstructor, *pg_query.Node_JsonArrayQueryConstructor:
		return true
	}
	return false
}

// leafKey identifies a column reference, a name or a constant by its
// content (and the parse tree's version); false for any other node.
func leafKey(version int32, n *pg_query.Node) (string, bool) {
	var b strings.Builder
	b.WriteString(strconv.Itoa(int(version)))
	text := func(kind, s string) {
		b.WriteString(kind)
		b.WriteString(strconv.Itoa(len(s)))
		b.WriteByte(':')
		b.WriteString(s)
	}
	switch x := n.GetNode().(type) {
	case *pg_query.Node_ColumnRef:
		for _, f := range x.ColumnRef.GetFields() {
			switch {
			case f.GetAStar() != nil:
				b.WriteString("|*")
			case f.GetString_() != nil:
				text("|c", f.GetString_().GetSval())
			default:
				return "", false
			}
		}
	case *pg_query.Node_String_:
		text("|s", x.String_.GetSval())
	case *pg_query.Node_AConst:
		k := x.AConst
		switch {
		case k.GetIsnull():
			b.WriteString("|null")
		case k.GetIval() != nil:
			text("|i", strconv.Itoa(int(k.GetIval().GetIval())))
		case k.GetFval() != nil:
			text("|f", k.GetFval().GetFval())
		case k.GetBoolval() != nil:
			text("|b", strconv.FormatBool(k.GetBoolval().GetBoolval()))
		case k.GetSval() != nil:
			text("|t", k.GetSval().GetSval())
		case k.GetBsval() != nil:
			text("|x", k.GetBsval().GetBsval())
		default:
			return "", false
		}
	default:
		return "", false
	}
	return b.String(), true
}

// deparseQualified renders one expression of a parse tree of the given version
// as SQL, keeping its column qualifiers.
func deparseQualified(version int32, n *pg_query.Node) (string, error) {
	tree := &pg_query.ParseResult{Version: version, Stmts: []*pg_query.RawStmt{{Stmt: selectOf(n)}}}
	s, err := pg_query.Deparse(tree)
	if err != nil {
		return "", fmt.Errorf("deparse expression: %w", err)
	}
	return strings.TrimPrefix(s, "SELECT "), nil
}

// selectOf is the statement SELECT n.
func selectOf(n *pg_query.Node) *pg_query.Node {
	return &pg_query.Node{Node: &pg_query.Node_SelectStmt{
		SelectStmt: &pg_query.SelectStmt{TargetList: []*pg_query.Node{{Node: &pg_query.Node_ResTarget{ResTarget: &pg_query.ResTarget{Val: n}}}}},
	}}
}

// deparseAll is deparseQualified of each of nodes, in one call of the
// deparser instead of one each (a call costs more than rendering a small
// expression): the statements SELECT n, which the deparser joins with
// "; ", split again. It returns false when the deparser fails on one of
// them, or a text holds "; SELECT " (a string constant may), so that the
// parts are not certain: then deparse them one by one.
func deparseAll(version int32, nodes []*pg_query.Node) ([]string, bool) {
	if len(nodes) == 0 {
		return nil, true
	}
	stmts := make([]*pg_query.RawStmt, len(nodes))
	for i, n := range nodes {
		stmts[i] = &pg_query.RawStmt{Stmt: selectOf(n)}
	}
	s, err := pg_query.Deparse(&pg_query.ParseResult{Version: version, Stmts: stmts})
	if err != nil {
		return nil, false
	}
	const sep = "; SELECT "
	s, ok := strings.CutPrefix(s, "SELECT ")
	if !ok || strings.Count(s, sep) != len(nodes)-1 {
		return nil, false
	}
	return strings.Split(s, sep), true
}
