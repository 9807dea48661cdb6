package capture

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// jsonLineMax bounds one jsonlog line: message, detail and statement at their
// limits, escaped.
const jsonLineMax = 8 * MaxStatementBytes

// jsonEntry holds the keys of a jsonlog line that capture reads: PostgreSQL's
// own jsonlog, Cloud SQL's wrapper of a stderr line (textPayload) and
// CloudNativePG's wrapper of csvlog fields (record).
type jsonEntry struct {
	Timestamp     string      `json:"timestamp"`
	ErrorSeverity string      `json:"error_severity"`
	Message       *string     `json:"message"`
	Detail        string      `json:"detail"`
	Statement     string      `json:"statement"`
	PID           jsonInt     `json:"pid"`
	TextPayload   *string     `json:"textPayload"`
	Record        *jsonCSVRec `json:"record"`
}

// jsonCSVRec is CloudNativePG's record: csvlog's columns as strings.
type jsonCSVRec struct {
	ErrorSeverity string  `json:"error_severity"`
	Message       *string `json:"message"`
	Detail        string  `json:"detail"`
	Query         string  `json:"query"`
	ProcessID     jsonInt `json:"process_id"`
}

// jsonInt is a number written as a JSON number or string; 0 when it is neither.
type jsonInt uint64

func (n *jsonInt) UnmarshalJSON(b []byte) error {
	b = bytes.Trim(b, `"`)
	v, err := strconv.ParseUint(string(b), 10, 64)
	if err != nil {
		v = 0
	}
	*n = jsonInt(v)
	return nil
}

// jsonlogFormat is PostgreSQL's jsonlog: the first line is a JSON object.
var jsonlogFormat = &formatInfo{format: FormatJSONLog, read: readJSONLog,
	sniff: func(_, first []byte) bool { return len(first) > 0 && first[0] == '{' }}

// readJSONLog reads a jsonlog file: one JSON object a line.
func readJSONLog(br *bufio.Reader, e *engine) error {
	a := assembler{e: e}
	lr := lineReader{br: br, max: jsonLineMax}
	var n int64
	var ent jsonEntry
	var r record
	var msg, detail, stmt []byte
	if err := lr.each(func(line []byte, cut bool) error {
		n++
		line = bytes.TrimSpace(line)
		switch {
		case len(line) == 0:
			return nil
		case cut:
			e.st.Skip(ReasonTooLong, n)
			return nil
		case !utf8.Valid(line):
			e.st.Skip(ReasonInvalidUTF8, n)
			return nil
		}
		ent = jsonEntry{}
		if err := json.Unmarshal(line, &ent); err != nil {
			e.st.Skip(ReasonBadRecord, n)
			return nil
		}
		if ent.TextPayload != nil {
			// A stderr line (or a record of several lines) in a wrapper:
			// DETAIL lines may come in the next entries.
			for _, l := range bytes.Split([]byte(*ent.TextPayload), nl) {
				if err := a.line(bytes.TrimSuffix(l, []byte{'\r'}), n, false); err != nil {
					return err
				}
			}
			return nil
		}
		if err := a.finish(false); err != nil {
			return err
		}
		sev, m, d, q, pid := ent.ErrorSeverity, ent.Message, ent.Detail, ent.Statement, ent.PID
		if ent.Record != nil {
			c := ent.Record
			sev, m, d, q, pid = c.ErrorSeverity, c.Message, c.Detail, c.Query, c.ProcessID
		}
		if m == nil {
			e.st.Skip(ReasonBadRecord, n)
			return nil
		}
		msg = append(msg[:0], *m...)
		detail = append(detail[:0], d...)
		stmt = append(stmt[:0], q...)
		r = record{
			level:   parseLevel([]byte(sev)),
			msg:     msg,
			detail:  detail,
			stmt:    stmt,
			line:    n,
			session: uint64(pid),
			checked: true, // the whole line was
			ts:      []byte(ent.Timestamp),
		}
		if err := e.wholeRecord(&r); err != nil {
			return err
		}
		return nil
	}); err != nil {
		return err
	}
	if err := a.finish(false); err != nil {
		return err
	}
	return e.flush()
}
