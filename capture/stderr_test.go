package capture

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
)

// Prefixes seen in real logs (see log-formats.md).
const (
	pM    = "2019-10-21 12:03:33.219 MSK [5142] "                                                            // %m [%p]
	pM2   = "2019-10-21 12:03:33.301 MSK [5150] "                                                            // another session
	pT    = "2017-09-06 08:41:43 UTC [44]: [371-1] user=postgres,db=postgres,app=pgbench,client=172.23.0.1 " // %t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h
	pQ    = "2024-02-01 10:00:00.000 UTC [691] postgres@stackoverflow "                                      // %m [%p] %q%u@%d
	pQbg  = "2024-02-01 10:00:00.000 UTC [77] "                                                              // the same, a background process
	pQID  = "2024-02-01 10:00:00.000 UTC [691] [queryid=4266247047529477710] postgres@db "
	pRDS  = "2020-03-11 20:41:43 CET:[local]:postgres@postgres:[12850]:"
	pCW   = "2020-03-11T19:41:43.000Z 2020-03-11 20:41:43 CET:10.0.0.1(5432):app@shop:[12850]:"
	pHero = "2019-03-14T00:23:00+00:00 app[postgres.4821]: [GREEN] [20-1]  sql_error_code = 00000 "
)

func TestReadStderr(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want result
	}{
		{
			name: "simple protocol, %m [%p]",
			in: lines(
				pM+"LOG:  duration: 0.942 ms  statement: SELECT * FROM users WHERE id = 42",
				pM+"LOG:  duration: 59.911 ms  statement: UPDATE accounts SET balance = balance - 10 WHERE id = 7",
			),
			want: result{Stmts: []stmt{
				timed(1, 0.942, "SELECT * FROM users WHERE id = 42"),
				timed(2, 59.911, "UPDATE accounts SET balance = balance - 10 WHERE id = 7"),
			}},
		},
		{
			name: "multi-line statement: one tab stripped, lines joined with newline",
			in: lines(
				pT+"LOG:  duration: 12.5 ms  statement: SELECT a,",
				"\t\tb",
				"\tFROM t",
				"\tWHERE x = 'a:  b'",
				pT+"LOG:  duration: 1 ms  statement: SELECT 2",
			),
			want: result{Stmts: []stmt{
				timed(1, 12.5, "SELECT a,\n\tb\nFROM t\nWHERE x = 'a:  b'"),
				timed(5, 1, "SELECT 2"),
			}},
		},
		{
			name: "extended protocol: parse and bind are protocol steps, execute carries its parameters",
			in: lines(
				pQ+"LOG:  duration: 1.163 ms  parse <unnamed>: SELECT * FROM posts WHERE owner_id = $1 AND title = $2",
				pQ+"LOG:  duration: 0.201 ms  bind <unnamed>: SELECT * FROM posts WHERE owner_id = $1 AND title = $2",
				pQ+"DETAIL:  parameters: $1 = '17', $2 = 'it''s, here'",
				pQ+"LOG:  duration: 778.166 ms  execute <unnamed>: SELECT * FROM posts WHERE owner_id = $1 AND title = $2",
				pQ+"DETAIL:  parameters: $1 = '17', $2 = 'it''s, here'",
				pQ+"LOG:  duration: 2 ms  execute S_65: SELECT 1 FROM tags WHERE id = $1",
				pQ+"DETAIL:  parameters: $1 = 'multi",
				"\tline'",
				pQ+"LOG:  duration: 3 ms  execute S_1/C_2: SELECT now()",
				pQ+"LOG:  duration: 4 ms  execute fetch from S_3/C_4: SELECT * FROM big",
			),
			want: result{
				Stmts: []stmt{
					timedP(4, 778.166, "SELECT * FROM posts WHERE owner_id = $1 AND title = $2", "$1 = '17', $2 = 'it''s, here'"),
					timedP(6, 2, "SELECT 1 FROM tags WHERE id = $1", "$1 = 'multi\nline'"),
					timed(9, 3, "SELECT now()"),
					timed(10, 4, "SELECT * FROM big"),
				},
				Skipped: map[Reason]int64{ReasonProtocolStep: 2},
			},
		},
		{
			name: "background process lines with %q and query id in the prefix",
			in: lines(
				pQbg+"LOG:  checkpoint starting: time",
				pQID+"LOG:  duration: 5.0 ms  statement: SELECT 1",
			),
			want: result{
				Stmts:   []stmt{timed(2, 5, "SELECT 1")},
				Skipped: map[Reason]int64{ReasonOtherMessage: 1},
			},
		},
		{
			name: "AWS RDS and a CloudWatch export",
			in: lines(
				pRDS+"LOG:  duration: 0.428 ms  statement: SELECT 1",
				pCW+"LOG:  duration: 1.5 ms  execute <unnamed>: SELECT $1::int",
				pCW+"DETAIL:  parameters: $1 = '5'",
			),
			want: result{Stmts: []stmt{
				timed(1, 0.428, "SELECT 1"),
				timedP(2, 1.5, "SELECT $1::int", "$1 = '5'"),
			}},
		},
		{
			name: "Heroku",
			in: lines(
				pHero + "LOG:  duration: 3.1 ms  statement: SELECT * FROM items",
			),
			want: result{Stmts: []stmt{timed(1, 3.1, "SELECT * FROM items")}},
		},
		{
			name: "log_error_verbosity = verbose: SQLSTATE after the level, LOCATION lines",
			in: lines(
				pM+"LOG:  00000: duration: 0.5 ms  statement: SELECT 1",
				pM+"LOCATION:  exec_simple_query, postgres.c:1297",
				pM+"ERROR:  42P01: relation \"nope\" does not exist at character 15",
				pM+"LOCATION:  parserOpenTable, parse_relation.c:1384",
				pM+"STATEMENT:  SELECT * FROM nope",
			),
			want: result{
				Stmts:   []stmt{timed(1, 0.5, "SELECT 1")},
				Skipped: map[Reason]int64{ReasonFailed: 1},
			},
		},
		{
			name: "no prefix at all",
			in: lines(
				"LOG:  duration: 0.1 ms  statement: SELECT 1",
				"LOG:  statement: SELECT 2",
				"LOG:  duration: 0.2 ms",
			),
			want: result{Stmts: []stmt{timed(1, 0.1, "SELECT 1"), timed(2, 0.2, "SELECT 2")}},
		},
		{
			name: "log_statement = all: statement, then its bare duration",
			in: lines(
				pM+"LOG:  statement: SELECT 1",
				pM+"LOG:  duration: 0.051 ms",
				pM+"LOG:  statement: BEGIN",
				pM+"LOG:  statement: COMMIT",
				pM+"LOG:  disconnection: session time: 0:00:01.234 user=app database=shop host=[local]",
				pM+"LOG:  connection received: host=[local]",
				pM+"LOG:  duration: 0.3 ms", // a new session with the same pid
			),
			want: result{
				Stmts: []stmt{
					timed(1, 0.051, "SELECT 1"),
					untimed(3, "BEGIN"),
					untimed(4, "COMMIT"),
				},
				Skipped: map[Reason]int64{ReasonOtherMessage: 2, ReasonNoDuration: 1},
			},
		},
		{
			name: "log_statement = all with interleaved sessions",
			in: lines(
				pM+"LOG:  statement: SELECT pg_sleep(1)",
				pM2+"LOG:  statement: SELECT 2",
				pM2+"LOG:  duration: 0.2 ms",
				pM+"WARNING:  something the statement raised",
				pM+"LOG:  duration: 1001.3 ms",
			),
			want: result{
				Stmts: []stmt{
					timed(2, 0.2, "SELECT 2"),
					timed(1, 1001.3, "SELECT pg_sleep(1)"),
				},
				Skipped: map[Reason]int64{ReasonOtherMessage: 1},
			},
		},
		{
			name: "log_statement = all with the extended protocol",
			in: lines(
				pM+"LOG:  duration: 0.1 ms", // parse step
				pM+"LOG:  execute <unnamed>: SELECT * FROM t WHERE id = $1",
				pM+"DETAIL:  parameters: $1 = '9'",
				pM+"LOG:  duration: 0.7 ms",
			),
			want: result{
				Stmts:   []stmt{timedP(2, 0.7, "SELECT * FROM t WHERE id = $1", "$1 = '9'")},
				Skipped: map[Reason]int64{ReasonNoDuration: 1},
			},
		},
		{
			name: "failed statements: ERROR with STATEMENT, and a logged statement that failed",
			in: lines(
				pM+"ERROR:  duplicate key value violates unique constraint \"users_pkey\"",
				pM+"DETAIL:  Key (id)=(1) already exists.",
				pM+"STATEMENT:  INSERT INTO users VALUES (1)",
				pM2+"LOG:  statement: SELECT 1/0",
				pM2+"ERROR:  division by zero",
				pM2+"STATEMENT:  SELECT 1/0",
				pM+"LOG:  statement: SELECT pg_sleep(100)",
				pM+"FATAL:  terminating connection due to administrator command",
				pM+"ERROR:  canceling autovacuum task",
				pM+"CONTEXT:  automatic vacuum of table \"db.public.t\"",
			),
			want: result{Skipped: map[Reason]int64{ReasonFailed: 3, ReasonOtherMessage: 1}},
		},
		{
			name: "auto_explain",
			in: lines(
				pM+"LOG:  duration: 3.651 ms  plan:",
				"\tQuery Text: SELECT * FROM t WHERE id = 1",
				"\tIndex Scan using t_pkey on t  (cost=0.29..8.30 rows=1 width=8)",
				"\t  Index Cond: (id = 1)",
				pM+"LOG:  duration: 3.700 ms  statement: SELECT * FROM t WHERE id = 1",
			),
			want: result{
				Stmts:   []stmt{timed(5, 3.7, "SELECT * FROM t WHERE id = 1")},
				Skipped: map[Reason]int64{ReasonAutoExplain: 1},
			},
		},
		{
			name: "other messages, counted once with their DETAIL, HINT and CONTEXT lines",
			in: lines(
				pM+"LOG:  checkpoint starting: time",
				pM+"LOG:  checkpoint complete: wrote 3 buffers (0.0%); 0 WAL file(s) added, 0 removed, 0 recycled; write=0.301 s",
				pM+"LOG:  connection received: host=10.0.0.5 port=51234",
				pM+"LOG:  connection authorized: user=app database=shop",
				pM+"LOG:  automatic vacuum of table \"shop.public.orders\": index scans: 1",
				"\tpages: 0 removed, 8412 remain",
				"\ttuples: 1201 removed, 250112 remain",
				pM+"LOG:  process 5142 still waiting for ShareLock on transaction 1234 after 1000.052 ms",
				pM+"DETAIL:  Process holding the lock: 5150. Wait queue: 5142.",
				pM+"CONTEXT:  while updating tuple (0,1) in relation \"t\"",
				pM+"STATEMENT:  UPDATE t SET x = 1",
				pM+"WARNING:  there is no transaction in progress",
				pM+"HINT:  Something to do.",
				pM+"LOG:  disconnection: session time: 0:00:01.234 user=app database=shop host=10.0.0.5 port=51234",
				pM+"LOG:  duration: 1.000 ms  fastpath function call: function 123",
			),
			want: result{Skipped: map[Reason]int64{ReasonOtherMessage: 9}},
		},
		{
			name: "garbage and blank lines",
			in: lines(
				"this is not a log line",
				"",
				pM+"LOG:  duration: 1 ms  statement: SELECT 1",
				"   ",
				"another: one",
			),
			want: result{
				Stmts:   []stmt{timed(3, 1, "SELECT 1")},
				Skipped: map[Reason]int64{ReasonGarbage: 2},
			},
		},
		{
			name: "invalid UTF-8 drops the record it is in",
			in: lines(
				pM+"LOG:  duration: 1 ms  statement: SELECT 'caf\xe9'",
				pM+"LOG:  duration: 2 ms  statement: SELECT 'ok',",
				"\t'\xff'",
				pM+"LOG:  duration: 3 ms  statement: SELECT 'café'",
				"\xff\xfe binary junk",
			),
			want: result{
				Stmts:   []stmt{timed(4, 3, "SELECT 'café'")},
				Skipped: map[Reason]int64{ReasonInvalidUTF8: 3},
			},
		},
		{
			name: "rotated log: the first lines are the end of a record",
			in: lines(
				"\tAND b = 2",
				"\tORDER BY c",
				pM+"STATEMENT:  SELECT 1",
				pM+"LOG:  duration: 1 ms  statement: SELECT 2",
			),
			want: result{
				Stmts:   []stmt{timed(4, 1, "SELECT 2")},
				Skipped: map[Reason]int64{ReasonTruncated: 2},
			},
		},
		{
			// PostgreSQL ends every line with a newline: a record the input
			// ends inside may be incomplete ("WHERE a = 1 AND sta" parses).
			name: "log cut in the middle of a statement",
			in:   pM + "LOG:  duration: 1 ms  statement: SELECT 1\n" + pM + "LOG:  duration: 2 ms  statement: SELECT a FROM t WHE",
			want: result{Stmts: []stmt{timed(1, 1, "SELECT 1")}, Skipped: map[Reason]int64{ReasonTruncated: 1}},
		},
		{
			name: "log cut in the middle of a continuation line",
			in:   pM + "LOG:  duration: 2 ms  statement: SELECT a\n\tFROM t\n\tWHE",
			want: result{Skipped: map[Reason]int64{ReasonTruncated: 1}},
		},
		{
			name: "CRLF line endings",
			in:   pM + "LOG:  duration: 2 ms  statement: SELECT a\r\n\tFROM t\r\n" + pM + "LOG:  duration: 1 ms  statement: SELECT 1\r\n",
			want: result{Stmts: []stmt{timed(1, 2, "SELECT a\nFROM t"), timed(3, 1, "SELECT 1")}},
		},
		{
			name: "bad numbers and an orphan duration",
			in: lines(
				pM+"LOG:  duration: abc ms  statement: SELECT 1",
				pM+"LOG:  duration: -1 ms  statement: SELECT 1",
				pM+"LOG:  duration: 1e400 ms  statement: SELECT 1",
				pM+"LOG:  duration: 5 ms",
				pM+"LOG:  duration: 1e2 ms  statement: SELECT 2",
			),
			want: result{
				Stmts:   []stmt{timed(5, 100, "SELECT 2")},
				Skipped: map[Reason]int64{ReasonBadValue: 3, ReasonNoDuration: 1},
			},
		},
		{
			name: "DETAIL of an execution after another session's line",
			in: lines(
				pM+"LOG:  duration: 1 ms  execute S_1: SELECT $1",
				pM2+"LOG:  duration: 2 ms  statement: SELECT 2",
				pM+"DETAIL:  parameters: $1 = 'late'",
				pM+"LOG:  duration: 3 ms  execute S_1: SELECT $1",
				pM2+"LOG:  duration: 4 ms  statement: SELECT 4",
				pM+"LOG:  duration: 5 ms  statement: SELECT 5",
			),
			want: result{Stmts: []stmt{
				timed(2, 2, "SELECT 2"),
				timedP(1, 1, "SELECT $1", "$1 = 'late'"),
				timed(5, 4, "SELECT 4"),
				timed(4, 3, "SELECT $1"),
				timed(6, 5, "SELECT 5"),
			}},
		},
		{
			name: "syslog: #011 continuations and a line split for length",
			in: lines(
				"Mar 14 00:23:00 db1 postgres[4821]: [20-1] user=app,db=shop LOG:  duration: 1.5 ms  statement: SELECT a",
				"Mar 14 00:23:00 db1 postgres[4821]: [20-2] #011FROM t",
				"Mar 14 00:23:00 db1 postgres[4821]: [20-3] #011WHERE b = 'long",
				"Mar 14 00:23:00 db1 postgres[4821]: [20-4]  text'",
			),
			want: result{Stmts: []stmt{timed(1, 1.5, "SELECT a\nFROM t\nWHERE b = 'long text'")}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, st := readString(t, tt.in, FormatStderr)
			diff(t, got, tt.want)
			if st.Format != FormatStderr {
				t.Errorf("Format = %q, want stderr", st.Format)
			}
		})
	}
}

