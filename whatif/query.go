package whatif

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/pgadvise/pgadvise/analyzer"
	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// query is a shape as Verify explains it.
type query struct {
	shape *analyzer.QueryShape
	// text is the SQL to explain or prepare.
	text   string
	method Method
	// nparams is the highest $n of text; args the literal values for
	// MethodSampleParams.
	nparams int
	args    []string
	// skip says why the shape is not explained.
	skip string
	// base is the plan without hypothetical indexes, or err why there is
	// none.
	base *plan
	err  string
}

// newQuery decides how to explain a shape. scsOn says the server reads '...'
// as a plain string literal (standard_conforming_strings), without which
// logged values are not passed on.
func newQuery(sh *analyzer.QueryShape, scsOn bool) *query {
	q := &query{shape: sh, text: sh.SampleQuery}
	if q.text == "" {
		q.text = sh.Query
	}
	tree, err := pg_query.Parse(q.text)
	if err != nil && q.text != sh.Query {
		q.text = sh.Query
		tree, err = pg_query.Parse(q.text)
	}
	if err != nil {
		q.skip = fmt.Sprintf("the text does not parse: %v", err)
		return q
	}
	if len(tree.Stmts) != 1 {
		q.skip = fmt.Sprintf("the text holds %d statements", len(tree.Stmts))
		return q
	}
	switch n := tree.Stmts[0].Stmt.GetNode().(type) {
	case *pg_query.Node_SelectStmt, *pg_query.Node_UpdateStmt, *pg_query.Node_DeleteStmt, *pg_query.Node_MergeStmt:
		// EXPLAIN without ANALYZE plans these without running them.
	case *pg_query.Node_InsertStmt:
		q.skip = "INSERT statements are not explained"
		return q
	default:
		q.skip = fmt.Sprintf("%s statements are not explained", strings.TrimPrefix(fmt.Sprintf("%T", n), "*pg_query.Node_"))
		return q
	}
	if rewritten, ok := castTypedParams(q.text, tree); ok {
		q.text = rewritten
	}
	q.nparams, err = maxParam(q.text)
	if err != nil {
		q.skip = fmt.Sprintf("the text does not scan: %v", err)
		return q
	}
	switch {
	case q.nparams == 0:
		q.method = MethodLiteral
	case scsOn && q.text == sh.SampleQuery && len(sh.SampleParams) >= q.nparams && allLiterals(sh.SampleParams[:q.nparams]):
		q.method, q.args = MethodSampleParams, sh.SampleParams[:q.nparams]
	default:
		q.method = MethodGeneric
	}
	return q
}

// castTypedParams rewrites the typed literals whose value pg_stat_statements
// replaced by a parameter (interval '7 days' → interval $1, also date $1,
// timestamp $1, timestamp with time zone $1, interval $1 day) into casts,
// $1::interval: pg_query's grammar reads both, the server's PREPARE only
// the cast (a syntax error at $1 otherwise). The parse tree finds them (a
// TypeCast of a ParamRef whose type name comes first), the scanner where
// each ends. It returns false when there is nothing to rewrite, or when the
// rewrite would not parse.
func castTypedParams(sql string, tree *pg_query.ParseResult) (string, bool) {
	type typed struct{ typeStart, paramStart int32 }
	var found []typed
	for _, st := range tree.GetStmts() {
		analyzer.Visit(st.GetStmt(), func(n *pg_query.Node) bool {
			tc := n.GetTypeCast()
			pr := tc.GetArg().GetParamRef()
			if pr != nil && tc.GetTypeName() != nil {
				if tl := tc.GetTypeName().GetLocation(); tl >= 0 && tl < pr.GetLocation() {
					found = append(found, typed{tl, pr.GetLocation()})
				}
			}
			return true
		})
	}
	if len(found) == 0 {
		return "", false
	}
	scan, err := pg_query.Scan(sql)
	if err != nil {
		return "", false
	}
	toks := scan.GetTokens()
	sort.Slice(found, func(i, j int) bool { return found[i].paramStart > found[j].paramStart }) // from the end
	out := sql
	for _, f := range found {
		i := sort.Search(len(toks), func(i int) bool { return toks[i].Start >= f.paramStart })
		if i == len(toks) || toks[i].Token != pg_query.Token_PARAM || toks[i].Start != f.paramStart || int(toks[i].End) > len(sql) {
			return "", false
		}
		param := sql[toks[i].Start:toks[i].End]
		typeName := strings.Join(strings.Fields(sql[f.typeStart:f.paramStart]), " ")
		end, fields := toks[i].End, ""
		// An interval's fields follow its value: interval $1 day to second.
		for j := i + 1; j < len(toks) && intervalField(toks[j].Token) && strings.HasPrefix(strings.ToLower(typeName), "interval"); j++ {
			fields += " " + sql[toks[j].Start:toks[j].End]
			end = toks[j].End
		}
		out = out[:f.typeStart] + param + "::" + typeName + fields + out[end:]
	}
	if _, err := pg_query.Parse(out); err != nil {
		return "", false
	}
	return out, true
}

