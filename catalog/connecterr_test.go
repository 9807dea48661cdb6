package catalog

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pgadvise/pgadvise/internal/pgtest"
)

// TestConnectErrorOnce: with sslmode=prefer (libpq's default) pgx tries TLS
// first and then a plain connection; a server without TLS refuses the
// first, so every failure began with "tls error: server refused TLS
// connection" and then gave the reason that matters. The error names the
// reason, once.
func TestConnectErrorOnce(t *testing.T) {
	c := pgtest.Start(t, pgtest.WithTCP())
	tests := []struct {
		dsn  string
		want string
	}{
		{fmt.Sprintf("host=127.0.0.1 port=%d user=nobody dbname=postgres", c.Port()), `role "nobody" does not exist`},
		{fmt.Sprintf("postgres://%s@127.0.0.1:%d/nosuchdb", pgtest.Superuser, c.Port()), `database "nosuchdb" does not exist`},
		{fmt.Sprintf("postgres://%s@127.0.0.1:%d/nosuchdb?sslmode=allow", pgtest.Superuser, c.Port()), `database "nosuchdb" does not exist`},
	}
	for _, tt := range tests {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		_, err := ConnectWith(ctx, tt.dsn, ConnectOptions{})
		cancel()
		if err == nil {
			t.Errorf("%s: connected", tt.dsn)
			continue
		}
		msg := err.Error()
		if strings.Contains(msg, "tls") || strings.Contains(msg, "TLS") {
			t.Errorf("%s: the error speaks of TLS: %s", tt.dsn, msg)
		}
		if n := strings.Count(msg, tt.want); n != 1 {
			t.Errorf("%s: %q %d times in %s", tt.dsn, tt.want, n, msg)
		}
		if strings.Contains(msg, "\n") {
			t.Errorf("%s: the error has several lines: %q", tt.dsn, msg)
		}
	}
}
