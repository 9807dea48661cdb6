// Package selftag holds the comment that starts every statement pgadvise
// sends to a database, so that reading pg_stat_statements can leave
// pgadvise's own statements out of the workload. The catalog's reads, the
// pg_stat_statements reader and the what-if session all send it; defined
// here once, it cannot drift between them.
package selftag

// Tag starts every statement pgadvise sends.
const Tag = "/* pgadvise */ "
