package pipeline

import (
	"strings"
	"testing"
	"time"
)

// TestPrintStatsAge: a young window is warned of, whether the statistics
// were reset lately or never reset on a server that started lately.
func TestPrintStatsAge(t *testing.T) {
	read := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { x := read.Add(-d); return &x }
	for _, c := range []struct {
		name string
		f    statsFacts
		warn string
	}{
		{"reset lately", statsFacts{statsReset: at(3 * time.Hour)}, "cover less than a week"},
		{"reset long ago", statsFacts{statsReset: at(30 * 24 * time.Hour)}, ""},
		{"never reset, young server", statsFacts{serverStart: at(20 * time.Minute)}, "never reset and the server started 20m0s ago"},
		{"never reset, old server", statsFacts{serverStart: at(40 * 24 * time.Hour)}, ""},
		{"never reset, start unknown", statsFacts{}, ""},
	} {
		c.f.database, c.f.readAt = "shop", read
		var b strings.Builder
		printStatsAge(&b, c.f)
		got := b.String()
		if c.warn == "" && strings.Contains(got, "warning") || c.warn != "" && !strings.Contains(got, c.warn) {
			t.Errorf("%s: %q, want a warning containing %q", c.name, got, c.warn)
		}
	}
}
