package capture

import (
	"bytes"
	"encoding/csv"
	"strings"
)

// Detect guesses the format from the first bytes of the (decompressed) input
// and its name. A name ending in .sql (or .sql.gz) means sql. Otherwise, by
// the content: a first non-blank line starting with `{` is jsonlog; a CSV
// header naming both query and calls is pgss; CSV records of 22 to 26 fields
// with a severity in the 12th are csvlog; a line holding a `LEVEL:  ` record
// is stderr; anything else is sql.
func Detect(head []byte, name string) Format {
	lname := strings.ToLower(name)
	lname = strings.TrimSuffix(strings.TrimSuffix(lname, ".gz"), ".gzip")
	if strings.HasSuffix(lname, ".sql") {
		return FormatSQL
	}
	head = bytes.TrimPrefix(head, utf8BOM)
	first := firstLine(head)
	for _, f := range detectOrder {
		if f.sniff == nil || f.sniff(head, first) {
			return f.format
		}
	}
	return FormatSQL
}

// firstLine returns the first line of b that is not blank, trimmed.
func firstLine(b []byte) []byte {
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		if line = bytes.TrimSpace(line); len(line) > 0 {
			return line
		}
	}
	return nil
}

// isCSVLog reports whether one of the first CSV records of head looks like a
// csvlog record.
func isCSVLog(head []byte) bool {
	r := csv.NewReader(bytes.NewReader(head))
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	for range 5 {
		f, err := r.Read()
		if err != nil {
			if _, ok := err.(*csv.ParseError); ok {
				continue
			}
			return false
		}
		if len(f) >= csvMinFields && len(f) <= csvMaxFields &&
			parseLevel([]byte(f[csvErrorSeverity])) != lvlNone {
			return true
		}
	}
	return false
}

// splitCSVLine parses one line as a CSV record.
func splitCSVLine(line []byte) ([]string, bool) {
	r := csv.NewReader(bytes.NewReader(line))
	r.FieldsPerRecord = -1
	f, err := r.Read()
	return f, err == nil
}
