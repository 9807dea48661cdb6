package capture

import (
	"strings"
	"testing"
	"time"
)

func TestLeadingTime(t *testing.T) {
	tests := []struct {
		line, want string
		at         time.Time
	}{
		{"2019-10-21 12:03:33.219 MSK [5142] LOG:  duration", "2019-10-21 12:03:33.219 MSK", time.Date(2019, 10, 21, 12, 3, 33, 219e6, time.UTC)},
		{"2017-09-06 08:41:43 UTC [44]: [371-1] user=postgres", "2017-09-06 08:41:43 UTC", time.Date(2017, 9, 6, 8, 41, 43, 0, time.UTC)},
		{"2020-03-11 20:41:43 CET:[local]:postgres@postgres:[12850]:LOG:", "2020-03-11 20:41:43 CET", time.Date(2020, 3, 11, 20, 41, 43, 0, time.UTC)},
		{"2019-03-14T00:23:00+00:00 app[postgres.4821]: [GREEN]", "2019-03-14T00:23:00+00:00", time.Date(2019, 3, 14, 0, 23, 0, 0, time.UTC)},
		{"2024-05-01 10:00:00.5+02 [7] LOG:", "2024-05-01 10:00:00.5+02", time.Date(2024, 5, 1, 8, 0, 0, 5e8, time.UTC)},
		{"[5142] LOG:  duration", "", time.Time{}},
		{"2019-10-21", "", time.Time{}},
	}
	for _, tt := range tests {
		got := string(leadingTime([]byte(tt.line)))
		if got != tt.want {
			t.Errorf("leadingTime(%q) = %q, want %q", tt.line, got, tt.want)
			continue
		}
		at, ok := parseLogTime([]byte(got))
		if ok != !tt.at.IsZero() || (ok && !at.Equal(tt.at)) {
			t.Errorf("parseLogTime(%q) = %v, %v; want %v", got, at, ok, tt.at)
		}
	}
}

// TestSpan: the first and last records' times, whatever lies between.
func TestSpan(t *testing.T) {
	log := "2026-11-25 10:00:00.000 UTC [1] LOG:  duration: 1 ms  statement: SELECT 1\n" +
		"garbage\n" +
		"2026-11-25 10:30:00.000 UTC [1] LOG:  checkpoint starting: time\n" +
		"2026-11-25 12:15:00.500 UTC [2] LOG:  duration: 1 ms  statement: SELECT 2\n"
	st, err := Read(strings.NewReader(log), "x", FormatStderr, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := st.Span(), 2*time.Hour+15*time.Minute+500*time.Millisecond; got != want {
		t.Errorf("span %v, want %v", got, want)
	}
	st, _ = Read(strings.NewReader("[1] LOG:  duration: 1 ms  statement: SELECT 1\n"), "x", FormatStderr, nil)
	if st.Span() != 0 || !st.First.IsZero() {
		t.Errorf("a log without timestamps has span %v", st.Span())
	}
}
