//go:build unix

package outfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func readString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

// TestCheck: the output is refused when it is an input by another name
// (a symbolic link, a hard link, a relative path, standard input).
func TestCheck(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.log")
	if err := os.WriteFile(in, []byte("log"), 0o644); err != nil {
		t.Fatal(err)
	}
	sym, hard := filepath.Join(dir, "sym"), filepath.Join(dir, "hard")
	if err := os.Symlink(in, sym); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(in, hard); err != nil {
		t.Fatal(err)
	}
	stdin, err := os.Open(in)
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	tests := []struct {
		out    string
		inputs []string
		stdin  io.Reader
		isIn   bool
	}{
		{in, []string{in}, nil, true},
		{sym, []string{in}, nil, true},
		{in, []string{sym}, nil, true},
		{hard, []string{"", "other", in}, nil, true},
		{filepath.Join(dir, ".", "in.log"), []string{in}, nil, true},
		{in, []string{"-"}, stdin, true},
		{in, []string{"-"}, strings.NewReader("x"), false},
		{filepath.Join(dir, "new.json"), []string{in}, nil, false},
		{in, []string{filepath.Join(dir, "missing")}, nil, false},
	}
	for _, tt := range tests {
		err := Check(tt.out, tt.inputs, tt.stdin)
		if got := errors.Is(err, ErrIsInput); got != tt.isIn {
			t.Errorf("Check(%s, %q) = %v, want ErrIsInput: %v", tt.out, tt.inputs, err, tt.isIn)
		}
	}
	if err := Write(sym, ModeDefault, []string{in}, nil, writeString("report")); !errors.Is(err, ErrIsInput) {
		t.Errorf("Write through a link to the input: %v", err)
	}
	if got := readString(t, in); got != "log" {
		t.Errorf("input overwritten: %q", got)
	}
}

// TestWriteFailure: a write that fails midway (a full disk) leaves the
// old file as it was and no temporary file.
func TestWriteFailure(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.json")
	if err := os.WriteFile(path, []byte("old report"), 0o644); err != nil {
		t.Fatal(err)
	}
	full := func(w io.Writer) error {
		if _, err := io.WriteString(w, strings.Repeat("x", 100_000)); err != nil {
			return err
		}
		return syscall.ENOSPC
	}
	if err := Write(path, ModeDefault, nil, nil, full); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("Write = %v, want ENOSPC", err)
	}
	if got := readString(t, path); got != "old report" {
		t.Errorf("the old file became %d bytes", len(got))
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
	// Into a directory that does not exist: an error, nothing written.
	if err := Write(filepath.Join(dir, "no", "such"), ModeDefault, nil, nil, writeString("x")); err == nil {
		t.Error("Write into a missing directory succeeded")
	}
}

// TestWriteModeAndLinks: the mode is the one asked for, and a symbolic
// link at the destination is replaced, not followed.
func TestWriteModeAndLinks(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	if err := os.WriteFile(victim, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "report.json")
	if err := os.Symlink(victim, path); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, ModePrivate, nil, nil, writeString("values")); err != nil {
		t.Fatal(err)
	}
	if got := readString(t, victim); got != "keep" {
		t.Errorf("the link was followed: its target holds %q", got)
	}
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode() != ModePrivate {
		t.Errorf("mode %v, want %v", fi.Mode(), ModePrivate)
	}
	if got := readString(t, path); got != "values" {
		t.Errorf("wrote %q", got)
	}
	// Replacing a private file with a default one follows the umask, as
	// os.Create does.
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	if err := Write(path, ModeDefault, nil, nil, writeString("report")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode() != 0o644 {
		t.Errorf("mode %v (%v), want 0644", fi.Mode(), err)
	}
}

// TestWriteSpecialFiles: a destination that is not a regular file is
// written in place, never replaced. A named pipe stands for /dev/null and
// /dev/stdout here, which the test must not risk replacing.
func TestWriteSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	got := make(chan string, 1)
	go func() {
		b, _ := os.ReadFile(fifo)
		got <- string(b)
	}()
	if err := Write(fifo, ModeDefault, nil, nil, func(w io.Writer) error {
		_, err := io.WriteString(w, "report\n")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(fifo)
	if err != nil || fi.Mode()&fs.ModeNamedPipe == 0 {
		t.Fatalf("the pipe was replaced: %v", err)
	}
	select {
	case s := <-got:
		if s != "report\n" {
			t.Errorf("the pipe's reader got %q", s)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the pipe's reader got nothing")
	}
	if err := Write(dir, ModeDefault, nil, nil, func(io.Writer) error { return nil }); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("a directory as the destination: %v", err)
	}
}
