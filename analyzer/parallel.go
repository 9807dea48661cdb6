package analyzer

import (
	"bytes"
	"runtime"
	"slices"
	"sync"

	"github.com/pgadvise/pgadvise/capture"
	"github.com/pgadvise/pgadvise/catalog"
	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// parsers runs the parses of new shape keys on up to one goroutine per
// core (pg_query's calls run in parallel through cgo), in the order
// started. Each key of a new fingerprint is parsed, walked and normalized
// once; a later key of a fingerprint an earlier key is parsing is only
// fingerprinted. A goroutine ends when no parse is left: an Analyzer no
// longer used leaves none behind.
type parsers struct {
	mu      sync.Mutex
	queue   []*parseJob
	running int
	// first holds, per fingerprint, the sequence number of the earliest
	// key that has been fingerprinted to it.
	first map[string]int
	seq   int
}

func newParsers() *parsers { return &parsers{first: map[string]int{}} }

// parseJob is the parse of one key's first text.
type parseJob struct {
	done   chan struct{} // closed once the fields below are set
	schema *catalog.Schema
	text   string
	spans  []literalSpan
	seq    int
	// fingerprint is pg_query's fingerprint of text, "" when the parser
	// rejects it. shape is the walked shape, nil when the parser rejects
	// the text or when deferred is set: an earlier key has the same
	// fingerprint and makes the shape (Analyzer.shapeOf).
	fingerprint string
	shape       *QueryShape
	deferred    bool
}

// start queues the parse of text (constants at spans, copied).
func (p *parsers) start(schema *catalog.Schema, text string, spans []literalSpan) *parseJob {
	p.seq++
	j := &parseJob{done: make(chan struct{}), schema: schema, text: text, spans: slices.Clone(spans), seq: p.seq}
	p.mu.Lock()
	p.queue = append(p.queue, j)
	if p.running < runtime.GOMAXPROCS(0) {
		p.running++
		go p.work()
	}
	p.mu.Unlock()
	return j
}

// work runs queued parses until there is none.
func (p *parsers) work() {
	for {
		p.mu.Lock()
		if len(p.queue) == 0 {
			p.running--
			p.queue = nil // let the drained backing array go
			p.mu.Unlock()
			return
		}
		j := p.queue[0]
		p.queue[0] = nil
		p.queue = p.queue[1:]
		p.mu.Unlock()
		p.parse(j)
		close(j.done)
	}
}

// parse fingerprints the job's text, and walks it unless an earlier key
// has the same fingerprint.
func (p *parsers) parse(j *parseJob) {
	fp, err := pg_query.Fingerprint(j.text)
	if err != nil {
		return
	}
	j.fingerprint = fp
	p.mu.Lock()
	earlier, ok := p.first[fp]
	if !ok || j.seq < earlier {
		p.first[fp] = j.seq
	}
	p.mu.Unlock()
	if ok && earlier < j.seq {
		j.deferred = true
		return
	}
	j.shape = walkShape(j.schema, j.text, fp, j.spans)
}

// ready reports, without waiting, whether the parse is done.
func (j *parseJob) ready() bool {
	select {
	case <-j.done:
		return true
	default:
		return false
	}
}

// pendingRecord is a record held until the parses before it are done.
type pendingRecord struct {
	entry *keyEntry
	st    capture.Statement
	spans []literalSpan
}

// Bounds of the records held: past either, reading waits for the parse of
// the oldest.
const (
	maxPendingRecords = 4096
	maxPendingBytes   = 32 << 20
)

// hold keeps a copy of st, of entry's key, to be counted in turn, and
// counts the records whose parses are done.
func (a *Analyzer) hold(entry *keyEntry, st *capture.Statement) {
	held := *st
	held.Query, held.Params = bytes.Clone(st.Query), bytes.Clone(st.Params)
	a.pending = append(a.pending, pendingRecord{entry: entry, st: held, spans: slices.Clone(a.spans)})
	a.pendingBytes += len(held.Query) + len(held.Params)
	a.drain(false)
	for len(a.pending) > maxPendingRecords || a.pendingBytes > maxPendingBytes {
		<-a.pending[0].entry.job.done // the oldest waits for its parse
		a.drain(false)
	}
}

// drain counts the held records in order, as long as their keys' parses
// are done; with wait, it waits for them all.
func (a *Analyzer) drain(wait bool) {
	n := 0
	for ; n < len(a.pending); n++ {
		r := &a.pending[n]
		if !wait && r.entry.job != nil && !r.entry.job.ready() {
			break
		}
		a.record(r.entry, &r.st, r.spans)
		a.pendingBytes -= len(r.st.Query) + len(r.st.Params)
		*r = pendingRecord{}
	}
	if n == len(a.pending) {
		a.pending = a.pending[:0]
	} else if n > 0 {
		a.pending = append(a.pending[:0], a.pending[n:]...)
	}
}
