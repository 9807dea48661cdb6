package advisor

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/pgadvise/pgadvise/analyzer"
	"github.com/pgadvise/pgadvise/capture"
	"github.com/pgadvise/pgadvise/catalog"
	pg_query "github.com/pganalyze/pg_query_go/v6"
)

func TestZZDebug(t *testing.T) {
	f, err := os.Open("/tmp/tpch.snap")
	if err != nil {
		t.Skip()
	}
	snap, err := catalog.ReadSnapshot(f)
	if err != nil {
		t.Fatal(err)
	}
	src, _ := os.ReadFile("/tmp/tpch.sql")
	stmts, _ := pg_query.SplitWithScanner(string(src), true)
	an := analyzer.New(snap.Schema)
	for _, s := range stmts {
		an.Add(&capture.Statement{Query: []byte(s), Calls: 1})
	}
	w := an.Result()
	m := buildModel(w, snap.Schema)
	want := os.Getenv("ZZ_INDEX") // table:key1,key2:inc1,inc2
	parts := strings.Split(want, ":")
	var cand *indexModel
	for _, tm := range m.tables {
		if tm.name.Name != parts[0] {
			continue
		}
		ix := &indexModel{t: tm, method: "btree"}
		for _, k := range strings.Split(parts[1], ",") {
			ix.keys = append(ix.keys, indexKey{key: k, column: k})
		}
		if len(parts) > 2 && parts[2] != "" {
			ix.include = strings.Split(parts[2], ",")
		}
		ix.finish()
		cand = ix
		for _, a := range tm.accesses {
			if a.readless {
				continue
			}
			before := a.choose(tm.existing)
			after := a.choose(append(append([]*indexModel{}, tm.existing...), cand))
			q := a.shape.Query
			if len(q) > 60 {
				q = q[:60]
			}
			fmt.Printf("%-62q base plan=%.0f run=%.0f  with plan=%.0f run=%.0f  outer=%v rows=%.0f\n", q, before.plan, before.run, after.plan, after.run, a.outer, a.rowsOut())
		}
	}
}
