// Package gen writes a large, realistic PostgreSQL 15 stderr log for
// benchmarks: log_line_prefix '%m [%p] %q%u@%d ', log_min_duration_statement
// = 0, a few hundred statement shapes over 30 tables with Zipf-like
// frequencies and random values, about half the executions through the
// extended protocol (pgx named statements, and unnamed ones), multi-line
// statements, and the noise of a real server: connections, checkpoints,
// autovacuum, lock waits, temporary files, errors with their STATEMENT.
//
// The output depends only on the seed and the size, and a smaller log is a
// prefix of a larger one with the same seed. It streams: memory does not
// grow with the size.
package gen

import (
	"bufio"
	"bytes"
	"io"
	"math/rand/v2"
	"strconv"
	"time"
)

// Shapes is how many distinct statement shapes the generator makes (besides
// BEGIN, COMMIT and a few utility statements).
const Shapes = 300

// Stats describes a generated log.
type Stats struct {
	Bytes      int64 // bytes written
	Lines      int64 // lines written
	Executions int64 // statements executed (simple statements + extended executes, BEGIN/COMMIT included)
	Extended   int64 // of which through the extended protocol
	Failed     int64 // ERROR + STATEMENT records
	Shapes     int   // distinct shapes the generator can draw from
}

// Write writes about size bytes of log to w (it stops after the first record
// group that reaches size) from seed.
func Write(w io.Writer, size int64, seed int64) error {
	_, err := WriteStats(w, size, seed)
	return err
}

// WriteStats is Write, and tells what it wrote.
func WriteStats(w io.Writer, size int64, seed int64) (Stats, error) {
	g := newGenerator(w, seed)
	for g.st.Bytes+int64(len(g.buf)) < size {
		g.event()
		if len(g.buf) >= 64<<10 {
			if err := g.flush(); err != nil {
				return g.st, err
			}
		}
	}
	err := g.flush()
	if err == nil {
		err = g.w.Flush()
	}
	return g.st, err
}

// protocols of client sessions.
const (
	protoSimple    = iota // literals spliced into the SQL
	protoSimplePgx        // pgx client-side quoting: every value a quoted string padded with spaces
	protoNamed            // extended protocol, pgx statement cache: parse once, then bind/execute
	protoUnnamed          // extended protocol, unnamed statement: parse/bind/execute every time
)

type client struct {
	weight           int
	user, db, app    string
	proto            int
	minLife, maxLife int
}

// clients are the applications that connect. A client's share of the
// executions is about weight × mean lifetime (executions per connection):
// the weights below give the extended protocol about half the executions
// (named 30%, unnamed 15%, billing 5%; legacy 30%, backoffice 12%, metabase
// 8%), and metabase reconnects often, as BI tools do.
var clients = []client{
	{23, "shop_app", "shop", "shop-api", protoNamed, 100, 3000},
	{12, "shop_app", "shop", "shop-worker", protoUnnamed, 100, 3000},
	{20, "shop_app", "shop", "storefront-legacy", protoSimple, 20, 3000},
	{24, "shop_app", "shop", "backoffice", protoSimplePgx, 20, 1000},
	{258, "shop_reporting", "shop", "metabase", protoSimplePgx, 2, 60},
	{5, "billing", "billing", "billing-svc", protoNamed, 100, 2000},
}

type session struct {
	pid      int
	c        *client
	left     int          // executions before it disconnects
	prepared map[int]bool // shape index -> statement prepared (protoNamed)
	started  int64        // clock at connection
	port     int
	host     string
	inTx     bool
}

const (
	poolSize = 48
	baseTime = 1795564800 // 2026-11-25 00:00:00 UTC
)

type generator struct {
	w      *bufio.Writer
	r      *rand.Rand
	zipf   *rand.Zipf
	shapes []*shape
	tables []*table
	pool   []*session
	st     Stats

	buf    []byte // pending output
	scr    []byte // scratch: a rendered statement
	params []byte // scratch: a rendered parameter list
	val    []byte // scratch: one value

	clock   int64 // microseconds since baseTime
	secAt   int64 // second whose text is in secText
	secText []byte
	nextPID int
	events  int64

	checkpointAt, checkpointDone int64
	ckptPID, avPID               int
}

