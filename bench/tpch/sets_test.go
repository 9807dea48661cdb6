package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadSets(t *testing.T) {
	sets, err := readSets(strings.NewReader(`-- two advisors' advice at 0.5x
set old
CREATE INDEX ON public.lineitem USING btree (l_orderkey) INCLUDE (l_quantity);

set new
CREATE INDEX ON lineitem (l_orderkey) INCLUDE (l_discount, l_quantity)
CREATE INDEX ON partsupp (ps_suppkey);
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(sets) != 2 || sets[0].Name != "old" || sets[1].Name != "new" || len(sets[0].Indexes) != 1 || len(sets[1].Indexes) != 2 {
		t.Fatalf("sets: %+v", sets)
	}
	if ix := sets[1].Indexes[0]; ix.Table != "lineitem" || strings.Join(ix.Keys, ",") != "l_orderkey" || strings.Join(ix.Include, ",") != "l_discount,l_quantity" {
		t.Errorf("index: %+v", ix)
	}
	for _, bad := range []string{
		"",
		"CREATE INDEX ON t (a);",
		"set none\nCREATE INDEX ON t (a);",
		"set a\nset a",
		"set a\nSELECT 1;",
		"set \nCREATE INDEX ON t (a);",
	} {
		if _, err := readSets(strings.NewReader(bad)); err == nil {
			t.Errorf("readSets(%q): no error", bad)
		}
	}
}

// TestCheckedInSets: the index sets kept beside the README, to repeat its
// runs with -compare, still read.
func TestCheckedInSets(t *testing.T) {
	files, err := filepath.Glob("sets-*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no sets-*.txt: %v", err)
	}
	for _, f := range files {
		r, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sets, err := readSets(r)
		r.Close()
		if err != nil || len(sets) == 0 {
			t.Errorf("%s: %d sets, %v", f, len(sets), err)
		}
	}
}
