package catalog

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// ConnectOptions bound what a pgadvise connection may do. The zero value
// means the defaults.
type ConnectOptions struct {
	// StatementTimeout caps every statement (default 30s).
	StatementTimeout time.Duration
	// LockTimeout caps every wait for a lock (default 5s): pgadvise never
	// queues behind a DDL's ACCESS EXCLUSIVE lock for long.
	LockTimeout time.Duration
	// IdleInTransactionTimeout ends the session if it sits in an open
	// transaction (default 60s), so a stuck client cannot hold a snapshot
	// back from vacuum.
	IdleInTransactionTimeout time.Duration
	// ConnectTimeout caps the connection attempt (default 10s) unless the
	// connection string sets connect_timeout.
	ConnectTimeout time.Duration
	// ApplicationName is the session's application_name (default "pgadvise").
	ApplicationName string

	// writable leaves default_transaction_read_only out of the guards:
	// ConnectWritable only.
	writable bool

	// forceSET skips the startup parameters and sets the guards with SET,
	// as after a PgBouncer rejection (for tests).
	forceSET bool
}

// Defaults of ConnectOptions.
const (
	DefaultStatementTimeout         = 30 * time.Second
	DefaultLockTimeout              = 5 * time.Second
	DefaultIdleInTransactionTimeout = 60 * time.Second
	DefaultConnectTimeout           = 10 * time.Second
	DefaultApplicationName          = "pgadvise"
)

func (o ConnectOptions) withDefaults() ConnectOptions {
	if o.StatementTimeout <= 0 {
		o.StatementTimeout = DefaultStatementTimeout
	}
	if o.LockTimeout <= 0 {
		o.LockTimeout = DefaultLockTimeout
	}
	if o.IdleInTransactionTimeout <= 0 {
		o.IdleInTransactionTimeout = DefaultIdleInTransactionTimeout
	}
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = DefaultConnectTimeout
	}
	if o.ApplicationName == "" {
		o.ApplicationName = DefaultApplicationName
	}
	return o
}

// guards are the session settings that make a connection read-only and
// bounded, in the order they are sent.
func (o ConnectOptions) guards() [][2]string {
	ms := func(d time.Duration) string { return strconv.FormatInt(d.Milliseconds(), 10) }
	g := [][2]string{
		{"default_transaction_read_only", "on"},
		{"statement_timeout", ms(o.StatementTimeout)},
		{"lock_timeout", ms(o.LockTimeout)},
		{"idle_in_transaction_session_timeout", ms(o.IdleInTransactionTimeout)},
	}
	if o.writable {
		return g[1:]
	}
	return g
}

// Connect opens a read-only, bounded connection with the default
// ConnectOptions; see ConnectWith.
func Connect(ctx context.Context, dsn string) (*pgx.Conn, error) {
	return ConnectWith(ctx, dsn, ConnectOptions{})
}

// ConnectWith opens one connection for pgadvise to read a database. dsn is
// a URL (postgres://user@host:5432/db?sslmode=require) or key=value string
// as libpq takes it; empty, or for what it leaves out, the PG* environment
// variables (PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD, PGSSLMODE, ...)
// and ~/.pgpass apply, as with psql.
//
// Every session is read-only and bounded: default_transaction_read_only=on
// (a write fails with SQLSTATE 25006), statement_timeout, lock_timeout,
// idle_in_transaction_session_timeout and application_name are sent as
// startup parameters; when the server refuses them (PgBouncer rejects
// unknown startup parameters) it reconnects without them and sets them with
// SET. Behind PgBouncer in transaction pooling such a SET stays on the
// server connection, which PgBouncer shares only among clients of the same
// user: connect as a dedicated role (with the same settings made by ALTER
// ROLE). This is a guard against mistakes, not a security boundary: that
// role must not be able to write (see the README's least-privilege role).
//
// A failure names the host, port, database and user, never the password:
// a connection string that does not parse is not shown at all (a password
// the parser could not delimit would show in part), and the password of
// one that parses is masked wherever it appears in an error.
func ConnectWith(ctx context.Context, dsn string, opt ConnectOptions) (*pgx.Conn, error) {
	opt = opt.withDefaults()
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, parseError(dsn, err)
	}
	if err := checkParsed(cfg); err != nil {
		return nil, err
	}
	hide := secretsOf(cfg)
	// Server-side prepared statements are not shared through PgBouncer in
	// transaction mode: describe each statement instead (pgadvise runs few
	// queries, each once).
	cfg.DefaultQueryExecMode = pgx.QueryExecModeDescribeExec
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = opt.ConnectTimeout
	}
	target := describeTarget(cfg)
	startup := cfg.Copy()
	if startup.RuntimeParams == nil {
		startup.RuntimeParams = map[string]string{}
	}
	startup.RuntimeParams["application_name"] = opt.ApplicationName
	useSET := opt.forceSET
	if !useSET {
		for _, g := range opt.guards() {
			startup.RuntimeParams[g[0]] = g[1]
		}
	}
	conn, err := connect(ctx, startup)
	if err != nil && !useSET && rejectedStartupParam(err) {
		// PgBouncer: "unsupported startup parameter". Retry with only
		// application_name (which it passes on), then SET the rest.
		useSET = true
		for _, g := range opt.guards() {
			delete(startup.RuntimeParams, g[0])
		}
		conn, err = connect(ctx, startup)
		if err != nil && rejectedStartupParam(err) {
			delete(startup.RuntimeParams, "application_name")
			conn, err = connect(ctx, startup)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("catalog: cannot connect to %s: %s", target, hide.from(connectCause(err)))
	}
	if useSET {
		if err := setGuards(ctx, conn, opt); err != nil {
			_ = conn.Close(context.WithoutCancel(ctx))
			return nil, fmt.Errorf("catalog: connected to %s but could not set its guards (read-only, timeouts): %s", target, hide.from(err.Error()))
		}
	}
	return conn, nil
}

