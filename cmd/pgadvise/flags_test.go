package main

import (
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// helpFlags lists the flags a --help text describes.
func helpFlags(help string) []string {
	var names []string
	for _, m := range regexp.MustCompile(`(?m)^  -([a-z-]+)`).FindAllStringSubmatch(help, -1) {
		names = append(names, m[1])
	}
	sort.Strings(names)
	return names
}

// TestHelpListsWhatActs: migrate --help lists only the flags that act
// there (not -format, -o, -top, which shape a report migrate does not
// write), and analyze --help names every output format.
func TestHelpListsWhatActs(t *testing.T) {
	_, help, _ := runCLI(t, "", "migrate", "--help")
	want := []string{"baseline", "budget", "confirm-not-production", "dir", "dsn", "execute-budget", "execute-timeout",
		"include-low-confidence", "input-format", "max-staleness", "min-benefit", "schema", "statement-timeout", "stats",
		"tool", "verify", "versioning"}
	if diff := cmp.Diff(want, helpFlags(help)); diff != "" {
		t.Errorf("migrate --help flags (-want +got):\n%s", diff)
	}
	code, _, errOut := runCLI(t, "", "migrate", "--tool", "sql", "--dir", t.TempDir(), "--format", "json", "../../fixtures/slow.log")
	if code != exitUsage || !strings.Contains(errOut, "-format") {
		t.Errorf("migrate --format: exit %d, %q; want a usage error", code, errOut)
	}
	_, help, _ = runCLI(t, "", "analyze", "--help")
	if first, _, _ := strings.Cut(help, "\n"); !strings.Contains(first, "text|json|markdown") {
		t.Errorf("analyze --help's usage line omits markdown: %q", first)
	}
}

// TestFlagErrorsAreShort: a bad command line prints the error and one hint,
// not the 60 lines of usage.
func TestFlagErrorsAreShort(t *testing.T) {
	for _, args := range [][]string{
		{"analyze", "--frob", "x.log"},
		{"analyze"},
		{"analyze", "--top", "-1", "x.log"},
		{"analyze", "--budget", "lots", "x.log"},
		{"migrate", "-o", "x", "x.log"},
		{"snapshot", "--frob"},
		{"snapshot", "extra"},
		{"frobnicate"},
	} {
		code, _, errOut := runCLI(t, "", args...)
		lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
		if code != exitUsage || len(lines) > 2 || !strings.HasPrefix(lines[0], "pgadvise") {
			t.Errorf("%q: exit %d, stderr %d lines:\n%s\nwant exit %d, the error and at most one hint", args, code, len(lines), errOut, exitUsage)
		}
	}
}

// TestZeroMeansNoLimit: --budget 0 is no cap (as without the flag) and
// --top 0 lists every query shape; both were refused or ignored.
func TestZeroMeansNoLimit(t *testing.T) {
	_, plain, _ := runCLI(t, "", analyzeArgs()...)
	code, budget0, errOut := runCLI(t, "", analyzeArgs("--budget", "0")...)
	if code != exitOK || budget0 != plain {
		t.Errorf("--budget 0: exit %d (%s), or a report unlike the one without a budget", code, errOut)
	}
	code, top0, _ := runCLI(t, "", analyzeArgs("--top", "0")...)
	if code != exitOK || !strings.Contains(top0, "Top queries by total time (73 of 73)") {
		t.Errorf("--top 0: exit %d, or not every query shape listed", code)
	}
}
