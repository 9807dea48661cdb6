package migrate

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/pgadvise/pgadvise/advisor"
	"github.com/pgadvise/pgadvise/catalog"
	"github.com/pgadvise/pgadvise/report"
)

// The names and reasons an attacker who can create a table (or get a
// query logged) chooses: each would, written as it is, end a comment,
// start a statement, be read as a tool's marker, or send the terminal a
// sequence.
var hostileTexts = []string{
	"evil\nDROP TABLE canary; --",
	"cr\rDROP TABLE canary; --",
	"red\x1b[31m\x1b]0;title\x07",
	"block */ DROP TABLE canary; /*",
	"pipe | and `backticks` and ```",
	"x\n-- +goose Down\nDROP TABLE canary;",
	"x\n-- migrate:down\nDROP TABLE canary;",
	"+goose ENVSUB ON ${HOME}",
	"migrate:down transaction:false",
	"${flyway:user} \u202eright-to-left\u2028sep",
	`quote " and ' and \ backslash`,
}

// hostileRec is a create_index recommendation built the way the advisor
// builds one (names quoted with catalog.QuoteIdent), on table.column, named
// index, partial on column = value, with reason.
func hostileRec(table, column, index, value, reason string) report.Recommendation {
	t := catalog.QualifiedName{Schema: "public", Name: table}
	return report.Recommendation{Recommendation: advisor.Recommendation{Kind: "create_index", Table: t, Confidence: "high", Reason: reason, DDL: fmt.Sprintf("CREATE INDEX CONCURRENTLY IF NOT EXISTS %s ON %s (%s) WHERE %s = %s;",
		catalog.QuoteIdent(index), t, catalog.QuoteIdent(column), catalog.QuoteIdent(column), sqlLiteral(value)), DownDDL: fmt.Sprintf("DROP INDEX CONCURRENTLY IF EXISTS %s;", catalog.QualifiedName{Schema: "public", Name: index}), Queries: []string{"0123456789abcdef"}, Benefit: 1000, Index: &advisor.IndexDetail{Name: index}}}
}

// hostilePlan is a two-step plan whose comment steps hold text.
func hostilePlan(table, text string) report.Recommendation {
	t := catalog.QualifiedName{Schema: "public", Name: table}
	view := catalog.QualifiedName{Schema: "public", Name: table + "_summary"}
	create := fmt.Sprintf("CREATE MATERIALIZED VIEW %s AS SELECT count(*) AS n FROM %s;", view, t)
	return report.Recommendation{Recommendation: advisor.Recommendation{Kind: "summary_table", Table: t, Confidence: "high", Reason: text, DDL: create, Steps: []string{"-- " + text, create, "-- refresh " + text, fmt.Sprintf("REFRESH MATERIALIZED VIEW %s;", view)}, DownDDL: fmt.Sprintf("DROP MATERIALIZED VIEW IF EXISTS %s;", view), Queries: []string{"0123456789abcdef"}, Benefit: 1000, Summary: &advisor.SummaryDetail{Name: view.Name}}}
}

// sqlLiteral quotes a value as a standard SQL string literal.
func sqlLiteral(v string) string { return "'" + strings.ReplaceAll(v, "'", "''") + "'" }

// markerLines are the lines each tool's generator writes that the tool
// reads; no other line of a file may be one.
var markerLines = map[Tool][]string{
	Goose:  {"-- +goose Up", "-- +goose Down", "-- +goose NO TRANSACTION", "-- +goose StatementBegin", "-- +goose StatementEnd"},
	Dbmate: {"-- migrate:up", "-- migrate:up transaction:false", "-- migrate:down", "-- migrate:down transaction:false"},
}

var dbmateMarkerRE = regexp.MustCompile(`^--\s*migrate:`)

// checkFile checks the structure of one generated file: no control
// character but the newline, no bidi control or line separator, no "${"
// (Flyway's placeholders), and every line blank, a comment no tool reads as
// a marker, a marker of the tool, or one whole statement of the advice
// (want: the statements the advice holds, by syntax tree). PostgreSQL's
// parser must see the same statements as the lines.
func checkFile(t testing.TB, tool Tool, f File, want []string) {
	t.Helper()
	if strings.HasSuffix(f.Name, ".conf") {
		if f.Content != "executeInTransaction=false\n" {
			t.Errorf("%s: %q", f.Name, f.Content)
		}
		return
	}
	c := f.Content
	if !utf8.ValidString(c) {
		t.Errorf("%s: not valid UTF-8", f.Name)
	}
	for _, r := range c {
		if r != '\n' && (unicode.IsControl(r) || r == 0x2028 || r == 0x2029 || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0x200e || r == 0x200f) {
			t.Errorf("%s: holds %U:\n%s", f.Name, r, c)
			return
		}
	}
	if strings.Contains(c, "${") {
		t.Errorf("%s: holds a Flyway placeholder:\n%s", f.Name, c)
	}
	wantTrees := map[string]bool{}
	for _, s := range want {
		wantTrees[tree(t, s)] = true
	}
	var lineTrees []string
	for i, line := range strings.Split(c, "\n") {
		switch {
		case strings.TrimSpace(line) == "":
		case isMarker(tool, line):
		case strings.HasPrefix(line, "--"):
			if strings.Contains(strings.ToLower(line), "+goose") || dbmateMarkerRE.MatchString(line) {
				t.Errorf("%s:%d: a comment a tool reads as a marker: %s", f.Name, i+1, line)
			}
		default:
			tr := tree(t, line)
			if !wantTrees[tr] {
				t.Errorf("%s:%d: not a statement of the advice: %s\n%s", f.Name, i+1, line, c)
			}
			lineTrees = append(lineTrees, tr)
		}
	}
	res, err := pg_query.Parse(c)
	if err != nil {
		t.Errorf("%s: PostgreSQL's parser rejects the file: %v\n%s", f.Name, err, c)
		return
	}
	if len(res.Stmts) != len(lineTrees) {
		t.Errorf("%s: the parser sees %d statements, the lines %d:\n%s", f.Name, len(res.Stmts), len(lineTrees), c)
		return
	}
	for i, s := range res.Stmts {
		if got := treeOf(t, s.Stmt); got != lineTrees[i] {
			t.Errorf("%s: statement %d differs from its line:\n%s\n%s", f.Name, i+1, got, lineTrees[i])
		}
	}
}