func TestReadStderrLinesAndBytes(t *testing.T) {
	in := pM + "LOG:  duration: 1 ms  statement: SELECT 1\n\tFROM t\nnoise\n" + pM + "LOG:  statement: x"
	_, st := readString(t, in, FormatStderr)
	if st.Lines != 4 || st.Bytes != int64(len(in)) {
		t.Errorf("Lines, Bytes = %d, %d; want 4, %d", st.Lines, st.Bytes, len(in))
	}
	if got, want := st.Skipped[ReasonGarbage].FirstLines, []int64{3}; len(got) != 1 || got[0] != want[0] {
		t.Errorf("garbage first lines = %v, want %v", got, want)
	}
}

func TestReadStderrTooLong(t *testing.T) {
	long := strings.Repeat("x", MaxStatementBytes)
	tests := []struct {
		name string
		in   string
		want result
	}{
		{
			name: "exactly the limit passes",
			in:   lines(pM + "LOG:  duration: 1 ms  statement: " + long),
			want: result{Stmts: []stmt{timed(1, 1, long)}},
		},
		{
			name: "one line over the limit",
			in:   lines(pM+"LOG:  duration: 1 ms  statement: "+long+"y", pM+"LOG:  duration: 2 ms  statement: SELECT 2"),
			want: result{Stmts: []stmt{timed(2, 2, "SELECT 2")}, Skipped: map[Reason]int64{ReasonTooLong: 1}},
		},
		{
			name: "far over the limit on one line",
			in:   lines(pM+"LOG:  duration: 1 ms  statement: "+long+long+long, pM+"LOG:  duration: 2 ms  statement: SELECT 2"),
			want: result{Stmts: []stmt{timed(2, 2, "SELECT 2")}, Skipped: map[Reason]int64{ReasonTooLong: 1}},
		},
		{
			name: "over the limit in continuation lines",
			in: lines(pM+"LOG:  duration: 1 ms  statement: SELECT",
				"\t"+long[:MaxStatementBytes/2], "\t"+long[:MaxStatementBytes/2], "\tx",
				pM+"LOG:  duration: 2 ms  statement: SELECT 2"),
			want: result{Stmts: []stmt{timed(5, 2, "SELECT 2")}, Skipped: map[Reason]int64{ReasonTooLong: 1}},
		},
		{
			name: "a logged statement over the limit, then its duration",
			in:   lines(pM+"LOG:  statement: "+long+"y", pM+"LOG:  duration: 1 ms"),
			want: result{Skipped: map[Reason]int64{ReasonTooLong: 1, ReasonNoDuration: 1}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := readString(t, tt.in, FormatStderr)
			diff(t, got, tt.want)
		})
	}
}

