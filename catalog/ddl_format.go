package catalog

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// ---- deparsing ----

// deparseExpr prints an expression with pg_query's deparser, by wrapping it
// in SELECT <expr>. It returns "" when the deparser fails.
func (r *reader) deparseExpr(n *pg_query.Node) string {
	if n == nil {
		return ""
	}
	sel := &pg_query.Node{Node: &pg_query.Node_SelectStmt{SelectStmt: &pg_query.SelectStmt{
		TargetList: []*pg_query.Node{{Node: &pg_query.Node_ResTarget{ResTarget: &pg_query.ResTarget{Val: n}}}},
		Op:         pg_query.SetOperation_SETOP_NONE,
	}}}
	s := r.deparseStmt(sel)
	return strings.TrimPrefix(s, "SELECT ")
}

// deparseStmt prints one statement, or "" when the deparser fails.
func (r *reader) deparseStmt(n *pg_query.Node) (out string) {
	defer func() {
		if recover() != nil {
			out = ""
		}
	}()
	v := r.version
	if v == 0 {
		v = parseTreeVersion()
	}
	s, err := pg_query.Deparse(&pg_query.ParseResult{Version: v, Stmts: []*pg_query.RawStmt{{Stmt: n}}})
	if err != nil {
		return ""
	}
	return s
}

var treeVersion struct {
	once sync.Once
	v    int32
}

// parseTreeVersion is the version of pg_query's parse trees.
func parseTreeVersion() int32 {
	treeVersion.once.Do(func() {
		if res, err := pg_query.Parse("SELECT 1"); err == nil {
			treeVersion.v = res.GetVersion()
		}
	})
	return treeVersion.v
}

// ---- node helpers ----

// nodeStrings returns the String values of a list of nodes, skipping others.
func nodeStrings(nodes []*pg_query.Node) []string {
	var out []string
	for _, n := range nodes {
		if s := n.GetString_(); s != nil {
			out = append(out, s.GetSval())
		}
	}
	return out
}

func lastName(nodes []*pg_query.Node) string {
	names := nodeStrings(nodes)
	if len(names) == 0 {
		return ""
	}
	return names[len(names)-1]
}

// constString returns a string constant's value.
func constString(n *pg_query.Node) (string, bool) {
	if c := n.GetAConst(); c != nil && c.GetSval() != nil {
		return c.GetSval().GetSval(), true
	}
	if tc := n.GetTypeCast(); tc != nil {
		return constString(tc.GetArg())
	}
	return "", false
}

// quoteLiteral quotes a string as an SQL literal.
func quoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// ---- types ----

// serialType maps the serial pseudo-types to their integer type.
func serialType(tn *pg_query.TypeName) (string, bool) {
	names := nodeStrings(tn.GetNames())
	if len(names) != 1 || len(tn.GetArrayBounds()) > 0 || len(tn.GetTypmods()) > 0 {
		return "", false
	}
	switch names[0] {
	case "smallserial", "serial2":
		return "smallint", true
	case "serial", "serial4":
		return "integer", true
	case "bigserial", "serial8":
		return "bigint", true
	}
	return "", false
}

// builtinTypeNames maps the internal names the parser uses for SQL types to
// the names format_type prints.
var builtinTypeNames = map[string]string{
	"int2":   "smallint",
	"int4":   "integer",
	"int8":   "bigint",
	"float4": "real",
	"float8": "double precision",
	"bool":   "boolean",
}

// formatType renders a type as PostgreSQL's format_type prints it:
// "integer", "character varying(255)", "timestamp with time zone",
// "numeric(12,2)", "text[]"; other types as written, each part quoted
// where needed ("public.citext").
func formatType(tn *pg_query.TypeName) string {
	if tn == nil {
		return ""
	}
	names := nodeStrings(tn.GetNames())
	if len(names) == 0 {
		return ""
	}
	mods := typmodInts(tn.GetTypmods())
	var s string
	switch {
	case len(names) == 2 && names[0] == "pg_catalog":
		s = formatBuiltin(names[1], mods, tn.GetTypmods())
	case len(names) == 1:
		s = formatBuiltin(names[0], mods, tn.GetTypmods())
	default:
		parts := make([]string, len(names))
		for i, n := range names {
			parts[i] = QuoteIdent(n)
		}
		s = strings.Join(parts, ".") + genericTypmods(tn.GetTypmods())
	}
	if tn.GetPctType() {
		s += "%TYPE"
	}
	if len(tn.GetArrayBounds()) > 0 {
		s += "[]"
	}
	if tn.GetSetof() {
		s = "SETOF " + s
	}
	return s
}

