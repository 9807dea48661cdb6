package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var fixtureArgs = []string{"--schema", "../../fixtures/schema.sql", "../../fixtures/slow.log"}

func analyzeArgs(extra ...string) []string {
	return append(append([]string{"analyze"}, extra...), fixtureArgs...)
}

// TestMarkdownFixtures is the CI report of the README's command.
func TestMarkdownFixtures(t *testing.T) {
	code, out, errOut := runCLI(t, "", analyzeArgs("--format", "markdown")...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	golden(t, "fixtures.md", out)
	if !strings.HasPrefix(out, "<!-- pgadvise-report -->\n") || len(out) > 65536 {
		t.Errorf("no marker line, or %d bytes", len(out))
	}
	if strings.Contains(errOut, "\r") {
		t.Error("a progress line on a stderr that is not a terminal")
	}
}

func TestFailOn(t *testing.T) {
	dir := t.TempDir()
	_, full, _ := runCLI(t, "", analyzeArgs("--format", "json")...)
	same := filepath.Join(dir, "same.json")
	if err := os.WriteFile(same, []byte(full), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		code     int
		inStderr string
	}{
		{"no gate", nil, exitOK, ""},
		{"create_index", []string{"--fail-on", "create_index"}, exitFindings, "--fail-on create_index: 12 create_index recommendation(s); exit 3"},
		{"list", []string{"--fail-on", "drop_index, unused_index"}, exitFindings, "5 drop_index, 1 unused_index"},
		{"any leaves out low confidence", []string{"--fail-on", "any", "--min-benefit", "100%"}, exitFindings, "drop_index recommendation(s); exit 3"},
		{"nothing survives min-benefit", []string{"--fail-on", "create_index", "--min-benefit", "100%"}, exitOK, ""},
		{"nothing new since the baseline", []string{"--fail-on", "any", "--baseline", same}, exitOK, ""},
		{"bad kind", []string{"--fail-on", "create_table"}, exitUsage, `--fail-on "create_table"`},
		{"missing baseline", []string{"--baseline", filepath.Join(dir, "nope.json")}, exitError, "nope.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, "", analyzeArgs(tt.args...)...)
			if code != tt.code || !strings.Contains(errOut, tt.inStderr) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, errOut, tt.code, tt.inStderr)
			}
		})
	}
	if _, out, _ := runCLI(t, "", "analyze", "--help"); !strings.Contains(out, "Exit codes:") || !strings.Contains(out, "3  --fail-on") {
		t.Errorf("analyze --help does not document the exit codes:\n%s", out)
	}
}

type jsonDoc struct {
	Queries []struct {
		Query        string   `json:"query"`
		Sample       string   `json:"sample"`
		SampleParams []string `json:"sample_params"`
	} `json:"queries"`
	Recommendations []struct {
		Kind  string `json:"kind"`
		Table string `json:"table"`
		DDL   string `json:"ddl"`
	} `json:"recommendations"`
	Baseline *struct {
		Unchanged int `json:"unchanged"`
		Gone      []struct {
			DDL string `json:"ddl"`
		} `json:"gone"`
	} `json:"baseline"`
}