func newGenerator(w io.Writer, seed int64) *generator {
	r := rand.New(rand.NewPCG(uint64(seed), 0x5eed_c0ffee))
	tables := parseSchema()
	shapes := buildShapes(r, tables, Shapes)
	g := &generator{
		w:       bufio.NewWriterSize(w, 1<<20),
		r:       r,
		zipf:    rand.NewZipf(r, 1.07, 2, uint64(len(shapes)-1)),
		shapes:  shapes,
		tables:  tables,
		secAt:   -1,
		nextPID: 14000 + r.IntN(1000),
		ckptPID: 13000 + r.IntN(100),
		avPID:   13200 + r.IntN(100),
	}
	g.st.Shapes = len(shapes)
	g.checkpointAt = 20000
	g.buf = make([]byte, 0, 128<<10)
	for i := 0; i < poolSize; i++ {
		// The server was up already: the first sessions' connections are not in the log.
		g.pool = append(g.pool, g.newSession(false))
	}
	return g
}

func (g *generator) flush() error {
	if len(g.buf) == 0 {
		return nil
	}
	g.st.Lines += int64(bytes.Count(g.buf, nl))
	g.st.Bytes += int64(len(g.buf))
	_, err := g.w.Write(g.buf)
	g.buf = g.buf[:0]
	return err
}

// tick advances the clock by up to max microseconds.
func (g *generator) tick(max int) { g.clock += int64(g.r.IntN(max + 1)) }

// ts appends the %m timestamp: "2026-11-25 16:42:47.334 UTC".
func (g *generator) ts() {
	sec := g.clock / 1e6
	if sec != g.secAt {
		g.secAt = sec
		g.secText = time.Unix(baseTime+sec, 0).UTC().AppendFormat(g.secText[:0], "2006-01-02 15:04:05")
	}
	g.buf = append(g.buf, g.secText...)
	ms := (g.clock / 1000) % 1000
	g.buf = append(g.buf, '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10))
	g.buf = append(g.buf, " UTC ["...)
}

// prefix appends a session's log_line_prefix; a nil session is a background
// process, whose prefix stops at %q.
func (g *generator) prefix(s *session, pid int) {
	g.ts()
	if s != nil {
		pid = s.pid
	}
	g.buf = strconv.AppendInt(g.buf, int64(pid), 10)
	g.buf = append(g.buf, "] "...)
	if s != nil {
		g.buf = append(g.buf, s.c.user...)
		g.buf = append(g.buf, '@')
		g.buf = append(g.buf, s.c.db...)
		g.buf = append(g.buf, ' ')
	}
}

// text appends message text as the server writes it to stderr: a tab after
// each newline.
func (g *generator) text(b []byte) {
	for {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			g.buf = append(g.buf, b...)
			return
		}
		g.buf = append(g.buf, b[:i+1]...)
		g.buf = append(g.buf, '\t')
		b = b[i+1:]
	}
}

var nl = []byte{'\n'}

func (g *generator) str(s string) { g.buf = append(g.buf, s...) }

// ms appends a duration given in microseconds as "12.345".
func (g *generator) ms(us int64) {
	if us < 1 {
		us = 1
	}
	g.buf = strconv.AppendInt(g.buf, us/1000, 10)
	f := us % 1000
	g.buf = append(g.buf, '.', byte('0'+f/100), byte('0'+f/10%10), byte('0'+f%10))
}

// newSession connects a new client session; logged says whether its
// connection lines are written. The first sessions (not logged) are drawn
// as the pool looks in the steady state.
func (g *generator) newSession(logged bool) *session {
	weight := func(c *client) int {
		if logged {
			return c.weight
		}
		return c.weight * (c.minLife + c.maxLife) / 2
	}
	total := 0
	for i := range clients {
		total += weight(&clients[i])
	}
	k := g.r.IntN(total)
	c := &clients[0]
	for i := range clients {
		if k < weight(&clients[i]) {
			c = &clients[i]
			break
		}
		k -= weight(&clients[i])
	}
	g.nextPID += 1 + g.r.IntN(7)
	if g.nextPID > 4000000 {
		g.nextPID = 1000
	}
	s := &session{
		pid:      g.nextPID,
		c:        c,
		left:     c.minLife + g.r.IntN(c.maxLife-c.minLife+1),
		prepared: map[int]bool{},
		started:  g.clock,
		port:     30000 + g.r.IntN(30000),
		host:     "10.0." + strconv.Itoa(g.r.IntN(4)) + "." + strconv.Itoa(2+g.r.IntN(250)),
	}
	if logged {
		g.tick(300)
		g.prefix(nil, s.pid)
		g.str("[unknown]@[unknown] LOG:  connection received: host=")
		g.str(s.host)
		g.str(" port=")
		g.buf = strconv.AppendInt(g.buf, int64(s.port), 10)
		g.buf = append(g.buf, '\n')
		g.tick(800)
		g.prefix(s, 0)
		g.str("LOG:  connection authorized: user=")
		g.str(c.user)
		g.str(" database=")
		g.str(c.db)
		g.str(" application_name=")
		g.str(c.app)
		g.buf = append(g.buf, '\n')
	}
	return s
}

