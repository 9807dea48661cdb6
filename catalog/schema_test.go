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
	if got := ParseQualifiedName("orders"); got != (QualifiedName{Name: "orders"}) {
		t.Errorf("an unqualified name: %+v", got)
	}
}

func FuzzParseQualifiedName(f *testing.F) {
	f.Add("public", "orders")
	f.Add(`a"b`, "c.d")
	f.Fuzz(func(t *testing.T, schema, name string) {
		q := QualifiedName{schema, name}
		if got := ParseQualifiedName(q.String()); got != q {
			t.Errorf("%q read back as %+v", q.String(), got)
		}
	})
}
