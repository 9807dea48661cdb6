package advisor

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/datadriven"
	"github.com/pgadvise/pgadvise/analyzer"
	"github.com/pgadvise/pgadvise/capture"
	"github.com/pgadvise/pgadvise/catalog"
	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// TestAdvice runs the cases in testdata/*.txt with datadriven: each file is
// a schema, its statistics, a workload and the advice expected for it,
// readable as a DBA would write it down. Directives:
//
//	schema                      DDL, as pg_dump -s prints it
//	stats                       "table NAME rows=N [pages=N]",
//	                            "column TABLE.COL n_distinct=N [null_frac=F] [correlation=C] [mcv=v:f,v:f] [hist=b|b|b] [width=W]" and
//	                            "index NAME scans=N [size=BYTES]"
//	workload                    one statement a line: "calls=N [ms=M] [rows=R] | SQL"
//	advise [budget=B] [min-benefit=X] [stats-reset=DATE] [span=DURATION] [staleness=DURATION] [show-values]
//	                            the expected advice (the clock reads 2026-11-25; span: the workload's)
//
// Each directive's input ends with a line "----", then its expected output
// (empty but for advise) up to a blank line. Lines starting with # are
// comments. `go test ./advisor -run TestAdvice -rewrite` rewrites the
// expected advice from what Advise returns; review the diff.
func TestAdvice(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no test files: %v", err)
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txt"), func(t *testing.T) { runAdviceFile(t, f) })
	}
}

func runAdviceFile(t *testing.T, path string) {
	var (
		schema *catalog.Schema
		an     *analyzer.Analyzer
	)
	datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
		body := bodyLines(d.Input)
		switch d.Cmd {
		case "schema":
			var rep *catalog.DDLReport
			var err error
			schema, rep, err = catalog.ParseDDL(strings.Join(body, "\n"))
			if err != nil || rep.Failed > 0 {
				d.Fatalf(t, "schema: %v, %d failed: %v", err, rep.Failed, rep.Errors)
			}
		case "stats":
			applyStats(t, schema, body)
		case "workload":
			an = analyzer.New(schema)
			for _, line := range body {
				addWorkloadLine(t, an, line)
			}
		case "advise":
			return describe(t, Advise(an.Result(), schema, adviseOptions(t, d)))
		default:
			d.Fatalf(t, "unknown directive %q", d.Cmd)
		}
		return ""
	})
}

// bodyLines returns a directive's input lines, less blank and comment lines.
func bodyLines(input string) []string {
	var out []string
	for _, l := range strings.Split(input, "\n") {
		if s := strings.TrimSpace(l); s != "" && !strings.HasPrefix(s, "#") {
			out = append(out, l)
		}
	}
	return out
}

// adviseOptions reads the options of an advise directive.
func adviseOptions(t *testing.T, d *datadriven.TestData) Options {
	opt := Options{MinBenefit: DefaultMinBenefitShare, MinBenefitIsShare: true, Now: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
	for _, arg := range d.CmdArgs {
		v := ""
		if len(arg.Vals) > 0 {
			v = arg.Vals[0]
		}
		var err error
		switch arg.Key {
		case "show-values":
			opt.ShowValues = true
		case "span":
			opt.WorkloadSpan, err = time.ParseDuration(v)
		case "staleness":
			opt.MaxStaleness, err = time.ParseDuration(v)
		case "stats-reset":
			var at time.Time
			at, err = time.Parse("2006-01-02", v)
			opt.StatsReset = &at
		case "budget":
			opt.BudgetBytes, err = strconv.ParseFloat(v, 64)
		case "min-benefit":
			opt.MinBenefit, err = strconv.ParseFloat(v, 64)
			opt.MinBenefitIsShare = false
		default:
			d.Fatalf(t, "unknown advise option %q", arg.Key)
		}
		if err != nil {
			d.Fatalf(t, "%s: %v", arg, err)
		}
	}
	return opt
}

func addWorkloadLine(t *testing.T, an *analyzer.Analyzer, line string) {
	head, sql, ok := strings.Cut(line, "|")
	if !ok {
		t.Fatalf("workload line without '|': %q", line)
	}
	st := capture.Statement{Query: []byte(strings.TrimSpace(sql)), Calls: 1}
	for _, kv := range strings.Fields(head) {
		k, v, _ := strings.Cut(kv, "=")
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			t.Fatalf("%q: %v", kv, err)
		}
		switch k {
		case "calls":
			st.Calls = int64(x)
		case "ms":
			st.Timed, st.TotalMS, st.MaxMS = true, x*float64(st.Calls), x
		case "rows":
			st.Rows = int64(x)
		default:
			t.Fatalf("unknown workload field %q", k)
		}
	}
	if _, err := pg_query.Parse(string(st.Query)); err != nil {
		t.Fatalf("workload statement does not parse: %q: %v", sql, err)
	}
	an.Add(&st)
}