// typmodInts returns the integer type modifiers, or nil if any is not an
// integer constant.
func typmodInts(nodes []*pg_query.Node) []int {
	var out []int
	for _, n := range nodes {
		c := n.GetAConst()
		if c == nil || c.GetIval() == nil {
			return nil
		}
		out = append(out, int(c.GetIval().GetIval()))
	}
	return out
}

func genericTypmods(nodes []*pg_query.Node) string {
	if len(nodes) == 0 {
		return ""
	}
	parts := make([]string, 0, len(nodes))
	for _, n := range nodes {
		switch {
		case n.GetAConst() != nil:
			c := n.GetAConst()
			switch {
			case c.GetSval() != nil:
				parts = append(parts, quoteLiteral(c.GetSval().GetSval()))
			case c.GetFval() != nil:
				parts = append(parts, c.GetFval().GetFval())
			default:
				parts = append(parts, strconv.Itoa(int(c.GetIval().GetIval())))
			}
		case n.GetColumnRef() != nil:
			parts = append(parts, lastName(n.GetColumnRef().GetFields()))
		default:
			parts = append(parts, "?")
		}
	}
	return "(" + strings.Join(parts, ",") + ")"
}

// Interval field bits, as in PostgreSQL's datetime.h.
const (
	intervalMonth     = 1 << 1
	intervalYear      = 1 << 2
	intervalDay       = 1 << 3
	intervalHour      = 1 << 10
	intervalMinute    = 1 << 11
	intervalSecond    = 1 << 12
	intervalFullRange = 0x7FFF
	intervalFullPrec  = 0xFFFF
)

var intervalFields = map[int]string{
	intervalYear:                 " year",
	intervalMonth:                " month",
	intervalDay:                  " day",
	intervalHour:                 " hour",
	intervalMinute:               " minute",
	intervalSecond:               " second",
	intervalYear | intervalMonth: " year to month",
	intervalDay | intervalHour:   " day to hour",
	intervalDay | intervalHour | intervalMinute:                  " day to minute",
	intervalDay | intervalHour | intervalMinute | intervalSecond: " day to second",
	intervalHour | intervalMinute:                                " hour to minute",
	intervalHour | intervalMinute | intervalSecond:               " hour to second",
	intervalMinute | intervalSecond:                              " minute to second",
	intervalFullRange:                                            "",
}

// formatBuiltin renders an unqualified or pg_catalog type name.
func formatBuiltin(name string, mods []int, raw []*pg_query.Node) string {
	paren := func(base string) string {
		if len(mods) == 0 {
			return base
		}
		return fmt.Sprintf("%s(%d)", base, mods[0])
	}
	if len(raw) > 0 && mods == nil {
		return quoteTypeName(name) + genericTypmods(raw)
	}
	if sql, ok := builtinTypeNames[name]; ok && len(mods) == 0 {
		return sql
	}
	switch name {
	case "numeric", "decimal":
		switch len(mods) {
		case 0:
			return "numeric"
		case 1:
			return fmt.Sprintf("numeric(%d,0)", mods[0])
		default:
			return fmt.Sprintf("numeric(%d,%d)", mods[0], mods[1])
		}
	case "varchar":
		return paren("character varying")
	case "bpchar":
		if len(mods) == 0 {
			return "bpchar"
		}
		return paren("character")
	case "bit":
		return paren("bit")
	case "varbit":
		return paren("bit varying")
	case "timestamp", "timestamptz", "time", "timetz":
		base, zone := strings.TrimSuffix(name, "tz"), " without time zone"
		if strings.HasSuffix(name, "tz") {
			zone = " with time zone"
		}
		return paren(base) + zone
	case "interval":
		s := "interval"
		if len(mods) == 0 {
			return s
		}
		fields, ok := intervalFields[mods[0]]
		if !ok {
			return s + genericTypmods(raw)
		}
		s += fields
		if len(mods) > 1 && mods[1] != intervalFullPrec {
			s += fmt.Sprintf("(%d)", mods[1])
		}
		return s
	}
	return quoteTypeName(name) + genericTypmods(raw)
}

// quoteTypeName quotes a single type name where format_type would: "char"
// (the one-byte type, whose name is a keyword) and names that are not plain
// lower-case identifiers. Other keywords are left alone: the parser knows
// them as type names (json, text, ...).
func quoteTypeName(name string) string {
	if name == "char" {
		return `"char"`
	}
	if plainIdent(name) {
		return name
	}
	return QuoteIdent(name)
}

