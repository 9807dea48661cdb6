// Command pgadvise tells a PostgreSQL team which indexes, summary tables and
// partition keys their real workload needs, from what the database ran.
//
// Usage:
//
//	pgadvise analyze [--schema FILE] [--format text|json] [-o FILE] INPUT...
//	pgadvise version
//
// Run "pgadvise help" or "pgadvise analyze --help" for details.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