func (g *generator) disconnect(s *session) {
	g.prefix(s, 0)
	g.str("LOG:  disconnection: session time: ")
	d := (g.clock - s.started) / 1000 // ms
	h, m, sec, ms := d/3600000, d/60000%60, d/1000%60, d%1000
	g.buf = strconv.AppendInt(g.buf, h, 10)
	g.buf = append(g.buf, ':', byte('0'+m/10), byte('0'+m%10), ':', byte('0'+sec/10), byte('0'+sec%10), '.',
		byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10))
	g.str(" user=")
	g.str(s.c.user)
	g.str(" database=")
	g.str(s.c.db)
	g.str(" host=")
	g.str(s.host)
	g.str(" port=")
	g.buf = strconv.AppendInt(g.buf, int64(s.port), 10)
	g.buf = append(g.buf, '\n')
}

// event writes one execution, with what may come with it.
func (g *generator) event() {
	g.events++
	g.tick(600)
	switch {
	case g.events == g.checkpointAt:
		g.prefix(nil, g.ckptPID)
		g.str("LOG:  checkpoint starting: time\n")
		g.checkpointDone = g.events + 2000 + int64(g.r.IntN(3000))
	case g.events == g.checkpointDone:
		g.checkpointComplete()
		g.checkpointAt = g.events + 30000 + int64(g.r.IntN(20000))
	}
	switch k := g.r.IntN(10000); {
	case k < 4:
		g.autovacuum()
	case k < 8:
		g.autoanalyze()
	case k < 9:
		g.authFailure()
	}
	i := g.r.IntN(len(g.pool))
	s := g.pool[i]
	sh := int(g.zipf.Uint64())
	g.execute(s, sh, true)
	s.left--
	if s.left <= 0 && !s.inTx {
		g.tick(200)
		g.disconnect(s)
		g.pool[i] = g.newSession(true)
	}
}

