package whatif

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pgadvise/pgadvise/advisor"
	"github.com/pgadvise/pgadvise/analyzer"
)

func TestHypotheticalDDL(t *testing.T) {
	for _, tc := range []struct {
		in, want, method string
	}{
		{`CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_a_b_idx ON public.orders (a, b DESC);`,
			`CREATE INDEX ON public.orders USING btree (a, b DESC)`, "btree"},
		{`CREATE INDEX CONCURRENTLY IF NOT EXISTS "Odd Name" ON public.orders (lower(email)) INCLUDE (id) WHERE deleted_at IS NULL;`,
			`CREATE INDEX ON public.orders USING btree (lower(email)) INCLUDE (id) WHERE deleted_at IS NULL`, "btree"},
		{`CREATE INDEX CONCURRENTLY IF NOT EXISTS p_gin_idx ON public.products USING gin (attributes jsonb_path_ops);`,
			`CREATE INDEX ON public.products USING gin (attributes jsonb_path_ops)`, "gin"},
		{`CREATE INDEX CONCURRENTLY IF NOT EXISTS e_brin_idx ON public.events USING BRIN (created_at);`,
			`CREATE INDEX ON public.events USING brin (created_at)`, "brin"},
	} {
		got, method, err := hypotheticalDDL(tc.in)
		if err != nil || got != tc.want || method != tc.method {
			t.Errorf("hypotheticalDDL(%s) = %q, %q, %v; want %q, %q", tc.in, got, method, err, tc.want, tc.method)
		}
	}
	for _, bad := range []string{"DROP INDEX CONCURRENTLY x;", "CREATE INDEX ON t (a); CREATE INDEX ON t (b);", "CREATE INDEX ON"} {
		if _, _, err := hypotheticalDDL(bad); err == nil {
			t.Errorf("hypotheticalDDL(%q): no error", bad)
		}
	}
}

func TestMaxParam(t *testing.T) {
	for sql, want := range map[string]int{
		"SELECT 1": 0,
		"SELECT * FROM t WHERE a = $1 AND b = $12":      12,
		"SELECT '$3', $2 -- $9":                         2,
		"SELECT * FROM t WHERE a = $2 LIMIT $1":         2,
		`SELECT "$5" FROM t WHERE x = $$ $7 $$`:         0,
		"UPDATE t SET a = $1 WHERE id = ANY($2::int[])": 2,
	} {
		got, err := maxParam(sql)
		if err != nil || got != want {
			t.Errorf("maxParam(%q) = %d, %v; want %d", sql, got, err, want)
		}
	}
}