func decode(t *testing.T, s string) jsonDoc {
	t.Helper()
	var d jsonDoc
	if err := json.Unmarshal([]byte(s), &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// TestBaseline: with the previous run's report, only what changed shows.
func TestBaseline(t *testing.T) {
	_, full, _ := runCLI(t, "", analyzeArgs("--format", "json")...)
	var raw map[string]any
	if err := json.Unmarshal([]byte(full), &raw); err != nil {
		t.Fatal(err)
	}
	recs := raw["recommendations"].([]any)
	dropped := recs[1].(map[string]any)["ddl"].(string) // new since the baseline
	raw["recommendations"] = append([]any{map[string]any{
		"kind": "create_index", "table": "public.orders", "index": "orders_gone_idx",
		"ddl": "CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_gone_idx ON public.orders (currency);",
	}}, append(recs[:1:1], recs[2:]...)...)
	data, _ := json.Marshal(raw)
	base := filepath.Join(t.TempDir(), "main.json")
	if err := os.WriteFile(base, data, 0o644); err != nil {
		t.Fatal(err)
	}

	code, out, errOut := runCLI(t, "", analyzeArgs("--format", "json", "--baseline", base)...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	d := decode(t, out)
	if len(d.Recommendations) != 1 || d.Recommendations[0].DDL != dropped {
		t.Errorf("recommendations %+v, want only %q", d.Recommendations, dropped)
	}
	if d.Baseline == nil || d.Baseline.Unchanged != len(recs)-1 || len(d.Baseline.Gone) != 1 || !strings.Contains(d.Baseline.Gone[0].DDL, "orders_gone_idx") {
		t.Errorf("baseline %+v", d.Baseline)
	}
	_, md, _ := runCLI(t, "", analyzeArgs("--format", "markdown", "--baseline", base)...)
	for _, want := range []string{"## pgadvise: 1 new recommendation", "### No longer recommended (1)", "orders_gone_idx"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
}

// TestShowValues: reports carry normalized texts only, unless --show-values.
func TestShowValues(t *testing.T) {
	code, out, errOut := runCLI(t, "", analyzeArgs("--format", "json", "--show-values")...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var secrets []string
	for _, q := range decode(t, out).Queries {
		if q.Sample != "" && q.Sample != q.Query {
			secrets = append(secrets, q.Sample)
		}
		for _, p := range q.SampleParams {
			if len(p) >= 6 { // long enough not to occur by chance ('1' is everywhere)
				secrets = append(secrets, p)
			}
		}
	}
	if len(secrets) < 20 {
		t.Fatalf("only %d samples with values in the fixture", len(secrets))
	}
	_, md, _ := runCLI(t, "", analyzeArgs("--format", "markdown", "--show-values")...)
	if !strings.Contains(md, "Sample (real values):") {
		t.Error("--show-values: no samples in the markdown")
	}
	for _, format := range []string{"json", "markdown", "text"} {
		_, out, _ := runCLI(t, "", analyzeArgs("--format", format)...)
		if strings.Contains(out, `"sample`) || strings.Contains(out, "Sample") {
			t.Errorf("%s: sample fields without --show-values", format)
		}
		for _, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("%s: the value-carrying text %q leaks without --show-values", format, s)
				break
			}
		}
	}
}

// migrateClock is the fixed clock of the migrate command's tests.
func migrateClock() time.Time { return time.Date(2026, 11, 25, 10, 30, 0, 0, time.UTC) }

// TestMigrateGolden writes the fixtures' migrations for Flyway, dbmate and
// plain SQL and compares the folder with testdata/migrate-TOOL/.
func TestMigrateGolden(t *testing.T) {
	for _, tool := range []string{"flyway", "dbmate", "sql"} {
		t.Run(tool, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "migrations")
			args := append([]string{"--tool", tool, "--dir", dir}, fixtureArgs...)
			code, out, errOut := runMigrateCLI(t, args...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if !strings.Contains(out, "skipped unused_index products_created_at_idx on public.products: low confidence") {
				t.Errorf("stdout does not name the low-confidence advice it left out:\n%s", out)
			}
			goldenDir(t, "migrate-"+tool, dir)
		})
	}
}

func runMigrateCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut strings.Builder
	code := runMigrateAt(args, strings.NewReader(""), &out, &errOut, migrateClock)
	return code, out.String(), errOut.String()
}

// goldenDir compares the files of dir with testdata/name, or copies them
// there under -update.
func goldenDir(t *testing.T, name, dir string) {
	t.Helper()
	want := filepath.Join("testdata", name)
	if *update {
		if err := os.RemoveAll(want); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(want, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	got := readDir(t, dir)
	if *update {
		for n, c := range got {
			if err := os.WriteFile(filepath.Join(want, n), []byte(c), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	if diff := cmp.Diff(readDir(t, want), got); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", want, diff)
	}
}

func readDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = string(data)
	}
	return files
}

// TestMigrateContinues: a run continues the folder's numbering; a second
// run on the same advice writes nothing and touches nothing.
func TestMigrateContinues(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "0041_init.up.sql"), []byte("CREATE TABLE x ();\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	args := append([]string{"--tool", "golang-migrate", "--dir", dir, "--include-low-confidence"}, fixtureArgs...)
	if code, _, errOut := runMigrateCLI(t, args...); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	first := readDir(t, dir)
	if _, ok := first["0042_create_orders_tenant_id_status_created_at_incl_id_total_user_id_idx.up.sql"]; !ok {
		t.Fatalf("first run did not continue at 0042: %v", sortedNames(first))
	}
	code, out, errOut := runMigrateCLI(t, args...)
	if code != exitOK {
		t.Fatalf("second run: exit %d: %s", code, errOut)
	}
	if diff := cmp.Diff(first, readDir(t, dir)); diff != "" {
		t.Errorf("the second run changed the folder:\n%s", diff)
	}
	if !strings.Contains(out, "nothing to write") || !strings.Contains(out, "already in 0042_create_orders_tenant_id_status_created_at_incl_id_total_user_id_idx.up.sql") {
		t.Errorf("second run's output:\n%s", out)
	}
}

func sortedNames(m map[string]string) []string {
	var out []string
	for n := range m {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func TestMigrateErrors(t *testing.T) {
	tests := []struct {
		args     []string
		code     int
		inStderr string
	}{
		{[]string{"../../fixtures/slow.log"}, exitUsage, "--tool and --dir are required"},
		{[]string{"--tool", "liquibase", "--dir", "x", "../../fixtures/slow.log"}, exitUsage, "unknown migration tool"},
		{[]string{"--tool", "goose", "--dir", "x", "--versioning", "semver", "../../fixtures/slow.log"}, exitUsage, "--versioning"},
	}
	for _, tt := range tests {
		code, _, errOut := runMigrateCLI(t, tt.args...)
		if code != tt.code || !strings.Contains(errOut, tt.inStderr) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tt.args, code, errOut, tt.code, tt.inStderr)
		}
	}
	if code, out, _ := runCLI(t, "", "help", "migrate"); code != exitOK || !strings.Contains(out, "executeInTransaction=false") {
		t.Errorf("help migrate: exit %d\n%s", code, out)
	}
}
