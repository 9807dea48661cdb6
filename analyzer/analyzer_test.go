package analyzer

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/pgadvise/pgadvise/capture"
	"github.com/pgadvise/pgadvise/catalog"
)

func add(a *Analyzer, q string, ms float64, line int64) {
	a.Add(&capture.Statement{Query: []byte(q), Calls: 1, Timed: ms > 0, TotalMS: ms, MaxMS: ms, Line: line})
}

func TestGroupingByFingerprint(t *testing.T) {
	a := New(nil)
	a.SetSource("app.log")
	add(a, "SELECT * FROM orders WHERE id = 1", 2, 1)
	add(a, "select *\n  from orders where id = 99 -- trailing comment", 4, 2)
	add(a, "SELECT * FROM orders WHERE id = $1", 6, 3)
	add(a, "SELECT * FROM orders WHERE id IN (1, 2, 3)", 1, 4)
	add(a, "SELECT * FROM orders WHERE id IN (4)", 1, 5)
	add(a, "SELEKT broken", 1, 6)
	add(a, "SELEKT broken", 1, 7)
	add(a, "UPDATE orders SET status = 'x' WHERE id = 5", 0, 8) // untimed
	w := a.Result()

	if w.Records != 8 || w.Statements != 6 {
		t.Errorf("records, statements = %d, %d; want 8, 6", w.Records, w.Statements)
	}
	type row struct {
		Calls, Timed int64
		Total, Max   float64
		Kind         StatementKind
	}
	var got []row
	for _, s := range w.Shapes {
		got = append(got, row{s.Calls, s.TimedCalls, s.TotalMS, s.MaxMS, s.Kind})
	}
	// pg_query's fingerprint does not tell "id = 1" from "id IN (1, 2)" or
	// "id = ANY($1)": all five SELECTs are one shape.
	want := []row{
		{5, 5, 14, 6, KindSelect},
		{1, 0, 0, 0, KindUpdate},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("shapes (-want +got):\n%s", diff)
	}
	if s := w.Shapes[0]; s.Query != "SELECT * FROM orders WHERE id = $1" || s.SampleQuery != "SELECT * FROM orders WHERE id = 1" {
		t.Errorf("normalized %q, sample %q", s.Query, s.SampleQuery)
	}
	pe := w.Skipped[ReasonParseError]
	if pe == nil || pe.Count != 2 || !cmp.Equal(pe.Where, []string{"app.log:6", "app.log:7"}) {
		t.Errorf("parse errors = %+v, want 2 at app.log:6 and :7", pe)
	}
}

func TestSampleParams(t *testing.T) {
	a := New(nil)
	a.Add(&capture.Statement{Query: []byte("SELECT * FROM t WHERE a = $1 AND b = $2"), Params: []byte("$1 = 'x''y', $2 = NULL"), Calls: 1})
	a.Add(&capture.Statement{Query: []byte("SELECT * FROM t WHERE a = $1 AND b = $2"), Params: []byte("$1 = 'z', $2 = '3'"), Calls: 1})
	s := a.Result().Shapes[0]
	if diff := cmp.Diff([]string{"'x''y'", "NULL"}, s.SampleParams); diff != "" {
		t.Errorf("sample params (-want +got):\n%s", diff)
	}
}

