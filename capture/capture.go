// Package capture reads the statements a PostgreSQL server ran from the places
// they are recorded: stderr, csvlog and jsonlog server logs, pg_stat_statements
// exports and plain .sql files.
//
// Every reader streams: memory does not grow with the size of the input. A
// reader hands each statement to a callback and counts, by reason, what it had
// to skip, so that a damaged or noisy input still yields what it could read.
package capture

import "time"

// Format names an input format.
type Format string

// The input formats capture understands.
const (
	FormatAuto    Format = "auto"    // detect from content (and file name)
	FormatStderr  Format = "stderr"  // PostgreSQL stderr log, any log_line_prefix
	FormatCSVLog  Format = "csvlog"  // PostgreSQL csvlog
	FormatJSONLog Format = "jsonlog" // PostgreSQL 15+ jsonlog
	FormatPGSS    Format = "pgss"    // pg_stat_statements exported as CSV with a header
	FormatSQL     Format = "sql"     // plain SQL file, each statement counted once
)

// Statement is one record of executed SQL.
//
// Query and Params alias the reader's buffers: they are valid only during the
// callback that receives the Statement. Copy what must outlive it.
type Statement struct {
	// Query is the statement text as logged: literals in place for the simple
	// protocol, $n placeholders for the extended protocol and pg_stat_statements.
	Query []byte
	// Params is the raw text after "parameters: " of the DETAIL line that came
	// with an extended-protocol execution (`$1 = 'x', $2 = NULL`), or nil.
	// ParseParams splits it.
	Params []byte
	// Calls is how many executions the record stands for: 1 for a log record,
	// the calls column for pg_stat_statements, 1 for a .sql statement.
	Calls int64
	// Timed reports whether TotalMS and MaxMS are known.
	Timed bool
	// TotalMS is the summed execution time of the Calls executions, in milliseconds.
	TotalMS float64
	// MaxMS is the slowest single execution, in milliseconds (TotalMS/Calls when
	// the source gives no maximum).
	MaxMS float64
	// Rows is the number of rows returned or affected, when the source knows it (pgss), else 0.
	Rows int64
	// Line is the 1-based line number where the record starts in its input.
	Line int64
}

// Reason says why a part of the input was skipped. The values are stable: they
// appear as keys of skipped_by_reason in JSON output.
type Reason string

// Reasons for skipping input.
const (
	ReasonGarbage      Reason = "unrecognized_line"  // not a log record, not a continuation
	ReasonInvalidUTF8  Reason = "invalid_utf8"       // bytes that are not UTF-8
	ReasonProtocolStep Reason = "protocol_step"      // parse/bind messages of the extended protocol: not executions
	ReasonFailed       Reason = "failed_statement"   // ERROR + STATEMENT: ran and failed, not workload
	ReasonOtherMessage Reason = "other_message"      // checkpoints, connections, autovacuum, ...
	ReasonTruncated    Reason = "truncated_record"   // cut off (end of input in the middle of a record)
	ReasonTooLong      Reason = "statement_too_long" // over MaxStatementBytes
	ReasonBadRecord    Reason = "malformed_record"   // a CSV/JSON record that does not decode
	ReasonBadValue     Reason = "malformed_value"    // a field (calls, duration) that does not parse, or is negative, infinite, or over MaxMS or MaxCount
	ReasonEmptyInput   Reason = "empty_input"        // an input with no bytes at all
	ReasonNoDuration   Reason = "orphan_duration"    // a bare "duration:" line with no statement to belong to
	ReasonAutoExplain  Reason = "auto_explain_plan"  // auto_explain output: the statement is logged separately
	ReasonNoCalls      Reason = "no_calls"           // a pg_stat_statements row with calls = 0: never completed an execution
	ReasonNoQueryText  Reason = "no_query_text"      // a pg_stat_statements row whose text is empty or "<insufficient privilege>"
	ReasonSecret       Reason = "secret_redacted"    // a utility statement that may carry a password or other secret (HoldsSecret): its text is not kept
	ReasonTooDeep      Reason = "statement_too_deep" // nests parentheses or comments past MaxNesting or MaxCommentNesting (TooDeep): never parsed
)

