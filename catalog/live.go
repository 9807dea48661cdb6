package catalog

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/pgadvise/pgadvise/internal/selftag"
	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// LiveReport says what ReadLive read from the server and what it could not.
type LiveReport struct {
	// ServerVersion is the server's version string ("15.18") and
	// ServerVersionNum its number (150018).
	ServerVersion    string `json:"server_version"`
	ServerVersionNum int    `json:"server_version_num"`
	// Database is the name of the database read.
	Database string `json:"database"`
	// ReadAt is the server's clock when the read transaction began.
	ReadAt time.Time `json:"read_at"`
	// StatsReset is pg_stat_database.stats_reset for the database: the
	// activity counters (idx_scan, seq_scan, n_tup_*) count from then. Nil
	// when they were never reset (they count from the database's creation,
	// or from the last crash recovery, which also clears them).
	StatsReset *time.Time `json:"stats_reset,omitempty"`
	// ServerStart is pg_postmaster_start_time(): with StatsReset nil, a
	// bound of the counters' window that only the advisor may judge (from
	// PostgreSQL 15 on the counters survive a clean restart; a crash, or a
	// database created later, still starts them afresh).
	ServerStart *time.Time `json:"server_start,omitempty"`
	// InRecovery reports a standby: its counters count only the reads it
	// served, not the primary's.
	InRecovery bool `json:"in_recovery,omitempty"`
	// Tables and Indexes count what was read.
	Tables  int `json:"tables"`
	Indexes int `json:"indexes"`
	// Issues lists what could not be read, or was read but should be
	// looked at, each with a sentence saying what to do.
	Issues []LiveIssue `json:"issues,omitempty"`
}

// LiveIssue is one thing ReadLive could not read, or read with a caveat.
type LiveIssue struct {
	// Kind is one of the Issue* constants.
	Kind string `json:"kind"`
	// Relation is the table or index concerned, schema-qualified, or "".
	Relation string `json:"relation,omitempty"`
	// Message says what happened and what to do, in a sentence.
	Message string `json:"message"`
}

// Kinds of LiveIssue. The values are stable: they appear in snapshots.
const (
	// IssueStatsHidden: pg_stats hides a table's column statistics from
	// roles that may not SELECT it.
	IssueStatsHidden = "column_stats_hidden"
	// IssueNeverAnalyzed: a table has no planner statistics.
	IssueNeverAnalyzed = "never_analyzed"
	// IssueInvalidIndex: an index is invalid (a failed CREATE INDEX
	// CONCURRENTLY) or being built or dropped; it is left out.
	IssueInvalidIndex = "invalid_index"
	// IssueIndexUnparsed: an index definition the parser could not read;
	// it is left out.
	IssueIndexUnparsed = "index_definition_unparsed"
	// IssueSizeEstimated: index sizes come from pg_class.relpages (as of the
	// last VACUUM or ANALYZE) because pg_relation_size could not be read.
	IssueSizeEstimated = "index_size_estimated"
	// IssueUnreadable: a part of the statistics could not be read at all
	// (a permission, a timeout); the rest was.
	IssueUnreadable = "unreadable"
	// IssueLocked: a DDL statement holds, or waits for, an ACCESS EXCLUSIVE
	// lock on a table; its index definitions and partition key, which
	// PostgreSQL reads under a lock of its own, were left out.
	IssueLocked = "locked"
)

func (rep *LiveReport) issue(kind, relation, format string, args ...any) {
	rep.Issues = append(rep.Issues, LiveIssue{Kind: kind, Relation: relation, Message: fmt.Sprintf(format, args...)})
}