// TestOtherSamples checks that a shape keeps up to MaxOtherSamples
// executions with new values, literal or bound, and no repeat.
func TestOtherSamples(t *testing.T) {
	a := New(nil)
	for _, st := range []capture.Statement{
		{Query: []byte("SELECT * FROM t WHERE a = $1"), Params: []byte("$1 = '1'")},
		{Query: []byte("SELECT * FROM t WHERE a = $1"), Params: []byte("$1 = '1'")},
		{Query: []byte("SELECT * FROM t WHERE a = $1"), Params: []byte("$1 = '2'")},
		{Query: []byte("SELECT * FROM t WHERE a = $1"), Params: []byte("$1 = '2'")},
		{Query: []byte("SELECT * FROM t WHERE a = 7")},
		{Query: []byte("SELECT * FROM t WHERE a = $1"), Params: []byte("$1 = '3'")},
		{Query: []byte("SELECT * FROM u WHERE b = 1")},
		{Query: []byte("SELECT * FROM u WHERE b = 1")},
	} {
		st.Calls = 1
		a.Add(&st)
	}
	w := a.Result()
	var got []string
	for _, s := range w.Shapes {
		for _, o := range s.OtherSamples {
			got = append(got, o.Query+" "+strings.Join(o.Params, ","))
		}
	}
	want := []string{"SELECT * FROM t WHERE a = $1 '2'", "SELECT * FROM t WHERE a = 7 "}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("other samples (-want +got):\n%s", diff)
	}
}

func TestProfiles(t *testing.T) {
	schema, _, err := catalog.ParseDDL(`
		CREATE TABLE public.orders (id bigint PRIMARY KEY, tenant_id int, status text, created_at timestamptz);
		CREATE TABLE public.unused (id int);
		CREATE VIEW public.v AS SELECT 1;`)
	if err != nil {
		t.Fatal(err)
	}
	a := New(schema)
	for i := 0; i < 10; i++ {
		add(a, "SELECT id FROM orders WHERE tenant_id = 1 AND status = 'new' ORDER BY created_at DESC LIMIT 5", 1, 1)
	}
	for i := 0; i < 3; i++ {
		add(a, "UPDATE orders SET status = 'done' WHERE id = 4", 2, 1)
	}
	add(a, "SELECT o1.id FROM orders o1 JOIN orders o2 ON o2.id = o1.tenant_id", 5, 1)
	add(a, "INSERT INTO orders (id, tenant_id) VALUES (1, 2)", 1, 1)
	add(a, "DELETE FROM orders WHERE created_at < now() - interval '1 year'", 1, 1)
	w := a.Result()

	if len(w.Tables) != 2 {
		t.Fatalf("tables = %d, want orders and unused (views have no profile)", len(w.Tables))
	}
	p := w.Tables[0]
	if p.Table.String() != "public.orders" || p.Reads != 11 || p.Updates != 3 || p.Inserts != 1 || p.Deletes != 1 {
		t.Errorf("orders: reads %d updates %d inserts %d deletes %d; want 11 3 1 1 (a self-join counts once)", p.Reads, p.Updates, p.Inserts, p.Deletes)
	}
	cols := map[string]*ColumnUsage{}
	for _, c := range p.Columns {
		cols[c.Column] = c
	}
	if c := cols["status"]; c.Filters[OpEq] != 10 || c.Updated != 3 {
		t.Errorf("status: eq %d updated %d; want 10, 3", c.Filters[OpEq], c.Updated)
	}
	if c := cols["created_at"]; c.OrderBy != 10 || c.Filters[OpRange] != 1 {
		t.Errorf("created_at: order by %d range %d; want 10, 1", c.OrderBy, c.Filters[OpRange])
	}
	if c := cols["id"]; c.Joins != 1 || c.Filters[OpEq] != 3 {
		t.Errorf("id: joins %d eq %d; want 1, 3", c.Joins, c.Filters[OpEq])
	}
	if fs := p.FilterSets[0]; !cmp.Equal(fs.Columns, []string{"status", "tenant_id"}) || fs.Calls != 10 {
		t.Errorf("top filter set = %v x%d, want [status tenant_id] x10", fs.Columns, fs.Calls)
	}
	if u := w.Tables[1]; u.Table.Name != "unused" || u.Reads != 0 || len(u.Queries) != 0 {
		t.Errorf("unused table profile = %+v", u)
	}
}

