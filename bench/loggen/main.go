// Command loggen writes a large, realistic PostgreSQL 15 stderr log for
// benchmarks (see package gen).
//
//	go run ./bench/loggen -size 500MB -seed 1 -o /tmp/big.log
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/pgadvise/pgadvise/bench/loggen/gen"
)

func main() {
	sizeFlag := flag.String("size", "100MB", "approximate size of the log: bytes, or with a unit kB, MB, GB (powers of 1000) or KiB, MiB, GiB")
	seed := flag.Int64("seed", 1, "seed: the same seed and size give the same bytes")
	out := flag.String("o", "-", "output `FILE` (- for standard output)")
	quiet := flag.Bool("q", false, "do not print what was written")
	flag.Parse()
	size, err := ParseSize(*sizeFlag)
	if err != nil {
		fmt.Fprintf(os.Stderr, "loggen: -size: %v\n", err)
		os.Exit(2)
	}
	var w io.Writer = os.Stdout
	var f *os.File
	if *out != "-" {
		f, err = os.Create(*out)
		if err != nil {
			fmt.Fprintf(os.Stderr, "loggen: %v\n", err)
			os.Exit(1)
		}
		w = f
	}
	start := time.Now()
	bw := bufio.NewWriterSize(w, 1<<20)
	st, err := gen.WriteStats(bw, size, *seed)
	if err == nil {
		err = bw.Flush()
	}
	if f != nil {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "loggen: %v\n", err)
		os.Exit(1)
	}
	if !*quiet {
		el := time.Since(start)
		mb := float64(st.Bytes) / 1e6
		fmt.Fprintf(os.Stderr, "loggen: %.1f MB, %d lines, %d executions (%.0f/MB, %.0f%% extended protocol), %d failed, %d shapes, in %.1fs (%.0f MB/s)\n",
			mb, st.Lines, st.Executions, float64(st.Executions)/mb, 100*float64(st.Extended)/float64(max(st.Executions, 1)),
			st.Failed, st.Shapes, el.Seconds(), mb/el.Seconds())
	}
}

// ParseSize parses "500MB", "1GB", "64MiB", "1000000".
func ParseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	units := []struct {
		suffix string
		mult   float64
	}{
		{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30},
		{"kB", 1e3}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9},
		{"K", 1e3}, {"M", 1e6}, {"G", 1e9}, {"B", 1},
	}
	mult := 1.0
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSuffix(s, u.suffix), u.mult
			break
		}
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return int64(v * mult), nil
}