// ReadLive reads the schema and its statistics from a live database, in one
// REPEATABLE READ READ ONLY transaction (so every figure comes from one
// snapshot), and writes nothing. conn must not be in a transaction; it is
// usable again afterwards.
//
// It reads the user's tables, partitioned tables, views, materialized views
// and foreign tables (not pg_catalog, information_schema, TOAST, temporary
// or extension-owned relations), their columns, primary key, unique,
// foreign key and exclusion constraints, partitioning and inheritance, and
// every valid index, parsed from pg_get_indexdef with the DDL reader, so
// that an Index is the same as one read from pg_dump -s.
//
// Statistics: Table.Stats from pg_class (reltuples, relpages; a table never
// analyzed has Rows from n_live_tup, or 0 for unknown) and
// pg_stat_user_tables (n_tup_ins/upd/hot_upd/del, seq_scan, idx_scan);
// Column.Stats from pg_stats; Index.Stats from pg_stat_user_indexes
// (Scans is idx_scan since the stats reset) and pg_relation_size (or
// relpages when that cannot be read), left nil when idx_scan could not be
// read, so that Scans = 0 always means unused since the reset. A
// partitioned table or index sums its partitions' figures.
//
// What cannot be read for lack of privilege or time is listed in the
// LiveReport and the run goes on; an error means the schema itself could
// not be read.
func ReadLive(ctx context.Context, conn *pgx.Conn) (*Schema, *LiveReport, error) {
	// Transaction control is sent by hand, tagged like every statement, so
	// that pg_stat_statements' utility entries of pgadvise are left out too.
	if _, err := conn.Exec(ctx, selfTag+"BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); err != nil {
		return nil, nil, fmt.Errorf("catalog: starting the read-only transaction: %w", err)
	}
	done := false
	defer func() {
		if !done {
			_, _ = conn.Exec(context.WithoutCancel(ctx), selfTag+"ROLLBACK")
		}
	}()
	l := &liveReader{conn: conn, r: newReader(), rep: &LiveReport{}, tables: map[uint32]*Table{}}
	steps := []struct {
		what string
		fn   func(context.Context) error
	}{
		{"session settings", l.settings},
		{"server", l.server},
		{"locks (pg_locks)", l.readLocks},
		{"tables", l.relations},
		{"columns", l.columns},
		{"partitions and inheritance", l.inherits},
		{"indexes", l.readIndexes},
		{"foreign keys", l.foreignKeys},
	}
	for _, s := range steps {
		if err := l.aroundLocks(ctx, s.fn); err != nil {
			return nil, nil, fmt.Errorf("catalog: reading %s: %w", s.what, err)
		}
	}
	l.reportLocked()
	optional := []struct {
		what string
		fn   func(context.Context) error
	}{
		{"column statistics (pg_stats)", l.columnStats},
		{"index usage (pg_stat_user_indexes)", l.indexStats},
		{"index sizes (pg_relation_size)", l.readIndexSizes},
	}
	for _, s := range optional {
		if err := l.optional(ctx, s.what, s.fn); err != nil {
			return nil, nil, fmt.Errorf("catalog: reading %s: %w", s.what, err)
		}
	}
	l.finishStats()
	for _, w := range l.r.rep.Warnings {
		l.rep.issue(IssueIndexUnparsed, "", "%s", strings.TrimPrefix(w, "line 0: "))
	}
	l.sortSchema()
	l.rep.Tables = len(l.r.s.Tables)
	for _, t := range l.r.s.Tables {
		l.rep.Indexes += len(t.Indexes)
	}
	done = true
	if _, err := conn.Exec(ctx, selfTag+"ROLLBACK"); err != nil {
		return nil, nil, fmt.Errorf("catalog: ending the read-only transaction: %w", err)
	}
	return l.r.s, l.rep, nil
}

// maxLockRetries bounds how often a step is run again after a lock taken
// between the look at pg_locks and the step.
const maxLockRetries = 3

// aroundLocks runs one step of the schema read so that a DDL lock does not
// stop it. PostgreSQL's pg_get_indexdef and pg_get_partkeydef take an
// ACCESS SHARE lock on the table (measured on PostgreSQL 15: behind a
// concurrent LOCK TABLE ... IN ACCESS EXCLUSIVE MODE they wait until
// lock_timeout, and the statement fails). The steps call them only for
// tables no one holds or waits for such a lock on (l.locked, from
// pg_locks); a lock taken in between fails the step with lock_timeout, and
// the step runs again, in a savepoint, with the new locks known.
func (l *liveReader) aroundLocks(ctx context.Context, fn func(context.Context) error) error {
	for try := 0; ; try++ {
		if _, err := l.conn.Exec(ctx, selfTag+"SAVEPOINT pgadvise_locks"); err != nil {
			return err
		}
		err := fn(ctx)
		var pe *pgconn.PgError
		if err == nil || try == maxLockRetries || !errors.As(err, &pe) || pe.Code != "55P03" || ctx.Err() != nil {
			if err != nil {
				return err
			}
			_, err = l.conn.Exec(ctx, selfTag+"RELEASE SAVEPOINT pgadvise_locks")
			return err
		}
		if _, err := l.conn.Exec(ctx, selfTag+"ROLLBACK TO SAVEPOINT pgadvise_locks"); err != nil {
			return err
		}
		if err := l.readLocks(ctx); err != nil {
			return err
		}
	}
}

// readLocks lists the relations of this database another session holds,
// or waits for, an ACCESS EXCLUSIVE lock on: the only mode that conflicts
// with ACCESS SHARE, and a waiting request queues later ACCESS SHARE
// requests behind it. pg_locks is readable by every role.
func (l *liveReader) readLocks(ctx context.Context) error {
	rows, err := l.conn.Query(ctx, selfTag+`SELECT DISTINCT l.relation FROM pg_catalog.pg_locks l
	WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock'
		AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
		AND l.pid IS DISTINCT FROM pg_catalog.pg_backend_pid()`)
	if err != nil {
		return err
	}
	locked, err := pgx.CollectRows(rows, pgx.RowTo[uint32])
	if err != nil {
		return err
	}
	for _, oid := range locked {
		if !slices.Contains(l.locked, oid) {
			l.locked = append(l.locked, oid)
		}
	}
	return nil
}

// lockedOIDs is l.locked for a query parameter: never nil, since
// "oid <> ALL(NULL)" is NULL, not true.
func (l *liveReader) lockedOIDs() []uint32 {
	return append([]uint32{}, l.locked...)
}

// reportLocked says which tables were read without their index definitions
// and partition key.
func (l *liveReader) reportLocked() {
	for _, oid := range l.oids {
		if t := l.tables[oid]; t != nil && slices.Contains(l.locked, oid) {
			l.rep.issue(IssueLocked, t.Name.String(), "table %s: a DDL statement holds or waits for an ACCESS EXCLUSIVE lock on it: its columns were read, but not its indexes or partition key (PostgreSQL reads those under a lock): the advice may propose an index it already has; run again once the DDL is done", t.Name)
		}
	}
}

// selfTag starts every statement pgadvise sends, so that reading
// pg_stat_statements can leave pgadvise's own out.
const selfTag = selftag.Tag

