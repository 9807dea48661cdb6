package catalog

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestReadLiveLockedTable: a DDL statement holds an ACCESS EXCLUSIVE lock on
// two tables (one partitioned) while the schema is read. The read goes on
// (it failed at "columns": pg_get_expr on a default, with the table as
// context, waits for the lock): every column and default is read, and the
// partition bounds; the locked tables' index definitions and partition key,
// which PostgreSQL reads under a lock, are left out and reported; the
// unlocked table is read whole. Issue 12, part 7.
func TestReadLiveLockedTable(t *testing.T) {
	c := cluster(t)
	newDB(t, "lockedtable", `CREATE TABLE t (id int PRIMARY KEY, a int DEFAULT 42, b text DEFAULT 'x',
			s bigserial, g int GENERATED ALWAYS AS (a * 2) STORED);
		CREATE INDEX t_a ON t (a);
		CREATE TABLE p (k int NOT NULL, v int DEFAULT 7) PARTITION BY RANGE (k);
		CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (0) TO (10);
		CREATE TABLE free (x int DEFAULT 1, y timestamptz DEFAULT now());
		CREATE INDEX free_x ON free (x);`)
	ctx := testCtx(t)
	conn, err := ConnectWith(ctx, c.DSN("lockedtable"), ConnectOptions{LockTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	unlocked, _, err := ReadLive(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}

	ddl := c.Connect(t, "lockedtable")
	for _, q := range []string{"BEGIN", "LOCK TABLE t, p IN ACCESS EXCLUSIVE MODE"} { // p's lock takes p1's too
		if _, err := ddl.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	s, rep, err := ReadLive(ctx, conn)
	if err != nil {
		t.Fatalf("ReadLive behind a DDL lock: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the read took %s: it waited for the lock", d)
	}
	var locked []string
	for _, is := range rep.Issues {
		if is.Kind == IssueLocked {
			locked = append(locked, is.Relation)
			if !strings.Contains(is.Message, "indexes") {
				t.Errorf("issue does not say what was left out: %s", is.Message)
			}
		}
	}
	if diff := cmp.Diff([]string{"public.p", "public.p1", "public.t"}, locked); diff != "" {
		t.Errorf("locked tables reported (-want +got):\n%s\n%+v", diff, rep.Issues)
	}
	for _, name := range []string{"t", "p", "p1", "free"} {
		q := QualifiedName{"public", name}
		if diff := cmp.Diff(unlocked.Tables[q].Columns, s.Tables[q].Columns); diff != "" {
			t.Errorf("%s: columns read behind the lock differ (-unlocked +locked):\n%s", name, diff)
		}
	}
	if got := s.Tables[QualifiedName{"public", "t"}].Column("a").Default; got != "42" {
		t.Errorf("t.a default %q, want 42", got)
	}
	if got := s.Tables[QualifiedName{"public", "p1"}].PartitionBound; got == "" || got != unlocked.Tables[QualifiedName{"public", "p1"}].PartitionBound {
		t.Errorf("p1 bound %q, unlocked %q", got, unlocked.Tables[QualifiedName{"public", "p1"}].PartitionBound)
	}
	if n := len(s.Tables[QualifiedName{"public", "t"}].Indexes); n != 0 {
		t.Errorf("t: %d indexes read behind the lock", n)
	}
	free := s.Tables[QualifiedName{"public", "free"}]
	if diff := cmp.Diff(unlocked.Tables[QualifiedName{"public", "free"}].Indexes, free.Indexes); diff != "" || len(free.Indexes) != 1 {
		t.Errorf("free: indexes differ from the unlocked read:\n%s", diff)
	}
}

// TestAroundLocksRetries: a lock taken after the look at pg_locks fails the
// step with lock_timeout; aroundLocks reads the locks again and reruns the
// step, which then leaves the locked table's partition key out.
func TestAroundLocksRetries(t *testing.T) {
	c := cluster(t)
	newDB(t, "lockedlater", `CREATE TABLE p (k int) PARTITION BY RANGE (k);`)
	ctx := testCtx(t)
	conn, err := ConnectWith(ctx, c.DSN("lockedlater"), ConnectOptions{LockTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	ddl := c.Connect(t, "lockedlater")
	for _, q := range []string{"BEGIN", "LOCK TABLE p IN ACCESS EXCLUSIVE MODE"} {
		if _, err := ddl.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := conn.Exec(ctx, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); err != nil {
		t.Fatal(err)
	}
	defer conn.Exec(ctx, "ROLLBACK")
	// l.locked is empty: as if the lock came after readLocks.
	l := &liveReader{conn: conn, r: newReader(), rep: &LiveReport{}, tables: map[uint32]*Table{}}
	calls := 0
	err = l.aroundLocks(ctx, func(ctx context.Context) error { calls++; return l.relations(ctx) })
	if err != nil {
		t.Fatalf("aroundLocks: %v", err)
	}
	p := l.r.s.Tables[QualifiedName{"public", "p"}]
	if calls != 2 || len(l.locked) != 1 || p == nil || p.PartitionBy != nil || len(l.oids) != 1 {
		t.Errorf("%d runs, locked %v, oids %v, p %+v; want 2 runs, p locked, read without its key", calls, l.locked, l.oids, p)
	}
}
