package catalog

import (
	"context"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/pgadvise/pgadvise/capture"
)

// TestSelfTag: capture must recognize the statements catalog sends.
func TestSelfTag(t *testing.T) {
	if selfTag != capture.SelfTag {
		t.Errorf("catalog tags its statements %q, capture skips %q", selfTag, capture.SelfTag)
	}
}

// fakePooler accepts connections like PgBouncer does: a startup packet with
// a parameter it does not know is refused with "unsupported startup
// parameter"; any other is passed on to the server's unix socket, and the
// connection proxied.
type fakePooler struct {
	ln       net.Listener
	socket   string
	refused  atomic.Int32
	accepted atomic.Int32
}

// poolerParams are the startup parameters PgBouncer passes on by default.
var poolerParams = map[string]bool{"user": true, "database": true, "application_name": true,
	"client_encoding": true, "datestyle": true, "timezone": true, "standard_conforming_strings": true}

func startFakePooler(t *testing.T, socketDir string, port int) *fakePooler {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &fakePooler{ln: ln, socket: filepath.Join(socketDir, fmt.Sprintf(".s.PGSQL.%d", port))}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.serve(c)
		}
	}()
	return p
}

func (p *fakePooler) serve(c net.Conn) {
	defer c.Close()
	be := pgproto3.NewBackend(c, c)
	for {
		msg, err := be.ReceiveStartupMessage()
		if err != nil {
			return
		}
		switch m := msg.(type) {
		case *pgproto3.SSLRequest, *pgproto3.GSSEncRequest:
			if _, err := c.Write([]byte("N")); err != nil {
				return
			}
			continue
		case *pgproto3.StartupMessage:
			for k := range m.Parameters {
				if !poolerParams[strings.ToLower(k)] {
					p.refused.Add(1)
					be.Send(&pgproto3.ErrorResponse{Severity: "FATAL", Code: "08P01", Message: "unsupported startup parameter: " + k})
					_ = be.Flush()
					return
				}
			}
			p.accepted.Add(1)
			s, err := net.Dial("unix", p.socket)
			if err != nil {
				return
			}
			defer s.Close()
			b, err := m.Encode(nil)
			if err != nil {
				return
			}
			if _, err := s.Write(b); err != nil {
				return
			}
			go func() { _, _ = io.Copy(s, c); s.Close() }()
			_, _ = io.Copy(c, s)
			return
		default:
			return
		}
	}
}

// TestConnectThroughPooler connects through a pooler that refuses the
// guard's startup parameters: Connect falls back to SET, and the session is
// as read-only and bounded as a direct one.
func TestConnectThroughPooler(t *testing.T) {
	c := cluster(t)
	newDB(t, "pooled", "CREATE TABLE t (a int)")
	p := startFakePooler(t, c.SocketDir(), c.Port())
	ctx := testCtx(t)
	dsn := fmt.Sprintf("postgres://postgres@%s/pooled?sslmode=disable", p.ln.Addr())
	conn, err := Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if p.refused.Load() != 1 || p.accepted.Load() != 1 {
		t.Errorf("pooler refused %d, accepted %d startups; want 1 and 1", p.refused.Load(), p.accepted.Load())
	}
	checkGuard(t, conn, "30s")
	// ReadLive works on such a connection.
	if _, _, err := ReadLive(ctx, conn); err != nil {
		t.Fatal(err)
	}
}

func TestRejectedStartupParam(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{&pgconn.PgError{Severity: "FATAL", Code: "08P01", Message: "unsupported startup parameter: statement_timeout"}, true},
		{fmt.Errorf("failed to connect: %w", &pgconn.PgError{Code: "08P01", Message: "unsupported startup parameter: x"}), true},
		{&pgconn.PgError{Code: "28P01", Message: "password authentication failed for user \"bob\""}, false},
		{&pgconn.PgError{Code: "3D000", Message: "database \"x\" does not exist"}, false},
		{io.EOF, false},
	} {
		if got := rejectedStartupParam(tc.err); got != tc.want {
			t.Errorf("rejectedStartupParam(%v) = %v", tc.err, got)
		}
	}
}

func TestRedactSecrets(t *testing.T) {
	for in, want := range map[string]string{
		"cannot parse `postgres://bob:s3cr3t@h/db`":       "cannot parse `postgres://bob:xxxxx@h/db`",
		"host=h password=s3cr3t user=bob":                 "host=h password=xxxxx user=bob",
		"host=h password='s3 cr3t' user=bob":              "host=h password=xxxxx user=bob",
		"postgres://h/db?sslpassword=s3cr3t&x=1":          "postgres://h/db?sslpassword=xxxxx&x=1",
		"password authentication failed for user \"bob\"": "password authentication failed for user \"bob\"",
	} {
		if got := redactSecrets(in); got != want {
			t.Errorf("redactSecrets(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestConnectErrorHidesPassword: whatever the password holds (quotes,
// spaces, an unencoded @ or /), no piece of it is in the error, whether
// the connection string parses or not; the error still says where.
func TestConnectErrorHidesPassword(t *testing.T) {
	// Each password is made of the pieces Zq, Wx and Vy.
	tests := []struct {
		dsn, want string
	}{
		{`host=127.0.0.1 port=1 user=bob password='Zq\' Wx' dbname=shop`, "cannot connect"},
		{`host=127.0.0.1 port=1 user=bob password='Zq\' Wx dbname=shop`, "not shown"},
		{`host=127.0.0.1 port=1 user=bob password=Zq' Wx dbname=shop`, "not shown"},
		{`host=127.0.0.1 port=1 user=bob password = "Zq'u Wx" dbname=shop`, "not shown"},
		{`host=127.0.0.1 port=x user=bob password=ZqWxVy`, "invalid port"},
		{`postgres://bob:Zq@Wx@127.0.0.1:1/shop`, "unencoded @"},
		{`postgres://bob:Zq/Wx@127.0.0.1:1/shop`, "percent-encode"},
		{`postgres://bob:Zq/Wx@127.0.0.1:1/sh@op`, "percent-encode"},
		{`postgres://bob:Zq Wx@127.0.0.1:1/shop`, "percent-encode"},
		{`postgres://bob:Zq%zzWx@127.0.0.1:1/shop`, "percent-encode"},
		{`postgres://bob:ZqWx@127.0.0.1:1/shop?password=VyVy&sslmode=bogus`, "not shown"},
		{`postgres://bob:Zq:Wx@127.0.0.1:1/shop?connect_timeout=5`, "cannot connect"},
		{`postgres://bob:Zq%40Wx@127.0.0.1:1/shop`, "cannot connect"},
	}
	for _, tt := range tests {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, err := ConnectWith(ctx, tt.dsn, ConnectOptions{ConnectTimeout: 5 * time.Second})
		cancel()
		if err == nil {
			t.Errorf("%s: connected", tt.dsn)
			continue
		}
		msg := err.Error()
		for _, piece := range []string{"Zq", "Wx", "Vy"} {
			if strings.Contains(msg, piece) {
				t.Errorf("%s: the error shows %q of the password: %s", tt.dsn, piece, msg)
			}
		}
		if !strings.Contains(msg, tt.want) {
			t.Errorf("%s: the error does not say %q: %s", tt.dsn, tt.want, msg)
		}
	}
}
