package gen

import (
	"bytes"
	"testing"

	"github.com/pgadvise/pgadvise/analyzer"
	"github.com/pgadvise/pgadvise/capture"
	"github.com/pgadvise/pgadvise/catalog"
)

// TestShapesAreDistinct checks that the analyzer finds as many shapes as the
// generator says it wrote, over the tables of the schema, and that the
// output depends only on the arguments.
func TestShapesAreDistinct(t *testing.T) {
	const shapes, tables = 3000, 40
	var log, again, ddl bytes.Buffer
	st, err := WriteLog(&log, shapes, tables, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := WriteLog(&again, shapes, tables, 1); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(log.Bytes(), again.Bytes()) {
		t.Fatal("same arguments, different logs")
	}
	if st.Shapes != shapes || st.Bytes != int64(log.Len()) {
		t.Fatalf("stats %+v for %d shapes, %d bytes", st, shapes, log.Len())
	}
	if err := WriteSchema(&ddl, tables); err != nil {
		t.Fatal(err)
	}
	schema, _, err := catalog.ParseDDL(ddl.String())
	if err != nil {
		t.Fatal(err)
	}
	if n := len(schema.SortedTables()); n != tables {
		t.Fatalf("schema has %d tables, want %d", n, tables)
	}
	a := analyzer.New(schema)
	cst, err := capture.Read(bytes.NewReader(log.Bytes()), "gen", capture.FormatStderr, func(s *capture.Statement) error {
		a.Add(s)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for reason, c := range cst.Skipped {
		t.Errorf("capture skipped %d records as %s", c.Count, reason)
	}
	w := a.Result()
	if w.Records != st.Executions {
		t.Errorf("analyzer read %d records, the generator wrote %d", w.Records, st.Executions)
	}
	// A few shapes may coincide for the analyzer (it folds what the
	// generator tells apart); almost all must stay distinct.
	if n := len(w.Shapes); n < shapes*98/100 || n > shapes {
		t.Errorf("analyzer found %d shapes, the generator wrote %d", n, shapes)
	}
}