// liveReader holds the state of one ReadLive.
type liveReader struct {
	conn *pgx.Conn // in the read-only transaction
	// locked lists the relations another session holds or waits for an
	// ACCESS EXCLUSIVE lock on (readLocks).
	locked  []uint32
	r       *reader // the DDL reader, for index definitions and expressions
	rep     *LiveReport
	version int
	// blockSize is the server's BLCKSZ.
	blockSize float64
	tables    map[uint32]*Table
	oids      []uint32 // of tables, sorted
	rels      map[uint32]*relRow
	// indexes maps an index's oid to its table and name.
	indexes   map[uint32]indexRef
	indexOIDs []uint32
	// indexPages is pg_class.relpages of each index.
	indexPages map[uint32]float64
	// indexScans and indexSizes are read per index; partitioned indexes sum
	// their partitions' in finishStats.
	indexScans map[uint32]int64
	indexSizes map[uint32]int64
	// indexChildren lists the partition indexes of a partitioned index.
	indexChildren map[uint32][]uint32
	partitions    map[uint32][]uint32 // partitioned table → its partitions
}

type indexRef struct {
	table   uint32
	name    string
	kind    string // "i" or "I" (partitioned)
	skipped bool   // invalid, unparsed: not in the schema
}

func collect[T any](ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}, sql string, args ...any) ([]T, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[T])
}

// tableRow is a row that describes one of the tables read: its oid is
// the table's.
type tableRow interface{ tableOID() uint32 }

// forEachTable runs query, whose $1 is the oids of the tables read, and
// calls fn with each row and the table it describes (a row of any other
// relation is passed over).
func forEachTable[T tableRow](ctx context.Context, l *liveReader, query string, fn func(*Table, T)) error {
	rows, err := collect[T](ctx, l.conn, query, l.oids)
	if err != nil {
		return err
	}
	for _, row := range rows {
		if t := l.tables[row.tableOID()]; t != nil {
			fn(t, row)
		}
	}
	return nil
}

// optional runs one statistics read in a savepoint: if it fails for a
// reason other than cancellation, the failure becomes an issue and the
// transaction goes on.
func (l *liveReader) optional(ctx context.Context, what string, fn func(context.Context) error) error {
	if _, err := l.conn.Exec(ctx, selfTag+"SAVEPOINT pgadvise_optional"); err != nil {
		return err
	}
	if err := fn(ctx); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if _, rerr := l.conn.Exec(ctx, selfTag+"ROLLBACK TO SAVEPOINT pgadvise_optional"); rerr != nil {
			return fmt.Errorf("%w (and rolling back to the savepoint: %v)", err, rerr)
		}
		l.rep.issue(IssueUnreadable, "", "%s could not be read: %s; the rest was read", what, explainPgError(err))
	}
	_, err := l.conn.Exec(ctx, selfTag+"RELEASE SAVEPOINT pgadvise_optional")
	return err
}

// explainPgError turns a server error into a sentence with a hint.
func explainPgError(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		if hint := PgErrorHint(pe.Code); hint != "" {
			return pe.Message + " (" + hint + ")"
		}
		return pe.Message
	}
	return err.Error()
}

// PgErrorHint says what to do about a server error pgadvise's settings or
// role cause (SQLSTATE code): a missing grant, statement_timeout,
// lock_timeout; "" for others.
func PgErrorHint(code string) string {
	switch code {
	case "42501":
		return "grant the role pg_monitor, or pg_read_all_stats"
	case "57014":
		return "statement_timeout: raise it with --statement-timeout"
	case "55P03":
		return "lock_timeout: a DDL statement held a lock"
	}
	return ""
}

// settings makes the transaction's output match pg_dump's (names qualified
// with an empty search_path) and bounds it even where session settings did
// not stick (PgBouncer in transaction mode).
func (l *liveReader) settings(ctx context.Context) error {
	_, err := l.conn.Exec(ctx, selfTag+`SELECT pg_catalog.set_config('search_path', '', true),
		CASE WHEN pg_catalog.current_setting('statement_timeout') = '0'
			THEN pg_catalog.set_config('statement_timeout', $1, true) END,
		CASE WHEN pg_catalog.current_setting('lock_timeout') = '0'
			THEN pg_catalog.set_config('lock_timeout', $2, true) END`,
		strconv.FormatInt(DefaultStatementTimeout.Milliseconds(), 10),
		strconv.FormatInt(DefaultLockTimeout.Milliseconds(), 10))
	return err
}

type serverRow struct {
	Num        int        `db:"num"`
	Version    string     `db:"version"`
	Database   string     `db:"db"`
	Now        time.Time  `db:"now"`
	Recovery   bool       `db:"recovery"`
	StatsReset *time.Time `db:"stats_reset"`
	Started    *time.Time `db:"started"`
	BlockSize  int        `db:"block_size"`
}

func (l *liveReader) server(ctx context.Context) error {
	rows, err := collect[serverRow](ctx, l.conn, selfTag+`SELECT
		pg_catalog.current_setting('server_version_num')::int AS num,
		pg_catalog.current_setting('server_version') AS version,
		pg_catalog.current_database()::text AS db,
		pg_catalog.now() AS now,
		pg_catalog.pg_is_in_recovery() AS recovery,
		(SELECT d.stats_reset FROM pg_catalog.pg_stat_database d WHERE d.datname = pg_catalog.current_database()) AS stats_reset,
		pg_catalog.pg_postmaster_start_time() AS started,
		pg_catalog.current_setting('block_size')::int AS block_size`)
	if err != nil {
		return err
	}
	s := rows[0]
	l.version = s.Num
	l.blockSize = float64(s.BlockSize)
	l.rep.ServerVersion, l.rep.ServerVersionNum = s.Version, s.Num
	l.rep.Database = s.Database
	l.rep.ReadAt = s.Now.UTC()
	l.rep.InRecovery = s.Recovery
	if s.StatsReset != nil {
		t := s.StatsReset.UTC()
		l.rep.StatsReset = &t
	}
	if s.Started != nil {
		t := s.Started.UTC()
		l.rep.ServerStart = &t
	}
	return nil
}