// TestConstantsThatVary: a constant is a fixed condition (the stuff of
// partial indexes) only if every execution of the shape carried it.
func TestConstantsThatVary(t *testing.T) {
	value := func(queries ...string) (string, bool) {
		a := New(nil)
		for _, q := range queries {
			add(a, q, 1, 1)
		}
		s := a.Result().Shapes[0]
		for _, p := range s.Access[0].Predicates {
			if p.Target.Column == "status" {
				return p.Value, p.Param
			}
		}
		t.Fatalf("no status predicate in %q", queries)
		return "", false
	}
	tests := []struct {
		name      string
		queries   []string
		wantValue string
		wantParam bool
	}{
		{"always the same", []string{
			"SELECT * FROM orders WHERE status = 'pending' AND id = 1",
			"SELECT * FROM orders WHERE status = 'pending' AND id = 2",
		}, "'pending'", false},
		{"varies", []string{
			"SELECT * FROM orders WHERE status = 'pending' AND id = 1",
			"SELECT * FROM orders WHERE status = 'paid' AND id = 1",
		}, "", true},
		{"varies across spellings of one shape", []string{
			"SELECT * FROM orders WHERE status = 'pending' AND id = 1",
			"select * from orders where status = 'paid' and id = 1",
		}, "", true},
		{"hard-coded beside a parameter", []string{
			"SELECT * FROM orders WHERE status = 'pending' AND id = $1",
			"SELECT * FROM orders WHERE status = 'pending' AND id = $1",
		}, "'pending'", false},
		{"in list of another length", []string{
			"SELECT * FROM orders WHERE status = 'pending' AND id IN (1, 2)",
			"SELECT * FROM orders WHERE status = 'pending' AND id IN (3)",
		}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, p := value(tt.queries...)
			if v != tt.wantValue || p != tt.wantParam {
				t.Errorf("value %q param %v; want %q %v", v, p, tt.wantValue, tt.wantParam)
			}
		})
	}
}

