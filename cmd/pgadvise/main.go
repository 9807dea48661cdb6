// Command pgadvise tells a PostgreSQL team which indexes, summary tables and
// partition keys their real workload needs, from what the database ran.
//
// Usage:
//
//	pgadvise analyze [--schema FILE] [--format text|json|markdown] [-o FILE] INPUT...
//	pgadvise migrate --tool TOOL --dir DIR [--schema FILE] INPUT...
//	pgadvise version
//
// Run "pgadvise help" or "pgadvise analyze --help" for details.
package main

import "os"

func main() {
	// stderrOf marks a terminal, so that only a person at one sees the
	// progress line; tests call run with buffers.
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, stderrOf(os.Stderr)))
}
