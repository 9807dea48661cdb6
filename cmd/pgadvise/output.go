package main

// Where analyze and snapshot write their result: standard output, or a
// file written whole (internal/outfile) that is never one of the inputs.

import (
	"bufio"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/pgadvise/pgadvise/internal/outfile"
)

// output is a command's destination: path, or standard output for "" and "-".
type output struct {
	path string
	// perm is the file's mode: outfile.ModePrivate when it may hold
	// values of the data.
	perm fs.FileMode
	// inputs are the files the run reads ("-": standard input); the output
	// may not be one of them.
	inputs []string
	stdin  io.Reader
}

// toStdout reports whether the result goes to standard output.
func (o output) toStdout() bool { return o.path == "" || o.path == "-" }

// check refuses, before any work is done, a destination that is an input.
func (o output) check() error {
	if o.toStdout() {
		return nil
	}
	return outfile.Check(o.path, o.inputs, o.stdin)
}

// write writes what fn writes to the destination.
func (o output) write(stdout io.Writer, fn func(io.Writer) error) error {
	if o.toStdout() {
		bw := bufio.NewWriter(stdout)
		if err := fn(bw); err != nil {
			return err
		}
		return bw.Flush()
	}
	return outfile.Write(o.path, o.perm, o.inputs, o.stdin, fn)
}

// connectionFiles are the files a connection may read (libpq's password
// and service files): a snapshot or report must not replace them.
func connectionFiles() []string {
	var files []string
	home, _ := os.UserHomeDir()
	for _, f := range []struct{ env, def string }{{"PGPASSFILE", ".pgpass"}, {"PGSERVICEFILE", ".pg_service.conf"}} {
		if p := os.Getenv(f.env); p != "" {
			files = append(files, p)
		} else if home != "" {
			files = append(files, filepath.Join(home, f.def))
		}
	}
	return files
}