func connect(ctx context.Context, cfg *pgx.ConnConfig) (*pgx.Conn, error) {
	return pgx.ConnectConfig(ctx, cfg)
}

// setGuards sets the read-only guard and the timeouts with SET, and checks
// that the guard took.
func setGuards(ctx context.Context, conn *pgx.Conn, opt ConnectOptions) error {
	params := append(opt.guards(), [2]string{"application_name", opt.ApplicationName})
	for _, g := range params {
		// set_config(name, value, false) is SET name = value.
		if _, err := conn.Exec(ctx, selfTag+"SELECT pg_catalog.set_config($1, $2, false)", g[0], g[1]); err != nil {
			if g[0] == "application_name" {
				continue // cosmetic
			}
			return fmt.Errorf("setting %s: %w", g[0], err)
		}
	}
	if opt.writable {
		return nil
	}
	var ro string
	if err := conn.QueryRow(ctx, selfTag+"SHOW default_transaction_read_only").Scan(&ro); err != nil {
		return fmt.Errorf("checking default_transaction_read_only: %w", err)
	}
	if ro != "on" {
		return fmt.Errorf("default_transaction_read_only is %q after SET", ro)
	}
	return nil
}

// rejectedStartupParam reports whether the server (or a pooler in front of
// it) refused the connection because of a startup parameter: PgBouncer
// answers "unsupported startup parameter: NAME" (SQLSTATE 08P01).
func rejectedStartupParam(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		msg := strings.ToLower(pe.Message)
		return strings.Contains(msg, "startup parameter") ||
			(pe.Code == "08P01" && strings.Contains(msg, "parameter"))
	}
	return strings.Contains(strings.ToLower(err.Error()), "unsupported startup parameter")
}

// describeTarget names where a configuration connects: host:port (or the
// unix socket directory), database and user. It never includes the
// password.
func describeTarget(cfg *pgx.ConnConfig) string {
	var hosts []string
	add := func(host string, port uint16) {
		if strings.HasPrefix(host, "/") {
			hosts = append(hosts, fmt.Sprintf("socket %s port %d", host, port))
			return
		}
		hosts = append(hosts, net.JoinHostPort(host, strconv.Itoa(int(port))))
	}
	add(cfg.Host, cfg.Port)
	for _, fb := range cfg.Fallbacks {
		if fb.Host != cfg.Host || fb.Port != cfg.Port {
			add(fb.Host, fb.Port)
		}
	}
	db := cfg.Database
	if db == "" {
		db = cfg.User
	}
	return fmt.Sprintf("database %q on %s as user %q", db, strings.Join(hosts, ", "), cfg.User)
}

// connectCause is the reason a connection failed, without pgx's prefix
// (which repeats the user and database) and without secrets.
func connectCause(err error) string {
	var ce *pgconn.ConnectError
	msg := err.Error()
	if errors.As(err, &ce) {
		if inner := errors.Unwrap(ce); inner != nil {
			msg = attemptsCause(inner)
		}
	}
	if errors.Is(err, context.DeadlineExceeded) && !strings.Contains(msg, "timeout") {
		msg += " (timed out)"
	}
	return redactSecrets(msg)
}

