package analyzer

import "github.com/pgadvise/pgadvise/capture"

// addCount adds two counts (calls, rows), stopping at capture.MaxCount:
// counts near 2^63 in a pg_stat_statements export must not wrap to negative
// calls, and the advisor forms products of them.
func addCount(a, b int64) int64 {
	if b > capture.MaxCount-a {
		return capture.MaxCount
	}
	return a + b
}

// addMS adds two durations, stopping at capture.MaxMS, so that every time
// the advisor derives stays finite (no JSON document holds +Inf).
func addMS(a, b float64) float64 {
	if s := a + b; s <= capture.MaxMS {
		return s
	}
	return capture.MaxMS
}