func applyStats(t *testing.T, schema *catalog.Schema, lines []string) {
	for _, line := range lines {
		f := strings.Fields(line)
		if len(f) < 2 {
			t.Fatalf("stats line %q", line)
		}
		kv := map[string]string{}
		for _, x := range f[2:] {
			k, v, _ := strings.Cut(x, "=")
			kv[k] = v
		}
		num := func(k string) float64 {
			if kv[k] == "" {
				return 0
			}
			x, err := strconv.ParseFloat(kv[k], 64)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			return x
		}
		switch f[0] {
		case "table":
			sch, name, _ := strings.Cut(f[1], ".")
			tb := schema.Lookup(sch, name)
			if tb == nil {
				t.Fatalf("stats for unknown table %s", f[1])
			}
			tb.Stats = &catalog.TableStats{Rows: num("rows"), Pages: num("pages")}
		case "index":
			found := false
			for _, tb := range schema.Tables {
				for i := range tb.Indexes {
					if tb.Indexes[i].Name == f[1] {
						tb.Indexes[i].Stats = &catalog.IndexStats{Scans: num("scans"), SizeBytes: int64(num("size"))}
						found = true
					}
				}
			}
			if !found {
				t.Fatalf("stats for unknown index %s", f[1])
			}
		case "column":
			parts := strings.Split(f[1], ".")
			tb := schema.Lookup(parts[0], parts[1])
			if tb == nil || tb.Column(parts[2]) == nil {
				t.Fatalf("stats for unknown column %s", f[1])
			}
			cs := &catalog.ColumnStats{NDistinct: num("n_distinct"), NullFrac: num("null_frac"), AvgWidth: num("width")}
			if v, ok := kv["correlation"]; ok {
				c, _ := strconv.ParseFloat(v, 64)
				cs.Correlation = &c
			}
			if v := kv["hist"]; v != "" {
				cs.HistogramBounds = strings.Split(v, "|")
			}
			if v := kv["mcv"]; v != "" {
				for _, pair := range strings.Split(v, ",") {
					val, freq, _ := strings.Cut(pair, ":")
					fr, _ := strconv.ParseFloat(freq, 64)
					cs.MostCommon = append(cs.MostCommon, val)
					cs.MostCommonFreqs = append(cs.MostCommonFreqs, fr)
				}
			}
			tb.Column(parts[2]).Stats = cs
		default:
			t.Fatalf("stats line %q", line)
		}
	}
}

// describe renders a result as the lines the test files hold.
func describe(t *testing.T, r *Result) string {
	var b strings.Builder
	for _, a := range r.Assumptions {
		fmt.Fprintf(&b, "assume: %s\n", a)
	}
	fmt.Fprintf(&b, "workload cost: %s -> %s\n", units(r.WorkloadCost), units(r.WorkloadCostAfter))
	write := func(prefix string, list []Recommendation) {
		for _, rec := range list {
			if _, err := pg_query.Parse(rec.DDL); err != nil {
				t.Errorf("DDL does not parse: %s: %v", rec.DDL, err)
			}
			if err := rec.CheckDetail(); err != nil {
				t.Error(err)
			}
			fmt.Fprintf(&b, "%s%s %s\n", prefix, rec.Kind, rec.DDL)
			for _, st := range rec.Steps[min(1, len(rec.Steps)):] {
				fmt.Fprintf(&b, "    | %s\n", st)
			}
			if d := rec.Summary; d != nil {
				for _, rw := range d.RewrittenQueries {
					fmt.Fprintf(&b, "    rewritten: %s\n", rw.Rewritten)
				}
			}
			if d := rec.Partition; d != nil {
				fmt.Fprintf(&b, "    key=%s strategy=%s pruned=%.2f\n", d.Key, d.Strategy, d.PrunedShare)
			}
			if d := rec.Distribution; d != nil {
				fmt.Fprintf(&b, "    key=%s strategy=citus_distributed pruned=%.2f\n", d.Column, d.PrunedShare)
			}
			literal := ""
			if rec.ContainsLiteral {
				literal = " contains_literal"
			}
			fmt.Fprintf(&b, "    benefit=%s write=%s size=%s queries=%d confidence=%s%s\n",
				units(rec.Benefit), units(rec.WriteCost), bytesText(float64(rec.SizeBytes)), len(rec.Queries), rec.Confidence, literal)
			fmt.Fprintf(&b, "    %s\n", rec.Reason)
		}
	}
	write("", r.Recommendations)
	write("rejected: ", r.Rejected)
	return b.String()
}

// workloadModel builds the model of a workload (lines as addWorkloadLine
// reads them) over the tables of ddl with the given statistics lines (as a
// case file's stats block).
func workloadModel(t *testing.T, ddl string, stats []string, workload ...string) (*model, *analyzer.Workload) {
	t.Helper()
	schema, _, err := catalog.ParseDDL(ddl)
	if err != nil {
		t.Fatal(err)
	}
	applyStats(t, schema, stats)
	an := analyzer.New(schema)
	for _, line := range workload {
		addWorkloadLine(t, an, line)
	}
	w := an.Result()
	return buildModel(w, schema), w
}
