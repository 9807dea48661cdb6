package main

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// readSets reads named index sets to execute beside the advisor's (the
// -compare file): a line "set NAME" starts a set, each line after it is
// one CREATE INDEX statement (a trailing semicolon is allowed), and blank
// lines and lines starting with "--" are skipped. It is how two advisors'
// sets are measured side by side in one interleaved run.
func readSets(r io.Reader) ([]execSet, error) {
	var sets []execSet
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "--"):
		case strings.HasPrefix(line, "set "):
			name := strings.TrimSpace(strings.TrimPrefix(line, "set "))
			if name == "" || name == "none" {
				return nil, fmt.Errorf("line %d: a set needs a name other than none", n)
			}
			for _, s := range sets {
				if s.Name == name {
					return nil, fmt.Errorf("line %d: set %q is named twice", n, name)
				}
			}
			sets = append(sets, execSet{Name: name})
		case len(sets) == 0:
			return nil, fmt.Errorf("line %d: an index before the first \"set NAME\" line", n)
		default:
			def, err := parseIndex(line)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", n, err)
			}
			sets[len(sets)-1].Indexes = append(sets[len(sets)-1].Indexes, def)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(sets) == 0 {
		return nil, fmt.Errorf("no \"set NAME\" line")
	}
	return sets, nil
}
