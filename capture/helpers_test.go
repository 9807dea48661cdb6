package capture

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// stmt is a Statement with copied text, for comparisons.
type stmt struct {
	Query   string
	Params  string
	Calls   int64
	Timed   bool
	TotalMS float64
	MaxMS   float64
	Rows    int64
	Line    int64
}

// result is what a read gave: the statements and the skips by reason.
type result struct {
	Stmts   []stmt
	Skipped map[Reason]int64
}

// readString reads in with Read and collects the result.
func readString(t testing.TB, in string, format Format) (result, *Stats) {
	t.Helper()
	var res result
	st, err := Read(strings.NewReader(in), "test", format, func(s *Statement) error {
		res.Stmts = append(res.Stmts, toStmt(s))
		return nil
	})
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	res.Skipped = skipCounts(st)
	checkStats(t, st, len(res.Stmts))
	return res, st
}

func toStmt(s *Statement) stmt {
	return stmt{Query: string(s.Query), Params: string(s.Params), Calls: s.Calls, Timed: s.Timed,
		TotalMS: s.TotalMS, MaxMS: s.MaxMS, Rows: s.Rows, Line: s.Line}
}

func skipCounts(st *Stats) map[Reason]int64 {
	if len(st.Skipped) == 0 {
		return nil
	}
	m := make(map[Reason]int64, len(st.Skipped))
	for r, c := range st.Skipped {
		m[r] = c.Count
	}
	return m
}

// checkStats checks what holds for every read.
func checkStats(t testing.TB, st *Stats, emitted int) {
	t.Helper()
	if st.Statements != int64(emitted) {
		t.Errorf("Stats.Statements = %d, emit was called %d times", st.Statements, emitted)
	}
	for r, c := range st.Skipped {
		if c.Count <= 0 || len(c.FirstLines) == 0 || len(c.FirstLines) > MaxExampleLines {
			t.Errorf("skip %s: count %d, first lines %v", r, c.Count, c.FirstLines)
		}
		for _, l := range c.FirstLines {
			if l < 1 || (st.Lines > 0 && l > st.Lines) {
				t.Errorf("skip %s: line %d out of 1..%d", r, l, st.Lines)
			}
		}
	}
}

// timed is one timed execution.
func timed(line int64, ms float64, query string) stmt {
	return stmt{Query: query, Calls: 1, Timed: true, TotalMS: ms, MaxMS: ms, Line: line}
}

// timedP is one timed execution with parameters.
func timedP(line int64, ms float64, query, params string) stmt {
	s := timed(line, ms, query)
	s.Params = params
	return s
}

// untimed is one execution of unknown duration.
func untimed(line int64, query string) stmt {
	return stmt{Query: query, Calls: 1, Line: line}
}

func diff(t *testing.T, got, want result) {
	t.Helper()
	if d := cmp.Diff(got, want); d != "" {
		t.Errorf("result mismatch (-got +want):\n%s", d)
	}
}

// lines joins lines with "\n" and ends the text with one.
func lines(l ...string) string { return strings.Join(l, "\n") + "\n" }