func isMarker(tool Tool, line string) bool {
	for _, m := range markerLines[tool] {
		if line == m {
			return true
		}
	}
	return false
}

// tree is the syntax tree of one statement, without locations.
func tree(t testing.TB, stmt string) string {
	t.Helper()
	res, err := pg_query.Parse(stmt)
	if err != nil || len(res.Stmts) != 1 {
		t.Errorf("not one statement (%v): %s", err, stmt)
		return "?" + stmt
	}
	return treeOf(t, res.Stmts[0].Stmt)
}

func treeOf(t testing.TB, n *pg_query.Node) string {
	t.Helper()
	js, err := protojson.Marshal(n)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(js, &v); err != nil {
		t.Fatal(err)
	}
	dropLocations(v)
	out, _ := json.Marshal(v)
	return string(out)
}

func dropLocations(v any) {
	switch x := v.(type) {
	case map[string]any:
		delete(x, "location")
		for _, e := range x {
			dropLocations(e)
		}
	case []any:
		for _, e := range x {
			dropLocations(e)
		}
	}
}

// adviceStatements are the statements a recommendation holds.
func adviceStatements(r report.Recommendation) []string {
	var out []string
	texts := append([]string{r.DDL, r.DownDDL}, r.Steps...)
	for _, s := range texts {
		if s = strings.TrimSpace(s); s != "" && !strings.HasPrefix(s, "--") {
			out = append(out, s)
		}
	}
	return out
}

// TestHostileNames writes, in every format, advice whose table, column and
// index names, value and reason are hostile, and checks each file's
// structure: before the fix, a newline in a name made the rest of the
// comment header a statement.
func TestHostileNames(t *testing.T) {
	for _, tool := range Tools() {
		t.Run(string(tool), func(t *testing.T) {
			for i, h := range hostileTexts {
				recs := []report.Recommendation{
					hostileRec("t"+h, "c"+h, fmt.Sprintf("i%d%s", i, h), "v"+h, "Serves "+h+" because "+h),
					hostilePlan("p"+h, h)}
				res, err := Plan(recs, nil, Options{Tool: tool, Now: clock})
				if err != nil {
					t.Fatalf("%q: %v", h, err)
				}
				if len(res.Skipped) > 0 {
					t.Errorf("%q: skipped %+v", h, res.Skipped)
				}
				var want []string
				for _, r := range recs {
					want = append(want, adviceStatements(r)...)
				}
				for _, f := range res.Files {
					checkFile(t, tool, f, want)
				}
				// Running migrate again on the same advice adds nothing.
				again, err := Plan(recs, res.Files, Options{Tool: tool, Now: clock})
				if err != nil || len(again.Files) != 0 {
					t.Errorf("%q: second run: %v, %s", h, err, names(again.Files))
				}
			}
		})
	}
}

// FuzzMigrationFiles feeds names, a value and a reason through every
// format and checks each file as TestHostileNames does: every line blank, a
// comment no tool reads as a marker, the tool's own marker, or one whole
// statement of the advice. Advice is skipped only for text PostgreSQL cannot
// hold (invalid UTF-8, NUL).
func FuzzMigrationFiles(f *testing.F) {
	for i, h := range hostileTexts {
		f.Add(h, hostileTexts[(i+1)%len(hostileTexts)], h, h, "Serves "+h)
	}
	f.Add("orders", "tenant_id", "orders_tenant_id_idx", "paid", "Serves 6 queries (115 calls).")
	f.Fuzz(func(t *testing.T, table, column, index, value, reason string) {
		recs := []report.Recommendation{
			hostileRec("t"+table, "c"+column, "i"+index, value, reason),
			hostilePlan("p"+table, reason)}
		storable := true
		for _, s := range []string{table, column, index, value} {
			storable = storable && utf8.ValidString(s) && !strings.ContainsRune(s, 0)
		}
		for _, tool := range Tools() {
			res, err := Plan(recs, nil, Options{Tool: tool, Now: clock})
			if err != nil {
				t.Fatalf("%s: %v", tool, err)
			}
			if len(res.Skipped) > 0 && storable {
				t.Fatalf("%s: skipped %+v", tool, res.Skipped)
			}
			var want []string
			for _, r := range recs {
				if stmts := adviceStatements(r); parses(stmts) { // else skipped: PostgreSQL cannot hold it
					want = append(want, stmts...)
				}
			}
			for _, f := range res.Files {
				checkFile(t, tool, f, want)
			}
		}
	})
}

// parses reports whether every statement parses.
func parses(stmts []string) bool {
	for _, s := range stmts {
		if _, err := pg_query.Parse(s); err != nil {
			return false
		}
	}
	return true
}