// userRelations selects the relations pgadvise reads: tables, partitioned
// tables, views, materialized views and foreign tables that are not
// system, temporary or extension-owned. Schema names starting with pg_ are
// reserved (pg_catalog, pg_toast, pg_temp_N, ...).
const userRelations = `c.relkind IN ('r', 'p', 'v', 'm', 'f')
	AND c.relpersistence <> 't'
	AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\_%'
	AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
		WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid AND d.deptype = 'e')`

type relRow struct {
	OID          uint32     `db:"oid"`
	Schema       string     `db:"nspname"`
	Name         string     `db:"relname"`
	Kind         string     `db:"relkind"`
	IsPartition  bool       `db:"relispartition"`
	RelTuples    float64    `db:"reltuples"`
	RelPages     float64    `db:"relpages"`
	CanSelect    bool       `db:"can_select"`
	PartKey      *string    `db:"partkey"`
	PartBound    *string    `db:"partbound"`
	HasStats     bool       `db:"has_stats"`
	LiveTup      *int64     `db:"n_live_tup"`
	Ins          *int64     `db:"n_tup_ins"`
	Upd          *int64     `db:"n_tup_upd"`
	HotUpd       *int64     `db:"n_tup_hot_upd"`
	Del          *int64     `db:"n_tup_del"`
	SeqScan      *int64     `db:"seq_scan"`
	IdxScan      *int64     `db:"idx_scan"`
	LastAnalyzed *time.Time `db:"last_analyzed"`
}

func (l *liveReader) relations(ctx context.Context) error {
	rows, err := collect[relRow](ctx, l.conn, selfTag+`SELECT c.oid, n.nspname::text, c.relname::text, c.relkind::text,
		c.relispartition, c.reltuples::float8 AS reltuples, c.relpages::float8 AS relpages,
		pg_catalog.has_any_column_privilege(c.oid, 'SELECT') AS can_select,
		CASE WHEN c.relkind = 'p' AND c.oid <> ALL($1) THEN pg_catalog.pg_get_partkeydef(c.oid) END AS partkey,
		CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, 0) END AS partbound,
		s.relid IS NOT NULL AS has_stats,
		s.n_live_tup, s.n_tup_ins, s.n_tup_upd, s.n_tup_hot_upd, s.n_tup_del, s.seq_scan, s.idx_scan,
		GREATEST(s.last_analyze, s.last_autoanalyze, s.last_vacuum, s.last_autovacuum) AS last_analyzed
	FROM pg_catalog.pg_class c
	JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
	LEFT JOIN pg_catalog.pg_stat_user_tables s ON s.relid = c.oid
	WHERE `+userRelations+`
	ORDER BY n.nspname, c.relname`, l.lockedOIDs())
	if err != nil {
		return err
	}
	l.oids = nil
	l.rels = map[uint32]*relRow{}
	l.partitions = map[uint32][]uint32{}
	for i := range rows {
		row := &rows[i]
		t := &Table{Name: QualifiedName{row.Schema, row.Name}, Kind: relKind(row.Kind)}
		if row.PartKey != nil {
			t.PartitionBy = l.partitionSpec(*row.PartKey)
		}
		if row.PartBound != nil {
			t.PartitionBound = l.partitionBound(*row.PartBound)
		}
		l.r.s.Tables[t.Name] = t
		l.tables[row.OID] = t
		l.rels[row.OID] = row
		l.oids = append(l.oids, row.OID)
	}
	sort.Slice(l.oids, func(i, j int) bool { return l.oids[i] < l.oids[j] })
	return nil
}

func relKind(k string) RelKind {
	switch k {
	case "p":
		return KindPartitionedTable
	case "v":
		return KindView
	case "m":
		return KindMaterializedView
	case "f":
		return KindForeignTable
	}
	return KindTable
}

// partitionSpec reads pg_get_partkeydef's "RANGE (created_at)" with the DDL
// reader.
func (l *liveReader) partitionSpec(def string) *PartitionSpec {
	res, err := pg_query.Parse("CREATE TABLE x () PARTITION BY " + def)
	if err == nil && len(res.GetStmts()) == 1 {
		if ps := res.GetStmts()[0].GetStmt().GetCreateStmt().GetPartspec(); ps != nil {
			return l.r.partitionSpec(ps)
		}
	}
	// Unparsable (a newer grammar): keep the text.
	strategy, keys, _ := strings.Cut(def, " ")
	return &PartitionSpec{Strategy: strings.ToLower(strategy), Keys: []string{strings.Trim(keys, "()")}}
}

