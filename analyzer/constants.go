package analyzer

// Constants: the values conditions compare with, as an index predicate or a
// LIMIT reads them, and the parameters they bind.

import (
	"strconv"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
)

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
