package main

import (
	"math"
	"strings"
	"testing"
)

// TestNoiseCeiling: a query slower with another plan is marked as within
// the run's noise when its unchanged plan ran as slow elsewhere in the run.
func TestNoiseCeiling(t *testing.T) {
	run := func(plan string, ms ...float64) *execRun { return &execRun{Plan: plan, Ms: ms} }
	rep := &execReport{
		Sets: []execSet{{Name: "none"}, {Name: "a"}, {Name: "b"}},
		Queries: []execQuery{
			// Q21: 1.14× with a new plan under a, 1.34× with the old one under b.
			{N: 21, Runs: []*execRun{run("NL pkey", 95, 100, 105), run("NL cov", 114, 114, 114), run("NL pkey", 134, 134, 134)}},
			// Q4: 1.30× with a new plan, its old plan never past 1.05×.
			{N: 4, Runs: []*execRun{run("NL pkey", 100, 100, 105), run("NL cov", 130, 130, 130), run("NL pkey", 101, 101, 101)}},
		},
	}
	if c := rep.Queries[0].noiseCeiling(); math.Abs(c-1.34) > 1e-9 {
		t.Errorf("Q21's noise ceiling %.2f, want 1.34", c)
	}
	s := rep.summary(1)
	if len(s.Slower) != 2 || !strings.Contains(s.Slower[0], "unchanged plan ran up to 1.34×") || strings.Contains(s.Slower[1], "unchanged") {
		t.Errorf("slower: %q", s.Slower)
	}
	// Both ran every round slower than every baseline round (Q21: 114 >
	// 105), Q21 with its noise ceiling beside it.
	if len(s.Regressions) != 2 || s.Regressions[1] != "Q4 (1.30×)" {
		t.Errorf("regressions: %q", s.Regressions)
	}
}

// TestSeparated: a slowdown is a regression only when no round of the set
// ran as fast as a baseline round.
func TestSeparated(t *testing.T) {
	for _, tt := range []struct {
		with, base []float64
		want       bool
	}{
		{[]float64{130, 131, 140}, []float64{100, 101, 129}, true},
		{[]float64{130, 131, 140}, []float64{100, 130, 101}, false}, // a tie is not slower
		{[]float64{2133, 1400, 2200}, []float64{1537, 1500, 1600}, false},
		{nil, []float64{1}, false},
	} {
		if got := separated(tt.with, tt.base); got != tt.want {
			t.Errorf("separated(%v, %v) = %v, want %v", tt.with, tt.base, got, tt.want)
		}
	}
	if c := binomial(10, 5); c != 252 {
		t.Errorf("C(10,5) = %v", c)
	}
}
