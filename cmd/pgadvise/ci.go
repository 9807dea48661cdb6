package main

// What analyze (and migrate) add for CI: --fail-on gating, --baseline,
// --show-values, the Markdown format, the progress line on a terminal.

import (
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"golang.org/x/term"

	"github.com/pgadvise/pgadvise/advisor"
	"github.com/pgadvise/pgadvise/internal/filekind"
	"github.com/pgadvise/pgadvise/pipeline"
	"github.com/pgadvise/pgadvise/report"
)

// exitFindings is analyze's exit code when --fail-on matched a
// recommendation (after --min-benefit and --baseline).
const exitFindings = 3

// exitUnverified is analyze's exit code when --verify was asked for and
// none of it could be done (no HypoPG, the connection lost, no query could
// be explained): the report is written, with the cost model's advice alone.
const exitUnverified = 4

// exitCodesHelp ends analyze's --help.
const exitCodesHelp = `
Exit codes:
  0  the report was written (whatever it recommends, without --fail-on)
  1  the run could not complete: a missing input, an unreadable schema or baseline, a write error
  2  bad command line
  3  --fail-on: a recommendation of a listed kind survived --min-benefit and --baseline
  4  --verify: nothing could be verified (no HypoPG, the connection lost, no query explained);
     the report was written with the cost model's advice alone (4 wins over 3)

CI:
  pgadvise analyze --schema schema.sql --format markdown -o advice.md \
      --baseline main-report.json --fail-on create_index,drop_index postgresql.log
`

// failKinds lists the kinds --fail-on takes. Besides them, "any" matches
// every recommendation of high confidence; low-confidence advice (an
// unused_index, a Citus distribution) counts only when its kind is named.
func failKinds() []string {
	var out []string
	for _, k := range advisor.Kinds() {
		out = append(out, string(k.Kind))
	}
	return out
}

// extras holds the flags and state analyze and migrate add to the pipeline.
type extras struct {
	mig    *migrateMode // nil for analyze
	stderr io.Writer

	failOn     string
	baseline   string
	showValues bool

	fail    map[string]bool
	failAny bool // --fail-on any
	base    *report.Document
	prog    *report.Progress
}

// newExtras registers the flags on fs and wraps its usage text.
func newExtras(fs *flag.FlagSet, mig *migrateMode, stderr io.Writer) *extras {
	x := &extras{mig: mig, stderr: stderr}
	fs.StringVar(&x.baseline, "baseline", "", "an earlier run's JSON report (`FILE`): report only the recommendations it did not have (same kind, table and DDL)")
	if mig != nil {
		mig.addFlags(fs)
		fs.Usage = func() {
			fmt.Fprint(fs.Output(), migrateUsage)
			fs.PrintDefaults()
		}
		return x
	}
	fs.StringVar(&x.failOn, "fail-on", "", "exit 3 when a recommendation of these `KINDS` is made: a comma list of "+strings.Join(failKinds(), ", ")+", or any (every kind, high confidence only)")
	fs.BoolVar(&x.showValues, "show-values", false, "add each query's sample with its real values to the JSON (\"sample\") and Markdown reports, and let reasons and the planner's error messages (--verify) quote the workload's constants: they can hold customer data")
	usage := fs.Usage
	fs.Usage = func() {
		usage()
		fmt.Fprint(fs.Output(), exitCodesHelp)
	}
	return x
}

// validFormat reports whether analyze can write format.
func validFormat(format string) bool {
	return format == "text" || format == "json" || format == "markdown"
}

