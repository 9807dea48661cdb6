package whatif

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/pgadvise/pgadvise/advisor"
	"github.com/pgadvise/pgadvise/analyzer"
)

// DropReport is what CheckDrops found.
type DropReport struct {
	// Checked counts the drop recommendations whose table's queries were
	// explained; Unchecked those that could not be (a drop that waits for a
	// recommended index, without HypoPG to simulate that index; or no
	// query of the table could be explained).
	Checked, Unchecked int
	// Kept names the indexes whose drop was withdrawn: a plan uses them.
	Kept []string
	// Explains counts the EXPLAINs run, IndexCreations the hypothetical
	// indexes made.
	Explains, IndexCreations int
}

// CheckDrops checks every drop_index and unused_index recommendation with the
// planner: it EXPLAINs the workload's queries on the index's table, with the
// indexes as they are, and an index that appears in one of those plans (an
// index scan, an index-only scan, a bitmap index scan, alone or under a
// BitmapAnd/BitmapOr) is not dropped: the recommendation moves to res.Rejected,
// naming the query. HypoPG 1.3.1 cannot hide an index, so a plain EXPLAIN is
// the read-only check there is: it shows what the planner picks today, which
// is enough to catch an index in use.
//
// A drop that waits for a recommended index (SupersededBy) is checked with
// that index created as a HypoPG hypothetical index, when HypoPG is
// installed: if the planner still picks the old index, it stays. Without
// HypoPG such drops are counted as unchecked and left as they are: they stand
// or fall with their creation, which Verify checks.
//
// conn must be an idle dedicated connection, and may (should) be read-only.
// CheckDrops restores plan_cache_mode and removes its hypothetical indexes.
func CheckDrops(ctx context.Context, conn *pgx.Conn, w *analyzer.Workload, res *advisor.Result) (*DropReport, error) {
	if conn == nil || conn.IsClosed() {
		return nil, errors.New("whatif: no open connection")
	}
	if st := conn.PgConn().TxStatus(); st != 'I' {
		return nil, fmt.Errorf("whatif: the connection is inside a transaction (status %q); checking drops needs an idle connection", st)
	}
	s := &session{conn: conn}
	hypo := true
	if err := s.open(ctx, &Report{}); err != nil {
		if !errors.Is(err, ErrHypoPGMissing) {
			return nil, err
		}
		hypo = false
		if err := conn.QueryRow(ctx, tag+"SELECT current_setting('plan_cache_mode')", pgx.QueryExecModeExec).Scan(&s.origMode); err != nil {
			return nil, fmt.Errorf("whatif: reading plan_cache_mode: %w", err)
		}
	}
	rep := &DropReport{}
	err := checkDrops(ctx, s, hypo, w, res, rep)
	var cerr error
	if hypo {
		cerr = s.close(ctx)
	} else if s.mode != "" && s.mode != s.origMode {
		if _, e := conn.Exec(context.WithoutCancel(ctx), tag+"SELECT set_config('plan_cache_mode', $1, false)", pgx.QueryExecModeExec, s.origMode); e != nil {
			cerr = fmt.Errorf("whatif: restoring plan_cache_mode: %w", e)
		}
	}
	if err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	rep.Explains, rep.IndexCreations = s.explains, s.creations
	return rep, nil
}

// checkDrops does CheckDrops's work in an open session.
func checkDrops(ctx context.Context, s *session, hypo bool, w *analyzer.Workload, res *advisor.Result, rep *DropReport) error {
	creates := map[string]*advisor.Recommendation{}
	for i := range res.Recommendations {
		if r := &res.Recommendations[i]; r.Kind == advisor.KindCreateIndex {
			creates[r.Index.Name] = r
		}
	}
	// Plans with the indexes as they are, once per shape.
	baseline := map[*analyzer.QueryShape]*plan{}
	var keep []advisor.Recommendation
	for _, r := range res.Recommendations {
		if r.Kind != advisor.KindDropIndex && r.Kind != advisor.KindUnusedIndex {
			keep = append(keep, r)
			continue
		}
		var h *hypoIndex
		by := r.Index.SupersededBy
		if by != "" {
			c := creates[by]
			if !hypo || c == nil {
				rep.Unchecked++
				keep = append(keep, r)
				continue
			}
			ddl, method, err := hypotheticalDDL(c.DDL)
			if err != nil || unsupportedMethod(method) {
				rep.Unchecked++
				keep = append(keep, r)
				continue
			}
			if h, err = s.create(ctx, ddl); err != nil {
				if fatal(ctx, s.conn, err) {
					return fmt.Errorf("whatif: hypothetical %s: %w", by, err)
				}
				rep.Unchecked++
				keep = append(keep, r)
				continue
			}
		}
		user, explained, err := planUser(ctx, s, w, r, h, baseline)
		if h != nil {
			if derr := s.drop(ctx, h); err == nil {
				err = derr
			}
		}
		if err != nil {
			return err
		}
		switch {
		case user != "":
			rep.Checked++
			rep.Kept = append(rep.Kept, r.Index.Name)
			with := ""
			if h != nil {
				with = fmt.Sprintf(", even with %s built (as a hypothetical index)", by)
			}
			r.Reason = fmt.Sprintf("Kept: the planner uses it%s: EXPLAIN of query %s scans it. (The cost model's reason was: %s)", with, user, r.Reason)
			res.Rejected = append(res.Rejected, r)
		case explained:
			rep.Checked++
			keep = append(keep, r)
		default:
			rep.Unchecked++
			keep = append(keep, r)
		}
	}
	res.Recommendations = keep
	return nil
}

// planUser explains the workload's queries on r's table (with the
// hypothetical index h in place, when given) and returns the fingerprint of
// the first whose plan scans r's index, and whether any query was
// explained. Errors of one query are skipped; an error that ends the
// session is returned.
func planUser(ctx context.Context, s *session, w *analyzer.Workload, r advisor.Recommendation, h *hypoIndex, baseline map[*analyzer.QueryShape]*plan) (string, bool, error) {
	explained := false
	for _, sh := range w.Shapes {
		if !readsTable(sh, r) {
			continue
		}
		p := baseline[sh]
		if p == nil || h != nil {
			q := newQuery(sh, s.scsOn)
			if q.skip != "" {
				continue
			}
			got, err := s.explain(ctx, q)
			if err != nil {
				if fatal(ctx, s.conn, err) {
					return "", false, fmt.Errorf("whatif: explaining %s: %w", sh.Fingerprint, err)
				}
				continue
			}
			p = &got
			if h == nil {
				baseline[sh] = p
			}
		}
		explained = true
		for _, name := range p.indexes {
			if name == r.Index.Name {
				return sh.Fingerprint, true, nil
			}
		}
	}
	return "", explained, nil
}

// readsTable reports whether a shape reads the recommendation's table.
func readsTable(sh *analyzer.QueryShape, r advisor.Recommendation) bool {
	for _, a := range sh.Access {
		if a.Table == r.Table && a.Write != analyzer.KindInsert && a.Write != analyzer.KindCopy {
			return true
		}
	}
	return false
}