// intervalField reports the keywords of an interval's field list.
func intervalField(t pg_query.Token) bool {
	switch t {
	case pg_query.Token_YEAR_P, pg_query.Token_MONTH_P, pg_query.Token_DAY_P, pg_query.Token_HOUR_P,
		pg_query.Token_MINUTE_P, pg_query.Token_SECOND_P, pg_query.Token_TO:
		return true
	}
	return false
}

// maxParam returns the highest $n placeholder number in sql (0: none).
func maxParam(sql string) (int, error) {
	res, err := pg_query.Scan(sql)
	if err != nil {
		return 0, err
	}
	max := 0
	for _, t := range res.Tokens {
		if t.Token != pg_query.Token_PARAM || t.Start < 0 || int(t.End) > len(sql) || t.Start >= t.End {
			continue
		}
		n, err := strconv.Atoi(strings.TrimPrefix(sql[t.Start:t.End], "$"))
		if err == nil && n > max {
			max = n
		}
	}
	return max, nil
}

// allLiterals reports whether every value is NULL or a plain single-quoted
// SQL string literal, the forms PostgreSQL logs parameters in. Anything else
// is not passed to EXECUTE.
func allLiterals(vals []string) bool {
	for _, v := range vals {
		if !isLiteral(v) {
			return false
		}
	}
	return true
}

func isLiteral(v string) bool {
	if strings.EqualFold(v, "NULL") {
		return true
	}
	if len(v) < 2 || v[0] != '\'' || v[len(v)-1] != '\'' {
		return false
	}
	inner := v[1 : len(v)-1]
	for i := 0; i < len(inner); i++ {
		switch inner[i] {
		case '\'':
			if i+1 >= len(inner) || inner[i+1] != '\'' {
				return false
			}
			i++
		case 0:
			return false
		}
	}
	return true
}

// unsupportedMethod reports whether HypoPG (1.x: btree, brin, hash, bloom)
// cannot simulate an access method. Others are tried: HypoPG's error then
// says why.
func unsupportedMethod(method string) bool {
	switch method {
	case "gin", "gist", "spgist":
		return true
	}
	return false
}

// hypotheticalDDL turns a recommendation's CREATE INDEX into what
// hypopg_create_index takes: without CONCURRENTLY, IF NOT EXISTS and the
// name (HypoPG names its indexes itself). It also returns the access method.
func hypotheticalDDL(ddl string) (string, string, error) {
	tree, ix, err := plainIndexStmt(ddl)
	if err != nil {
		return "", "", err
	}
	ix.Idxname = ""
	method := strings.ToLower(ix.AccessMethod)
	if method == "" {
		method = "btree"
	}
	out, err := pg_query.Deparse(tree)
	if err != nil {
		return "", "", err
	}
	return out, method, nil
}

// plainIndexStmt parses a recommendation's CREATE INDEX and clears
// CONCURRENTLY and IF NOT EXISTS: what can run inside a transaction block,
// and fails rather than skips when the name is taken.
func plainIndexStmt(ddl string) (*pg_query.ParseResult, *pg_query.IndexStmt, error) {
	tree, err := pg_query.Parse(ddl)
	if err != nil {
		return nil, nil, err
	}
	if len(tree.Stmts) != 1 {
		return nil, nil, fmt.Errorf("%d statements", len(tree.Stmts))
	}
	ix := tree.Stmts[0].Stmt.GetIndexStmt()
	if ix == nil {
		return nil, nil, errors.New("not a CREATE INDEX statement")
	}
	ix.Concurrent, ix.IfNotExists = false, false
	return tree, ix, nil
}

// formatCost writes a planner cost briefly: 2455, 94.07, 25.4k, 1.2M. It is
// not advisor.FormatCost: one query's EXPLAIN cost is small and its decimals
// tell a probe from a scan (8.44 against 4.31), where the advisor's figures
// are sums over a workload.
func formatCost(c float64) string {
	switch a := math.Abs(c); {
	case a >= 1e9:
		return strconv.FormatFloat(c/1e9, 'f', 1, 64) + "G"
	case a >= 1e6:
		return strconv.FormatFloat(c/1e6, 'f', 1, 64) + "M"
	case a >= 1e4:
		return strconv.FormatFloat(c/1e3, 'f', 1, 64) + "k"
	default:
		return strconv.FormatFloat(c, 'f', -1, 64)
	}
}

// percentChange writes after relative to before: "−99.7%".
func percentChange(before, after float64) string {
	if before == 0 {
		return "n/a"
	}
	p := (after - before) / before * 100
	if p < 0 {
		return "−" + strconv.FormatFloat(-p, 'f', 1, 64) + "%"
	}
	return "+" + strconv.FormatFloat(p, 'f', 1, 64) + "%"
}

// plural writes "1 query", "3 queries".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