// partitionBound reads pg_get_expr's "FOR VALUES ..." with the DDL reader,
// so that it reads as from pg_dump's ATTACH PARTITION.
func (l *liveReader) partitionBound(def string) string {
	res, err := pg_query.Parse("ALTER TABLE x ATTACH PARTITION y " + def)
	if err == nil && len(res.GetStmts()) == 1 {
		for _, c := range res.GetStmts()[0].GetStmt().GetAlterTableStmt().GetCmds() {
			if pb := c.GetAlterTableCmd().GetDef().GetPartitionCmd().GetBound(); pb != nil {
				if s := l.r.partitionBound(pb); s != "" {
					return s
				}
			}
		}
	}
	return def
}

// expr renders an expression as the DDL reader does (pg_query's deparser),
// so that defaults read the same live and from pg_dump.
func (l *liveReader) expr(s string) string {
	res, err := pg_query.Parse("SELECT " + s)
	if err != nil || len(res.GetStmts()) != 1 {
		return s
	}
	tl := res.GetStmts()[0].GetStmt().GetSelectStmt().GetTargetList()
	if len(tl) != 1 {
		return s
	}
	if out := l.r.deparseExpr(tl[0].GetResTarget().GetVal()); out != "" {
		return out
	}
	return s
}

type columnRow struct {
	OID       uint32  `db:"oid"`
	Name      string  `db:"attname"`
	Type      string  `db:"type"`
	NotNull   bool    `db:"attnotnull"`
	Identity  string  `db:"attidentity"`
	Generated string  `db:"attgenerated"`
	Default   *string `db:"default"`
}

func (r columnRow) tableOID() uint32 { return r.OID }

func (l *liveReader) columns(ctx context.Context) error {
	generated := "a.attgenerated::text"
	if l.version < 120000 {
		generated = "''::text"
	}
	return forEachTable(ctx, l, selfTag+`SELECT a.attrelid AS oid, a.attname::text,
		pg_catalog.format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull,
		a.attidentity::text, `+generated+` AS attgenerated,
		CASE WHEN `+generated+` = '' THEN pg_catalog.pg_get_expr(d.adbin, 0) END AS default
	FROM pg_catalog.pg_attribute a
	LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
	WHERE a.attrelid = ANY($1) AND a.attnum > 0 AND NOT a.attisdropped
	ORDER BY a.attrelid, a.attnum`, func(t *Table, row columnRow) {
		c := Column{Name: row.Name, Type: row.Type, NotNull: row.NotNull}
		switch row.Identity {
		case "a":
			c.Identity = "always"
		case "d":
			c.Identity = "by_default"
		}
		// A generated column's expression is not a default (the DDL
		// reader does not keep it either).
		if row.Default != nil && row.Generated == "" {
			c.Default = l.expr(*row.Default)
		}
		t.Columns = append(t.Columns, c)
	})
}

type inheritRow struct {
	OID          uint32 `db:"oid"`
	ParentOID    uint32 `db:"parent_oid"`
	ParentSchema string `db:"parent_schema"`
	ParentName   string `db:"parent_name"`
}

func (r inheritRow) tableOID() uint32 { return r.OID }

func (l *liveReader) inherits(ctx context.Context) error {
	return forEachTable(ctx, l, selfTag+`SELECT i.inhrelid AS oid, i.inhparent AS parent_oid,
		n.nspname::text AS parent_schema, c.relname::text AS parent_name
	FROM pg_catalog.pg_inherits i
	JOIN pg_catalog.pg_class c ON c.oid = i.inhparent
	JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
	WHERE i.inhrelid = ANY($1)
	ORDER BY i.inhrelid, i.inhseqno`, func(t *Table, row inheritRow) {
		parent := QualifiedName{row.ParentSchema, row.ParentName}
		if l.rels[row.OID].IsPartition {
			t.PartitionOf = &parent
			l.partitions[row.ParentOID] = append(l.partitions[row.ParentOID], row.OID)
		} else {
			t.Inherits = append(t.Inherits, parent)
		}
	})
}

type indexRow struct {
	OID      uint32  `db:"oid"`
	TableOID uint32  `db:"table_oid"`
	Name     string  `db:"name"`
	Def      *string `db:"def"` // nil: the table is locked (readLocks)
	Valid    bool    `db:"indisvalid"`
	Ready    bool    `db:"indisready"`
	Live     bool    `db:"indislive"`
	Kind     string  `db:"relkind"`
	Pages    float64 `db:"relpages"`
	ConType  *string `db:"contype"`
}

