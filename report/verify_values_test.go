package report

import (
	"bytes"
	"strings"
	"testing"
)

// TestLiteralAndPartialVerification: every format says that a DDL holds a
// constant of the workload, and that a planner check was partial, with
// what it left out (issue 12, parts 4 and 7).
func TestLiteralAndPartialVerification(t *testing.T) {
	d := fullDocument()
	d.Recommendations[0].Kind, d.Recommendations[0].Steps = "create_index", nil
	var text, md, js bytes.Buffer
	if err := WriteText(&text, d, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := WriteMarkdown(&md, d, MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&js, d); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"text": text.String(), "markdown": md.String()} {
		if !strings.Contains(out, LiteralNote) {
			t.Errorf("%s does not flag the literal:\n%s", name, out)
		}
		if !strings.Contains(strings.ToLower(out), "planner check partial") {
			t.Errorf("%s does not say the planner check was partial:\n%s", name, out)
		}
	}
	if !strings.Contains(text.String(), "not measured: 0123456789abcdef (3 calls), not_explained: ERROR: invalid input syntax") ||
		!strings.Contains(text.String(), "over the 1 queries measured, 1 left out") {
		t.Errorf("text does not list the unmeasured query:\n%s", text.String())
	}
	for _, want := range []string{`"contains_literal": true`, `"status": "partial"`, `"left_out": 1`, `"unmeasured": [`} {
		if !strings.Contains(js.String(), want) {
			t.Errorf("JSON lacks %s", want)
		}
	}
}
