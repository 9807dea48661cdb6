package migrate

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/pgadvise/pgadvise/report"
)

// Generate writes the recommendations as opt.Tool's migration files into
// dir (created if missing), after the files already there.
func Generate(dir string, recs []report.Recommendation, opt Options) (*Result, error) {
	existing, err := listDir(dir)
	if err != nil {
		return nil, err
	}
	res, err := Plan(recs, existing, opt)
	if err != nil {
		return nil, err
	}
	if err := Write(dir, res.Files); err != nil {
		return nil, err
	}
	return res, nil
}

// maxReadBytes bounds the files listDir reads: migrations are small, and a
// larger file (a data dump) is listed by name only.
const maxReadBytes = 1 << 20

// listDir returns the entries of dir (none if it does not exist), with the
// contents of its .sql files.
func listDir(dir string) ([]File, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	files := make([]File, 0, len(entries))
	for _, e := range entries {
		f := File{Name: e.Name()}
		if info, err := e.Info(); err == nil && info.Mode().IsRegular() && info.Size() <= maxReadBytes && strings.HasSuffix(f.Name, ".sql") {
			data, err := os.ReadFile(filepath.Join(dir, f.Name))
			if err != nil {
				return nil, fmt.Errorf("migrate: %w", err)
			}
			f.Content = string(data)
		}
		files = append(files, f)
	}
	return files, nil
}

// Write creates the files in dir. It never overwrites: if any of them
// exists, it writes none; should a write fail midway, it removes the files
// it created.
func Write(dir string, files []File) error {
	if len(files) == 0 {
		return nil
	}
	for _, f := range files {
		if _, err := os.Lstat(filepath.Join(dir, f.Name)); err == nil {
			return fmt.Errorf("migrate: %s already exists; nothing written", filepath.Join(dir, f.Name))
		} else if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("migrate: %w", err)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	var created []string
	undo := func() {
		for _, p := range created {
			os.Remove(p)
		}
	}
	for _, f := range files {
		path := filepath.Join(dir, f.Name)
		fh, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			undo()
			return fmt.Errorf("migrate: %w", err)
		}
		created = append(created, path)
		_, werr := fh.WriteString(f.Content)
		cerr := fh.Close()
		if werr != nil || cerr != nil {
			undo()
			return fmt.Errorf("migrate: write %s: %w", path, errors.Join(werr, cerr))
		}
	}
	return nil
}