// attemptsCause picks, from pgx's joined errors of every attempt (each host
// and, with sslmode=prefer or allow, one with TLS and one without), the
// ones that say why the connection failed: a server without TLS refusing
// the TLS attempt is the expected fallback, not the cause, and a server's
// answer (a role or database that does not exist, a password refused)
// matters more than another attempt's network error. Each reason is given
// once, on one line, without the host when every attempt was to the same
// one (the message names it already).
func attemptsCause(inner error) string {
	attempts := []error{inner}
	if j, ok := inner.(interface{ Unwrap() []error }); ok {
		attempts = j.Unwrap()
	}
	var kept, server []error
	for _, a := range attempts {
		if a != nil && !strings.Contains(a.Error(), "server refused TLS connection") {
			kept = append(kept, a)
		}
	}
	if len(kept) == 0 {
		kept = attempts
	}
	for _, a := range kept {
		var pe *pgconn.PgError
		if errors.As(a, &pe) {
			server = append(server, a)
		}
	}
	if len(server) > 0 {
		kept = server
	}
	// The per-attempt prefix, "127.0.0.1:5432 (db.internal): ".
	prefix := func(a error) string {
		if u := errors.Unwrap(a); u != nil {
			return strings.TrimSuffix(a.Error(), u.Error())
		}
		return ""
	}
	oneHost := true
	for _, a := range kept {
		oneHost = oneHost && prefix(a) == prefix(kept[0])
	}
	var msgs []string
	seen := map[string]bool{}
	for _, a := range kept {
		m := a.Error()
		var pe *pgconn.PgError
		switch {
		case errors.As(a, &pe):
			m = prefix(a) + pe.Error()
		}
		if oneHost {
			m = strings.TrimPrefix(m, prefix(a))
		}
		m = strings.Join(strings.Fields(m), " ")
		if !seen[m] {
			seen[m] = true
			msgs = append(msgs, m)
		}
	}
	return strings.Join(msgs, "; ")
}

var (
	urlPassword = regexp.MustCompile(`(://[^:/@\s]*):[^@\s]*@`)
	kvPassword  = regexp.MustCompile(`(?i)((?:ssl)?password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&]*)`)
)

// redactSecrets masks passwords in a message that may quote a connection
// string.
func redactSecrets(s string) string {
	s = urlPassword.ReplaceAllString(s, "$1:xxxxx@")
	return kvPassword.ReplaceAllString(s, "${1}xxxxx")
}

// parseError is the error for a connection string pgx cannot parse. It
// never quotes the string: where its syntax is broken, no redaction can
// know where a password ends (password='a\' b unterminated). It keeps
// pgconn's own description of the failure, which is fixed text, and says
// how to write the string.
func parseError(dsn string, err error) error {
	what := ""
	var pce *pgconn.ParseConfigError
	if errors.As(err, &pce) {
		what = parseFailure(pce)
	}
	var pathErr *fs.PathError
	if errors.As(err, &pathErr) {
		what = strings.TrimPrefix(what+"; ", "; ") + fmt.Sprintf("cannot read %s", pathErr.Path)
	}
	if what != "" {
		what += "; "
	}
	hint := "in key=value form, quote a value holding spaces or quotes in single quotes, with \\' and \\\\ for a quote and a backslash inside (password='a\\'b')"
	if isURL(dsn) {
		hint = urlHint
	}
	return fmt.Errorf("catalog: invalid connection string (not shown: it may hold a password): %s%s; or give the password in PGPASSWORD or ~/.pgpass", what, hint)
}

// parseFailure is pgconn's description of a parse failure ("invalid
// port", "failed to parse as URL") without the connection string or the
// wrapped error, which may quote pieces of it.
func parseFailure(pce *pgconn.ParseConfigError) string {
	msg := pce.Error()
	if inner := errors.Unwrap(pce); inner != nil {
		msg = strings.TrimSuffix(msg, " ("+inner.Error()+")")
	}
	// "cannot parse `DSN`: MSG": MSG is pgconn's text, without backquotes,
	// so the last "`: " ends the string.
	i := strings.LastIndex(msg, "`: ")
	if i < 0 {
		return ""
	}
	msg = msg[i+3:]
	for _, r := range msg {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == ' ' || r == '/' || r == '_' || r == '-') {
			return ""
		}
	}
	return msg
}

// urlHint says how to write a password into a URL.
const urlHint = "in a postgres:// URL, percent-encode the characters @ : / ? # % and spaces in the user name and password (%40 for @)"

func isURL(dsn string) bool {
	d := strings.TrimSpace(dsn)
	return strings.HasPrefix(d, "postgres://") || strings.HasPrefix(d, "postgresql://")
}

// checkParsed refuses a configuration that shows a URL was split in the
// wrong place: an unencoded @ in the password (postgres://u:p@ss@host/db)
// makes the rest of the password the host, which an error would print.
func checkParsed(cfg *pgx.ConnConfig) error {
	hosts := []string{cfg.Host}
	for _, fb := range cfg.Fallbacks {
		hosts = append(hosts, fb.Host)
	}
	for _, h := range append(hosts, cfg.Database) {
		if strings.Contains(h, "@") {
			return errors.New("catalog: invalid connection string (not shown: it may hold a password): its host or database name holds an @, " +
				"as when a password holds an unencoded @; " + urlHint + "; or give the password in PGPASSWORD or ~/.pgpass")
		}
	}
	return nil
}

// secrets are the passwords of a connection configuration, to mask in
// error texts.
type secrets []string

func secretsOf(cfg *pgx.ConnConfig) secrets {
	if cfg.Password == "" {
		return nil
	}
	return secrets{cfg.Password}
}

// from masks every password in msg, then anything that looks like one
// (redactSecrets).
func (s secrets) from(msg string) string {
	for _, pw := range s {
		msg = strings.ReplaceAll(msg, pw, "xxxxx")
	}
	return redactSecrets(msg)
}
