package migrate

import (
	"encoding/json"
	"flag"
	goldenfile "github.com/pgadvise/pgadvise/internal/golden"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pgadvise/pgadvise/advisor"
	"github.com/pgadvise/pgadvise/catalog"
	"github.com/pgadvise/pgadvise/report"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// clock is the fixed reading the tests generate files at.
var clock = time.Date(2026, 11, 25, 10, 30, 0, 0, time.UTC)

// fixtureRecs are the recommendations of the CLI's golden report on the
// bundled fixtures (the README's command: what the advisor says today),
// plus a summary table and a partitioning plan shaped like the advisor's.
func fixtureRecs(t testing.TB) []report.Recommendation {
	return readRecs(t, "../cmd/pgadvise/testdata/fixtures.json")
}

// frozenRecs are the same as of this package's goldens, so that a change of
// the advisor does not change them.
func frozenRecs(t testing.TB) []report.Recommendation {
	return readRecs(t, "testdata/recommendations.json")
}

func readRecs(t testing.TB, path string) []report.Recommendation {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var d report.Document
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Recommendations) == 0 {
		t.Fatalf("no recommendations in %s", path)
	}
	return append(d.Recommendations, planRecs()...)
}

func planRecs() []report.Recommendation {
	summary := "CREATE MATERIALIZED VIEW public.orders_tenant_day_summary AS SELECT orders.tenant_id AS tenant_id, date_trunc('day', orders.created_at) AS day, count(*) AS count, sum(orders.total) AS sum_total FROM public.orders GROUP BY orders.tenant_id, date_trunc('day', orders.created_at);"
	part := "CREATE TABLE public.events_partitioned (LIKE public.events INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE (created_at);"
	return []report.Recommendation{
		{Recommendation: advisor.Recommendation{Kind: "summary_table", Table: catalog.QualifiedName{Schema: "public", Name: "orders"}, DDL: summary, Benefit: 2.5e6, WriteCost: 1.2e4, SizeBytes: 1 << 20, Queries: []string{"0123456789abcdef"}, Reason: "Serves 2 aggregate queries (40 calls) from a materialized view at the grain (tenant_id, day).", Confidence: "high", Steps: []string{
			summary,
			"CREATE UNIQUE INDEX orders_tenant_day_summary_key ON public.orders_tenant_day_summary (tenant_id, day);",
			"-- refresh every 15 minutes (the unique index lets readers go on during it):",
			"REFRESH MATERIALIZED VIEW CONCURRENTLY public.orders_tenant_day_summary;",
		}, DownDDL: "DROP MATERIALIZED VIEW IF EXISTS public.orders_tenant_day_summary;", Summary: &advisor.SummaryDetail{Name: "orders_tenant_day_summary"}}},
		{Recommendation: advisor.Recommendation{Kind: "partition", Table: catalog.QualifiedName{Schema: "public", Name: "events"}, Benefit: 1e6, WriteCost: 0, Queries: []string{"0123456789abcdef"}, Reason: "Range partitions by month on created_at: 90% of the calls read one month.", Confidence: "high", DDL: part, Steps: []string{
			"-- 1. a partitioned copy of the table, one partition per month",
			part,
			"CREATE TABLE public.events_2026_11 PARTITION OF public.events_partitioned FOR VALUES FROM ('2026-11-01') TO ('2026-12-01');",
			"CREATE TABLE public.events_default PARTITION OF public.events_partitioned DEFAULT;",
			"-- the current month's partition gets its BRIN index at once",
			"CREATE INDEX CONCURRENTLY IF NOT EXISTS events_2026_11_created_at_idx ON public.events_2026_11 USING brin (created_at);",
			"-- 2. an index on the partitioned table: built on each partition",
			"CREATE INDEX IF NOT EXISTS events_partitioned_tenant_id_idx ON public.events_partitioned (tenant_id);",
			"-- 3. copy the rows in batches, then swap the names in one transaction (not automated here)",
		}, DownDDL: "DROP TABLE IF EXISTS public.events_partitioned;", Partition: &advisor.PartitionDetail{Parent: "", Key: "created_at", Strategy: "range", PrunedShare: 0.9}}}}
}

// render lists files as one text, for golden comparison.
func render(files []File) string {
	var b strings.Builder
	for _, f := range files {
		b.WriteString("=== " + f.Name + " ===\n" + f.Content)
	}
	return b.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", name), got, *update)
}

