package report

import (
	"bytes"
	"strings"
	"testing"
)

// TestHeadlineSkips: routine skips (parse/bind steps, server messages,
// failed statements) are a quiet count in the headline; only skips that may
// be the user's problem are a warning. Before, a healthy log's headline read
// "1,126 skipped".
func TestHeadlineSkips(t *testing.T) {
	tests := []struct {
		name    string
		skipped map[string]int64
		want    string // the lines before "span:" or "schema:"
	}{
		{"healthy", map[string]int64{"protocol_step": 826, "other_message": 290, "failed_statement": 10},
			"pgadvise: 1,154 statements (1,154 records) in 0 input(s), 73 distinct query shapes (and 1,126 routine log entries passed over)\n"},
		{"damaged", map[string]int64{"protocol_step": 826, "invalid_utf8": 2, "truncated_record": 1},
			"pgadvise: 1,154 statements (1,154 records) in 0 input(s), 73 distinct query shapes (and 826 routine log entries passed over)\n" +
				"warning: skipped 2 invalid_utf8, 1 truncated_record (see Skipped below)\n"},
		{"nothing skipped", map[string]int64{},
			"pgadvise: 1,154 statements (1,154 records) in 0 input(s), 73 distinct query shapes\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := &Document{Version: Version, Input: Input{Statements: 1154, Records: 1154, Shapes: 73, SkippedByReason: tc.skipped}}
			var buf bytes.Buffer
			if err := WriteText(&buf, d, TextOptions{}); err != nil {
				t.Fatal(err)
			}
			got, _, _ := strings.Cut(buf.String(), "schema:")
			if got != tc.want {
				t.Errorf("headline\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}
