// Package bench measures pgadvise on a large generated stderr log: the Go
// benchmarks here time capture and analysis in process; run.sh times the
// built command against pgbadger on the same file. See README.md.
package bench

import (
	"bytes"
	"sync"
	"testing"

	"github.com/pgadvise/pgadvise/analyzer"
	"github.com/pgadvise/pgadvise/bench/loggen/gen"
	"github.com/pgadvise/pgadvise/capture"
)

// benchSize is the size of the in-memory log the benchmarks read.
const benchSize = 64 << 20

var (
	logOnce  sync.Once
	logBytes []byte
	logStats gen.Stats
)

// benchLog generates the log once per test binary.
func benchLog(b *testing.B) []byte {
	logOnce.Do(func() {
		var buf bytes.Buffer
		buf.Grow(benchSize + 1<<20)
		st, err := gen.WriteStats(&buf, benchSize, 1)
		if err != nil {
			panic(err)
		}
		logBytes, logStats = buf.Bytes(), st
	})
	return logBytes
}

// BenchmarkAnalyzeStderr is the whole analyze pipeline short of writing the
// report: read the stderr log, group the statements by shape, parse and walk
// each new shape, and build the per-table profiles.
func BenchmarkAnalyzeStderr(b *testing.B) {
	log := benchLog(b)
	b.SetBytes(int64(len(log)))
	b.ReportAllocs()
	b.ResetTimer()
	var w *analyzer.Workload
	for i := 0; i < b.N; i++ {
		a := analyzer.New(nil)
		a.SetSource("bench")
		_, err := capture.Read(bytes.NewReader(log), "bench", capture.FormatStderr, func(st *capture.Statement) error {
			a.Add(st)
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		w = a.Result()
	}
	b.StopTimer()
	if w.Records == 0 || len(w.Shapes) < gen.Shapes/2 {
		b.Fatalf("analyzed %d records into %d shapes: the log is not what the benchmark expects", w.Records, len(w.Shapes))
	}
	b.ReportMetric(float64(w.Records)*float64(b.N)/b.Elapsed().Seconds(), "stmts/s")
}

// BenchmarkCaptureStderr reads the same log and drops the statements: the
// reading share of BenchmarkAnalyzeStderr.
func BenchmarkCaptureStderr(b *testing.B) {
	log := benchLog(b)
	b.SetBytes(int64(len(log)))
	b.ReportAllocs()
	b.ResetTimer()
	var n int64
	for i := 0; i < b.N; i++ {
		n = 0
		_, err := capture.Read(bytes.NewReader(log), "bench", capture.FormatStderr, func(*capture.Statement) error {
			n++
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if n != logStats.Executions {
		b.Fatalf("read %d statements, the generator wrote %d executions", n, logStats.Executions)
	}
}

// BenchmarkGenerate times the generator itself, so that run.sh's set-up
// cost is known.
func BenchmarkGenerate(b *testing.B) {
	b.SetBytes(benchSize)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if err := gen.Write(discard{}, benchSize, 1); err != nil {
			b.Fatal(err)
		}
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
