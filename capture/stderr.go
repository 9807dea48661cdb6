package capture

import (
	"bufio"
	"bytes"
	"unicode/utf8"
)

// stderrFormat is PostgreSQL's stderr log: a line of head holds a
// `LEVEL:  ` record.
var stderrFormat = &formatInfo{format: FormatStderr, read: readStderr, sniff: func(head, _ []byte) bool {
	for rest := head; len(rest) > 0; {
		line := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		if lv, _, _ := findLevel(line); lv != lvlNone {
			return true
		}
	}
	return false
}}

// readStderr reads a stderr log: lines of `<prefix><LEVEL>:  <message>`,
// whatever the log_line_prefix, with tab-led continuation lines.
func readStderr(br *bufio.Reader, e *engine) error {
	a := assembler{e: e}
	lr := lineReader{br: br, max: partMax + maxPrefix}
	var n int64
	if err := lr.each(func(line []byte, cut bool) error {
		n++
		if err := a.line(line, n, cut); err != nil {
			return err
		}
		return nil
	}); err != nil {
		return err
	}
	if lr.unterminated && a.open {
		a.rec.cutOff = true
	}
	if err := a.finish(false); err != nil {
		return err
	}
	return e.flush()
}

// maxPrefix bounds how far into a line the level word is looked for.
const maxPrefix = 2048

// assembler gathers the lines of stderr records: a record line, its
// continuation lines and the DETAIL/STATEMENT/... lines that belong to it. It
// keeps one open record, in buffers reused from record to record.
type assembler struct {
	e         *engine
	open      bool
	rec       record
	msg       []byte
	detail    []byte
	stmt      []byte
	hasDetail bool
	part      *[]byte // where continuation lines go; nil: dropped
	ts        []byte  // the open record's timestamp
	orphans   bool    // in a run of continuation lines with no record
}

// line handles line number n of the log; cut says it was longer than the
// reader keeps.
func (a *assembler) line(b []byte, n int64, cut bool) error {
	valid := utf8.Valid(b)
	if len(b) > 0 && b[0] == '\t' {
		a.cont(b[1:], n, valid, cut, true)
		return nil
	}
	lv, start, msg := findLevel(b)
	if lv == lvlNone {
		if text, newline, ok := syslogCont(b); ok {
			a.cont(text, n, valid, cut, newline)
			return nil
		}
		switch {
		case len(bytes.TrimSpace(b)) == 0:
			// A blank line: nothing to read, nothing lost.
		case !valid:
			a.e.st.Skip(ReasonInvalidUTF8, n)
		default:
			a.e.st.Skip(ReasonGarbage, n)
		}
		return nil
	}
	a.orphans = false
	session := sessionOf(b[:start])
	text := b[msg:]
	if lv.sub() && a.open && a.rec.session == session {
		// DETAIL, STATEMENT, ... of the open record.
		a.rec.badUTF8 = a.rec.badUTF8 || !valid
		a.rec.tooLong = a.rec.tooLong || cut
		a.attach(lv, text)
		return nil
	}
	other := a.open && a.rec.session != 0 && session != 0 && a.rec.session != session
	if err := a.finish(other); err != nil {
		return err
	}
	a.open = true
	a.rec = record{level: lv, line: n, session: session, tooLong: cut, badUTF8: !valid, checked: true}
	a.ts = append(a.ts[:0], leadingTime(b[:start])...)
	a.rec.ts = a.ts
	a.msg, a.detail, a.stmt, a.hasDetail = a.msg[:0], a.detail[:0], a.stmt[:0], false
	if lv.sub() {
		a.attach(lv, text)
		return nil
	}
	a.msg = append(a.msg, text...)
	a.part = &a.msg
	return nil
}

// attach adds a DETAIL, STATEMENT, ... line to the open record.
func (a *assembler) attach(lv level, text []byte) {
	a.part = nil
	switch {
	case lv == lvlDetail && !a.hasDetail:
		a.hasDetail = true
		a.detail = append(a.detail, text...)
		a.part = &a.detail
	case lv == lvlStatement && len(a.stmt) == 0:
		a.stmt = append(a.stmt, text...)
		a.part = &a.stmt
	}
}

// cont adds a continuation line to the open record, after a "\n" if newline.
func (a *assembler) cont(text []byte, n int64, valid, cut, newline bool) {
	if !a.open {
		if !a.orphans {
			a.orphans = true
			if !valid {
				a.e.st.Skip(ReasonInvalidUTF8, n)
			} else {
				a.e.st.Skip(ReasonTruncated, n) // the rest of a record cut off before the input starts
			}
		}
		return
	}
	a.rec.badUTF8 = a.rec.badUTF8 || !valid
	a.rec.tooLong = a.rec.tooLong || cut
	if a.part == nil {
		return
	}
	p := *a.part
	if len(p)+len(text)+1 > partMax {
		a.rec.tooLong = true
		return
	}
	if newline {
		p = append(p, '\n')
	}
	*a.part = append(p, text...)
}

// finish passes the open record, if any, on to the engine. other says the line
// that ends it is another session's.
func (a *assembler) finish(other bool) error {
	if !a.open {
		return nil
	}
	a.open = false
	a.part = nil
	r := &a.rec
	r.msg, r.detail, r.stmt = a.msg, a.detail, a.stmt
	r.mayGetDetail = other
	return a.e.record(r)
}

