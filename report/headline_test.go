package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/pgadvise/pgadvise/advisor"
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

// TestVerificationCostsRounded: the planner's costs summed by --verify are
// written to hundredths, as EXPLAIN prints them, not as the float the sum
// became.
func TestVerificationCostsRounded(t *testing.T) {
	recs := recommendationsOf([]advisor.Recommendation{{Kind: advisor.KindCreateIndex, Verification: &advisor.Verification{
		Status: advisor.Verified, CostBefore: 344.17 + 344.17, CostAfter: 0.1 + 0.2,
		Queries: []advisor.QueryVerification{{Fingerprint: "f", CostBefore: 0.1 + 0.2, CostAfter: 1.0 / 3}},
	}}})
	data, err := json.Marshal(recs[0])
	if err != nil {
		t.Fatal(err)
	}
	var got struct{ Verification json.RawMessage }
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	want := `{"status":"verified","cost_before":688.34,"cost_after":0.3,"queries":[{"fingerprint":"f","cost_before":0.3,"cost_after":0.33,"uses_index":false}]}`
	if string(got.Verification) != want {
		t.Errorf("got  %s\nwant %s", got.Verification, want)
	}
}

// TestSectionHeading: a title with its own parenthesis gets the count in it,
// not a second one ("(low confidence) (2)").
func TestSectionHeading(t *testing.T) {
	for title, want := range map[string]string{
		"Indexes to create": "Indexes to create (12)",
		"Indexes no captured query used (low confidence)": "Indexes no captured query used (12, low confidence)",
	} {
		if got := sectionHeading(title, 12); got != want {
			t.Errorf("sectionHeading(%q) = %q, want %q", title, got, want)
		}
	}
}
