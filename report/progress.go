package report

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pgadvise/pgadvise/internal/safetext"
)

// ProgressInterval is the shortest time between two redraws of the
// progress line.
const ProgressInterval = 100 * time.Millisecond

// Progress draws a one-line progress report while inputs are read: bytes
// read (of the total, when known), statements, and the rate. It redraws at
// most once per ProgressInterval, from the Read calls of the readers it wraps
// (a read is a buffer of tens of KiB, never one statement), so it costs
// nothing measurable; counting a statement is one atomic add.
//
// It writes only to the writer it is given: the caller decides whether that
// is a terminal (it should be; a progress line in a file or a CI log is
// noise).
type Progress struct {
	w     io.Writer
	total int64 // bytes of all inputs; 0 when unknown (standard input)
	now   func() time.Time
	width int

	bytes atomic.Int64
	stmts atomic.Int64

	mu       sync.Mutex
	name     string
	status   string // set by Status: a step of work after the reading
	start    time.Time
	last     time.Time
	drawn    bool
	finished bool
}

// NewProgress returns a progress line on w for inputs of totalBytes in all
// (0: unknown). now is the clock (nil: time.Now); tests pass a fake one.
func NewProgress(w io.Writer, totalBytes int64, now func() time.Time) *Progress {
	if now == nil {
		now = time.Now
	}
	p := &Progress{w: w, total: totalBytes, now: now, width: 100}
	p.start = now()
	return p
}

// SetWidth sets the terminal's width in columns; the line is cut to it.
func (p *Progress) SetWidth(cols int) {
	if cols > 20 {
		p.width = cols
	}
}

// Reader wraps the input named name: bytes read through it count, and its
// reads redraw the line when due.
func (p *Progress) Reader(r io.Reader, name string) io.Reader {
	p.mu.Lock()
	p.name = name
	p.mu.Unlock()
	return &progressReader{r: r, p: p}
}

// Statement counts one statement read. It is safe for concurrent use.
func (p *Progress) Statement() { p.stmts.Add(1) }

type progressReader struct {
	r io.Reader
	p *Progress
}

func (pr *progressReader) Read(b []byte) (int, error) {
	n, err := pr.r.Read(b)
	if n > 0 {
		pr.p.bytes.Add(int64(n))
		pr.p.tick()
	}
	return n, err
}

// Status shows text instead of the reading figures, for a step of work
// that follows the reading (measuring indexes, for one): the same line,
// redrawn at the same pace, cut to the same width. The text names indexes
// and tables, which come from outside: it is escaped to one line.
func (p *Progress) Status(text string) {
	p.mu.Lock()
	p.status = safetext.Line(text)
	p.mu.Unlock()
	p.tick()
}

// tick redraws the line if the last draw is ProgressInterval old.
func (p *Progress) tick() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.finished {
		return
	}
	t := p.now()
	if p.drawn && t.Sub(p.last) < ProgressInterval {
		return
	}
	if !p.drawn && t.Sub(p.start) < ProgressInterval {
		return // a short run shows no bar at all
	}
	p.last = t
	p.drawn = true
	line := p.status
	if line == "" {
		line = p.line(t)
	} else {
		line = p.cut(line)
	}
	fmt.Fprint(p.w, "\r"+line+"\x1b[K")
}

// Clear erases the line (for other messages to stderr); the next read draws
// it again.
func (p *Progress) Clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drawn = false
		p.last = time.Time{}
	}
}

// Done erases the line for good: the report follows on a clean screen.
func (p *Progress) Done() {
	p.Clear()
	p.mu.Lock()
	p.finished = true
	p.mu.Unlock()
}

// line renders the progress line at time t.
func (p *Progress) line(t time.Time) string {
	read := p.bytes.Load()
	stmts := p.stmts.Load()
	elapsed := t.Sub(p.start).Seconds()
	var b strings.Builder
	b.WriteString("reading ")
	if p.total > 0 {
		share := min(float64(read)/float64(p.total), 1)
		const barWidth = 20
		full := int(share * barWidth)
		b.WriteString("[" + strings.Repeat("=", full) + strings.Repeat(" ", barWidth-full) + "] ")
		fmt.Fprintf(&b, "%3.0f%% %s / %s", 100*share, bytesText(read), bytesText(p.total))
	} else {
		b.WriteString(bytesText(read))
	}
	fmt.Fprintf(&b, ", %s statements", thousands(stmts))
	if elapsed > 0 {
		rate := float64(read) / elapsed
		fmt.Fprintf(&b, ", %s/s", bytesText(int64(rate)))
		if p.total > 0 && rate > 0 && read < p.total {
			left := time.Duration(float64(p.total-read) / rate * float64(time.Second)).Round(time.Second)
			fmt.Fprintf(&b, ", %s left", left)
		}
	}
	if p.name != "" {
		b.WriteString(" · " + p.name)
	}
	return p.cut(b.String())
}

// cut shortens a line to the terminal's width.
func (p *Progress) cut(s string) string {
	r := []rune(s)
	if len(r) > p.width-1 {
		r = append(r[:p.width-2], '…')
	}
	return string(r)
}

// AdviseDelay is how long the advisor must run before the line shows it:
// a quick advice is over before a person would wonder what is going on.
const AdviseDelay = time.Second

// Advising shows the advisor's phase on the line once it has lasted
// AdviseDelay: "advising: N shapes, M candidates priced…". priced counts a
// candidate (it is safe for concurrent use: the advisor prices on every
// core); the line is redrawn as they are counted and every
// ProgressInterval in between, until done erases it.
func (p *Progress) Advising(shapes int) (priced func(), done func()) {
	var n atomic.Int64
	over := false // done was called: a late priced draws nothing
	p.mu.Lock()
	start := p.now()
	p.mu.Unlock()
	show := func() {
		p.mu.Lock()
		due := !over && p.now().Sub(start) >= AdviseDelay
		if due {
			p.status = fmt.Sprintf("advising: %s shapes, %s candidates priced…", thousands(int64(shapes)), thousands(n.Load()))
		}
		p.mu.Unlock()
		if due {
			p.tick()
		}
	}
	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(ProgressInterval)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				show()
			}
		}
	}()
	priced = func() {
		n.Add(1)
		show()
	}
	done = func() {
		close(stop)
		<-stopped
		p.mu.Lock()
		p.status, over = "", true
		p.mu.Unlock()
		p.Clear()
	}
	return priced, done
}