// TestPredicateSamples checks the representative value kept for a
// predicate whose value is not fixed: the sample execution's constant, or
// its bound parameters.
func TestPredicateSamples(t *testing.T) {
	tests := []struct {
		name       string
		stmts      []capture.Statement
		column     string
		wantValue  string
		wantSample string
	}{
		{"fixed constant: a value, no sample", []capture.Statement{
			{Query: []byte("SELECT * FROM orders WHERE created_at >= '2024-01-01' AND id = 1")},
			{Query: []byte("SELECT * FROM orders WHERE created_at >= '2024-01-01' AND id = 2")},
		}, "created_at", "'2024-01-01'", ""},
		{"varying constant: the first execution's", []capture.Statement{
			{Query: []byte("SELECT * FROM orders WHERE created_at >= '2024-01-01'")},
			{Query: []byte("SELECT * FROM orders WHERE created_at >= '2024-03-01'")},
		}, "created_at", "", "'2024-01-01'"},
		{"bound parameter", []capture.Statement{
			{Query: []byte("SELECT * FROM orders WHERE total > $2 AND id = $1"), Params: []byte("$1 = '7', $2 = '99.5'")},
		}, "total", "", "'99.5'"},
		{"BETWEEN two parameters", []capture.Statement{
			{Query: []byte("SELECT * FROM orders WHERE created_at BETWEEN $1 AND $2"), Params: []byte("$1 = '2024-01-01', $2 = '2024-02-01'")},
		}, "created_at", "", "('2024-01-01', '2024-02-01')"},
		{"NULL parameter: no sample", []capture.Statement{
			{Query: []byte("SELECT * FROM orders WHERE total > $1"), Params: []byte("$1 = NULL")},
		}, "total", "", ""},
		{"parameter without its values", []capture.Statement{
			{Query: []byte("SELECT * FROM orders WHERE total > $1")},
		}, "total", "", ""},
		{"folded: a date minus an interval of days", []capture.Statement{
			{Query: []byte("SELECT * FROM lineitem WHERE l_shipdate <= date '1998-12-01' - interval '90' day")},
		}, "l_shipdate", "", "'1998-09-02'"},
		{"folded: a year and a month, clamped to the month's end as PostgreSQL does", []capture.Statement{
			{Query: []byte("SELECT * FROM orders WHERE created_at < date '1994-01-31' + interval '1' year + '1 month'::interval")},
		}, "created_at", "", "'1995-02-28'"},
		{"folded: a timestamp plus hours", []capture.Statement{
			{Query: []byte("SELECT * FROM orders WHERE created_at >= '2024-01-01 22:00:00'::timestamp + interval '3 hours'")},
		}, "created_at", "", "'2024-01-02 01:00:00'"},
		{"folded: numbers in a BETWEEN", []capture.Statement{
			{Query: []byte("SELECT * FROM lineitem WHERE l_discount BETWEEN .06 - 0.01 AND .06 + 0.01")},
		}, "l_discount", "", "(0.05, 0.07)"},
		{"not folded: now()", []capture.Statement{
			{Query: []byte("SELECT * FROM orders WHERE created_at > now() - interval '7 days'")},
		}, "created_at", "", ""},
		{"not folded: milliseconds", []capture.Statement{
			{Query: []byte("SELECT * FROM orders WHERE created_at > date '2024-01-01' + interval '5 ms'")},
		}, "created_at", "", ""},
		{"not folded: an untyped string plus a number", []capture.Statement{
			{Query: []byte("SELECT * FROM orders WHERE total > '5' + 1")},
		}, "total", "", ""},
		{"expression over a parameter", []capture.Statement{
			{Query: []byte("SELECT * FROM orders WHERE created_at > now() - $1::interval"), Params: []byte("$1 = '7 days'")},
		}, "created_at", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := New(nil)
			for i := range tt.stmts {
				st := tt.stmts[i]
				st.Calls = 1
				a.Add(&st)
			}
			for _, p := range a.Result().Shapes[0].Access[0].Predicates {
				if p.Target.Column == tt.column {
					if p.Value != tt.wantValue || p.Sample != tt.wantSample {
						t.Errorf("value %q sample %q; want %q and %q", p.Value, p.Sample, tt.wantValue, tt.wantSample)
					}
					return
				}
			}
			t.Fatalf("no predicate on %s", tt.column)
		})
	}
}

// TestSamplesNeverSerialized: a predicate's sample is a logged value
// (customer data), and reports carry normalized texts only.
func TestSamplesNeverSerialized(t *testing.T) {
	off := -time.Hour
	b, err := json.Marshal(Predicate{Op: OpRange, Operator: ">", Sample: "'alice@example.com'", FromNow: &off})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "alice") || strings.Contains(string(b), "sample") {
		t.Errorf("a predicate's JSON carries its sample: %s", b)
	}
}

// TestRelativeToNow checks the offsets kept for values relative to the
// statement's time.
func TestRelativeToNow(t *testing.T) {
	day := 24 * time.Hour
	tests := []struct {
		where string
		want  time.Duration
		ok    bool
	}{
		{"created_at > now() - interval '7 days'", -7 * day, true},
		{"created_at < CURRENT_TIMESTAMP - '30 days'::interval", -30 * day, true},
		{"created_at >= now()", 0, true},
		{"created_at > now() - interval '1' month", -30 * day, true},
		{"created_at < pg_catalog.now() + interval '2 hours'", 2 * time.Hour, true},
		{"created_at > current_date - 3 * interval '1 day'", 0, false},
		{"created_at > now() - $1::interval", 0, false},
		{"created_at > date '2024-01-01'", 0, false},
	}
	for _, tt := range tests {
		a := New(nil)
		add(a, "SELECT * FROM orders WHERE "+tt.where, 1, 1)
		p := a.Result().Shapes[0].Access[0].Predicates[0]
		switch {
		case tt.ok && (p.FromNow == nil || *p.FromNow != tt.want):
			t.Errorf("%s: offset %v, want %v", tt.where, p.FromNow, tt.want)
		case !tt.ok && p.FromNow != nil:
			t.Errorf("%s: offset %v, want none", tt.where, *p.FromNow)
		}
	}
}

