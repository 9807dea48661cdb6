package advisor

// Range selectivity from pg_stats, in outline as PostgreSQL's scalarineqsel
// does it: the most common values below the bound count with their
// frequencies; the other non-null rows are spread evenly over the
// histogram's buckets (equal population by construction), and a bound
// inside a bucket takes the part of it below: interpolated linearly for
// numbers, dates and timestamps (PostgreSQL's convert_to_scalar does the
// same), half a bucket for anything else. The value is the query's constant,
// or the sample execution's where it varies or is bound; without one, or
// without statistics, the planner's defaults stand.

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pgadvise/pgadvise/analyzer"
	"github.com/pgadvise/pgadvise/catalog"
)

// rangeSel is the share of rows for which "column op value" holds (op one
// of < <= > >=), and false when the statistics cannot place the value.
func rangeSel(cs *catalog.ColumnStats, op, value string) (float64, bool) {
	v := unquoteLiteral(value)
	switch op {
	case "<", "<=":
		return shareBelow(cs, v, op == "<=")
	case ">", ">=":
		below, ok := shareBelow(cs, v, op == ">")
		return math.Max(0, 1-cs.NullFrac-below), ok
	}
	return 0, false
}

// betweenSel is the share of rows in [lo, hi], from a value "(lo, hi)".
func betweenSel(cs *catalog.ColumnStats, list string) (float64, bool) {
	parts := splitLiteralList(list)
	if len(parts) != 2 {
		return 0, false
	}
	lo, ok1 := shareBelow(cs, unquoteLiteral(parts[0]), false)
	hi, ok2 := shareBelow(cs, unquoteLiteral(parts[1]), true)
	if !ok1 || !ok2 {
		return 0, false
	}
	return math.Max(0, hi-lo), true
}

// shareBelow is the share of all rows (nulls included in the whole) whose
// value sorts below v, or at v too when inclusive: it matters for a most
// common value (BETWEEN 0.05 AND 0.07 keeps the rows of 0.07), not inside a
// histogram's buckets.
func shareBelow(cs *catalog.ColumnStats, v string, inclusive bool) (float64, bool) {
	if cs == nil || v == "" {
		return 0, false
	}
	vs, vScalar := scalarOf(v)
	// The value must be of the column's kind: a number or a time against
	// numbers or times, text against text.
	first := ""
	if len(cs.HistogramBounds) > 0 {
		first = cs.HistogramBounds[0]
	} else if len(cs.MostCommon) > 0 {
		first = cs.MostCommon[0]
	}
	if _, ok := scalarOf(first); first == "" || ok != vScalar {
		return 0, false
	}
	cmp := func(x string) int { // x against v
		if xs, ok := scalarOf(x); ok && vScalar {
			switch {
			case xs < vs:
				return -1
			case xs > vs:
				return 1
			}
			return 0
		}
		return strings.Compare(x, v)
	}
	less := func(x string) bool { return cmp(x) < 0 }
	mcvBelow, mcvAll := 0.0, 0.0
	for i, m := range cs.MostCommon {
		if i >= len(cs.MostCommonFreqs) {
			break
		}
		mcvAll += cs.MostCommonFreqs[i]
		if c := cmp(m); c < 0 || inclusive && c == 0 {
			mcvBelow += cs.MostCommonFreqs[i]
		}
	}
	rest := math.Max(0, 1-cs.NullFrac-mcvAll)
	b := cs.HistogramBounds
	if len(b) < 2 {
		// Without a histogram only most common values that cover the
		// column can place a value.
		if mcvAll > 0 && rest < 0.01 {
			return math.Min(math.Max(0, mcvBelow), math.Max(0, 1-cs.NullFrac)), true
		}
		return 0, false
	}
	n := len(b)
	i := sort.Search(n, func(k int) bool { return !less(b[k]) }) // bounds below v
	var frac float64
	switch i {
	case 0:
		frac = 0
	case n:
		frac = 1
	default:
		inner := 0.5
		lo, okLo := scalarOf(b[i-1])
		hi, okHi := scalarOf(b[i])
		if vScalar && okLo && okHi && hi > lo {
			inner = math.Min(1, math.Max(0, (vs-lo)/(hi-lo)))
		}
		frac = (float64(i-1) + inner) / float64(n-1)
	}
	// Statistics from a hand-edited snapshot may not add up: a share is
	// at most every non-null row.
	return math.Min(math.Max(0, mcvBelow+rest*frac), math.Max(0, 1-cs.NullFrac)), true
}

// nowInStats places a time relative to now (now() - interval '7 days') in
// a time column's statistics: "now" is taken as the newest value they know,
// the last histogram bound, which for the append-mostly columns such
// filters read is the time statistics were last gathered. "" when the
// column holds no times.
func nowInStats(cs *catalog.ColumnStats, offset time.Duration) string {
	b := cs.HistogramBounds
	if len(b) < 2 {
		return ""
	}
	newest := b[len(b)-1]
	last, ok := scalarOf(newest)
	if !ok || len(newest) < 10 || newest[4] != '-' || newest[7] != '-' { // a date, not a number
		return ""
	}
	sec := last + offset.Seconds()
	return time.Unix(int64(sec), 0).UTC().Format(time.RFC3339)
}

// scalarOf reads a value as a number, or a date or timestamp as seconds, so
// that values of one column compare and interpolate as PostgreSQL's would.
func scalarOf(s string) (float64, bool) {
	if x, err := strconv.ParseFloat(s, 64); err == nil && !math.IsInf(x, 0) && !math.IsNaN(x) {
		return x, true
	}
	if t, ok := analyzer.ParseTime(s); ok {
		return float64(t.Unix()) + float64(t.Nanosecond())/1e9, true
	}
	return 0, false
}

// unquoteLiteral turns a quoted SQL literal into its value (a doubled
// quote inside becomes one); anything else (42, E'x') is left alone.
func unquoteLiteral(s string) string {
	if len(s) >= 2 && s[0] == '\'' && s[len(s)-1] == '\'' {
		return strings.ReplaceAll(s[1:len(s)-1], "''", "'")
	}
	return s
}

// splitLiteralList splits "(a, 'b, c')" into its literals, minding quotes.
func splitLiteralList(s string) []string {
	if len(s) < 2 || s[0] != '(' || s[len(s)-1] != ')' {
		return nil
	}
	s = s[1 : len(s)-1]
	var out []string
	start, quoted := 0, false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\'':
			quoted = !quoted // a doubled quote flips twice
		case ',':
			if !quoted {
				out = append(out, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	return append(out, strings.TrimSpace(s[start:]))
}
