package capture

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"io"
)

// csvRecordMax bounds the bytes of one CSV record: a record with a statement
// and its parameters at their limits fits.
const csvRecordMax = 2*MaxStatementBytes + 64<<10

// csvStatus says how a CSV record ended.
type csvStatus uint8

const (
	csvOK        csvStatus = iota
	csvTooLong             // longer than csvRecordMax: its bytes were dropped
	csvTruncated           // the input ended inside a quoted field
)

// csvReader reads CSV records one at a time. It finds where a record ends
// itself (a newline after an even number of quotes), so that it knows the
// line each record starts on, can bound a record's size without reading it
// into memory, and can tell a record cut off by the end of the input. It then
// lets encoding/csv parse the record's bytes.
//
// A stray quote makes a record swallow the lines after it. With a resync
// function, a record that turns out bad is read again from its first later
// line that resync accepts (for csvlog: a line starting with a timestamp).
type csvReader struct {
	br     *bufio.Reader
	resync func(line []byte) bool
	lines  int64 // newlines read
	buf    []byte
	first  int64  // the line the current record starts on
	replay []byte // lines to read again before br
	fresh  int64  // bytes read from br
	again  int64  // bytes read again
	feed   feeder
	cr     *csv.Reader
	fed    int64 // bytes fed to cr
}

// feeder hands encoding/csv the bytes of one record at a time.
type feeder struct{ b []byte }

func (f *feeder) Read(p []byte) (int, error) {
	if len(f.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, f.b)
	f.b = f.b[n:]
	return n, nil
}

// chunk returns the next line, or part of a long line, to read.
func (c *csvReader) chunk() ([]byte, error) {
	if len(c.replay) > 0 {
		l := c.replay
		if i := bytes.IndexByte(l, '\n'); i >= 0 {
			l = l[:i+1]
		}
		c.replay = c.replay[len(l):]
		return l, nil
	}
	l, err := c.br.ReadSlice('\n')
	c.fresh += int64(len(l))
	return l, err
}

// next reads the next record, skipping blank lines. It returns io.EOF at the
// end of the input. A record that ends badly is counted (on st) and read
// again from a later line when resync allows.
func (c *csvReader) next(st *Stats) (csvStatus, error) {
	c.buf = c.buf[:0]
	c.first = c.lines + 1
	quotes := 0
	over := false
	atStart := true // chunk starts a line
	for {
		chunk, err := c.chunk()
		if over && atStart && quotes%2 == 1 && c.resync != nil && c.resync(chunk) {
			// A quote left open for csvRecordMax bytes, and a line that
			// starts a record: the quote was stray. Start again here.
			st.Skip(ReasonBadRecord, c.first)
			c.first = c.lines + 1
			quotes, over = 0, false
		}
		if len(chunk) > 0 {
			atStart = chunk[len(chunk)-1] == '\n'
			quotes += bytes.Count(chunk, quote)
			if !over && len(c.buf)+len(chunk) > csvRecordMax {
				over = true
				c.buf = c.buf[:0]
			}
			if !over {
				c.buf = append(c.buf, chunk...)
			}
			if chunk[len(chunk)-1] == '\n' {
				c.lines++
				if quotes%2 == 0 {
					if over {
						return csvTooLong, nil
					}
					if len(bytes.TrimSpace(c.buf)) == 0 {
						c.buf = c.buf[:0]
						c.first = c.lines + 1
						continue
					}
					return csvOK, nil
				}
			}
		}
		switch err {
		case nil, bufio.ErrBufferFull:
			continue
		case io.EOF:
			switch {
			case quotes%2 == 1:
				if !over && c.recover(st) {
					// Read what follows the stray quote again.
					c.buf = c.buf[:0]
					c.first = c.lines + 1
					quotes = 0
					continue
				}
				return csvTruncated, nil
			case over:
				return csvTooLong, nil
			case len(bytes.TrimSpace(c.buf)) == 0:
				return 0, io.EOF
			}
			return csvOK, nil
		default:
			return 0, err
		}
	}
}

// recover handles a bad record that spans lines: when a later line of it is
// where a record may start, it counts the lines before as a bad record and
// reads the rest again. It reports whether it did.
func (c *csvReader) recover(st *Stats) bool {
	if c.resync == nil {
		return false
	}
	i := bytes.IndexByte(c.buf, '\n')
	for i >= 0 && i+1 < len(c.buf) {
		rest := c.buf[i+1:]
		line := rest
		if j := bytes.IndexByte(rest, '\n'); j >= 0 {
			line = rest[:j]
		}
		if c.resync(line) {
			// Bound the work: bytes are read again at most about twice over.
			if c.again+int64(len(rest)) > 2*c.fresh+csvRecordMax {
				return false
			}
			c.again += int64(len(rest))
			st.Skip(ReasonBadRecord, c.first)
			c.lines -= int64(bytes.Count(rest, nl))
			replay := make([]byte, 0, len(rest)+len(c.replay))
			c.replay = append(append(replay, rest...), c.replay...)
			return true
		}
		if j := bytes.IndexByte(rest, '\n'); j >= 0 {
			i += 1 + j
		} else {
			break
		}
	}
	return false
}

