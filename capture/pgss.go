package capture

import (
	"bufio"
	"strconv"
	"strings"
)

// pgssColumns are the positions of the pg_stat_statements columns capture
// reads, found by name in the header; -1 when absent.
type pgssColumns struct {
	query, calls, total, max, rows int
	n                              int // number of columns
}

// pgssHeader finds the columns in a header row. ok is false when query or
// calls is missing.
func pgssHeader(fields []string) (c pgssColumns, ok bool) {
	c = pgssColumns{query: -1, calls: -1, total: -1, max: -1, rows: -1, n: len(fields)}
	for i, f := range fields {
		switch strings.ToLower(strings.TrimSpace(strings.TrimPrefix(f, "\ufeff"))) {
		case "query":
			c.query = i
		case "calls":
			c.calls = i
		case "total_exec_time":
			c.total = i
		case "total_time": // before PostgreSQL 13
			if c.total < 0 {
				c.total = i
			}
		case "max_exec_time":
			c.max = i
		case "max_time": // before PostgreSQL 13
			if c.max < 0 {
				c.max = i
			}
		case "rows":
			c.rows = i
		}
	}
	return c, c.query >= 0 && c.calls >= 0
}

// pgssFormat is pg_stat_statements exported as CSV: its header names query
// and calls.
var pgssFormat = &formatInfo{format: FormatPGSS, read: readPGSS,
	sniff: func(_, first []byte) bool { return isPGSSHeader(first) }}

// readPGSS reads pg_stat_statements exported as CSV with a header row.
func readPGSS(br *bufio.Reader, e *engine) error {
	c := csvReader{br: br}
	var cols pgssColumns
	haveHeader, goodHeader := false, false
	var query []byte
	if err := c.eachRecord(e.st, func(f []string) error {
		if !haveHeader {
			haveHeader = true
			cols, goodHeader = pgssHeader(f)
			if !goodHeader {
				e.st.Skip(ReasonBadRecord, c.first)
			}
			// After a stray quote, a row starts again at a line that is a
			// whole record of the header's width.
			c.resync = func(line []byte) bool {
				f, ok := splitCSVLine(line)
				return ok && len(f) == cols.n
			}
			return nil
		}
		if !goodHeader || len(f) != cols.n {
			e.st.Skip(ReasonBadRecord, c.first)
			return nil
		}
		calls, err := strconv.ParseInt(strings.TrimSpace(f[cols.calls]), 10, 64)
		if err != nil || !ValidCount(calls) {
			e.st.Skip(ReasonBadValue, c.first)
			return nil
		}
		total, okT := pgssFloat(f, cols.total)
		max, okM := pgssFloat(f, cols.max)
		rows, okR := int64(0), true
		if cols.rows >= 0 {
			if s := strings.TrimSpace(f[cols.rows]); s != "" {
				var err error
				rows, err = strconv.ParseInt(s, 10, 64)
				okR = err == nil && ValidCount(rows)
			}
		}
		if !okT || !okM || !okR {
			e.st.Skip(ReasonBadValue, c.first)
			return nil
		}
		q := f[cols.query]
		if strings.TrimSpace(q) == "" || q == "<insufficient privilege>" {
			e.st.Skip(ReasonNoQueryText, c.first)
			return nil
		}
		if calls == 0 {
			e.st.Skip(ReasonNoCalls, c.first)
			return nil
		}
		timed := cols.total >= 0
		if cols.max < 0 {
			max = total / float64(calls)
		}
		query = append(query[:0], q...)
		if err := e.emit(query, nil, c.first, calls, timed, total, max, rows, false); err != nil {
			return err
		}
		return nil
	}); err != nil {
		return err
	}
	return nil
}

// pgssFloat parses the time column i of a row (0 when the column is absent).
func pgssFloat(f []string, i int) (float64, bool) {
	if i < 0 {
		return 0, true
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(f[i]), 64)
	if err != nil || !ValidMS(v) {
		return 0, false
	}
	return v, true
}

// isPGSSHeader reports whether line is a CSV header naming query and calls.
func isPGSSHeader(line []byte) bool {
	fields, ok := splitCSVLine(line)
	if !ok {
		return false
	}
	_, ok = pgssHeader(fields)
	return ok
}