func TestIsLiteral(t *testing.T) {
	for v, want := range map[string]bool{
		"NULL": true, "null": true, "''": true, "'42'": true, "'it''s'": true, "'a\nb, $2 = x'": true,
		"42": false, "'": false, "'a'b'": false, "'x'); DROP TABLE t; --'": false, "'x''": false,
		"E'x'": false, "'a' || 'b'": false, "'nul\x00'": false, "now()": false,
	} {
		if got := isLiteral(v); got != want {
			t.Errorf("isLiteral(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestNewQuery(t *testing.T) {
	for _, tc := range []struct {
		name   string
		shape  analyzer.QueryShape
		scsOn  bool
		method Method
		text   string
		args   []string
		skip   string
	}{
		{name: "literal", scsOn: true, method: MethodLiteral,
			shape: analyzer.QueryShape{Query: "SELECT * FROM t WHERE a = $1", SampleQuery: "SELECT * FROM t WHERE a = 5"},
			text:  "SELECT * FROM t WHERE a = 5"},
		{name: "pgss", scsOn: true, method: MethodGeneric,
			shape: analyzer.QueryShape{Query: "SELECT * FROM t WHERE a = $1", SampleQuery: "SELECT * FROM t WHERE a = $1"},
			text:  "SELECT * FROM t WHERE a = $1"},
		{name: "sample params", scsOn: true, method: MethodSampleParams,
			shape: analyzer.QueryShape{Query: "SELECT * FROM t WHERE a = $1 LIMIT $2", SampleQuery: "SELECT * FROM t WHERE a = $1 LIMIT 10", SampleParams: []string{"'5'", "'extra'"}},
			text:  "SELECT * FROM t WHERE a = $1 LIMIT 10", args: []string{"'5'"}},
		{name: "too few params", scsOn: true, method: MethodGeneric,
			shape: analyzer.QueryShape{SampleQuery: "SELECT * FROM t WHERE a = $1 AND b = $2", SampleParams: []string{"'5'"}},
			text:  "SELECT * FROM t WHERE a = $1 AND b = $2"},
		{name: "not a literal", scsOn: true, method: MethodGeneric,
			shape: analyzer.QueryShape{SampleQuery: "SELECT * FROM t WHERE a = $1", SampleParams: []string{"'x'); DROP TABLE t; --"}},
			text:  "SELECT * FROM t WHERE a = $1"},
		{name: "backslashes escape", scsOn: false, method: MethodGeneric,
			shape: analyzer.QueryShape{SampleQuery: "SELECT * FROM t WHERE a = $1", SampleParams: []string{`'x\'`}},
			text:  "SELECT * FROM t WHERE a = $1"},
		{name: "update", scsOn: true, method: MethodGeneric,
			shape: analyzer.QueryShape{SampleQuery: "UPDATE t SET a = $1 WHERE id = $2"},
			text:  "UPDATE t SET a = $1 WHERE id = $2"},
		{name: "no sample", scsOn: true, method: MethodGeneric,
			shape: analyzer.QueryShape{Query: "DELETE FROM t WHERE id = $1"},
			text:  "DELETE FROM t WHERE id = $1"},
		{name: "pgss typed literals", scsOn: true, method: MethodGeneric,
			shape: analyzer.QueryShape{Query: "SELECT * FROM t WHERE c > now() - interval $1 AND d = date $2 AND e < TIMESTAMP WITH TIME ZONE $3 AND f > $4::int"},
			text:  "SELECT * FROM t WHERE c > now() - $1::interval AND d = $2::date AND e < $3::TIMESTAMP WITH TIME ZONE AND f > $4::int"},
		{name: "interval fields", scsOn: true, method: MethodGeneric,
			shape: analyzer.QueryShape{Query: "SELECT * FROM t WHERE c > now() - interval $1 day to second ORDER BY c"},
			text:  "SELECT * FROM t WHERE c > now() - $1::interval day to second ORDER BY c"},
		{name: "insert", scsOn: true, skip: "INSERT statements are not explained",
			shape: analyzer.QueryShape{SampleQuery: "INSERT INTO t VALUES (1)"}, text: "INSERT INTO t VALUES (1)"},
		{name: "utility", scsOn: true, skip: "VariableSetStmt statements are not explained",
			shape: analyzer.QueryShape{SampleQuery: "SET work_mem = '1GB'"}, text: "SET work_mem = '1GB'"},
		{name: "two statements", scsOn: true, skip: "the text holds 2 statements",
			shape: analyzer.QueryShape{SampleQuery: "SELECT 1; DROP TABLE t"}, text: "SELECT 1; DROP TABLE t"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := newQuery(&tc.shape, tc.scsOn)
			if q.method != tc.method || q.text != tc.text || q.skip != tc.skip || !cmp.Equal(q.args, tc.args) {
				t.Errorf("got method %q text %q args %q skip %q; want %q %q %q %q", q.method, q.text, q.args, q.skip, tc.method, tc.text, tc.args, tc.skip)
			}
		})
	}
}

// explainJSON is EXPLAIN (FORMAT JSON) output with the hypothetical index in
// an InitPlan under a join.
const explainJSON = `[
  {
    "Plan": {
      "Node Type": "Nested Loop", "Startup Cost": 0.63, "Total Cost": 25.37,
      "Plans": [
        {"Node Type": "Index Scan", "Parent Relationship": "InitPlan", "Index Name": "<13556>btree_orders_tenant_id", "Total Cost": 4.3},
        {"Node Type": "Bitmap Heap Scan", "Total Cost": 9.1, "Plans": [
          {"Node Type": "Bitmap Index Scan", "Index Name": "orders_pkey", "Total Cost": 4.1}
        ]}
      ]
    }
  }
]`

func TestDecodePlan(t *testing.T) {
	p, err := decodePlan([]byte(explainJSON))
	if err != nil {
		t.Fatal(err)
	}
	if p.cost != 25.37 {
		t.Errorf("cost %g, want the top node's 25.37", p.cost)
	}
	if !p.uses(13556) || p.uses(1355) || p.uses(135567) {
		t.Errorf("uses: indexes %q, want <13556> matched exactly", p.indexes)
	}
	for _, bad := range []string{`[]`, `{"Plan": {}}`, `[{"Plan": {"Node Type": "Result"}}]`, `not json`} {
		if _, err := decodePlan([]byte(bad)); err == nil {
			t.Errorf("decodePlan(%s): no error", bad)
		}
	}
}

func TestPrune(t *testing.T) {
	notUsed := &advisor.Verification{Status: advisor.NotUsed, Note: "The planner keeps its plans."}
	res := &advisor.Result{
		Recommendations: []advisor.Recommendation{
			{Kind: advisor.KindCreateIndex, Index: &advisor.IndexDetail{Name: "t_a_b_idx"}, Reason: "Serves 1 query.", Verification: notUsed},
			{Kind: advisor.KindCreateIndex, Index: &advisor.IndexDetail{Name: "t_c_idx"}, Reason: "Serves 2 queries.", Verification: &advisor.Verification{Status: advisor.Verified}},
			{Kind: advisor.KindCreateIndex, Index: &advisor.IndexDetail{Name: "t_tags_gin_idx"}, Verification: &advisor.Verification{Status: advisor.Unverifiable}},
			{Kind: advisor.KindDropIndex, Index: &advisor.IndexDetail{Name: "t_a_idx", SupersededBy: "t_a_b_idx"}, Reason: "Superseded by the recommended t_a_b_idx (a, b), which serves every lookup this one does: drop it once that one is built."},
			{Kind: advisor.KindDropIndex, Index: &advisor.IndexDetail{Name: "t_c_old_idx", SupersededBy: "t_c_idx"}, Reason: "Superseded by the recommended t_c_idx (c), which serves every lookup this one does: drop it once that one is built."},
			{Kind: advisor.KindDropIndex, Index: &advisor.IndexDetail{Name: "t_dup_idx"}, Reason: "Duplicate of t_c_old_idx."},
		},
		Rejected: []advisor.Recommendation{{Kind: advisor.KindCreateIndex, Index: &advisor.IndexDetail{Name: "t_z_idx"}}},
	}
	pruned := prune(res)
	if diff := cmp.Diff([]string{"t_a_b_idx", "t_a_idx"}, pruned); diff != "" {
		t.Errorf("pruned (-want +got):\n%s", diff)
	}
	var kept, rejected []string
	for _, r := range res.Recommendations {
		kept = append(kept, r.Name())
	}
	for _, r := range res.Rejected {
		rejected = append(rejected, r.Name())
	}
	if diff := cmp.Diff([]string{"t_c_idx", "t_tags_gin_idx", "t_c_old_idx", "t_dup_idx"}, kept); diff != "" {
		t.Errorf("kept (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"t_z_idx", "t_a_b_idx", "t_a_idx"}, rejected); diff != "" {
		t.Errorf("rejected (-want +got):\n%s", diff)
	}
	if r := res.Rejected[1].Reason; !strings.HasPrefix(r, "Not used by the planner: The planner keeps its plans.") || !strings.Contains(r, "Serves 1 query.") {
		t.Errorf("pruned create reason: %q", r)
	}
	if r := res.Rejected[2].Reason; !strings.Contains(r, "t_a_b_idx, which the planner did not use") {
		t.Errorf("pruned drop reason: %q", r)
	}
	if prune(&advisor.Result{}) != nil {
		t.Error("pruning nothing returned names")
	}
}

func TestMissingError(t *testing.T) {
	err := missingError(false, 150018, "shop")
	for _, want := range []string{"apt-get install postgresql-15-hypopg", "CREATE EXTENSION hypopg;", "database shop"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%v: does not say %q", err, want)
		}
	}
	if err := missingError(true, 160002, "shop"); !errors.Is(err, ErrHypoPGMissing) || strings.Contains(err.Error(), "apt-get") {
		t.Errorf("available on the server: %v, want only CREATE EXTENSION", err)
	}
}

func TestFormat(t *testing.T) {
	for _, tc := range []struct {
		got, want string
	}{
		{formatCost(2455), "2455"}, {formatCost(94.07), "94.07"}, {formatCost(25370), "25.4k"},
		{formatCost(6.36e6), "6.4M"}, {formatCost(2.5e9), "2.5G"},
		{percentChange(2750, 94.07), "−96.6%"}, {percentChange(100, 150), "+50.0%"}, {percentChange(0, 1), "n/a"},
		{plural(1, "query", "queries"), "1 query"}, {plural(3, "query", "queries"), "3 queries"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