// check validates the flags and reads the baseline; a non-zero code ends
// the run. It also starts the progress line when stderr is a terminal.
func (x *extras) check(inputs []string) int {
	name := "analyze"
	if x.mig != nil {
		name = "migrate"
		if code := x.mig.check(x.stderr); code != exitOK {
			return code
		}
	}
	if x.failOn != "" {
		x.fail = map[string]bool{}
		for _, k := range strings.Split(x.failOn, ",") {
			k = strings.TrimSpace(k)
			switch {
			case k == "any":
				x.failAny = true
			case contains(failKinds(), k):
				x.fail[k] = true
			default:
				fmt.Fprintf(x.stderr, "pgadvise %s: --fail-on %q: want a comma list of %s, or any\n", name, k, strings.Join(failKinds(), ", "))
				return exitUsage
			}
		}
	}
	for _, in := range inputs {
		if in == "-" {
			continue
		}
		// A missing input is reported when it is read; here only a file
		// that is surely not a workload (a snapshot, a report, a pg_dump
		// archive) is refused, saying where it belongs.
		if kind, err := filekind.DetectFile(in); err == nil {
			if err := filekind.Check(in, kind, filekind.WorkloadRole); err != nil {
				fmt.Fprintf(x.stderr, "pgadvise: %v\n", err)
				return exitError
			}
		}
	}
	if x.baseline != "" {
		base, err := report.ReadBaseline(x.baseline)
		if err != nil {
			fmt.Fprintf(x.stderr, "pgadvise: %v\n", err)
			return exitError
		}
		x.base = base
	}
	if t, ok := terminalOf(x.stderr); ok {
		var total int64
		for _, in := range inputs {
			if in == "-" {
				total = 0 // standard input: size unknown, so no share
				break
			}
			if fi, err := os.Stat(in); err == nil {
				total += fi.Size()
			}
		}
		x.prog = report.NewProgress(t, total, nil)
		if w, _, err := term.GetSize(int(t.Fd())); err == nil {
			x.prog.SetWidth(w)
		}
	}
	return exitOK
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// config adds to cfg what the flags of CI ask of the run: the baseline,
// the values, the progress line.
func (x *extras) config(cfg *pipeline.Config) {
	cfg.Baseline, cfg.BaselinePath = x.base, x.baseline
	cfg.ShowValues = x.showValues
	cfg.Progress = x.prog
}

// migrate writes the migration files of migrate mode and returns the exit
// code.
func (x *extras) migrate(doc *report.Document, stdout io.Writer) int {
	code := x.mig.write(doc, stdout, x.stderr)
	if code == exitOK && verificationFailed(doc.Advice.Verification) {
		fmt.Fprintf(x.stderr, "pgadvise: --verify: nothing could be verified; exit %d\n", exitUnverified)
		code = exitUnverified
	}
	return code
}

// exitCode is analyze's exit code once the report is written: exitFindings
// when --fail-on matches.
func (x *extras) exitCode(doc *report.Document) int {
	if verificationFailed(doc.Advice.Verification) {
		fmt.Fprintf(x.stderr, "pgadvise: --verify: nothing could be verified; exit %d\n", exitUnverified)
		return exitUnverified
	}
	if len(x.fail) == 0 && !x.failAny {
		return exitOK
	}
	byKind := map[string]int{}
	for _, r := range doc.Recommendations {
		if x.fail[string(r.Kind)] || x.failAny && r.Confidence != "low" {
			byKind[string(r.Kind)]++
		}
	}
	if len(byKind) == 0 {
		return exitOK
	}
	var parts []string
	for _, k := range failKinds() {
		if n := byKind[k]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, k))
			delete(byKind, k)
		}
	}
	var other []string // kinds this list does not know yet (with any)
	for k, n := range byKind {
		other = append(other, fmt.Sprintf("%d %s", n, k))
	}
	sort.Strings(other)
	parts = append(parts, other...)
	what := "recommendation(s)"
	if x.base != nil {
		what = "new recommendation(s) (not in the baseline)"
	}
	fmt.Fprintf(x.stderr, "pgadvise: --fail-on %s: %s %s; exit %d\n", x.failOn, strings.Join(parts, ", "), what, exitFindings)
	return exitFindings
}

// terminal is standard error when it is a terminal. Do wraps os.Stderr in
// it; only then does analyze draw its progress line, so tests,
// pipes and CI logs never get one.
type terminal struct{ *os.File }

// terminalWidth is the width of w when it is a terminal, else 0.
func terminalWidth(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return 0
	}
	width, _, err := term.GetSize(int(f.Fd()))
	if err != nil {
		return 0
	}
	return width
}
