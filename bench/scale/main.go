// Command scale measures pgadvise on many distinct query shapes: it writes a
// stderr log of -shapes distinct shapes over -tables tables and their schema
// (package gen), runs `pgadvise analyze --schema` on them end to end, and
// prints the wall time, CPU time and peak RSS of each run.
//
//	go run ./bench/scale -shapes 100000 -tables 1000 -runs 3
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"syscall"
	"time"

	"github.com/pgadvise/pgadvise/bench/scale/gen"
)

func main() {
	shapes := flag.Int("shapes", 100_000, "distinct query shapes in the log")
	tables := flag.Int("tables", 1000, "tables the shapes are spread over")
	seed := flag.Int64("seed", 1, "generator seed")
	runs := flag.Int("runs", 1, "runs of pgadvise; the figures are medians (peak RSS: the largest)")
	bin := flag.String("pgadvise", "", "pgadvise `binary` to run (default: go build ./cmd/pgadvise)")
	dir := flag.String("dir", "", "keep the log, schema and report in `DIR` (default: a temporary directory, removed)")
	flag.Parse()
	if err := run(*shapes, *tables, *seed, *runs, *bin, *dir); err != nil {
		fmt.Fprintf(os.Stderr, "scale: %v\n", err)
		os.Exit(1)
	}
}

func run(shapes, tables int, seed int64, runs int, bin, dir string) error {
	if shapes < 1 || tables < 1 || runs < 1 {
		return fmt.Errorf("-shapes, -tables and -runs must be positive")
	}
	if dir == "" {
		tmp, err := os.MkdirTemp("", "pgadvise-scale-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if bin == "" {
		bin = filepath.Join(dir, "pgadvise")
		build := exec.Command("go", "build", "-o", bin, "./cmd/pgadvise")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("go build ./cmd/pgadvise (run from the repository's root): %w", err)
		}
	}
	schemaPath, logPath := filepath.Join(dir, "schema.sql"), filepath.Join(dir, "scale.log")
	if err := writeFile(schemaPath, func(f *os.File) error { return gen.WriteSchema(f, tables) }); err != nil {
		return err
	}
	var st gen.Stats
	start := time.Now()
	if err := writeFile(logPath, func(f *os.File) (err error) { st, err = gen.WriteLog(f, shapes, tables, seed); return err }); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "scale: log of %d shapes over %d tables, %d statements, %.1f MB, written in %.1fs\n",
		st.Shapes, tables, st.Executions, float64(st.Bytes)/1e6, time.Since(start).Seconds())
	var walls, cpus []float64
	var peak int64
	for i := 0; i < runs; i++ {
		cmd := exec.Command(bin, "analyze", "--schema", schemaPath, "--format", "json", "-o", filepath.Join(dir, "report.json"), logPath)
		cmd.Stderr = os.Stderr
		start := time.Now()
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%s: %w", cmd, err)
		}
		wall := time.Since(start).Seconds()
		ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
		rss := ru.Maxrss * 1024 // kilobytes on Linux
		fmt.Fprintf(os.Stderr, "scale: run %d: wall %.2fs, cpu %.2fs, peak RSS %.0f MB\n", i+1, wall, cpu, float64(rss)/1e6)
		walls, cpus, peak = append(walls, wall), append(cpus, cpu), max(peak, rss)
	}
	fmt.Printf("| %d | %d | %d | %.1f MB | %d | %.2f s | %.2f s | %.0f MB |\n", st.Shapes, tables, st.Executions,
		float64(st.Bytes)/1e6, runs, median(walls), median(cpus), float64(peak)/1e6)
	return nil
}

func writeFile(path string, write func(*os.File) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

func median(xs []float64) float64 {
	sort.Float64s(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}
