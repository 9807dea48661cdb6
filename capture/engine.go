package capture

import (
	"bytes"
	"strconv"
	"unicode/utf8"
)

// level is the severity word of a log record.
type level uint8

const (
	lvlNone level = iota
	lvlLog
	lvlInfo
	lvlNotice
	lvlWarning
	lvlDebug
	lvlError
	lvlFatal
	lvlPanic
	// The levels from lvlDetail on belong to the record before them.
	lvlDetail
	lvlHint
	lvlContext
	lvlStatement
	lvlLocation
	lvlQuery
)

// sub reports whether records of the level belong to the record before them.
func (l level) sub() bool { return l >= lvlDetail }

// failure reports whether the level ends the statement that caused it.
func (l level) failure() bool { return l == lvlError || l == lvlFatal || l == lvlPanic }

// parseLevel parses a severity word exactly as PostgreSQL writes it.
func parseLevel(w []byte) level {
	switch string(w) {
	case "LOG":
		return lvlLog
	case "INFO":
		return lvlInfo
	case "NOTICE":
		return lvlNotice
	case "WARNING":
		return lvlWarning
	case "DEBUG", "DEBUG1", "DEBUG2", "DEBUG3", "DEBUG4", "DEBUG5":
		return lvlDebug
	case "ERROR":
		return lvlError
	case "FATAL":
		return lvlFatal
	case "PANIC":
		return lvlPanic
	case "DETAIL":
		return lvlDetail
	case "HINT":
		return lvlHint
	case "CONTEXT":
		return lvlContext
	case "STATEMENT":
		return lvlStatement
	case "LOCATION":
		return lvlLocation
	case "QUERY":
		return lvlQuery
	}
	return lvlNone
}

// msgKind is what a LOG message says.
type msgKind uint8

const (
	msgOther       msgKind = iota
	msgStatement           // "statement: Q": simple protocol
	msgExecute             // "execute NAME: Q": extended protocol
	msgStep                // "parse NAME: Q", "bind NAME: Q": not executions
	msgPlan                // "plan:": auto_explain
	msgDuration            // a bare "duration: N ms"
	msgBadDuration         // "duration: X ms" where X is not a number
)

// message is a parsed LOG message.
type message struct {
	kind  msgKind
	timed bool    // a duration came with it
	ms    float64 // the duration
	query []byte  // the statement text, for msgStatement and msgExecute
}

var (
	pfxDuration  = []byte("duration: ")
	pfxStatement = []byte("statement: ")
	pfxExecute   = []byte("execute ")
	pfxParse     = []byte("parse ")
	pfxBind      = []byte("bind ")
	pfxPlan      = []byte("plan:")
	pfxParams    = []byte("parameters: ")

	pfxDisconnection = []byte("disconnection: ")
	sepName          = []byte(": ")
)

// parseMessage classifies the message of a LOG record.
func parseMessage(msg []byte) message {
	var m message
	if bytes.HasPrefix(msg, pfxDuration) {
		rest := msg[len(pfxDuration):]
		sp := bytes.IndexByte(rest, ' ')
		if sp < 0 || !bytes.HasPrefix(rest[sp:], []byte(" ms")) {
			return message{kind: msgOther}
		}
		ms, ok := parseMS(rest[:sp])
		if !ok {
			return message{kind: msgBadDuration}
		}
		m.timed, m.ms = true, ms
		rest = rest[sp+3:]
		if len(rest) == 0 {
			m.kind = msgDuration
			return m
		}
		if !bytes.HasPrefix(rest, []byte("  ")) {
			return message{kind: msgOther}
		}
		msg = rest[2:]
		switch {
		case bytes.HasPrefix(msg, pfxPlan):
			m.kind = msgPlan
			return m
		case bytes.HasPrefix(msg, pfxParse), bytes.HasPrefix(msg, pfxBind):
			m.kind = msgStep
			return m
		}
	}
	switch {
	case bytes.HasPrefix(msg, pfxStatement):
		m.kind, m.query = msgStatement, msg[len(pfxStatement):]
	case bytes.HasPrefix(msg, pfxExecute):
		// "execute NAME: Q", "execute fetch from NAME/PORTAL: Q"; NAME may be <unnamed>.
		i := bytes.Index(msg, sepName)
		if i < 0 {
			return message{kind: msgOther}
		}
		m.kind, m.query = msgExecute, msg[i+len(sepName):]
	default:
		return message{kind: msgOther}
	}
	return m
}

