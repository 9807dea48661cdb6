package analyzer

import (
	"testing"

	"github.com/pgadvise/pgadvise/capture"
)

// TestSumsSaturate: the largest counts and times capture passes on, added
// up, stop at capture.MaxCount and capture.MaxMS instead of wrapping to
// negative calls or reaching +Inf.
func TestSumsSaturate(t *testing.T) {
	a := New(nil)
	a.SetSource("pgss.csv")
	for i, q := range []string{"SELECT * FROM t WHERE a = $1", "select * from t where a = $2", "SELECT * FROM t WHERE a = $1"} {
		a.Add(&capture.Statement{Query: []byte(q), Calls: capture.MaxCount, Timed: true,
			TotalMS: capture.MaxMS, MaxMS: capture.MaxMS, Rows: capture.MaxCount, Line: int64(i + 2)})
	}
	w := a.Result()
	if w.Statements != capture.MaxCount || len(w.Shapes) != 1 {
		t.Fatalf("%d statements in %d shapes", w.Statements, len(w.Shapes))
	}
	s := w.Shapes[0]
	if s.Calls != capture.MaxCount || s.TimedCalls != capture.MaxCount || s.Rows != capture.MaxCount || s.TotalMS != capture.MaxMS {
		t.Errorf("shape calls %d, timed %d, rows %d, total %g", s.Calls, s.TimedCalls, s.Rows, s.TotalMS)
	}
	for _, p := range w.Tables {
		if p.Reads != capture.MaxCount || p.ReadMS != capture.MaxMS {
			t.Errorf("%s: reads %d", p.Table, p.Reads)
		}
		for _, c := range p.Columns {
			if n := c.FilterCalls(); c.Column == "a" && (n != capture.MaxCount || c.FilterMS != capture.MaxMS) {
				t.Errorf("%s.%s: %d filter calls, %g ms", p.Table, c.Column, n, c.FilterMS)
			}
		}
		for _, fs := range p.FilterSets {
			if fs.Calls != capture.MaxCount || fs.TotalMS != capture.MaxMS {
				t.Errorf("filter set %v: %d calls, %g ms", fs.Columns, fs.Calls, fs.TotalMS)
			}
		}
	}
	for _, tt := range []struct{ a, b, want int64 }{
		{1, 2, 3}, {capture.MaxCount, 1, capture.MaxCount}, {capture.MaxCount - 1, 1, capture.MaxCount}, {0, 0, 0},
	} {
		if got := addCount(tt.a, tt.b); got != tt.want {
			t.Errorf("addCount(%d, %d) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