// execute writes one execution of shape sh by session s.
func (g *generator) execute(s *session, idx int, top bool) {
	sh := g.shapes[idx]
	ext := s.c.proto == protoNamed || s.c.proto == protoUnnamed
	listLen := 0
	if sh.hasIn {
		// Mostly short lists, now and then a long one.
		listLen = 1 + g.r.IntN(1+g.r.IntN(24))
	}
	g.render(sh, s.c.proto, listLen)

	// Transactions around writes.
	if top && sh.class >= clUpdate && !s.inTx && g.r.IntN(6) == 0 {
		s.inTx = true
		g.utility(s, pick(g.r, []string{"BEGIN", "begin"}))
		defer func() {
			g.tick(300)
			g.utility(s, pick(g.r, []string{"COMMIT", "commit"}))
			s.inTx = false
		}()
	}
	if s.c.app == "metabase" && sh.class == clReport && g.r.IntN(3) == 0 {
		g.utility(s, "SET work_mem = '64kB'")
		defer g.utility(s, "RESET work_mem")
	}

	dur := int64(sh.baseUS * (0.2 + g.r.ExpFloat64()))
	if g.r.IntN(500) == 0 {
		dur *= int64(20 + g.r.IntN(200)) // a slow outlier
	}

	// A failure instead of the execution.
	if g.r.IntN(1500) == 0 {
		g.fail(s, sh, ext, listLen)
		return
	}
	if sh.class == clReport && g.r.IntN(250) == 0 {
		for j := 0; j < 1+g.r.IntN(3); j++ {
			g.prefix(s, 0)
			g.str("LOG:  temporary file: path \"base/pgsql_tmp/pgsql_tmp")
			g.buf = strconv.AppendInt(g.buf, int64(s.pid), 10)
			g.buf = append(g.buf, '.')
			g.buf = strconv.AppendInt(g.buf, int64(j), 10)
			g.str("\", size ")
			g.buf = strconv.AppendInt(g.buf, int64(8192*(1+g.r.IntN(4000))), 10)
			g.buf = append(g.buf, '\n')
			g.prefix(s, 0)
			g.str("STATEMENT:  ")
			g.text(g.scr)
			g.buf = append(g.buf, '\n')
		}
	}
	if sh.class >= clUpdate && g.r.IntN(3000) == 0 {
		g.lockWait(s, ext)
	}

	g.st.Executions++
	if !ext {
		g.prefix(s, 0)
		g.str("LOG:  duration: ")
		g.ms(dur)
		g.str(" ms  statement: ")
		g.text(g.scr)
		g.buf = append(g.buf, '\n')
		return
	}
	g.st.Extended++
	name := "<unnamed>"
	if s.c.proto == protoNamed {
		name = g.stmtName(sh, listLen)
	}
	if s.c.proto == protoUnnamed || !s.prepared[idx<<8|listLen] {
		if s.c.proto == protoNamed {
			s.prepared[idx<<8|listLen] = true
		}
		g.step(s, "parse ", name, 40+g.r.IntN(300))
	}
	g.tick(50)
	g.step(s, "bind ", name, 30+g.r.IntN(250))
	g.detail(s)
	if top && g.r.IntN(30) == 0 {
		// Another backend's statement lands between bind and execute.
		o := g.pool[g.r.IntN(len(g.pool))]
		if o != s && o.c.proto != protoNamed && o.c.proto != protoUnnamed {
			save := append([]byte(nil), g.scr...)
			saveP := append([]byte(nil), g.params...)
			g.execute(o, int(g.zipf.Uint64()), false)
			g.scr, g.params = append(g.scr[:0], save...), append(g.params[:0], saveP...)
		}
	}
	g.tick(int(dur))
	g.prefix(s, 0)
	g.str("LOG:  duration: ")
	g.ms(dur)
	g.str(" ms  execute ")
	g.str(name)
	g.str(": ")
	g.text(g.scr)
	g.buf = append(g.buf, '\n')
	g.detail(s)
}

func (g *generator) step(s *session, what, name string, us int) {
	g.prefix(s, 0)
	g.str("LOG:  duration: ")
	g.ms(int64(us))
	g.str(" ms  ")
	g.str(what)
	g.str(name)
	g.str(": ")
	g.text(g.scr)
	g.buf = append(g.buf, '\n')
}

func (g *generator) detail(s *session) {
	if len(g.params) == 0 {
		return
	}
	g.prefix(s, 0)
	g.str("DETAIL:  parameters: ")
	g.text(g.params)
	g.buf = append(g.buf, '\n')
}

func (g *generator) utility(s *session, q string) {
	g.st.Executions++
	g.prefix(s, 0)
	g.str("LOG:  duration: ")
	g.ms(int64(5 + g.r.IntN(60)))
	g.str(" ms  statement: ")
	g.str(q)
	g.buf = append(g.buf, '\n')
}

// stmtName is pgx's statement cache name: stmtcache_ and 48 hex digits of a
// hash of the text.
func (g *generator) stmtName(sh *shape, listLen int) string {
	if n, ok := sh.names[listLen]; ok {
		return n
	}
	h := uint64(14695981039346656037)
	for _, c := range g.scr {
		h ^= uint64(c)
		h *= 1099511628211
	}
	b := []byte("stmtcache_")
	for i := 0; i < 3; i++ {
		h ^= h >> 29
		h *= 0xbf58476d1ce4e5b9
		h ^= h >> 32
		for j := 60; j >= 0; j -= 4 {
			b = append(b, hexDigits[h>>uint(j)&15])
		}
	}
	n := string(b)
	sh.names[listLen] = n
	return n
}

const hexDigits = "0123456789abcdef"

