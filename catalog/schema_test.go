package catalog

import "testing"

// TestParseQualifiedName: what String writes, ParseQualifiedName reads
// back, whatever the names hold.
func TestParseQualifiedName(t *testing.T) {
	for _, q := range []QualifiedName{
		{"public", "orders"}, {"Sales", "Order Lines"}, {"a.b", `x"y.z`}, {"public", `"`}, {"", ""}, {"s", "select"},
		{"public", "évé\x00nt\n"}, {`""`, "."},
	} {
		if got := ParseQualifiedName(q.String()); got != q {
			t.Errorf("%q read back as %+v, want %+v", q.String(), got, q)
		}
	}
	// Names of every character that matters, at every place.
	parts := []string{"", "a", ".", `"`, `""`, "A", " ", "1", "select", `a."b"`, "\x00"}
	for _, s := range parts {
		for _, n := range parts {
			q := QualifiedName{s + "x" + n, n + "." + s}
			if got := ParseQualifiedName(q.String()); got != q {
				t.Errorf("%q read back as %+v, want %+v", q.String(), got, q)
			}
		}
	}
	if got := ParseQualifiedName("orders"); got != (QualifiedName{Name: "orders"}) {
		t.Errorf("an unqualified name: %+v", got)
	}
}