// parseMS parses a duration in milliseconds as PostgreSQL prints it
// ("0.942", "1234.567"). It rejects negative, infinite and NaN values, and
// those over MaxMS.
func parseMS(b []byte) (float64, bool) {
	// Fast path: digits, optionally a point and up to 9 digits.
	var ip, fp uint64
	i, n := 0, len(b)
	for i < n && i < 15 && b[i] >= '0' && b[i] <= '9' {
		ip = ip*10 + uint64(b[i]-'0')
		i++
	}
	if i > 0 && i < 15 {
		if i == n {
			return float64(ip), true
		}
		if b[i] == '.' && n-i-1 >= 1 && n-i-1 <= 9 {
			j := i + 1
			for j < n && b[j] >= '0' && b[j] <= '9' {
				fp = fp*10 + uint64(b[j]-'0')
				j++
			}
			if j == n {
				return float64(ip) + float64(fp)/pow10[n-i-1], true
			}
		}
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || !ValidMS(f) {
		return 0, false
	}
	return f, true
}

var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9}

// record is one log record, whatever the format it came from.
type record struct {
	level   level
	msg     []byte // the message, continuation lines joined with "\n"
	detail  []byte // the DETAIL text, if any
	stmt    []byte // the STATEMENT text (or the query column), if any
	line    int64  // the line the record starts on
	session uint64 // the backend pid; 0 when unknown (one session)
	tooLong bool   // a part was cut at its size bound
	badUTF8 bool   // a line of the record is not UTF-8
	// cutOff: the input ended inside the record, without the line ending
	// PostgreSQL always writes: the statement may be incomplete.
	cutOff  bool
	checked bool   // the text was checked to be UTF-8 already
	ts      []byte // the record's timestamp as logged, or nil
	// mayGetDetail: the next line was another session's, so the DETAIL of an
	// extended-protocol execution may still come (stderr only).
	mayGetDetail bool
}

// partMax bounds each part of a record: the longest statement and a header.
const partMax = MaxStatementBytes + 4096

// Bounds of the statements held while waiting for their duration or parameters.
const (
	maxHeldSessions = 4096
	maxHeldBytes    = 64 << 20
	maxFreeHeld     = 64
	maxFreeHeldCap  = 64 << 10
)

// held is a statement of one session waiting for what may complete it.
type held struct {
	session       uint64
	line          int64
	query         []byte
	params        []byte
	hasParams     bool
	timed         bool
	ms            float64
	awaitParams   bool // a DETAIL with its parameters may still come
	awaitDuration bool // logged without its duration: a bare duration may still come
	prev, next    *held
}

// engine turns records into statements and skips. It is shared by the log
// formats; it holds per-session state for statements logged without their
// duration, bounded by maxHeldSessions and maxHeldBytes.
type engine struct {
	st        *Stats
	lastTS    []byte // the last record's timestamp text
	emitFn    func(*Statement) error
	stmt      Statement
	sessions  map[uint64]*held
	head      *held // oldest held statement
	tail      *held
	heldBytes int
	free      []*held
	seenMain  bool // a main record was seen: sub-records without one are not cut-off remains
}

func newEngine(st *Stats, emit func(*Statement) error) *engine {
	if emit == nil {
		emit = func(*Statement) error { return nil }
	}
	return &engine{st: st, emitFn: emit}
}

// emit passes one statement on, after checking its size and encoding.
func (e *engine) emit(query, params []byte, line, calls int64, timed bool, total, max float64, rows int64, checked bool) error {
	if len(query) > MaxStatementBytes || len(params) > MaxStatementBytes {
		e.st.Skip(ReasonTooLong, line)
		return nil
	}
	if !checked && (!utf8.Valid(query) || !utf8.Valid(params)) {
		e.st.Skip(ReasonInvalidUTF8, line)
		return nil
	}
	if TooDeep(query) {
		// Before any parser sees it: HoldsSecret may parse.
		e.st.Skip(ReasonTooDeep, line)
		return nil
	}
	if HoldsSecret(query) {
		// Every reader passes here: a secret never leaves capture.
		e.st.Skip(ReasonSecret, line)
		return nil
	}
	e.stmt = Statement{Query: query, Params: params, Calls: calls, Timed: timed,
		TotalMS: total, MaxMS: max, Rows: rows, Line: line}
	e.st.Statements++
	return e.emitFn(&e.stmt)
}