var quote = []byte{'"'}

// fields parses the current record. ok is false when it is not one valid CSV
// record; it is then counted (on st) and, if it spans lines, maybe read again
// from a later line (see recover).
func (c *csvReader) fields(st *Stats) (fields []string, ok bool) {
	if c.cr == nil {
		c.cr = csv.NewReader(&c.feed)
		c.cr.FieldsPerRecord = -1
		c.cr.ReuseRecord = true
		c.cr.LazyQuotes = false
		c.fed = 0
	}
	c.feed.b = c.buf
	c.fed += int64(len(c.buf))
	rec, err := c.cr.Read()
	if err != nil || c.cr.InputOffset() != c.fed {
		// A parse error, or a record that csv ended before its last line:
		// start afresh with the next record.
		c.cr = nil
		if !c.recover(st) {
			st.Skip(ReasonBadRecord, c.first)
		}
		return nil, false
	}
	return rec, true
}

// eachRecord calls fn with each whole record to the end of the input; the
// ones record skips (a stray quote, a record cut off) fn never sees.
func (c *csvReader) eachRecord(st *Stats, fn func(fields []string) error) error {
	for {
		f, ok, err := c.record(st)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		if err := fn(f); err != nil {
			return err
		}
	}
}

// record reads the next record and parses its fields. ok is false for a
// record that was skipped (and counted on st); err is io.EOF at the end.
func (c *csvReader) record(st *Stats) (fields []string, ok bool, err error) {
	status, err := c.next(st)
	if err != nil {
		return nil, false, err
	}
	if c.skipStatus(st, status) {
		return nil, false, nil
	}
	fields, ok = c.fields(st)
	return fields, ok, nil
}

// skipStatus counts a record that did not end well; it reports whether there
// was something to skip.
func (c *csvReader) skipStatus(st *Stats, s csvStatus) bool {
	switch s {
	case csvTooLong:
		st.Skip(ReasonTooLong, c.first)
	case csvTruncated:
		st.Skip(ReasonTruncated, c.first)
	default:
		return false
	}
	return true
}

// isCSVLogStart reports whether a line starts like a csvlog record: with a
// timestamp, 2024-03-11 20:41:43.
func isCSVLogStart(line []byte) bool {
	const shape = "dddd-dd-dd dd:dd:dd"
	if len(line) < len(shape) {
		return false
	}
	for i := range len(shape) {
		if shape[i] == 'd' {
			if line[i] < '0' || line[i] > '9' {
				return false
			}
		} else if line[i] != shape[i] {
			return false
		}
	}
	return true
}

// csvlog column positions (PostgreSQL 9.0 and later).
const (
	csvProcessID     = 3
	csvErrorSeverity = 11
	csvMessage       = 13
	csvDetail        = 14
	csvQuery         = 19
	csvMinFields     = 22
	csvMaxFields     = 26
)

// csvlogFormat is PostgreSQL's csvlog: one of the first records has the
// width of a csvlog record and a severity in its place.
var csvlogFormat = &formatInfo{format: FormatCSVLog, read: readCSVLog,
	sniff: func(head, _ []byte) bool { return isCSVLog(head) }}

// readCSVLog reads a csvlog file.
func readCSVLog(br *bufio.Reader, e *engine) error {
	c := csvReader{br: br, resync: isCSVLogStart}
	var r record
	var msg, detail, stmt []byte
	if err := c.eachRecord(e.st, func(f []string) error {
		if len(f) < csvMinFields || len(f) > csvMaxFields {
			e.st.Skip(ReasonBadRecord, c.first)
			return nil
		}
		msg = append(msg[:0], f[csvMessage]...)
		detail = append(detail[:0], f[csvDetail]...)
		stmt = append(stmt[:0], f[csvQuery]...)
		r = record{
			level:   parseLevel([]byte(f[csvErrorSeverity])),
			msg:     msg,
			detail:  detail,
			stmt:    stmt,
			line:    c.first,
			session: pidOf(f[csvProcessID]),
			ts:      []byte(f[0]), // log_time
		}
		if err := e.wholeRecord(&r); err != nil {
			return err
		}
		return nil
	}); err != nil {
		return err
	}
	return e.flush()
}

// wholeRecord handles a record that comes whole, with its detail and
// statement: a csvlog or jsonlog record.
func (e *engine) wholeRecord(r *record) error {
	if r.level == lvlNone {
		e.st.Skip(ReasonBadRecord, r.line)
		return nil
	}
	if r.level.sub() {
		// Not a severity a record carries on its own.
		e.st.Skip(ReasonOtherMessage, r.line)
		return nil
	}
	return e.record(r)
}

// pidOf parses a process id field; 0 when it is not one.
func pidOf(s string) uint64 {
	pid, _ := parsePID([]byte(s))
	return pid
}