func (l *liveReader) readIndexes(ctx context.Context) error {
	rows, err := collect[indexRow](ctx, l.conn, selfTag+`SELECT i.indexrelid AS oid, i.indrelid AS table_oid, ic.relname::text AS name,
		CASE WHEN i.indrelid <> ALL($2) THEN pg_catalog.pg_get_indexdef(i.indexrelid) END AS def,
		i.indisvalid, i.indisready, i.indislive, ic.relkind::text, ic.relpages::float8 AS relpages,
		(SELECT con.contype::text FROM pg_catalog.pg_constraint con
			WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x')
			LIMIT 1) AS contype
	FROM pg_catalog.pg_index i
	JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
	WHERE i.indrelid = ANY($1)
	ORDER BY i.indrelid, ic.relname`, l.oids, l.lockedOIDs())
	if err != nil {
		return err
	}
	l.indexes = map[uint32]indexRef{}
	l.indexPages = map[uint32]float64{}
	for _, row := range rows {
		t := l.tables[row.TableOID]
		if t == nil {
			continue
		}
		ref := indexRef{table: row.TableOID, name: row.Name, kind: row.Kind}
		l.indexOIDs = append(l.indexOIDs, row.OID)
		l.indexPages[row.OID] = row.Pages
		qual := QualifiedName{t.Name.Schema, row.Name}.String()
		switch {
		case !row.Live:
			l.rep.issue(IssueInvalidIndex, qual, "index %s on %s is being dropped (DROP INDEX CONCURRENTLY in progress or interrupted): left out", qual, t.Name)
			ref.skipped = true
		case !row.Valid && row.Kind == "I":
			l.rep.issue(IssueInvalidIndex, qual, "partitioned index %s on %s is invalid: it was created ON ONLY and not every partition has an index attached to it (ALTER INDEX %s ATTACH PARTITION ...), so it serves no query: left out", qual, t.Name, qual)
			ref.skipped = true
		case !row.Valid:
			maintained := "writes do not maintain it yet"
			if row.Ready {
				maintained = "every write still maintains it"
			}
			l.rep.issue(IssueInvalidIndex, qual, "index %s on %s is invalid (a CREATE INDEX or REINDEX CONCURRENTLY that failed or is still running): the planner does not use it and %s; drop it (DROP INDEX CONCURRENTLY) or rebuild it; left out", qual, t.Name, maintained)
			ref.skipped = true
		case row.Def == nil:
			ref.skipped = true // reportLocked says why
		default:
			if !l.addIndex(t, row) {
				ref.skipped = true
			}
		}
		l.indexes[row.OID] = ref
	}
	return nil
}

// addIndex reads one pg_get_indexdef with the DDL reader.
func (l *liveReader) addIndex(t *Table, row indexRow) bool {
	res, err := pg_query.Parse(*row.Def)
	var is *pg_query.IndexStmt
	if err == nil && len(res.GetStmts()) == 1 {
		is = res.GetStmts()[0].GetStmt().GetIndexStmt()
	}
	qual := QualifiedName{t.Name.Schema, row.Name}.String()
	if is == nil {
		l.rep.issue(IssueIndexUnparsed, qual, "index %s: definition %q could not be parsed (%v): left out", qual, *row.Def, err)
		return false
	}
	constraint := ""
	if row.ConType != nil {
		switch *row.ConType {
		case "p":
			constraint = ConstraintPrimaryKey
		case "u":
			constraint = ConstraintUnique
		case "x":
			constraint = ConstraintExclusion
		}
	}
	ix := l.r.addIndex(t, is, constraint, false)
	if ix == nil {
		return false
	}
	if constraint != "" {
		l.r.recordConstraint(t, ix)
	}
	return true
}

type fkRow struct {
	OID        uint32   `db:"oid"`
	Name       string   `db:"conname"`
	Columns    []string `db:"cols"`
	RefSchema  string   `db:"ref_schema"`
	RefName    string   `db:"ref_name"`
	RefColumns []string `db:"ref_cols"`
}

func (r fkRow) tableOID() uint32 { return r.OID }

func (l *liveReader) foreignKeys(ctx context.Context) error {
	// A foreign key on a partitioned table is cloned onto each partition,
	// and one referencing a partitioned table gets a constraint per
	// referenced partition: those clones (conparentid <> 0) are left out,
	// as pg_dump leaves them out.
	return forEachTable(ctx, l, selfTag+`SELECT con.conrelid AS oid, con.conname::text,
		ARRAY(SELECT a.attname::text FROM pg_catalog.unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
			JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS cols,
		rn.nspname::text AS ref_schema, rc.relname::text AS ref_name,
		ARRAY(SELECT a.attname::text FROM pg_catalog.unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
			JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord) AS ref_cols
	FROM pg_catalog.pg_constraint con
	JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid
	JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
	WHERE con.contype = 'f' AND con.conrelid = ANY($1) AND con.conparentid = 0
	ORDER BY con.conrelid, con.conname`, func(t *Table, row fkRow) {
		t.ForeignKeys = append(t.ForeignKeys, ForeignKey{
			Name: row.Name, Columns: row.Columns,
			RefTable: QualifiedName{row.RefSchema, row.RefName}, RefColumns: row.RefColumns,
		})
	})
}

type columnStatsRow struct {
	OID         uint32    `db:"oid"`
	Name        string    `db:"attname"`
	NullFrac    *float32  `db:"null_frac"`
	AvgWidth    *int32    `db:"avg_width"`
	NDistinct   *float32  `db:"n_distinct"`
	Correlation *float32  `db:"correlation"`
	MCV         []string  `db:"mcv"`
	MCF         []float32 `db:"mcf"`
	Histogram   []string  `db:"hist"`
}

func (r columnStatsRow) tableOID() uint32 { return r.OID }

func (l *liveReader) columnStats(ctx context.Context) error {
	// A partitioned table has only inherited statistics (over all its
	// partitions); a plain table's own are inherited = false.
	// most_common_vals and histogram_bounds are anyarray: through text to
	// text[].
	return forEachTable(ctx, l, selfTag+`SELECT c.oid, s.attname::text,
		s.null_frac, s.avg_width, s.n_distinct, s.correlation,
		s.most_common_vals::text::text[] AS mcv, s.most_common_freqs AS mcf,
		s.histogram_bounds::text::text[] AS hist
	FROM pg_catalog.pg_stats s
	JOIN pg_catalog.pg_namespace n ON n.nspname = s.schemaname
	JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = s.tablename
	WHERE c.oid = ANY($1) AND s.inherited = (c.relkind = 'p')`, func(t *Table, row columnStatsRow) {
		c := t.Column(row.Name)
		if c == nil {
			return
		}
		cs := &ColumnStats{
			NullFrac:  f32(row.NullFrac),
			NDistinct: f32(row.NDistinct),
		}
		if row.AvgWidth != nil {
			cs.AvgWidth = float64(*row.AvgWidth)
		}
		if row.Correlation != nil && !math.IsNaN(float64(*row.Correlation)) {
			v := f32(row.Correlation)
			cs.Correlation = &v
		}
		if len(row.MCV) > 0 && len(row.MCV) == len(row.MCF) {
			cs.MostCommon = row.MCV
			cs.MostCommonFreqs = make([]float64, len(row.MCF))
			for i, f := range row.MCF {
				cs.MostCommonFreqs[i] = f32(&f)
			}
		}
		cs.HistogramBounds = row.Histogram
		c.Stats = cs
	})
}

