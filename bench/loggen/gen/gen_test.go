package gen

import (
	"bytes"
	"testing"

	"github.com/pgadvise/pgadvise/capture"
)

func TestDeterministicPrefix(t *testing.T) {
	var a, b, c bytes.Buffer
	if err := Write(&a, 1<<20, 7); err != nil {
		t.Fatal(err)
	}
	if err := Write(&b, 1<<20, 7); err != nil {
		t.Fatal(err)
	}
	if err := Write(&c, 3<<20, 7); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("same seed and size, different bytes")
	}
	if !bytes.HasPrefix(c.Bytes(), a.Bytes()) {
		t.Fatal("the 1 MiB log is not a prefix of the 3 MiB one")
	}
	if n := a.Len(); n < 1<<20 || n > 1<<20+64<<10 {
		t.Fatalf("asked for 1 MiB, got %d bytes", n)
	}
}

// TestCaptureReadsIt checks that capture reads every execution the generator
// wrote, and nothing it does not understand.
func TestCaptureReadsIt(t *testing.T) {
	var buf bytes.Buffer
	gs, err := WriteStats(&buf, 4<<20, 1)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	st, err := capture.Read(bytes.NewReader(buf.Bytes()), "gen", capture.FormatStderr, func(*capture.Statement) error {
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != gs.Executions {
		t.Errorf("capture read %d statements, the generator wrote %d executions", n, gs.Executions)
	}
	if st.Lines != gs.Lines {
		t.Errorf("capture counted %d lines, the generator wrote %d", st.Lines, gs.Lines)
	}
	for reason, c := range st.Skipped {
		switch reason {
		case capture.ReasonProtocolStep, capture.ReasonOtherMessage, capture.ReasonFailed:
		default:
			t.Errorf("skipped %d records as %s (first at line %d)", c.Count, reason, c.FirstLines[0])
		}
	}
	if ext := float64(gs.Extended) / float64(gs.Executions); ext < 0.35 || ext > 0.65 {
		t.Errorf("extended protocol share %.2f, want about half", ext)
	}
	if gs.Shapes != Shapes {
		t.Errorf("%d shapes, want %d", gs.Shapes, Shapes)
	}
}