// emitOne passes on one execution.
func (e *engine) emitOne(query, params []byte, line int64, timed bool, ms float64, checked bool) error {
	return e.emit(query, params, line, 1, timed, ms, ms, 0, checked)
}

// paramsOf returns the text after "parameters: " of a DETAIL, or nil.
func paramsOf(detail []byte) []byte {
	if bytes.HasPrefix(detail, pfxParams) {
		return detail[len(pfxParams):]
	}
	return nil
}

// record handles one complete record. What a record stands for:
//
//   - LOG "duration: N ms  statement: Q" or "... execute NAME: Q": one timed
//     execution, with the parameters of its DETAIL for execute;
//   - LOG "statement: Q" or "execute NAME: Q" (log_statement): held until its
//     session logs a bare "duration: N ms" (then timed), or another
//     statement, or its disconnection, or the input ends (then untimed); an
//     ERROR, FATAL or PANIC of the session before that means it failed: it is
//     dropped, one ReasonFailed;
//   - a bare duration with nothing held: ReasonNoDuration;
//   - "duration: ... parse/bind NAME: Q": ReasonProtocolStep;
//     "duration: ... plan:": ReasonAutoExplain;
//   - ERROR/FATAL/PANIC with a STATEMENT: ReasonFailed; without one (and
//     nothing held): ReasonOtherMessage, like any other message (WARNING,
//     checkpoints, connections, ...).
func (e *engine) record(r *record) error {
	if len(r.ts) > 0 {
		e.noteTime(r.ts)
	}
	if r.level.sub() {
		return e.orphan(r)
	}
	e.seenMain = true
	h := e.sessions[r.session]
	if h != nil && h.awaitParams {
		// The session's next record is not the DETAIL: no parameters.
		h.awaitParams = false
		if !h.awaitDuration {
			if err := e.release(h); err != nil {
				return err
			}
			h = nil
		}
	}
	if r.level.failure() {
		switch {
		case r.badUTF8:
			e.st.Skip(ReasonInvalidUTF8, r.line)
		case h != nil, len(r.stmt) > 0:
			e.st.Skip(ReasonFailed, r.line)
		default:
			e.st.Skip(ReasonOtherMessage, r.line)
		}
		if h != nil { // the statement it held failed
			e.drop(h)
		}
		return nil
	}
	if r.badUTF8 {
		e.st.Skip(ReasonInvalidUTF8, r.line)
		return nil
	}
	if r.level != lvlLog {
		e.st.Skip(ReasonOtherMessage, r.line)
		return nil
	}
	m := parseMessage(r.msg)
	switch m.kind {
	case msgDuration:
		if h == nil {
			e.st.Skip(ReasonNoDuration, r.line)
			return nil
		}
		h.timed, h.ms = true, m.ms
		return e.release(h)
	case msgStatement, msgExecute:
		if h != nil {
			if err := e.release(h); err != nil {
				return err
			}
		}
		if r.tooLong {
			e.st.Skip(ReasonTooLong, r.line)
			return nil
		}
		if r.cutOff {
			e.st.Skip(ReasonTruncated, r.line)
			return nil
		}
		var params []byte
		if m.kind == msgExecute {
			params = paramsOf(r.detail)
		}
		awaitParams := m.kind == msgExecute && params == nil && r.mayGetDetail
		if !m.timed || awaitParams {
			return e.hold(r, m, params, awaitParams)
		}
		return e.emitOne(m.query, params, r.line, true, m.ms, r.checked)
	case msgStep:
		e.st.Skip(ReasonProtocolStep, r.line)
	case msgPlan:
		e.st.Skip(ReasonAutoExplain, r.line)
	case msgBadDuration:
		e.st.Skip(ReasonBadValue, r.line)
	default:
		e.st.Skip(ReasonOtherMessage, r.line)
		if h != nil && bytes.HasPrefix(r.msg, pfxDisconnection) {
			// The session ended: no duration will come, and the pid may
			// be reused.
			return e.release(h)
		}
	}
	return nil
}

