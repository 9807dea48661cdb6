// Package outfile writes the files pgadvise produces (reports, snapshots)
// whole or not at all, and never in place of a file the run reads.
//
// A file is written to a temporary file in the destination's directory,
// synced, then renamed over the destination: a full disk or a crash leaves
// the old file (or none), never a truncated one, and the temporary file is
// removed on any error. A destination that is a symbolic link is replaced
// by the new file, not followed: a link planted in a shared directory
// cannot send the output onto another file. A destination that is not a
// regular file (/dev/null, /dev/stdout, a named pipe) is written in place.
package outfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// Modes of the files written.
const (
	// ModeDefault is for files without data values: 0666 less the umask,
	// as os.Create makes them.
	ModeDefault fs.FileMode = 0o666
	// ModePrivate is for files that may hold values of the data or
	// secrets: readable by their owner only.
	ModePrivate fs.FileMode = 0o600
)

// ErrIsInput is wrapped by the error of Check and Write when the
// destination is one of the run's inputs.
var ErrIsInput = errors.New("the output is one of the inputs")

// Check returns an error wrapping ErrIsInput when path is the same file
// (same device and inode, through symbolic and hard links) as one of
// inputs. An input "-" stands for stdin, when stdin is a file. A path that
// does not exist yet is never an input; inputs that cannot be read are
// left to the reader to report.
func Check(path string, inputs []string, stdin io.Reader) error {
	out, err := os.Stat(path)
	if err != nil {
		return nil
	}
	for _, in := range inputs {
		var fi fs.FileInfo
		switch in {
		case "":
			continue
		case "-":
			f, ok := stdin.(*os.File)
			if !ok {
				continue
			}
			if fi, err = f.Stat(); err != nil {
				continue
			}
		default:
			if fi, err = os.Stat(in); err != nil {
				continue
			}
		}
		if os.SameFile(out, fi) {
			name := in
			if in == "-" {
				name = "standard input"
			}
			return fmt.Errorf("%s: %w (%s); refusing to overwrite it", path, ErrIsInput, name)
		}
	}
	return nil
}

// Write creates or replaces the file path with what write writes (through
// a buffer), with mode perm (less the umask). It refuses, as Check does, a path that is
// one of inputs, checking again just before the rename.
func Write(path string, perm fs.FileMode, inputs []string, stdin io.Reader, write func(io.Writer) error) (err error) {
	if err := Check(path, inputs, stdin); err != nil {
		return err
	}
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		if fi.IsDir() {
			return fmt.Errorf("write %s: is a directory", path)
		}
		return writeSpecial(path, write)
	}
	dir := filepath.Dir(path)
	tmp, err := createTemp(dir, filepath.Base(path), perm)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriter(tmp)
	if err := write(bw); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := Check(path, inputs, stdin); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	syncDir(dir)
	return nil
}

// writeSpecial writes into a destination that is not a regular file (a
// device such as /dev/null or /dev/stdout, a named pipe) in place: renaming
// a file over it would replace the device itself, for every program on the
// machine when run as root.
func writeSpecial(path string, write func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	bw := bufio.NewWriter(f)
	if err := write(bw); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// createTemp creates a new file next to the destination. Unlike
// os.CreateTemp it takes the mode, so that the umask applies as with
// os.Create.
func createTemp(dir, base string, perm fs.FileMode) (*os.File, error) {
	for range 100 {
		name := filepath.Join(dir, "."+base+".tmp"+strconv.FormatUint(rand.Uint64(), 36))
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, err
	}
	return nil, fmt.Errorf("no free temporary name in %s", dir)
}

// syncDir makes the rename durable where the system allows syncing a
// directory; a failure there leaves a complete file, so it is ignored.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
