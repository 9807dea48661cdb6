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
//
// This package is the command line alone: it maps flags to a
// pipeline.Config, runs pipeline.Run, and writes the report or the
// migration files.
package main

import "os"

func main() {
	os.Exit(Do(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