// render writes shape sh into g.scr (and its parameters into g.params for
// the extended protocol).
func (g *generator) render(sh *shape, proto int, listLen int) {
	g.scr, g.params = g.scr[:0], g.params[:0]
	n := 0
	ext := proto == protoNamed || proto == protoUnnamed
	one := func(s *seg) {
		g.val = g.value(g.val[:0], s.col, s.mod)
		if ext {
			n++
			g.scr = append(g.scr, '$')
			g.scr = strconv.AppendInt(g.scr, int64(n), 10)
			if n > 1 {
				g.params = append(g.params, ", "...)
			}
			g.params = append(g.params, '$')
			g.params = strconv.AppendInt(g.params, int64(n), 10)
			g.params = append(g.params, " = "...)
			g.params = appendQuoted(g.params, g.val)
			return
		}
		switch {
		case proto == protoSimplePgx:
			g.scr = append(g.scr, ' ')
			g.scr = appendQuoted(g.scr, g.val)
			g.scr = append(g.scr, ' ')
		case s.col.k.numeric() && s.mod == modNone:
			g.scr = append(g.scr, g.val...)
		case s.col.k == kBool:
			g.scr = append(g.scr, g.val...)
		default:
			g.scr = appendQuoted(g.scr, g.val)
		}
	}
	for i := range sh.segs {
		s := &sh.segs[i]
		switch s.typ {
		case segText:
			g.scr = append(g.scr, s.text...)
		case segParam:
			one(s)
		case segIn:
			for j := 0; j < listLen; j++ {
				if j > 0 {
					g.scr = append(g.scr, ", "...)
				}
				one(s)
			}
		}
	}
}

func appendQuoted(dst, v []byte) []byte {
	dst = append(dst, '\'')
	for _, c := range v {
		if c == '\'' {
			dst = append(dst, '\'')
		}
		dst = append(dst, c)
	}
	return append(dst, '\'')
}