func plainIdent(s string) bool {
	for i, r := range s {
		if !(r >= 'a' && r <= 'z' || r == '_' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}

// ---- names PostgreSQL chooses ----

// namedatalen is PostgreSQL's NAMEDATALEN: names are at most 63 bytes.
const namedatalen = 64

// makeObjectName is PostgreSQL's makeObjectName: name1_name2_label, with
// name1 and name2 shortened (the longer first) to fit in 63 bytes.
func makeObjectName(name1, name2, label string) string {
	overhead := 0
	if name2 != "" {
		overhead++
	}
	if label != "" {
		overhead += len(label) + 1
	}
	avail := namedatalen - 1 - overhead
	n1, n2 := len(name1), len(name2)
	for n1+n2 > avail && (n1 > 0 || n2 > 0) {
		if n1 > n2 {
			n1--
		} else {
			n2--
		}
	}
	name := clipUTF8(name1, n1)
	if name2 != "" {
		name += "_" + clipUTF8(name2, n2)
	}
	if label != "" {
		name += "_" + label
	}
	return name
}

// clipUTF8 cuts s to at most n bytes without splitting a character.
func clipUTF8(s string, n int) string {
	if n >= len(s) {
		return s
	}
	if n < 0 {
		n = 0
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// nameAddition is ChooseIndexNameAddition: the column names joined by
// underscores, stopping once it reaches NAMEDATALEN.
func nameAddition(cols []string) string {
	var b strings.Builder
	for _, c := range cols {
		if b.Len() > 0 {
			b.WriteByte('_')
		}
		if len(c) > namedatalen-1 {
			c = clipUTF8(c, namedatalen-1)
		}
		b.WriteString(c)
		if b.Len() >= namedatalen {
			break
		}
	}
	return b.String()
}

// indexColumnName is the name an index column gets, used to name an
// unnamed index: the column, or for an expression what
// FigureIndexColname returns ("lower", "expr").
func indexColumnName(e *pg_query.IndexElem) string {
	if e.GetIndexcolname() != "" {
		return e.GetIndexcolname()
	}
	if e.GetName() != "" {
		return e.GetName()
	}
	if name, strength := figureColname(e.GetExpr()); strength > 0 {
		return name
	}
	return "expr"
}

// figureColname is a subset of PostgreSQL's FigureColnameInternal: the
// name a result column or index expression gets, with its strength (0 for
// none, 1 for a weak guess such as a cast's type, 2 for a real name).
func figureColname(n *pg_query.Node) (string, int) {
	switch v := n.GetNode().(type) {
	case *pg_query.Node_ColumnRef:
		fields := v.ColumnRef.GetFields()
		if len(fields) > 0 {
			if s := fields[len(fields)-1].GetString_(); s != nil {
				return s.GetSval(), 2
			}
		}
	case *pg_query.Node_AIndirection:
		ind := v.AIndirection.GetIndirection()
		for i := len(ind) - 1; i >= 0; i-- {
			if s := ind[i].GetString_(); s != nil {
				return s.GetSval(), 2
			}
		}
		return figureColname(v.AIndirection.GetArg())
	case *pg_query.Node_FuncCall:
		return lastName(v.FuncCall.GetFuncname()), 2
	case *pg_query.Node_AExpr:
		if v.AExpr.GetKind() == pg_query.A_Expr_Kind_AEXPR_NULLIF {
			return "nullif", 2
		}
	case *pg_query.Node_TypeCast:
		if name, s := figureColname(v.TypeCast.GetArg()); s > 1 {
			return name, s
		}
		if tn := v.TypeCast.GetTypeName(); tn != nil {
			return lastName(tn.GetNames()), 1
		}
	case *pg_query.Node_CollateClause:
		return figureColname(v.CollateClause.GetArg())
	case *pg_query.Node_CaseExpr:
		if name, s := figureColname(v.CaseExpr.GetDefresult()); s > 1 {
			return name, s
		}
		return "case", 1
	case *pg_query.Node_AArrayExpr:
		return "array", 2
	case *pg_query.Node_RowExpr:
		return "row", 2
	case *pg_query.Node_CoalesceExpr:
		return "coalesce", 2
	case *pg_query.Node_MinMaxExpr:
		if v.MinMaxExpr.GetOp() == pg_query.MinMaxOp_IS_GREATEST {
			return "greatest", 2
		}
		return "least", 2
	case *pg_query.Node_SqlvalueFunction:
		if name, ok := sqlValueFunctionNames[v.SqlvalueFunction.GetOp()]; ok {
			return name, 2
		}
	}
	return "?column?", 0
}

var sqlValueFunctionNames = map[pg_query.SQLValueFunctionOp]string{
	pg_query.SQLValueFunctionOp_SVFOP_CURRENT_DATE:        "current_date",
	pg_query.SQLValueFunctionOp_SVFOP_CURRENT_TIME:        "current_time",
	pg_query.SQLValueFunctionOp_SVFOP_CURRENT_TIME_N:      "current_time",
	pg_query.SQLValueFunctionOp_SVFOP_CURRENT_TIMESTAMP:   "current_timestamp",
	pg_query.SQLValueFunctionOp_SVFOP_CURRENT_TIMESTAMP_N: "current_timestamp",
	pg_query.SQLValueFunctionOp_SVFOP_LOCALTIME:           "localtime",
	pg_query.SQLValueFunctionOp_SVFOP_LOCALTIME_N:         "localtime",
	pg_query.SQLValueFunctionOp_SVFOP_LOCALTIMESTAMP:      "localtimestamp",
	pg_query.SQLValueFunctionOp_SVFOP_LOCALTIMESTAMP_N:    "localtimestamp",
	pg_query.SQLValueFunctionOp_SVFOP_CURRENT_ROLE:        "current_role",
	pg_query.SQLValueFunctionOp_SVFOP_CURRENT_USER:        "current_user",
	pg_query.SQLValueFunctionOp_SVFOP_USER:                "user",
	pg_query.SQLValueFunctionOp_SVFOP_SESSION_USER:        "session_user",
	pg_query.SQLValueFunctionOp_SVFOP_CURRENT_CATALOG:     "current_catalog",
	pg_query.SQLValueFunctionOp_SVFOP_CURRENT_SCHEMA:      "current_schema",
}

// ---- view columns ----

// queryColumns returns a view's columns when they are cheap to know: the
// names from the column list or the select list (nil if it has a *), the
// type when the expression is a cast or a column of a known table in FROM.
func (r *reader) queryColumns(q *pg_query.Node, aliases []string) []Column {
	sel := q.GetSelectStmt()
	for i := 0; sel != nil && sel.GetOp() != pg_query.SetOperation_SETOP_NONE && i < 1000; i++ {
		sel = sel.GetLarg()
	}
	if sel == nil || len(sel.GetTargetList()) == 0 {
		return nil
	}
	from := make(map[string]*Table)
	var all []*Table
	var walk func(n *pg_query.Node, depth int)
	walk = func(n *pg_query.Node, depth int) {
		if depth > 100 {
			return
		}
		switch v := n.GetNode().(type) {
		case *pg_query.Node_RangeVar:
			t := r.table(v.RangeVar)
			if t == nil {
				all = append(all, nil)
				return
			}
			all = append(all, t)
			alias := v.RangeVar.GetAlias().GetAliasname()
			if alias == "" {
				alias = v.RangeVar.GetRelname()
			}
			from[alias] = t
		case *pg_query.Node_JoinExpr:
			walk(v.JoinExpr.GetLarg(), depth+1)
			walk(v.JoinExpr.GetRarg(), depth+1)
		default:
			all = append(all, nil) // a subquery or function: its columns are unknown
		}
	}
	for _, f := range sel.GetFromClause() {
		walk(f, 0)
	}
	var cols []Column
	for i, tn := range sel.GetTargetList() {
		rt := tn.GetResTarget()
		if rt == nil {
			return nil
		}
		if cr := rt.GetVal().GetColumnRef(); cr != nil {
			if f := cr.GetFields(); len(f) > 0 && f[len(f)-1].GetAStar() != nil {
				return nil
			}
		}
		name := rt.GetName()
		if name == "" {
			name, _ = figureColname(rt.GetVal())
		}
		if i < len(aliases) {
			name = aliases[i]
		}
		cols = append(cols, Column{Name: name, Type: r.exprType(rt.GetVal(), from, all)})
	}
	return cols
}

// exprType guesses an expression's type: a cast's type, or a column's of a
// table in FROM.
func (r *reader) exprType(n *pg_query.Node, from map[string]*Table, all []*Table) string {
	if tc := n.GetTypeCast(); tc != nil {
		return formatType(tc.GetTypeName())
	}
	cr := n.GetColumnRef()
	if cr == nil {
		return ""
	}
	f := nodeStrings(cr.GetFields())
	if len(f) != len(cr.GetFields()) {
		return ""
	}
	switch len(f) {
	case 1:
		typ := ""
		for _, t := range all {
			if t == nil {
				return "" // may come from a relation whose columns are unknown
			}
			if c := t.Column(f[0]); c != nil {
				if typ != "" {
					return ""
				}
				typ = c.Type
			}
		}
		return typ
	case 2:
		if t := from[f[0]]; t != nil {
			if c := t.Column(f[1]); c != nil {
				return c.Type
			}
		}
	}
	return ""
}
