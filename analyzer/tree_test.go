package analyzer

import (
	"fmt"
	"os"
	"testing"

	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// visitReflect is visit without its fast kinds: what visit must match.
func visitReflect(n *pg_query.Node, fn func(*pg_query.Node) bool) {
	if n == nil || n.GetNode() == nil || !fn(n) {
		return
	}
	visitMessageWith(n.ProtoReflect(), fn, visitReflect)
}

// parsedStatement is a statement's text and parse tree.
type parsedStatement struct {
	text string
	tree *pg_query.ParseResult
}

// fixtureTrees parses the statements of fixtures/workload.sql, then extra,
// leaving out those that do not parse.
func fixtureTrees(t *testing.T, extra ...string) []parsedStatement {
	t.Helper()
	corpus, err := os.ReadFile("../fixtures/workload.sql")
	if err != nil {
		t.Fatal(err)
	}
	texts, err := pg_query.SplitWithScanner(string(corpus), true)
	if err != nil {
		t.Fatal(err)
	}
	var trees []parsedStatement
	for _, text := range append(texts, extra...) {
		if tree, err := pg_query.Parse(text); err == nil {
			trees = append(trees, parsedStatement{text, tree})
		}
	}
	return trees
}

// TestVisitMatchesReflection: visit, which walks the commonest node kinds
// without reflection, reaches the same nodes as the reflective walk, both
// in full and when the callback prunes a kind of node (as Rewrite does
// with what it replaces).
func TestVisitMatchesReflection(t *testing.T) {
	trees := fixtureTrees(t,
		`SELECT a.x IS NULL, NOT (b.y > 1 OR b.z IN (1, 2)), count(*) FILTER (WHERE c IS NOT NULL) OVER (PARTITION BY d ORDER BY e)
		 FROM t a JOIN u b ON b.id = a.id WHERE a.s = 'x' AND a.f = 1.5 AND a.b AND a.q = $1 AND a.bits = B'101'
		 AND a.t::date > now() - interval '1 day' AND EXISTS (SELECT 1 FROM v WHERE v.id = a.id) GROUP BY 1 ORDER BY 2 DESC`,
		`UPDATE t SET a = a + 1, b[1] = 2 WHERE id = ANY($1) RETURNING *`,
		`WITH w AS (SELECT x FROM t) INSERT INTO u (x) SELECT x FROM w ON CONFLICT (x) DO UPDATE SET x = EXCLUDED.x`)
	prune := map[string]func(*pg_query.Node) bool{
		"all":        func(*pg_query.Node) bool { return true },
		"no sublink": func(n *pg_query.Node) bool { return n.GetSubLink() == nil },
		"no column":  func(n *pg_query.Node) bool { return n.GetColumnRef() == nil },
		"no a_expr":  func(n *pg_query.Node) bool { return n.GetAExpr() == nil && n.GetBoolExpr() == nil },
	}
	visited := 0
	for _, st := range trees {
		text, tree := st.text, st.tree
		for _, raw := range tree.GetStmts() {
			for name, keep := range prune {
				got, want := map[*pg_query.Node]int{}, map[*pg_query.Node]int{}
				visit(raw.GetStmt(), func(n *pg_query.Node) bool { got[n]++; return keep(n) })
				visitReflect(raw.GetStmt(), func(n *pg_query.Node) bool { want[n]++; return keep(n) })
				if len(got) != len(want) {
					t.Fatalf("%s: %q: visit reaches %d nodes, the reflective walk %d", name, text, len(got), len(want))
				}
				for n, c := range want {
					if got[n] != c {
						t.Fatalf("%s: %q: node %v visited %d times, want %d", name, text, n, got[n], c)
					}
				}
				visited += len(want)
			}
		}
	}
	if visited < 1000 {
		t.Fatalf("%d nodes visited: the test would prove little", visited)
	}
}

// TestDeparseCache: a leaf's SQL from the cache is what the deparser
// writes, the second time too, and leaves that differ keep their own
// entries.
func TestDeparseCache(t *testing.T) {
	tree, err := pg_query.Parse(`SELECT a, t.a, "A", t."select", t.*, "x|1:y", x, a + 1, 1, -1, '1', 1.5, true, NULL, B'101', 'it''s', E'a\\b', $1 FROM t`)
	if err != nil {
		t.Fatal(err)
	}
	var c DeparseCache
	var leaves int
	for round := 0; round < 2; round++ {
		leaves = 0
		check := func(n *pg_query.Node) bool {
			want, err := deparseQualified(tree.GetVersion(), n)
			got, gotErr := c.deparse(tree.GetVersion(), n)
			if got != want || (err == nil) != (gotErr == nil) {
				t.Errorf("round %d: %v: cache gives %q (%v), the deparser %q (%v)", round, n, got, gotErr, want, err)
			}
			if _, ok := leafKey(tree.GetVersion(), n); ok {
				leaves++
			}
			return true
		}
		for _, target := range tree.GetStmts()[0].GetStmt().GetSelectStmt().GetTargetList() {
			visit(target.GetResTarget().GetVal(), check)
		}
	}
	entries := 0
	c.m.Range(func(any, any) bool { entries++; return true })
	if leaves < 18 || entries < 16 {
		t.Errorf("%d leaves, %d entries: the test would prove little", leaves, entries)
	}
}

// TestDeparseAll: the expressions deparseAhead collects, rendered in one
// call, are what deparseQualified writes for each; a batch holding a
// constant with the separator in it, or a node the deparser refuses, is
// refused whole.
func TestDeparseAll(t *testing.T) {
	trees := fixtureTrees(t,
		`SELECT a.x IS NULL, NOT (b.y > 1 OR b.z IN (1, 2)), count(*) FILTER (WHERE c IS NOT NULL) OVER (PARTITION BY d ORDER BY e),
		 CASE WHEN a.k THEN 'x; y' ELSE coalesce(a.m, greatest(1, 2)) END, ARRAY[1, $2], a.b IS TRUE, 'a; SELECT b'
		 FROM t a JOIN u b ON b.id = a.id WHERE a.s = 'x' AND a.f = 1.5 AND a.b AND a.q = $1 AND a.bits = B'101'
		 AND a.t::date > now() - interval '1 day' AND EXISTS (SELECT 1 FROM v WHERE v.id = a.id) GROUP BY 1 ORDER BY 2 DESC`,
		`SELECT status, count(*), sum(amount) FROM t_17 WHERE tenant_id = 42 AND created_at >= '2024-01-01' AND created_at < $1 GROUP BY status`,
		`SELECT date_trunc('day', o.created_at) AS d, lower(c.name), sum(o.amount * (1 - o.discount)) FILTER (WHERE o.kind <> 'x')
		 FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.amount BETWEEN 1 AND 2 AND c.region IN ('a', 'b') AND o.note IS NOT NULL
		 AND NOT o.archived AND (o.flag OR o.other = -1) GROUP BY 1, 2 HAVING count(*) > 3 ORDER BY d DESC, 2 NULLS FIRST`)
	rendered := 0
	for _, st := range trees {
		text, tree := st.text, st.tree
		for _, raw := range tree.GetStmts() {
			sel := raw.GetStmt().GetSelectStmt()
			if sel == nil {
				continue
			}
			var nodes []*pg_query.Node
			ahead := deparseAhead(tree.GetVersion(), [][]*pg_query.Node{sel.GetTargetList(), {sel.GetWhereClause()}, sel.GetGroupClause(), sel.GetSortClause()})
			for n, got := range ahead {
				want, err := deparseQualified(tree.GetVersion(), n)
				if err != nil || got != want {
					t.Errorf("%q: %v: deparseAhead gives %q, deparseQualified %q (%v)", text, n, got, want, err)
				}
				nodes = append(nodes, n)
			}
			rendered += len(ahead)
			if _, ok := deparseAll(tree.GetVersion(), nodes); !ok && len(nodes) > 0 {
				t.Errorf("%q: deparseAll refuses what deparseAhead rendered", text)
			}
		}
	}
	if rendered < 80 {
		t.Errorf("%d expressions rendered: the test would prove little", rendered)
	}
	tree, err := pg_query.Parse(`SELECT a + 1, 'x; SELECT y', b - 2`)
	if err != nil {
		t.Fatal(err)
	}
	var nodes []*pg_query.Node
	for _, target := range tree.GetStmts()[0].GetStmt().GetSelectStmt().GetTargetList() {
		nodes = append(nodes, target.GetResTarget().GetVal())
	}
	if _, ok := deparseAll(tree.GetVersion(), nodes); ok {
		t.Error("deparseAll splits a batch with the separator in a constant")
	}
	if got, ok := deparseAll(tree.GetVersion(), []*pg_query.Node{nodes[0], nodes[2]}); !ok || len(got) != 2 || got[0] != "a + 1" || got[1] != "b - 2" {
		t.Errorf("deparseAll = %q, %v", got, ok)
	}
	if _, ok := deparseAll(tree.GetVersion(), []*pg_query.Node{nodes[0], {Node: &pg_query.Node_SortBy{SortBy: &pg_query.SortBy{Node: nodes[2]}}}}); ok {
		t.Error("deparseAll renders a batch holding a node the deparser refuses")
	}
}

// TestExpressionKind: the deparser refuses every node of a kind
// expressionKind leaves out, of all the nodes of a corpus of statements,
// so that DeparseCache.deparse may fail them without a call.
func TestExpressionKind(t *testing.T) {
	trees := fixtureTrees(t, `SELECT a.x IS NULL, count(*) FILTER (WHERE c IS NOT NULL) OVER (PARTITION BY d ORDER BY e), ROW(1, 2), (a.arr)[1],
		x COLLATE "C", CASE WHEN a.k THEN 1 END, a.b IS TRUE, GROUPING(a.x), current_date, 'x'::varchar(3)
		FROM t a WHERE a.q = ANY($1) GROUP BY ROLLUP (a.x) ORDER BY 2 DESC NULLS LAST`)
	refused, kinds := 0, map[string]bool{}
	for _, st := range trees {
		text, tree := st.text, st.tree
		for _, raw := range tree.GetStmts() {
			visit(raw.GetStmt(), func(n *pg_query.Node) bool {
				if expressionKind(n) {
					return true
				}
				kinds[fmt.Sprintf("%T", n.GetNode())] = true
				if sql, err := deparseQualified(tree.GetVersion(), n); err == nil {
					t.Errorf("%q: the deparser renders a %T as %q", text, n.GetNode(), sql)
				}
				refused++
				return true
			})
		}
	}
	if refused < 200 || len(kinds) < 8 {
		t.Errorf("%d nodes of %d kinds refused: the test would prove little", refused, len(kinds))
	}
}