// TestGolden writes the fixtures' recommendations in each tool's layout into
// an empty folder at a fixed clock.
func TestGolden(t *testing.T) {
	recs := frozenRecs(t)
	for _, tool := range Tools() {
		t.Run(string(tool), func(t *testing.T) {
			res, err := Plan(recs, nil, Options{Tool: tool, Now: clock})
			if err != nil {
				t.Fatal(err)
			}
			golden(t, string(tool)+".golden", render(res.Files))
			again, _ := Plan(recs, nil, Options{Tool: tool, Now: clock})
			if render(again.Files) != render(res.Files) {
				t.Error("two plans of the same input differ")
			}
		})
	}
}

// named lists files by name only.
func named(names ...string) []File {
	var out []File
	for _, n := range names {
		out = append(out, File{Name: n})
	}
	return out
}

func names(files []File) []string {
	var out []string
	for _, f := range files {
		out = append(out, f.Name)
	}
	return out
}

func oneIndex() []report.Recommendation {
	return []report.Recommendation{{Recommendation: advisor.Recommendation{Kind: "create_index", Table: catalog.QualifiedName{Schema: "public", Name: "t"}, Confidence: "high", DDL: "CREATE INDEX CONCURRENTLY IF NOT EXISTS t_a_idx ON public.t (a);", DownDDL: "DROP INDEX CONCURRENTLY IF EXISTS public.t_a_idx;", Index: &advisor.IndexDetail{Name: "t_a_idx"}}}}
}

