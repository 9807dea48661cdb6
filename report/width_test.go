package report

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestTextFitsWidth: with a terminal's width, every table line fits it
// (cells wrap); without, the report is unchanged.
func TestTextFitsWidth(t *testing.T) {
	d := fullDocument()
	var wide, narrow bytes.Buffer
	if err := WriteText(&wide, d, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := WriteText(&narrow, d, TextOptions{Width: 80}); err != nil {
		t.Fatal(err)
	}
	widest := 0
	for _, l := range strings.Split(wide.String(), "\n") {
		widest = max(widest, utf8.RuneCountInString(l))
	}
	if widest <= 80 {
		t.Fatalf("the document's widest line is %d columns: no test of wrapping", widest)
	}
	for _, l := range strings.Split(narrow.String(), "\n") {
		if strings.ContainsAny(l, "│┌└├") && utf8.RuneCountInString(l) > 80 {
			t.Errorf("a table line of %d columns at width 80: %s", utf8.RuneCountInString(l), l)
		}
	}
}

func TestWrapCell(t *testing.T) {
	for _, tc := range []struct {
		s     string
		width int
		want  string
	}{
		{"SELECT id FROM orders", 10, "SELECT id\nFROM\norders"},
		{"orders_tenant_id_status_idx", 10, "orders_ten\nant_id_sta\ntus_idx"},
		{"create_index orders_tenant_id_idx", 12, "create_index\norders_tenan\nt_id_idx"},
	} {
		if got := wrapCell(tc.s, tc.width); got != tc.want {
			t.Errorf("wrapCell(%q, %d) = %q, want %q", tc.s, tc.width, got, tc.want)
		}
	}
}
