package main

import (
	"bytes"
	"flag"
	"io"
	"testing"

	"github.com/pgadvise/pgadvise/advisor"
	"github.com/pgadvise/pgadvise/analyzer"
	"github.com/pgadvise/pgadvise/bench/scale/gen"
	"github.com/pgadvise/pgadvise/capture"
	"github.com/pgadvise/pgadvise/catalog"
	"github.com/pgadvise/pgadvise/report"
)

var (
	benchShapes = flag.Int("shapes", 20_000, "BenchmarkPipeline: distinct shapes")
	benchTables = flag.Int("tables", 200, "BenchmarkPipeline: tables")
)

// BenchmarkPipeline runs what `pgadvise analyze --schema` does, in process,
// on -shapes distinct shapes over -tables tables: read the log, analyze it,
// advise, and write the JSON report. For profiles of the advisor at scale:
//
//	go test ./bench/scale -run '^$' -bench Pipeline -benchtime 1x -cpuprofile /tmp/cpu.out -args -shapes 100000 -tables 1000
func BenchmarkPipeline(b *testing.B) {
	var log, ddl bytes.Buffer
	if _, err := gen.WriteLog(&log, *benchShapes, *benchTables, 1); err != nil {
		b.Fatal(err)
	}
	if err := gen.WriteSchema(&ddl, *benchTables); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		schema, _, err := catalog.ParseDDL(ddl.String())
		if err != nil {
			b.Fatal(err)
		}
		a := analyzer.New(schema)
		st, err := capture.Read(bytes.NewReader(log.Bytes()), "scale", capture.FormatStderr, func(s *capture.Statement) error {
			a.Add(s)
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		w := a.Result()
		res := advisor.Advise(w, schema, advisor.Options{MinBenefit: advisor.DefaultMinBenefitShare, MinBenefitIsShare: true})
		doc := report.Build([]*capture.Stats{st}, report.SchemaInfo{Schema: schema}, w, res)
		if err := report.WriteJSON(io.Discard, doc); err != nil {
			b.Fatal(err)
		}
	}
}