var colon2 = []byte(":  ")

// findLevel finds the level word of a record line: the first word that is a
// level and is followed by ":  ". It returns the level, where the word starts
// (the end of the prefix) and where the message starts, after a SQLSTATE
// code if log_error_verbosity = verbose wrote one.
func findLevel(b []byte) (lv level, start, msg int) {
	s := b[:min(len(b), maxPrefix)]
	off := 0
	for {
		i := bytes.Index(s[off:], colon2)
		if i < 0 {
			return lvlNone, 0, 0
		}
		i += off
		if lv, n := levelBefore(s[:i]); lv != lvlNone {
			msg = i + len(colon2)
			if len(b) >= msg+7 && isSQLState(b[msg:msg+5]) && b[msg+5] == ':' && b[msg+6] == ' ' {
				msg += 7
			}
			return lv, i - n, msg
		}
		off = i + 1
	}
}

// levelBefore reports the level word p ends with, and its length. The word
// must not be the end of a longer word.
func levelBefore(p []byte) (level, int) {
	n := len(p)
	if n < 3 {
		return lvlNone, 0
	}
	var cands []string
	switch p[n-1] {
	case 'G':
		cands = lvlWordsG
	case 'R':
		cands = lvlWordsR
	case 'L':
		cands = lvlWordsL
	case 'C':
		cands = lvlWordsC
	case 'T':
		cands = lvlWordsT
	case 'N':
		cands = lvlWordsN
	case 'E':
		cands = lvlWordsE
	case 'O':
		cands = lvlWordsO
	case 'Y':
		cands = lvlWordsY
	case '1', '2', '3', '4', '5':
		cands = lvlWordsDebug
	default:
		return lvlNone, 0
	}
	for _, w := range cands {
		k := len(w)
		if n < k || string(p[n-k:]) != w {
			continue
		}
		if n > k && isWordByte(p[n-k-1]) {
			return lvlNone, 0
		}
		return parseLevel(p[n-k:]), k
	}
	return lvlNone, 0
}

var (
	lvlWordsG     = []string{"LOG", "WARNING", "DEBUG"}
	lvlWordsR     = []string{"ERROR"}
	lvlWordsL     = []string{"FATAL", "DETAIL"}
	lvlWordsC     = []string{"PANIC"}
	lvlWordsT     = []string{"STATEMENT", "HINT", "CONTEXT"}
	lvlWordsN     = []string{"LOCATION"}
	lvlWordsE     = []string{"NOTICE"}
	lvlWordsO     = []string{"INFO"}
	lvlWordsY     = []string{"QUERY"}
	lvlWordsDebug = []string{"DEBUG1", "DEBUG2", "DEBUG3", "DEBUG4", "DEBUG5"}
)

func isWordByte(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_'
}

// isSQLState reports whether b is a 5-character SQLSTATE code.
func isSQLState(b []byte) bool {
	for _, c := range b {
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return len(b) == 5
}

// sessionOf finds the backend pid in a log line prefix: the first bracketed
// number, `[5142]`, or `[name.5142]` as Heroku writes it. It returns 0 when the
// prefix has none: the log is then read as one session.
func sessionOf(prefix []byte) uint64 {
	for {
		i := bytes.IndexByte(prefix, '[')
		if i < 0 {
			return 0
		}
		prefix = prefix[i+1:]
		j := bytes.IndexByte(prefix, ']')
		if j < 0 {
			return 0
		}
		inner := prefix[:j]
		if dot := bytes.LastIndexByte(inner, '.'); dot >= 0 {
			inner = inner[dot+1:]
		}
		if pid, ok := parsePID(inner); ok {
			return pid
		}
	}
}

// parsePID parses a process id: 1 to 10 digits, not zero.
func parsePID(b []byte) (uint64, bool) {
	if len(b) == 0 || len(b) > 10 {
		return 0, false
	}
	var v uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
	}
	return v, v != 0
}

var (
	syslogTab = []byte("#011")
)

// syslogCont recognizes a continuation line as syslog writes it:
// `<syslog header> [45-2] #011text` (the tab written as #011, or kept), or
// `[45-2] text` for the next chunk of a line syslog split for length. It
// returns the text and whether it starts a new line.
func syslogCont(b []byte) (text []byte, newline, ok bool) {
	for off := 0; off < len(b) && off < maxPrefix; {
		i := bytes.IndexByte(b[off:], '[')
		if i < 0 {
			return nil, false, false
		}
		i += off
		off = i + 1
		// [digits-digits]
		j := i + 1
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		if j == i+1 || j >= len(b) || b[j] != '-' {
			continue
		}
		k := j + 1
		var seq int
		for k < len(b) && b[k] >= '0' && b[k] <= '9' && seq < 1e6 {
			seq = seq*10 + int(b[k]-'0')
			k++
		}
		if k == j+1 || k+1 >= len(b) || b[k] != ']' || b[k+1] != ' ' || seq < 2 {
			continue
		}
		rest := b[k+2:]
		switch {
		case bytes.HasPrefix(rest, syslogTab):
			return rest[len(syslogTab):], true, true
		case len(rest) > 0 && rest[0] == '\t':
			return rest[1:], true, true
		}
		return rest, false, true
	}
	return nil, false, false
}