// TestReadStderrHeldBound checks that statements waiting for their duration
// are bounded: with more sessions than the bound, the oldest are emitted.
func TestReadStderrHeldBound(t *testing.T) {
	var b strings.Builder
	n := maxHeldSessions + 10
	for pid := 1; pid <= n; pid++ {
		b.WriteString("2024-01-01 00:00:00 UTC [" + strconv.Itoa(pid) + "] LOG:  statement: SELECT " + strconv.Itoa(pid) + "\n")
	}
	var first []string
	var count int
	_, err := Read(strings.NewReader(b.String()), "x", FormatStderr, func(s *Statement) error {
		if count < 10 {
			first = append(first, string(s.Query))
		}
		count++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if count != n {
		t.Errorf("emitted %d statements, want %d", count, n)
	}
	for i, q := range first {
		if want := "SELECT " + strconv.Itoa(i+1); q != want {
			t.Errorf("statement %d = %q, want %q (the oldest first)", i, q, want)
		}
	}
}

func TestFindLevel(t *testing.T) {
	tests := []struct {
		line   string
		lv     level
		prefix string
		msg    string
	}{
		{pM + "LOG:  x", lvlLog, pM, "x"},
		{pRDS + "ERROR:  boom", lvlError, pRDS, "boom"},
		{pHero + "LOG:  y", lvlLog, pHero, "y"},
		{pM + "LOG:  00000: duration: 1 ms", lvlLog, pM, "duration: 1 ms"},
		{pM + "DEBUG2:  z", lvlDebug, pM, "z"},
		{"LOG:  bare", lvlLog, "", "bare"},
		{"[5142]LOG:  glued", lvlLog, "[5142]", "glued"},
		{"CATALOG:  not a level", lvlNone, "", ""},
		{"a: b c:  d LOG:  e", lvlLog, "a: b c:  d ", "e"},
		{"LOG: one space", lvlNone, "", ""},
		{"", lvlNone, "", ""},
	}
	for _, tt := range tests {
		lv, start, msg := findLevel([]byte(tt.line))
		var prefix, m string
		if lv != lvlNone {
			prefix, m = tt.line[:start], tt.line[msg:]
		}
		if lv != tt.lv || prefix != tt.prefix || m != tt.msg {
			t.Errorf("findLevel(%q) = %d, %q, %q; want %d, %q, %q", tt.line, lv, prefix, m, tt.lv, tt.prefix, tt.msg)
		}
	}
}

func TestSessionOf(t *testing.T) {
	tests := []struct {
		prefix string
		want   uint64
	}{
		{pM, 5142},
		{pT, 44},
		{pRDS, 12850},
		{pCW, 12850},
		{pHero, 4821},
		{pQID, 691},
		{"2024-01-01 00:00:00 UTC ", 0},
		{"[local] [x] [0] ", 0},
		{"Mar 14 00:23:00 db1 postgres[4821]: [20-1] ", 4821},
	}
	for _, tt := range tests {
		if got := sessionOf([]byte(tt.prefix)); got != tt.want {
			t.Errorf("sessionOf(%q) = %d, want %d", tt.prefix, got, tt.want)
		}
	}
}

// TestGeneratedLog reads the benchmark's log and checks what it holds.
func TestGeneratedLog(t *testing.T) {
	data := genStderrLog(1 << 20)
	got, st := readString(t, string(data), FormatAuto)
	if st.Format != FormatStderr {
		t.Fatalf("Format = %q", st.Format)
	}
	for _, r := range []Reason{ReasonGarbage, ReasonInvalidUTF8, ReasonTruncated, ReasonTooLong, ReasonBadValue, ReasonNoDuration} {
		if st.Skipped[r] != nil {
			t.Errorf("skipped %d as %s", st.Skipped[r].Count, r)
		}
	}
	var params int
	for _, s := range got.Stmts {
		if !s.Timed || s.Calls != 1 {
			t.Fatalf("statement %+v", s)
		}
		if s.Params != "" {
			params++
			if !strings.HasPrefix(s.Params, "$1 = '") {
				t.Fatalf("params %q", s.Params)
			}
		}
	}
	if params == 0 || len(got.Stmts) < 1000 {
		t.Errorf("%d statements, %d with parameters", len(got.Stmts), params)
	}
	if n := bytes.Count(data, []byte("statement: ")) + bytes.Count(data, []byte("execute S_")); int64(n) != st.Statements {
		t.Errorf("Statements = %d, the log has %d", st.Statements, n)
	}
}
