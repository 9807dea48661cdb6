package migrate

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// timestampLayout is the YYYYMMDDHHMMSS version all five tools know.
const timestampLayout = "20060102150405"

// sequence hands out the versions of new migrations, after the folder's.
type sequence struct {
	timestamp bool
	width     int // zero padding of sequential versions (0: none)
	next      uint64
	nextTime  time.Time
	// floor is the earliest timestamp a new version may have (after the
	// folder's latest), zero when the folder has none.
	floor time.Time
	// suffixed: timestamp versions share nextTime and carry a two-digit
	// sequence after it; seq is the last one taken (layout.suffixed).
	suffixed bool
	seq      int
}

// maxSuffix is the largest two-digit sequence after a shared timestamp.
const maxSuffix = 99

// newSequence reads the versions of the existing files (the first group of
// l.versionRE) and starts after the highest.
func newSequence(l *layout, existing []string, opt Options) (*sequence, error) {
	var (
		maxV    uint64
		maxStr  string
		padded  bool
		found   bool
		maxTime time.Time
		maxSfx  int // the sequence after the highest timestamp (dbmate)
	)
	for _, name := range existing {
		m := l.versionRE.FindStringSubmatch(name)
		if m == nil {
			continue
		}
		v := m[1]
		if i := strings.IndexAny(v, "._"); i >= 0 { // Flyway's 1.2 or 1_2: the major part
			v = v[:i]
		}
		sfx := 0
		if l.suffixed && len(v) == len(timestampLayout)+2 {
			if _, err := time.Parse(timestampLayout, v[:len(timestampLayout)]); err == nil {
				// A timestamp and a sequence, as take writes them for dbmate.
				sfx, _ = strconv.Atoi(v[len(timestampLayout):])
				v = v[:len(timestampLayout)]
			}
		}
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("migrate: %s: version %q out of range", name, v)
		}
		if len(v) > 1 && v[0] == '0' {
			padded = true
		}
		if !found || n > maxV || (n == maxV && sfx > maxSfx) {
			maxV, maxStr, maxSfx, found = n, v, sfx, true
		}
	}
	s := &sequence{suffixed: l.suffixed}
	isTS := false
	if found && len(maxStr) == len(timestampLayout) {
		if t, err := time.Parse(timestampLayout, maxStr); err == nil && t.Year() >= 1970 {
			isTS, maxTime = true, t
		}
	}
	switch opt.Versioning {
	case VersionTimestamp:
		s.timestamp = true
	case VersionSequential:
		s.timestamp = false
	default:
		if found {
			s.timestamp = isTS
		} else {
			s.timestamp = l.defaultTimestamp
		}
	}
	if s.timestamp {
		t := opt.Now.UTC().Truncate(time.Second)
		if t.IsZero() {
			return nil, fmt.Errorf("migrate: timestamp versions need the clock (Options.Now)")
		}
		if found {
			if isTS && s.suffixed && !t.After(maxTime) && maxSfx > 0 && maxSfx < maxSuffix {
				// Continue the sequence of the folder's latest run. (Not
				// after a plain timestamp T: T01_ sorts before T_ by name.)
				t, s.seq = maxTime, maxSfx
			} else if isTS && !t.After(maxTime) {
				t = maxTime.Add(time.Second)
			}
			if isTS {
				s.floor = maxTime.Add(time.Second)
			} else {
				if cur, _ := strconv.ParseUint(t.Format(timestampLayout), 10, 64); cur <= maxV {
					return nil, fmt.Errorf("migrate: the folder's highest version %d is above a timestamp of now; use --versioning sequential", maxV)
				}
			}
		}
		s.nextTime = t
		return s, nil
	}
	switch {
	case !found:
		s.width, s.next = l.defaultWidth, 1
	case isTS:
		s.next = maxV + 1 // sequential by request in a folder of timestamps
	default:
		s.next = maxV + 1
		if padded {
			s.width = len(maxStr)
		}
	}
	return s, nil
}

// reserve says how many versions will be taken. Timestamp versions one
// second apart then end at the clock's second rather than run past it into
// the future: they start n-1 seconds earlier, though never at or before
// the folder's latest.
func (s *sequence) reserve(n int) {
	if !s.timestamp || s.suffixed || n < 2 {
		return
	}
	start := s.nextTime.Add(-time.Duration(n-1) * time.Second)
	if !s.floor.IsZero() && start.Before(s.floor) {
		start = s.floor
	}
	if start.Before(s.nextTime) {
		s.nextTime = start
	}
}

// take returns the next version.
func (s *sequence) take() string {
	if s.timestamp && s.suffixed {
		if s.seq == maxSuffix { // a hundredth migration of one run: the next second
			s.nextTime, s.seq = s.nextTime.Add(time.Second), 0
		}
		s.seq++
		return s.nextTime.Format(timestampLayout) + fmt.Sprintf("%02d", s.seq)
	}
	if s.timestamp {
		v := s.nextTime.Format(timestampLayout)
		s.nextTime = s.nextTime.Add(time.Second)
		return v
	}
	v := fmt.Sprintf("%0*d", s.width, s.next)
	s.next++
	return v
}

// The file names whose versions count, per tool.
var (
	golangMigrateRE = regexp.MustCompile(`^(\d+)_.*\.(?:up|down)\.[A-Za-z]+$`)
	gooseRE         = regexp.MustCompile(`^(\d+)_.*\.(?:sql|go)$`)
	flywayRE        = regexp.MustCompile(`^[VU](\d+(?:[._]\d+)*)__.*\.sql$`)
	numberedSQLRE   = regexp.MustCompile(`^(\d+)_.*\.sql$`)
)