// FuzzAnalyze feeds arbitrary statement text through the whole analyzer
// (shape key, fingerprint, parse, walk, profiles): it must never panic, and
// every statement is either a shape's call or a counted parse error.
func FuzzAnalyze(f *testing.F) {
	for _, q := range keyCorpus {
		f.Add(q)
	}
	for _, q := range []string{
		"WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT * FROM r",
		"SELECT * FROM a JOIN b USING (x) NATURAL JOIN c LEFT JOIN LATERAL (SELECT * FROM d WHERE d.y = a.y) s ON true",
		"MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET v = s.v WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.v)",
		"COPY (SELECT * FROM t WHERE a = 1) TO STDOUT",
		"EXPLAIN ANALYZE SELECT count(*) FILTER (WHERE x > 1) OVER (PARTITION BY y) FROM t GROUP BY ROLLUP (a, b) HAVING sum(c) > 3",
		"SELECT 1; SELECT * FROM",
		"SELECT date_trunc('day', o.created_at) AS d, c.region, count(*), avg(o.total) FROM orders o JOIN c ON c.id = o.cid WHERE o.t = 1 AND o.created_at >= $1 GROUP BY 1, 2 HAVING max(o.total) > 3 ORDER BY d",
		"SELECT status, sum(total) FROM orders WHERE created_at BETWEEN '2024-01-01' AND '2024-02-01' GROUP BY CUBE (status)",
	} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		if len(q) > 8192 {
			return
		}
		a := New(nil)
		a.Add(&capture.Statement{Query: []byte(q), Calls: 1})
		a.Add(&capture.Statement{Query: []byte(q), Calls: 1})
		w := a.Result()
		var calls int64
		for _, s := range w.Shapes {
			calls += s.Calls
		}
		skipped := int64(0)
		if s := w.Skipped[ReasonParseError]; s != nil {
			skipped = s.Count
		}
		if calls+skipped != 2 {
			t.Fatalf("%q: %d calls + %d parse errors, want 2", q, calls, skipped)
		}
		// A summary's rewrite of any aggregate query must not panic.
		for _, s := range w.Shapes {
			if agg := s.Aggregate; agg != nil && agg.Blocked == "" {
				for _, f := range agg.Filters {
					f.Bucket("day")
				}
				_, _ = agg.Rewrite(catalog.QualifiedName{Name: "summary"}, SummaryColumns{
					Column:    func(sql string, column bool) (string, bool) { return "c", column },
					Aggregate: func(c AggregateCall) (string, error) { return "sum(" + c.Func + ")", nil },
				})
			}
		}
	})
}

// TestTooDeepNeverParsed: a statement that reaches the analyzer without
// passing capture's engine (a snapshot's, a benchmark's) is held to the same
// nesting bounds before the parser sees it.
func TestTooDeepNeverParsed(t *testing.T) {
	a := New(nil)
	a.Add(&capture.Statement{Query: []byte("SELECT 1 " + strings.Repeat("/*", 20_000)), Calls: 1, Line: 7})
	a.Add(&capture.Statement{Query: []byte("SELECT " + strings.Repeat("(", capture.MaxNesting+1) + "1" + strings.Repeat(")", capture.MaxNesting+1)), Calls: 1, Line: 8})
	a.Add(&capture.Statement{Query: []byte("SELECT 1"), Calls: 1, Line: 9})
	w := a.Result()
	s := w.Skipped[capture.ReasonTooDeep]
	if s == nil || s.Count != 2 || len(w.Shapes) != 1 || w.Records != 3 {
		t.Fatalf("skipped %+v, %d shapes, %d records; want 2 too deep, 1 shape, 3 records", s, len(w.Shapes), w.Records)
	}
}