// orphan handles a DETAIL, STATEMENT, ... line that does not follow a record
// of its session. A DETAIL may carry the parameters of a held execution.
func (e *engine) orphan(r *record) error {
	h := e.sessions[r.session]
	if h != nil && h.awaitParams && r.level == lvlDetail {
		h.awaitParams = false
		if p := paramsOf(r.detail); p != nil && !r.badUTF8 && !r.tooLong {
			h.params = append(h.params[:0], p...)
			h.hasParams = true
			e.heldBytes += len(p)
		}
		if !h.awaitDuration {
			return e.release(h)
		}
		return nil
	}
	if e.seenMain {
		e.st.Skip(ReasonOtherMessage, r.line)
	} else {
		e.st.Skip(ReasonTruncated, r.line) // the rest of a record cut off before the input starts
	}
	return nil
}

// hold keeps a statement of r's session until its duration or parameters come.
func (e *engine) hold(r *record, m message, params []byte, awaitParams bool) error {
	if len(m.query) > MaxStatementBytes || len(params) > MaxStatementBytes {
		e.st.Skip(ReasonTooLong, r.line)
		return nil
	}
	var h *held
	if n := len(e.free); n > 0 {
		h, e.free = e.free[n-1], e.free[:n-1]
	} else {
		h = &held{}
	}
	h.session, h.line = r.session, r.line
	h.query = append(h.query[:0], m.query...)
	h.params = append(h.params[:0], params...)
	h.hasParams = params != nil
	h.timed, h.ms = m.timed, m.ms
	h.awaitParams = awaitParams
	h.awaitDuration = !m.timed
	if !r.checked && (!utf8.Valid(h.query) || !utf8.Valid(h.params)) {
		e.st.Skip(ReasonInvalidUTF8, r.line)
		e.recycle(h)
		return nil
	}
	if e.sessions == nil {
		e.sessions = make(map[uint64]*held)
	}
	e.sessions[h.session] = h
	h.prev, h.next = e.tail, nil
	if e.tail != nil {
		e.tail.next = h
	} else {
		e.head = h
	}
	e.tail = h
	e.heldBytes += len(h.query) + len(h.params)
	for len(e.sessions) > maxHeldSessions || e.heldBytes > maxHeldBytes {
		if err := e.release(e.head); err != nil {
			return err
		}
	}
	return nil
}

// release emits a held statement and forgets it.
func (e *engine) release(h *held) error {
	e.unlink(h)
	var params []byte
	if h.hasParams {
		params = h.params
	}
	err := e.emitOne(h.query, params, h.line, h.timed, h.ms, true)
	e.recycle(h)
	return err
}

// drop forgets a held statement without emitting it.
func (e *engine) drop(h *held) {
	e.unlink(h)
	e.recycle(h)
}

func (e *engine) unlink(h *held) {
	delete(e.sessions, h.session)
	if h.prev != nil {
		h.prev.next = h.next
	} else {
		e.head = h.next
	}
	if h.next != nil {
		h.next.prev = h.prev
	} else {
		e.tail = h.prev
	}
	h.prev, h.next = nil, nil
	e.heldBytes -= len(h.query) + len(h.params)
}

func (e *engine) recycle(h *held) {
	if len(e.free) >= maxFreeHeld {
		return
	}
	if cap(h.query) > maxFreeHeldCap {
		h.query = nil
	}
	if cap(h.params) > maxFreeHeldCap {
		h.params = nil
	}
	e.free = append(e.free, h)
}

// flush emits every held statement, oldest first: the input has ended.
// noteTime keeps the first record's time and the last one's text; only
// those two are parsed, so timestamps cost nothing per record.
func (e *engine) noteTime(ts []byte) {
	if e.st.First.IsZero() {
		if t, ok := parseLogTime(ts); ok {
			e.st.First = t
		}
		return
	}
	e.lastTS = append(e.lastTS[:0], ts...)
}

func (e *engine) flush() error {
	if t, ok := parseLogTime(e.lastTS); ok {
		e.st.Last = t
	} else if !e.st.First.IsZero() && e.st.Last.IsZero() {
		e.st.Last = e.st.First
	}
	for e.head != nil {
		if err := e.release(e.head); err != nil {
			return err
		}
	}
	return nil
}
