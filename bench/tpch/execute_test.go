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
}