// f32 widens a float4 to the float64 with the same shortest decimal (0.3,
// not 0.30000001192092896), 0 for NULL, NaN or infinity.
func f32(p *float32) float64 {
	if p == nil {
		return 0
	}
	v, err := strconv.ParseFloat(strconv.FormatFloat(float64(*p), 'g', -1, 32), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

type indexStatsRow struct {
	OID     uint32 `db:"oid"`
	IdxScan *int64 `db:"idx_scan"`
}

type indexChildRow struct {
	OID    uint32 `db:"oid"`
	Parent uint32 `db:"parent"`
}

func (l *liveReader) indexStats(ctx context.Context) error {
	rows, err := collect[indexStatsRow](ctx, l.conn, selfTag+`SELECT s.indexrelid AS oid, s.idx_scan
	FROM pg_catalog.pg_stat_user_indexes s WHERE s.relid = ANY($1)`, l.oids)
	if err != nil {
		return err
	}
	// Partitioned indexes have no counters of their own: their partitions'
	// indexes are attached to them in pg_inherits.
	children, err := collect[indexChildRow](ctx, l.conn, selfTag+`SELECT i.inhrelid AS oid, i.inhparent AS parent
	FROM pg_catalog.pg_inherits i WHERE i.inhparent = ANY($1)
	ORDER BY i.inhparent, i.inhrelid`, l.indexOIDs)
	if err != nil {
		return err
	}
	l.indexScans = map[uint32]int64{}
	for _, row := range rows {
		if row.IdxScan != nil {
			l.indexScans[row.OID] = *row.IdxScan
		}
	}
	l.indexChildren = map[uint32][]uint32{}
	for _, row := range children {
		l.indexChildren[row.Parent] = append(l.indexChildren[row.Parent], row.OID)
	}
	return nil
}

type indexSizeRow struct {
	OID  uint32 `db:"oid"`
	Size *int64 `db:"size"`
}

func (l *liveReader) readIndexSizes(ctx context.Context) error {
	// pg_relation_size takes an ACCESS SHARE lock: behind a DDL's ACCESS
	// EXCLUSIVE lock it waits lock_timeout and fails; then the sizes come
	// from relpages (see finishStats).
	rows, err := collect[indexSizeRow](ctx, l.conn, selfTag+`SELECT x.oid, pg_catalog.pg_relation_size(x.oid) AS size
	FROM pg_catalog.unnest($1::pg_catalog.oid[]) AS x(oid)`, l.indexOIDs)
	if err != nil {
		return err
	}
	l.indexSizes = map[uint32]int64{}
	for _, row := range rows {
		if row.Size != nil {
			l.indexSizes[row.OID] = *row.Size
		}
	}
	return nil
}

// finishStats turns what was read into Table.Stats and Index.Stats, summing
// partitions into their partitioned parents.
func (l *liveReader) finishStats() {
	done := map[uint32]bool{}
	for _, oid := range l.oids {
		l.tableStats(oid, done, 0)
	}
	if l.indexSizes == nil && len(l.indexOIDs) > 0 {
		l.rep.issue(IssueSizeEstimated, "", "index sizes are estimated from pg_class.relpages as of each index's last VACUUM or ANALYZE")
	}
	for _, oid := range l.indexOIDs {
		ref := l.indexes[oid]
		if ref.skipped {
			continue
		}
		t := l.tables[ref.table]
		ix := l.r.findIndex(t, ref.name)
		if ix == nil {
			continue
		}
		// Stats only when idx_scan is known: a zero Scans must mean "no
		// scan since the reset", never "not read" (it makes a drop
		// candidate).
		scans, size, known := l.indexFigures(oid, 0)
		if l.indexScans == nil || !known {
			continue
		}
		ix.Stats = &IndexStats{Scans: float64(scans), SizeBytes: size}
	}
}

// indexFigures returns an index's scans and size in bytes; a partitioned
// index sums its partitions' (recursively). known is false when the
// counters of an index (or of all its partitions) are missing.
func (l *liveReader) indexFigures(oid uint32, depth int) (scans, size int64, known bool) {
	if l.indexes[oid].kind == "I" && depth < 100 {
		for _, child := range l.indexChildren[oid] {
			s, z, k := l.indexFigures(child, depth+1)
			scans += s
			size += z
			known = known || k
		}
		return scans, size, known
	}
	scans, known = l.indexScans[oid]
	if l.indexSizes != nil {
		size = l.indexSizes[oid]
	} else {
		size = int64(l.indexPages[oid] * l.blockSize)
	}
	return scans, size, known
}

// tableStats fills Table.Stats of one table (after its partitions').
func (l *liveReader) tableStats(oid uint32, done map[uint32]bool, depth int) *TableStats {
	t := l.tables[oid]
	if done[oid] || depth > 100 {
		return t.Stats
	}
	done[oid] = true
	row := l.rels[oid]
	switch t.Kind {
	case KindView:
		return nil
	case KindPartitionedTable:
		st := &TableStats{}
		for _, p := range l.partitions[oid] {
			ps := l.tableStats(p, done, depth+1)
			if ps == nil {
				continue
			}
			st.Rows += ps.Rows
			st.Pages += ps.Pages
			st.Inserts += ps.Inserts
			st.Updates += ps.Updates
			st.HOTUpdates += ps.HOTUpdates
			st.Deletes += ps.Deletes
			st.SeqScans += ps.SeqScans
			st.IdxScans += ps.IdxScans
		}
		if row.RelTuples > 0 {
			st.Rows = row.RelTuples // ANALYZE of the parent itself (PG 14+)
		}
		if l.columnsHaveStats(t) == 0 && len(t.Columns) > 0 && st.Rows > 0 && row.CanSelect {
			l.rep.issue(IssueNeverAnalyzed, t.Name.String(), "partitioned table %s has no statistics of its own (autovacuum never analyzes partitioned tables): run ANALYZE %s so the planner can estimate joins over it", t.Name, t.Name)
		}
		t.Stats = st
		return st
	}
	st := &TableStats{Pages: row.RelPages}
	// reltuples is -1 for a table never vacuumed or analyzed (PG 14+);
	// before PG 14 it was 0, like an empty table's.
	known := row.RelTuples >= 0
	if l.version < 140000 && row.RelTuples == 0 && row.RelPages == 0 && row.LastAnalyzed == nil {
		known = false
	}
	if known {
		st.Rows = row.RelTuples
	} else if row.LiveTup != nil && *row.LiveTup > 0 {
		st.Rows = float64(*row.LiveTup)
	}
	if !known && (t.Kind == KindTable || t.Kind == KindMaterializedView) {
		l.rep.issue(IssueNeverAnalyzed, t.Name.String(), "table %s has never been vacuumed or analyzed: its row count is unknown (n_live_tup: %s); run ANALYZE %s", t.Name, countOrUnknown(row.LiveTup), t.Name)
	} else if known && !row.CanSelect && st.Rows > 0 && len(t.Columns) > 0 && l.columnsHaveStats(t) == 0 {
		l.rep.issue(IssueStatsHidden, t.Name.String(), "column statistics of %s are hidden: pg_stats shows a column only to roles that may SELECT it; GRANT SELECT ON %s to the role, or selectivities fall back to defaults (row counts and index usage were still read)", t.Name, t.Name)
	}
	get := func(p *int64) float64 {
		if p == nil {
			return 0
		}
		return float64(*p)
	}
	st.Inserts, st.Updates, st.HOTUpdates, st.Deletes = get(row.Ins), get(row.Upd), get(row.HotUpd), get(row.Del)
	st.SeqScans, st.IdxScans = get(row.SeqScan), get(row.IdxScan)
	if t.Kind == KindForeignTable && !known {
		return nil
	}
	t.Stats = st
	return st
}

func countOrUnknown(p *int64) string {
	if p == nil {
		return "unknown"
	}
	return strconv.FormatInt(*p, 10)
}

func (l *liveReader) columnsHaveStats(t *Table) int {
	n := 0
	for _, c := range t.Columns {
		if c.Stats != nil {
			n++
		}
	}
	return n
}

// sortSchema puts what the catalog returns in a stable order: indexes by
// name; foreign keys by name (already); unique constraints by their
// index's name.
func (l *liveReader) sortSchema() {
	for _, t := range l.r.s.Tables {
		sort.SliceStable(t.Indexes, func(i, j int) bool { return t.Indexes[i].Name < t.Indexes[j].Name })
		t.Uniques = nil
		for _, ix := range t.Indexes {
			if ix.Constraint == ConstraintUnique {
				cols := make([]string, len(ix.Keys))
				for i, k := range ix.Keys {
					cols[i] = k.Column
				}
				t.Uniques = append(t.Uniques, cols)
			}
		}
	}
	sort.SliceStable(l.rep.Issues, func(i, j int) bool {
		a, b := l.rep.Issues[i], l.rep.Issues[j]
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Relation < b.Relation
	})
}

// VersionNum turns a server_version ("15.18", "15.18 (Debian 15.18-1)",
// "9.6.24", "17beta1") into the server_version_num form (150018, 90624,
// 170000); 0 when it does not start with a number.
func VersionNum(v string) int {
	var parts []int
	n, digits := 0, 0
	for _, r := range v {
		if r >= '0' && r <= '9' && n < 1e6 {
			n = n*10 + int(r-'0')
			digits++
			continue
		}
		if digits == 0 {
			break
		}
		parts = append(parts, n)
		n, digits = 0, 0
		if r != '.' || len(parts) == 3 {
			break
		}
	}
	if digits > 0 && len(parts) < 3 {
		parts = append(parts, n)
	}
	switch {
	case len(parts) == 0:
		return 0
	case parts[0] >= 10:
		minor := 0
		if len(parts) > 1 {
			minor = parts[1]
		}
		return parts[0]*10000 + minor
	}
	num := parts[0] * 10000
	if len(parts) > 1 {
		num += parts[1] * 100
	}
	if len(parts) > 2 {
		num += parts[2]
	}
	return num
}
