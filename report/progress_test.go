package report

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"
)

// fakeClock advances by step at each reading.
type fakeClock struct {
	t    time.Time
	step time.Duration
}

func (c *fakeClock) now() time.Time {
	c.t = c.t.Add(c.step)
	return c.t
}

func TestProgressThrottles(t *testing.T) {
	var out bytes.Buffer
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), step: 10 * time.Millisecond}
	p := NewProgress(&out, 1000*1024, clock.now)
	r := p.Reader(strings.NewReader(strings.Repeat("x", 1000*1024)), "slow.log")
	buf := make([]byte, 1024)
	reads := 0
	for {
		n, err := r.Read(buf)
		if n > 0 {
			reads++
			p.Statement()
		}
		if err == io.EOF {
			break
		}
	}
	draws := strings.Count(out.String(), "\r")
	// 1000 reads, 10 ms apart: 10 s, so about 100 draws at 100 ms.
	if reads != 1000 || draws < 90 || draws > 101 {
		t.Errorf("%d reads, %d draws; want about one draw per 100 ms", reads, draws)
	}
	last := out.String()[strings.LastIndex(out.String(), "\r")+1:]
	for _, want := range []string{"reading [", "1000 KiB", "statements", "/s", "slow.log", "\x1b[K"} {
		if !strings.Contains(last, want) {
			t.Errorf("last line %q lacks %q", last, want)
		}
	}
	p.Done()
	if !strings.HasSuffix(out.String(), "\r\x1b[K") {
		t.Errorf("Done did not clear the line: %q", out.String()[out.Len()-20:])
	}
	n := out.Len()
	p.tick()
	if out.Len() != n {
		t.Error("drew after Done")
	}
}

func TestProgressQuickRunDrawsNothing(t *testing.T) {
	var out bytes.Buffer
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), step: time.Millisecond}
	p := NewProgress(&out, 0, clock.now)
	if _, err := io.Copy(io.Discard, p.Reader(strings.NewReader(strings.Repeat("x", 50*1024)), "-")); err != nil {
		t.Fatal(err)
	}
	p.Done()
	if out.Len() != 0 {
		t.Errorf("a run under %v drew %q", ProgressInterval, out.String())
	}
}

func TestProgressLineFitsWidth(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), step: time.Second}
	p := NewProgress(io.Discard, 1<<30, clock.now)
	p.SetWidth(40)
	p.Reader(strings.NewReader(""), strings.Repeat("/very/long/path", 10))
	p.bytes.Store(1 << 29)
	if line := p.line(clock.now()); len([]rune(line)) > 39 || !strings.Contains(line, " 50%") {
		t.Errorf("line %q (%d runes)", line, len([]rune(line)))
	}
}

// TestProgressStatus checks that a status replaces the reading figures on
// the same throttled line, cut to the width.
func TestProgressStatus(t *testing.T) {
	var out bytes.Buffer
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), step: 200 * time.Millisecond}
	p := NewProgress(&out, 0, clock.now)
	p.SetWidth(40)
	p.Status("measuring index 1 of 2, orders_tenant_id_idx: building")
	last := out.String()[strings.LastIndex(out.String(), "\r")+1:]
	if !strings.HasPrefix(last, "measuring index 1 of 2, orders_tenant_") || !strings.HasSuffix(last, "…\x1b[K") || strings.Contains(last, "reading") {
		t.Errorf("status line %q", last)
	}
	p.Done()
	p.Status("after Done")
	if strings.Contains(out.String(), "after Done") {
		t.Error("a status after Done was drawn")
	}
}

// TestProgressStatusEscaped: a hostile index name in a status reaches the
// terminal as visible escapes, never as a sequence or a new line.
func TestProgressStatusEscaped(t *testing.T) {
	var out bytes.Buffer
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), step: 200 * time.Millisecond}
	p := NewProgress(&out, 0, clock.now)
	p.SetWidth(200)
	p.Status("measuring index 1 of 1, evil\x1b]0;owned\x07\ninjected: building")
	got := strings.TrimSuffix(out.String(), "\x1b[K")
	if strings.ContainsAny(got[1:], "\n\a") || strings.Contains(got, "\x1b]") {
		t.Errorf("status reached the terminal raw: %q", out.String())
	}
}

// TestProgressAdvising: the advisor's phase shows only once it has lasted
// AdviseDelay, counts the candidates priced, and is erased when done (the
// next message starts on a clean line).
func TestProgressAdvising(t *testing.T) {
	var out bytes.Buffer
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), step: 100 * time.Millisecond}
	p := NewProgress(&out, 0, clock.now)
	priced, done := p.Advising(1234)
	priced() // 200 ms in: too early
	if strings.Contains(out.String(), "advising") {
		t.Fatalf("drawn before %v: %q", AdviseDelay, out.String())
	}
	for range 20 {
		priced()
	}
	last := out.String()[strings.LastIndex(out.String(), "\r")+1:]
	if !strings.HasPrefix(last, "advising: 1,234 shapes, ") || !strings.Contains(last, " candidates priced…") {
		t.Errorf("last line %q", last)
	}
	done()
	if !strings.HasSuffix(out.String(), "\r\x1b[K") {
		t.Errorf("done did not erase the line: %q", out.String())
	}
	n := out.Len()
	priced() // a straggler after done draws nothing of the phase
	p.tick()
	if strings.Contains(out.String()[n:], "advising") {
		t.Errorf("the phase was drawn after done: %q", out.String()[n:])
	}
}

// TestProgressAdvisingQuick: an advice shorter than AdviseDelay leaves no
// trace, however many candidates it priced.
func TestProgressAdvisingQuick(t *testing.T) {
	var out bytes.Buffer
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), step: time.Millisecond}
	p := NewProgress(&out, 0, clock.now)
	priced, done := p.Advising(10)
	for range 500 {
		priced()
	}
	done()
	if strings.Contains(out.String(), "advising") {
		t.Errorf("a quick advice was drawn: %q", out.String())
	}
}