// Routine reports whether skipping for this reason is the normal course of
// reading a log (protocol steps, failed statements, server messages), as
// opposed to damaged or unreadable input that a person should look at.
func (r Reason) Routine() bool {
	switch r {
	case ReasonProtocolStep, ReasonFailed, ReasonOtherMessage, ReasonAutoExplain, ReasonNoCalls:
		return true
	}
	return false
}

// MaxMS is the longest time, in milliseconds, capture takes from an input:
// about 31,700 years, more than every backend of a server busy for a decade
// adds up to. A larger duration or total (1e308 in a hand-edited export) is
// no measurement: it is skipped as ReasonBadValue, so that sums of times
// stay finite and meaningful.
const MaxMS = 1e15

// ValidMS reports whether v is a time capture accepts: from 0 to MaxMS
// (not negative, infinite or NaN).
func ValidMS(v float64) bool { return v >= 0 && v <= MaxMS }

// MaxCount is the largest count (calls, rows) capture takes from an input:
// 10^15, a million executions a second for thirty years. pg_stat_statements
// counters are int8, and an export may hold anything up to 2^63-1; sums of
// such numbers overflow, and so do the products the advisor forms from
// them. Larger counts are skipped as ReasonBadValue, and the analyzer's
// sums stop at MaxCount and MaxMS.
const MaxCount = 1_000_000_000_000_000

// ValidCount reports whether n is a count capture accepts: from 0 to MaxCount.
func ValidCount(n int64) bool { return n >= 0 && n <= MaxCount }

// MaxStatementBytes is the longest statement text capture passes on. Longer
// ones (generated IN lists of megabytes, bulk VALUES) are skipped and counted:
// they are rarely what an index advisor needs, and they cost the parser dearly.
const MaxStatementBytes = 1 << 20

// SkipCount counts skipped records of one reason and remembers where the first
// few were, so a person can look at them.
type SkipCount struct {
	Count      int64   `json:"count"`
	FirstLines []int64 `json:"first_lines,omitempty"` // at most MaxExampleLines
}

// MaxExampleLines is how many line numbers a SkipCount keeps.
const MaxExampleLines = 5

// Stats says what a reader read and what it skipped.
type Stats struct {
	Name       string                // input name as given (path or "-")
	Format     Format                // the format read (detected or forced)
	Bytes      int64                 // bytes read (after decompression)
	Lines      int64                 // lines read
	Statements int64                 // records passed to the callback
	Skipped    map[Reason]*SkipCount // by reason
	// First and Last are the timestamps of the first and last log records,
	// when the log has them (log_line_prefix %m or %t, csvlog, jsonlog);
	// zero otherwise. Their difference is the span the workload covers.
	First, Last time.Time
}

// Span is the time between the first and the last record, or 0 when the
// input has no timestamps.
func (s *Stats) Span() time.Duration {
	if s.First.IsZero() || s.Last.IsZero() || s.Last.Before(s.First) {
		return 0
	}
	return s.Last.Sub(s.First)
}

// Skip records one skipped record of the given reason at line.
func (s *Stats) Skip(reason Reason, line int64) {
	if s.Skipped == nil {
		s.Skipped = make(map[Reason]*SkipCount)
	}
	c := s.Skipped[reason]
	if c == nil {
		c = &SkipCount{}
		s.Skipped[reason] = c
	}
	c.Count++
	if len(c.FirstLines) < MaxExampleLines {
		c.FirstLines = append(c.FirstLines, line)
	}
}

// SkippedTotal is the number of skipped records over all reasons.
func (s *Stats) SkippedTotal() int64 {
	var n int64
	for _, c := range s.Skipped {
		n += c.Count
	}
	return n
}