var (
	firstNames = []string{"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "wendy", "amir", "chen", "fatima", "kenji", "lucia", "mateo", "priya", "sven", "yara", "zoe", "oscar"}
	lastNames  = []string{"lee", "garcia", "nguyen", "smith", "tanaka", "wright", "muller", "rossi", "kowalski", "o'brien", "dubois", "silva", "khan", "ivanova", "jensen", "okafor", "park", "cohen", "haddad", "moreau"}
	adjectives = []string{"Smart", "Classic", "Smooth", "Eco", "Soft", "Rugged", "Compact", "Deluxe", "Vintage", "Urban", "Bright", "Silent"}
	nouns      = []string{"Jacket", "Planter", "Notebook", "Charger", "Kettle", "Lamp", "Backpack", "Blender", "Puzzle", "Chair", "Speaker", "Mug", "Novel", "Drone"}
	domains    = []string{"example.com", "inbox.example.net", "mail.example.org", "corp.example"}
	words      = []string{"the", "order", "arrived", "late", "and", "box", "was", "damaged", "please", "refund", "item", "works", "great", "but", "color", "differs", "from", "photo", "support", "ticket", "invoice", "wrong", "address", "shipping", "thanks", "again", "quick", "reply"}
	sources    = []string{"web", "mobile", "api", "pos"}
)

func capFirst(dst []byte, s string) []byte {
	dst = append(dst, s[0]-'a'+'A')
	return append(dst, s[1:]...)
}

// value appends a random value for column c, unquoted.
func (g *generator) value(dst []byte, c *column, mod uint8) []byte {
	r := g.r
	if mod == modLike {
		var w []byte
		if c.k == kEmail {
			w = []byte(pick(r, firstNames))
		} else {
			w = capFirst(nil, pick(r, adjectives))
		}
		dst = append(dst, w[:2+r.IntN(len(w)-1)]...)
		return append(dst, '%')
	}
	switch c.k {
	case kID:
		// Skewed: small ids are hot.
		return strconv.AppendInt(dst, int64(1+r.IntN(1+r.IntN(5_000_000))), 10)
	case kTenant:
		return strconv.AppendInt(dst, int64(1+r.IntN(1+r.IntN(60))), 10)
	case kSmall:
		return strconv.AppendInt(dst, int64(r.IntN(1001)), 10)
	case kQty:
		return strconv.AppendInt(dst, int64(1+r.IntN(20)), 10)
	case kEnum:
		return append(dst, pick(r, c.enum)...)
	case kName:
		if r.IntN(2) == 0 {
			dst = append(dst, pick(r, adjectives)...)
			dst = append(dst, ' ')
			return append(dst, pick(r, nouns)...)
		}
		dst = capFirst(dst, pick(r, firstNames))
		dst = append(dst, ' ')
		return capFirst(dst, pick(r, lastNames))
	case kEmail:
		f := pick(r, firstNames)
		if r.IntN(4) == 0 {
			dst = capFirst(dst, f)
		} else {
			dst = append(dst, f...)
		}
		dst = append(dst, '.')
		for _, ch := range []byte(pick(r, lastNames)) {
			if ch != '\'' {
				dst = append(dst, ch)
			}
		}
		dst = strconv.AppendInt(dst, int64(r.IntN(1000)), 10)
		dst = append(dst, '@')
		return append(dst, pick(r, domains)...)
	case kUUID:
		a, b := r.Uint64(), r.Uint64()
		for i := 0; i < 32; i++ {
			switch i {
			case 8, 12, 16, 20:
				dst = append(dst, '-')
			}
			var nib uint64
			if i < 16 {
				nib = a >> (60 - 4*uint(i)) & 15
			} else {
				nib = b >> (60 - 4*uint(i-16)) & 15
			}
			dst = append(dst, hexDigits[nib])
		}
		return dst
	case kTS:
		t := time.Unix(baseTime+g.clock/1e6-int64(r.IntN(90*86400)), 0).UTC()
		if r.IntN(3) == 0 {
			return t.AppendFormat(dst, "2006-01-02")
		}
		return t.AppendFormat(dst, "2006-01-02 15:04:05+00")
	case kMoney:
		v := r.IntN(100000)
		dst = strconv.AppendInt(dst, int64(v/100), 10)
		return append(dst, '.', byte('0'+v/10%10), byte('0'+v%10))
	case kBool:
		if r.IntN(4) == 0 {
			return append(dst, "false"...)
		}
		return append(dst, "true"...)
	case kSlug:
		dst = append(dst, pick(r, firstNames)...)
		dst = append(dst, '-')
		return append(dst, pick(r, words)...)
	case kSKU:
		dst = append(dst, pick(r, []string{"ACM-", "GLO-", "FAB-", "LIT-"})...)
		return strconv.AppendInt(dst, int64(10000+r.IntN(90000)), 10)
	case kRef:
		dst = append(dst, pick(r, []string{"ch_", "pi_", "re_", "in_"})...)
		v := r.Uint64()
		for j := 60; j >= 0; j -= 4 {
			dst = append(dst, hexDigits[v>>uint(j)&15])
		}
		return dst
	case kIP:
		dst = append(dst, "10."...)
		dst = strconv.AppendInt(dst, int64(r.IntN(256)), 10)
		dst = append(dst, '.')
		dst = strconv.AppendInt(dst, int64(r.IntN(256)), 10)
		dst = append(dst, '.')
		return strconv.AppendInt(dst, int64(1+r.IntN(254)), 10)
	case kJSON:
		dst = append(dst, `{"source": "`...)
		dst = append(dst, pick(r, sources)...)
		dst = append(dst, `", "items": `...)
		dst = strconv.AppendInt(dst, int64(1+r.IntN(9)), 10)
		if r.IntN(2) == 0 {
			dst = append(dst, `, "cart_value": `...)
			v := r.IntN(100000)
			dst = strconv.AppendInt(dst, int64(v/100), 10)
			dst = append(dst, '.', byte('0'+v/10%10), byte('0'+v%10))
		}
		return append(dst, '}')
	case kText:
		n := 4 + r.IntN(12)
		for i := 0; i < n; i++ {
			if i > 0 {
				dst = append(dst, ' ')
			}
			dst = append(dst, pick(r, words)...)
		}
		return dst
	case kPostal:
		return strconv.AppendInt(dst, int64(10000+r.IntN(90000)), 10)
	case kURL:
		dst = append(dst, "https://hooks.example.com/"...)
		return append(dst, pick(r, firstNames)...)
	}
	return dst
}

// fail writes an execution that fails: ERROR, maybe DETAIL, and STATEMENT.
func (g *generator) fail(s *session, sh *shape, ext bool, listLen int) {
	g.st.Failed++
	if ext {
		name := "<unnamed>"
		if s.c.proto == protoNamed {
			name = g.stmtName(sh, listLen)
		}
		g.step(s, "parse ", name, 50+g.r.IntN(200))
		g.step(s, "bind ", name, 50+g.r.IntN(200))
		g.detail(s)
	}
	g.tick(1000)
	g.prefix(s, 0)
	switch {
	case sh.class == clInsert:
		g.str("ERROR:  duplicate key value violates unique constraint \"")
		g.str(sh.table.name)
		g.str("_pkey\"\n")
		g.prefix(s, 0)
		g.str("DETAIL:  Key (id)=(")
		g.buf = strconv.AppendInt(g.buf, int64(1+g.r.IntN(100000)), 10)
		g.str(") already exists.\n")
	case sh.class == clReport:
		g.str("ERROR:  canceling statement due to statement timeout\n")
	case g.r.IntN(2) == 0:
		g.str("ERROR:  deadlock detected\n")
		g.prefix(s, 0)
		g.str("DETAIL:  Process ")
		g.buf = strconv.AppendInt(g.buf, int64(s.pid), 10)
		g.str(" waits for ShareLock on transaction 81234; blocked by process 14001.\n\tProcess 14001 waits for ShareLock on transaction 81230; blocked by process ")
		g.buf = strconv.AppendInt(g.buf, int64(s.pid), 10)
		g.str(".\n\tProcess ")
		g.buf = strconv.AppendInt(g.buf, int64(s.pid), 10)
		g.str(": <command string not enabled>\n\tProcess 14001: <command string not enabled>\n")
		g.prefix(s, 0)
		g.str("HINT:  See server log for query details.\n")
	default:
		// A typo from a person at a console, instead of the shape.
		g.str("ERROR:  syntax error at or near \"SELEC\" at character 1\n")
		g.prefix(s, 0)
		g.str("STATEMENT:  SELEC id FROM ")
		g.str(sh.table.name)
		g.str(" WHERE id = 5\n")
		return
	}
	g.prefix(s, 0)
	g.str("STATEMENT:  ")
	g.text(g.scr)
	g.buf = append(g.buf, '\n')
}

func (g *generator) lockWait(s *session, ext bool) {
	other := 14000 + g.r.IntN(10000)
	waited := int64(1000000 + g.r.IntN(50000))
	g.prefix(s, 0)
	g.str("LOG:  process ")
	g.buf = strconv.AppendInt(g.buf, int64(s.pid), 10)
	g.str(" still waiting for ShareLock on transaction 8")
	g.buf = strconv.AppendInt(g.buf, int64(g.r.IntN(1000000)), 10)
	g.str(" after ")
	g.ms(waited)
	g.str(" ms\n")
	g.prefix(s, 0)
	g.str("DETAIL:  Process holding the lock: ")
	g.buf = strconv.AppendInt(g.buf, int64(other), 10)
	g.str(". Wait queue: ")
	g.buf = strconv.AppendInt(g.buf, int64(s.pid), 10)
	g.str(".\n")
	g.prefix(s, 0)
	g.str("CONTEXT:  while updating tuple (")
	g.buf = strconv.AppendInt(g.buf, int64(g.r.IntN(5000)), 10)
	g.str(",")
	g.buf = strconv.AppendInt(g.buf, int64(1+g.r.IntN(60)), 10)
	g.str(") in relation \"")
	g.str(g.shapes[0].table.name)
	g.str("\"\n")
	g.prefix(s, 0)
	g.str("STATEMENT:  ")
	g.text(g.scr)
	g.buf = append(g.buf, '\n')
}

func (g *generator) checkpointComplete() {
	g.prefix(nil, g.ckptPID)
	wrote := 100 + g.r.IntN(20000)
	g.str("LOG:  checkpoint complete: wrote ")
	g.buf = strconv.AppendInt(g.buf, int64(wrote), 10)
	g.str(" buffers (")
	g.buf = strconv.AppendFloat(g.buf, float64(wrote)/163.84, 'f', 1, 64)
	g.str("%); 0 WAL file(s) added, 0 removed, ")
	g.buf = strconv.AppendInt(g.buf, int64(g.r.IntN(10)), 10)
	g.str(" recycled; write=")
	g.buf = strconv.AppendFloat(g.buf, 20+g.r.Float64()*250, 'f', 3, 64)
	g.str(" s, sync=0.0")
	g.buf = strconv.AppendInt(g.buf, int64(10+g.r.IntN(89)), 10)
	g.str(" s, total=")
	g.buf = strconv.AppendFloat(g.buf, 20+g.r.Float64()*250, 'f', 3, 64)
	g.str(" s; sync files=")
	g.buf = strconv.AppendInt(g.buf, int64(5+g.r.IntN(60)), 10)
	g.str(", longest=0.004 s, average=0.001 s; distance=")
	g.buf = strconv.AppendInt(g.buf, int64(1000+g.r.IntN(300000)), 10)
	g.str(" kB, estimate=")
	g.buf = strconv.AppendInt(g.buf, int64(1000+g.r.IntN(300000)), 10)
	g.str(" kB\n")
}

func (g *generator) autovacuum() {
	t := pick(g.r, g.tables)
	g.avPID += 1 + g.r.IntN(3)
	pages := 100 + g.r.IntN(50000)
	g.prefix(nil, g.avPID)
	g.str("LOG:  automatic vacuum of table \"shop.public.")
	g.str(t.name)
	g.str("\": index scans: 1\n\tpages: 0 removed, ")
	g.buf = strconv.AppendInt(g.buf, int64(pages), 10)
	g.str(" remain, ")
	g.buf = strconv.AppendInt(g.buf, int64(pages/2), 10)
	g.str(" scanned (50.00% of total)\n\ttuples: ")
	g.buf = strconv.AppendInt(g.buf, int64(g.r.IntN(100000)), 10)
	g.str(" removed, ")
	g.buf = strconv.AppendInt(g.buf, int64(pages*60), 10)
	g.str(" remain, 0 are dead but not yet removable\n\tremovable cutoff: ")
	g.buf = strconv.AppendInt(g.buf, int64(800000+g.events/10), 10)
	g.str(", which was 3 XIDs old when operation ended\n\tindex scan needed: ")
	g.buf = strconv.AppendInt(g.buf, int64(pages/3), 10)
	g.str(" pages from table (33.22% of total) had 29991 dead item identifiers removed\n\tindex \"")
	g.str(t.name)
	g.str("_pkey\": pages: 249 in total, 81 newly deleted, 81 currently deleted, 81 reusable\n")
	g.str("\tavg read rate: 4.123 MB/s, avg write rate: 6.070 MB/s\n\tbuffer usage: ")
	g.buf = strconv.AppendInt(g.buf, int64(pages*3), 10)
	g.str(" hits, 36 misses, 53 dirtied\n\tWAL usage: 2336 records, 0 full page images, 263569 bytes\n\tsystem usage: CPU: user: 0.0")
	g.buf = strconv.AppendInt(g.buf, int64(g.r.IntN(10)), 10)
	g.str(" s, system: 0.00 s, elapsed: 0.")
	g.buf = strconv.AppendInt(g.buf, int64(10+g.r.IntN(90)), 10)
	g.str(" s\n")
}

func (g *generator) autoanalyze() {
	t := pick(g.r, g.tables)
	g.avPID += 1 + g.r.IntN(3)
	g.prefix(nil, g.avPID)
	g.str("LOG:  automatic analyze of table \"shop.public.")
	g.str(t.name)
	g.str("\"\n\tavg read rate: 0.000 MB/s, avg write rate: 0.000 MB/s\n\tbuffer usage: ")
	g.buf = strconv.AppendInt(g.buf, int64(100+g.r.IntN(5000)), 10)
	g.str(" hits, 0 misses, 0 dirtied\n\tsystem usage: CPU: user: 0.01 s, system: 0.00 s, elapsed: 0.0")
	g.buf = strconv.AppendInt(g.buf, int64(g.r.IntN(10)), 10)
	g.str(" s\n")
}

func (g *generator) authFailure() {
	g.nextPID += 1 + g.r.IntN(7)
	pid := g.nextPID
	g.prefix(nil, pid)
	g.str("[unknown]@[unknown] LOG:  connection received: host=10.0.9.")
	g.buf = strconv.AppendInt(g.buf, int64(2+g.r.IntN(250)), 10)
	g.str(" port=")
	g.buf = strconv.AppendInt(g.buf, int64(30000+g.r.IntN(30000)), 10)
	g.buf = append(g.buf, '\n')
	g.tick(2000)
	g.prefix(nil, pid)
	g.str("report@shop FATAL:  password authentication failed for user \"report\"\n")
	g.prefix(nil, pid)
	g.str("report@shop DETAIL:  Connection matched pg_hba.conf line 99: \"host all all 10.0.0.0/8 scram-sha-256\"\n")
}