// TestNumbering checks that new files continue the folder's sequence.
func TestNumbering(t *testing.T) {
	tests := []struct {
		name     string
		tool     Tool
		vers     Versioning
		existing []string
		want     []string
	}{
		{"golang-migrate empty: 6 digits", GolangMigrate, "", nil,
			[]string{"000001_create_t_a_idx.up.sql", "000001_create_t_a_idx.down.sql"}},
		{"golang-migrate padded", GolangMigrate, "", []string{"0007_init.up.sql", "0007_init.down.sql", "0012_users.up.sql", "0012_users.down.sql", "README.md"},
			[]string{"0013_create_t_a_idx.up.sql", "0013_create_t_a_idx.down.sql"}},
		{"golang-migrate unpadded", GolangMigrate, "", []string{"9_a.up.sql", "10_b.up.sql"},
			[]string{"11_create_t_a_idx.up.sql", "11_create_t_a_idx.down.sql"}},
		{"golang-migrate timestamps", GolangMigrate, "", []string{"20240101120000_init.up.sql", "20240101120000_init.down.sql"},
			[]string{"20261125103000_create_t_a_idx.up.sql", "20261125103000_create_t_a_idx.down.sql"}},
		{"golang-migrate timestamp ahead of the clock", GolangMigrate, "", []string{"20301231235959_future.up.sql"},
			[]string{"20310101000000_create_t_a_idx.up.sql", "20310101000000_create_t_a_idx.down.sql"}},
		{"golang-migrate forced timestamp", GolangMigrate, VersionTimestamp, []string{"000003_x.up.sql"},
			[]string{"20261125103000_create_t_a_idx.up.sql", "20261125103000_create_t_a_idx.down.sql"}},
		{"goose empty: timestamp", Goose, "", nil, []string{"20261125103000_create_t_a_idx.sql"}},
		{"goose sequential folder", Goose, "", []string{"00001_init.sql", "00002_more.go"}, []string{"00003_create_t_a_idx.sql"}},
		{"goose forced sequential in an empty folder", Goose, VersionSequential, nil, []string{"00001_create_t_a_idx.sql"}},
		{"flyway empty", Flyway, "", nil, []string{"V1__create_t_a_idx.sql", "V1__create_t_a_idx.sql.conf", "U1__create_t_a_idx.sql", "U1__create_t_a_idx.sql.conf"}},
		{"flyway dotted versions", Flyway, "", []string{"V1__init.sql", "V2.1__x.sql", "R__views.sql", "U2.1__x.sql"},
			[]string{"V3__create_t_a_idx.sql", "V3__create_t_a_idx.sql.conf", "U3__create_t_a_idx.sql", "U3__create_t_a_idx.sql.conf"}},
		{"flyway padded", Flyway, "", []string{"V001__init.sql"},
			[]string{"V002__create_t_a_idx.sql", "V002__create_t_a_idx.sql.conf", "U002__create_t_a_idx.sql", "U002__create_t_a_idx.sql.conf"}},
		{"dbmate empty: timestamp and sequence", Dbmate, "", nil, []string{"2026112510300001_create_t_a_idx.sql"}},
		{"dbmate after a timestamp of now", Dbmate, "", []string{"20261125103000_x.sql"}, []string{"2026112510300101_create_t_a_idx.sql"}},
		{"dbmate after an earlier run of the same second", Dbmate, "", []string{"2026112510300001_x.sql", "2026112510300002_y.sql", "20240101000000_z.sql"},
			[]string{"2026112510300003_create_t_a_idx.sql"}},
		{"dbmate after an older run", Dbmate, "", []string{"2024010100000007_x.sql"}, []string{"2026112510300001_create_t_a_idx.sql"}},
		{"sql", SQL, "", []string{"0001_pgadvise.up.sql", "0001_pgadvise.down.sql"}, []string{"0002_pgadvise.up.sql", "0002_pgadvise.down.sql"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Plan(oneIndex(), named(tt.existing...), Options{Tool: tt.tool, Versioning: tt.vers, Now: clock})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, names(res.Files)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestConsecutiveVersions: several migrations of one run get consecutive
// versions, in the order creates, plans, drops.
func TestConsecutiveVersions(t *testing.T) {
	recs := append(planRecs()[:1], oneIndex()...)
	recs = append([]report.Recommendation{{Recommendation: advisor.Recommendation{Kind: "drop_index", Table: catalog.QualifiedName{Schema: "public", Name: "t"}, Confidence: "high", DDL: "DROP INDEX CONCURRENTLY IF EXISTS public.t_old_idx;", DownDDL: "CREATE INDEX CONCURRENTLY IF NOT EXISTS t_old_idx ON public.t (b);", Index: &advisor.IndexDetail{Name: "t_old_idx"}}}}, recs...)
	res, err := Plan(recs, nil, Options{Tool: Goose, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	// One second apart, ending at the clock's second (20261125103000), not
	// running past it into the future.
	want := []string{"20261125102958_create_t_a_idx.sql", "20261125102959_summary_orders_tenant_day_summary.sql", "20261125103000_drop_t_old_idx.sql"}
	if diff := cmp.Diff(want, names(res.Files)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// ... but after the folder's latest.
	res, err = Plan(recs, named("20261125102959_x.sql"), Options{Tool: Goose, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	want = []string{"20261125103000_create_t_a_idx.sql", "20261125103001_summary_orders_tenant_day_summary.sql", "20261125103002_drop_t_old_idx.sql"}
	if diff := cmp.Diff(want, names(res.Files)); diff != "" {
		t.Errorf("goose after a recent file (-want +got):\n%s", diff)
	}
	// dbmate orders versions as strings: one timestamp, a sequence after it.
	res, err = Plan(recs, nil, Options{Tool: Dbmate, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	want = []string{"2026112510300001_create_t_a_idx.sql", "2026112510300002_summary_orders_tenant_day_summary.sql", "2026112510300003_drop_t_old_idx.sql"}
	if diff := cmp.Diff(want, names(res.Files)); diff != "" {
		t.Errorf("dbmate (-want +got):\n%s", diff)
	}
	res, err = Plan(recs, named("000041_x.up.sql"), Options{Tool: GolangMigrate, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	var ups []string
	for _, n := range names(res.Files) {
		if strings.HasSuffix(n, ".up.sql") {
			ups = append(ups, n)
		}
	}
	want = []string{"000042_create_t_a_idx.up.sql", "000043_summary_orders_tenant_day_summary.up.sql", "000044_drop_t_old_idx.up.sql"}
	if diff := cmp.Diff(want, ups); diff != "" {
		t.Errorf("golang-migrate (-want +got):\n%s", diff)
	}
}

// TestNeverOverwrite: a second run into the same folder continues after the
// first; a name collision writes nothing.
func TestNeverOverwrite(t *testing.T) {
	dir := t.TempDir()
	first, err := Generate(dir, oneIndex(), Options{Tool: GolangMigrate, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	up := filepath.Join(dir, first.Files[0].Name)
	if err := os.WriteFile(up, []byte("-- edited by hand\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	second, err := Generate(dir, oneIndex(), Options{Tool: GolangMigrate, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	if got := second.Files[0].Name; got != "000002_create_t_a_idx.up.sql" {
		t.Errorf("second run wrote %s, want version 000002", got)
	}
	if data, _ := os.ReadFile(up); string(data) != "-- edited by hand\n" {
		t.Errorf("the first run's file was overwritten: %q", data)
	}

	// The same advice again: nothing new to write.
	third, err := Generate(dir, oneIndex(), Options{Tool: GolangMigrate, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	if len(third.Files) != 0 || len(third.Skipped) != 1 || third.Skipped[0].Why != "already in 000002_create_t_a_idx.up.sql" {
		t.Errorf("third run: files %v, skipped %+v", names(third.Files), third.Skipped)
	}

	// A collision (a file Plan did not know of) fails before writing anything.
	dir2 := t.TempDir()
	files := []File{{"a.sql", "new"}, {"b.sql", "new"}}
	if err := os.WriteFile(filepath.Join(dir2, "b.sql"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(dir2, files); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("Write over an existing file: err = %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir2, "a.sql")); err == nil {
		t.Error("a.sql written although b.sql existed")
	}
	if data, _ := os.ReadFile(filepath.Join(dir2, "b.sql")); string(data) != "old" {
		t.Errorf("b.sql overwritten: %q", data)
	}
}

// TestAlreadyWritten: advice an up migration of the folder holds is not
// written again, unless a later migration reversed it; a statement in a
// down section does not count.
func TestAlreadyWritten(t *testing.T) {
	create := oneIndex()[0].DDL
	drop := oneIndex()[0].DownDDL
	tests := []struct {
		name     string
		tool     Tool
		existing []File
		skipped  bool
	}{
		{"golang-migrate up", GolangMigrate, []File{{"000001_a.up.sql", "-- hand-written\n" + create + "\n"}, {"000001_a.down.sql", drop + "\n"}}, true},
		{"golang-migrate other spacing", GolangMigrate, []File{{"000001_a.up.sql", strings.ReplaceAll(create, " ON ", "\n  ON ") + "\n"}}, true},
		{"golang-migrate only in a down", GolangMigrate, []File{{"000001_a.up.sql", drop + "\n"}, {"000001_a.down.sql", create + "\n"}}, false},
		{"golang-migrate reversed later", GolangMigrate, []File{{"000001_a.up.sql", create + "\n"}, {"000002_b.up.sql", drop + "\n"}}, false},
		{"golang-migrate reversed, then again", GolangMigrate, []File{{"000001_a.up.sql", create + "\n"}, {"000002_b.up.sql", drop + "\n"}, {"000010_c.up.sql", create + "\n"}}, true},
		{"goose up", Goose, []File{{"00001_a.sql", "-- +goose NO TRANSACTION\n-- +goose Up\n" + create + "\n-- +goose Down\n" + drop + "\n"}}, true},
		{"goose down only", Goose, []File{{"00001_a.sql", "-- +goose Up\n" + drop + "\n-- +goose Down\n" + create + "\n"}}, false},
		{"dbmate up", Dbmate, []File{{"20240101000000_a.sql", "-- migrate:up transaction:false\n" + create + "\n-- migrate:down\n"}}, true},
		{"flyway undo only", Flyway, []File{{"U1__a.sql", create + "\n"}}, false},
		{"flyway versioned", Flyway, []File{{"V1__a.sql", create + "\n"}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Plan(oneIndex(), tt.existing, Options{Tool: tt.tool, Now: clock})
			if err != nil {
				t.Fatal(err)
			}
			skipped := len(res.Skipped) == 1 && strings.HasPrefix(res.Skipped[0].Why, "already in ")
			if skipped != tt.skipped || skipped == (len(res.Files) > 0) {
				t.Errorf("files %v, skipped %+v; want skipped = %v", names(res.Files), res.Skipped, tt.skipped)
			}
		})
	}
}

// TestLowConfidence: unused_index advice is written only on request.
func TestLowConfidence(t *testing.T) {
	recs := []report.Recommendation{{Recommendation: advisor.Recommendation{Kind: "unused_index", Table: catalog.QualifiedName{Schema: "public", Name: "t"}, Confidence: "low", DDL: "DROP INDEX CONCURRENTLY IF EXISTS public.t_b_idx;", DownDDL: "CREATE INDEX CONCURRENTLY IF NOT EXISTS t_b_idx ON public.t USING btree (b);", Index: &advisor.IndexDetail{Name: "t_b_idx"}}}}
	res, err := Plan(recs, nil, Options{Tool: Dbmate, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) != 0 || len(res.Skipped) != 1 || !strings.Contains(res.Skipped[0].Why, "--include-low-confidence") {
		t.Errorf("default: files %v, skipped %+v", names(res.Files), res.Skipped)
	}
	res, err = Plan(recs, nil, Options{Tool: Dbmate, Now: clock, IncludeLowConfidence: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) != 1 || !strings.Contains(res.Files[0].Content, "LOW CONFIDENCE") {
		t.Errorf("with IncludeLowConfidence: %s", render(res.Files))
	}
}

// TestTransactions checks each tool's way of running CONCURRENTLY outside a
// transaction, and that golang-migrate and dbmate never put a CONCURRENTLY
// statement beside another in one file or block.
func TestTransactions(t *testing.T) {
	recs := fixtureRecs(t)
	for _, tool := range Tools() {
		res, err := Plan(recs, nil, Options{Tool: tool, Now: clock, IncludeLowConfidence: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range res.Files {
			c := f.Content
			concurrent := hasConcurrently(c)
			switch tool {
			case GolangMigrate:
				if concurrent && statementCount(c) != 1 {
					t.Errorf("%s: CONCURRENTLY with %d statements in one file", f.Name, statementCount(c))
				}
			case Goose:
				if concurrent && !strings.HasPrefix(c, "-- +goose NO TRANSACTION\n") {
					t.Errorf("%s: CONCURRENTLY without NO TRANSACTION", f.Name)
				}
			case Flyway:
				if strings.HasSuffix(f.Name, ".sql") && concurrent && !slices.Contains(names(res.Files), f.Name+".conf") {
					t.Errorf("%s: CONCURRENTLY without %s.conf", f.Name, f.Name)
				}
			case Dbmate:
				up, down, _ := strings.Cut(c, "-- migrate:down")
				for _, block := range []string{up, down} {
					if hasConcurrently(block) && !strings.Contains(block, "transaction:false") {
						t.Errorf("%s: CONCURRENTLY in a block without transaction:false", f.Name)
					}
					if hasConcurrently(block) && statementCount(block) != 1 {
						t.Errorf("%s: CONCURRENTLY with %d statements in a block", f.Name, statementCount(block))
					}
				}
			}
			if concurrent && tool != SQL && !strings.Contains(strings.ToLower(c), "transaction") {
				t.Errorf("%s: no comment on transactions", f.Name)
			}
		}
	}
}

func stripComments(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "--") {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

// hasConcurrently reports a CONCURRENTLY statement that cannot run in a
// transaction (REFRESH MATERIALIZED VIEW CONCURRENTLY can).
func hasConcurrently(s string) bool {
	for _, l := range strings.Split(stripComments(s), "\n") {
		if strings.Contains(l, "CONCURRENTLY") && !strings.HasPrefix(l, "REFRESH") {
			return true
		}
	}
	return false
}

func statementCount(s string) int {
	return strings.Count(stripComments(s), ";\n")
}

func TestParseTool(t *testing.T) {
	for _, tool := range Tools() {
		if got, err := ParseTool(string(tool)); err != nil || got != tool {
			t.Errorf("ParseTool(%q) = %q, %v", tool, got, err)
		}
	}
	if _, err := ParseTool("liquibase"); err == nil || !strings.Contains(err.Error(), "golang-migrate") {
		t.Errorf("ParseTool(liquibase): %v", err)
	}
}

// TestRenamedIndexIsNotWrittenAgain: an index a folder already creates
// under another name (partial indexes' names now hash their values) is
// the same migration: writing it again would build a duplicate.
func TestRenamedIndexIsNotWrittenAgain(t *testing.T) {
	existing := []File{{Name: "000001_create_t_a_where_status_pending_idx.up.sql",
		Content: "CREATE INDEX CONCURRENTLY IF NOT EXISTS t_a_where_status_pending_idx ON public.t (a) WHERE status = 'pending';\n"}}
	recs := []report.Recommendation{{Recommendation: advisor.Recommendation{Kind: "create_index", Table: catalog.QualifiedName{Schema: "public", Name: "t"}, Confidence: "high", DDL: "CREATE INDEX CONCURRENTLY IF NOT EXISTS t_a_where_status_02f85936_idx ON public.t (a) WHERE status = 'pending';", DownDDL: "DROP INDEX CONCURRENTLY IF EXISTS public.t_a_where_status_02f85936_idx;", Index: &advisor.IndexDetail{Name: "t_a_where_status_02f85936_idx"}}}}
	res, err := Plan(recs, existing, Options{Tool: GolangMigrate, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) != 0 || len(res.Skipped) != 1 || !strings.HasPrefix(res.Skipped[0].Why, "already in 000001_") {
		t.Errorf("files %v, skipped %+v: want the renamed index skipped", names(res.Files), res.Skipped)
	}
	// Another definition under the old name is new advice.
	recs[0].DDL = "CREATE INDEX CONCURRENTLY IF NOT EXISTS t_a_where_status_pending_idx ON public.t (a, b) WHERE status = 'pending';"
	if res, err := Plan(recs, existing, Options{Tool: GolangMigrate, Now: clock}); err != nil || len(res.Files) == 0 {
		t.Errorf("a different index under a known name was skipped: %v %+v", err, res)
	}
}
