package advisor

import "testing"

// TestKinds checks the list of kinds: every kind named once, titled, ranked
// apart from the others, with its detail, and made by a pass.
func TestKinds(t *testing.T) {
	names, ranks := map[Kind]bool{}, map[int]Kind{}
	for _, k := range Kinds() {
		if k.Kind == "" || k.Title == "" || k.FileWord == "" || k.Detail == 0 || k.pass == nil || k.pass.run == nil {
			t.Errorf("kind %q: want a name, a title, a file word, a detail and a pass: %+v", k.Kind, k)
		}
		if names[k.Kind] {
			t.Errorf("kind %q listed twice", k.Kind)
		}
		names[k.Kind] = true
		if other, ok := ranks[k.Rank]; ok {
			t.Errorf("kinds %q and %q share rank %d: migrations would be ordered by chance", other, k.Kind, k.Rank)
		}
		ranks[k.Rank] = k.Kind
		if got, ok := LookupKind(string(k.Kind)); !ok || got.Kind != k.Kind {
			t.Errorf("LookupKind(%q) = %+v, %v", k.Kind, got, ok)
		}
	}
	if _, ok := LookupKind("create_table"); ok {
		t.Error("LookupKind found a kind that is not listed")
	}
}

// TestCheckDetail: a recommendation carries the one detail its kind
// declares.
func TestCheckDetail(t *testing.T) {
	for _, c := range []struct {
		r  Recommendation
		ok bool
	}{
		{Recommendation{Kind: KindCreateIndex, Index: &IndexDetail{Name: "i"}}, true},
		{Recommendation{Kind: KindPartition, Distribution: &DistributionDetail{Column: "c"}}, true},
		{Recommendation{Kind: KindSummaryTable, Summary: &SummaryDetail{}}, true},
		{Recommendation{Kind: KindCreateIndex}, false},
		{Recommendation{Kind: KindCreateIndex, Summary: &SummaryDetail{}}, false},
		{Recommendation{Kind: KindDropIndex, Index: &IndexDetail{}, Partition: &PartitionDetail{}}, false},
		{Recommendation{Kind: "create_table", Index: &IndexDetail{}}, false},
	} {
		if err := c.r.CheckDetail(); (err == nil) != c.ok {
			t.Errorf("%s %+v: %v", c.r.Kind, c.r, err)
		}
	}
}
