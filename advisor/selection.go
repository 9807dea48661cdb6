package advisor

import (
	"fmt"
	"math"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/pgadvise/pgadvise/analyzer"
)

// selection is the greedy, interaction-aware choice of an index set.
type selection struct {
	m          *model
	budget     float64
	minBenefit float64
	// config holds, per table, the indexes in force: existing plus chosen.
	config map[*tableModel][]*indexModel
	// cur is the path the planner takes for each access under config, with
	// its per-execution costs.
	cur map[*accessModel]pathCost
	// pool holds the candidates, sorted by signature for determinism
	// (those consolidate adds come last; sorted counts the others), which
	// bySig searches,
	// byTable lists each table's in pool order.
	pool    []*candidate
	sorted  int
	byTable map[*tableModel][]*candidate
	// best caches each table's best option (run), and chosenOn its
	// chosen candidates, as of its configuration's version.
	best     map[*tableModel]*tableBest
	chosenOn map[*tableModel]*tableChosen
	// chosen, in the order chosen.
	chosen []*candidate
	spent  float64
	// evaluations counts (access, index) cost evaluations, as the report
	// states them; pricedPairs counts the (candidate, access) pairs
	// pricing actually priced (price), the work that grows with the
	// shapes per table.
	evaluations, pricedPairs int
	// changed marks the tables whose configuration changed (refresh):
	// the others' candidates keep the gain pricing found under the
	// existing indexes (candidate.baseGain).
	changed map[*tableModel]bool
	// scratch is the buffer of newCandidate and servesOf.
	scratch priceScratch
	// banned holds the pooled indexes this selection may not choose, and
	// bannedKeys their key groups (settleBudget's exchanges); nil: none.
	banned     map[*indexModel]bool
	bannedKeys map[string]bool
}

// priceScratch is the buffers one goroutine prices candidates with.
type priceScratch struct {
	serves            []servedAccess
	seen              map[string]bool
	servable, covered []*accessModel
}

// candidate is a pooled index with what the selection knows about it.
type candidate struct {
	ix *indexModel
	// served counts the accesses whose plan it could change (servesOf):
	// those for which the planner would take it over a sequential scan;
	// servedCalls counts the executions of their shapes, each shape once.
	// baseGain and baseSlows are gainOf(c, nil) under the existing indexes
	// alone, where every selection starts. The accesses and their paths
	// are not kept (millions of pairs at scale): servesOf works them out
	// again where they are needed, on a table whose configuration changed.
	servedCalls float64
	baseGain    float64
	baseSlows   string
	// replaced is the chosen index it widened, if any.
	replaced *candidate
	// last evaluation, for the rejected list.
	gain, write float64
	servedBy    *indexModel // an index in force that already does its job
	// pricedServedBy is servedBy as pricing found it (reset).
	pricedServedBy *indexModel
	// slows names the query it would make slower, when it would (its
	// last evaluation).
	slows string
	// options are its ways in, priced at its table's configuration version.
	options []option
	// The small fields last, packed: the pool holds hundreds of thousands
	// of candidates at scale. served is described above; version is the
	// table's configuration version options were priced at; pos is its
	// place in the pool; overBudget says it lost to the storage budget,
	// exchanged that it lost it to an exchange (settleBudget).
	served, version, pos          int32
	chosen, overBudget, exchanged bool
}

type servedAccess struct {
	a    *accessModel
	cost pathCost
}

func newSelection(m *model, budget, minBenefit float64) *selection {
	s := &selection{m: m, budget: budget, minBenefit: minBenefit,
		config: map[*tableModel][]*indexModel{}, cur: map[*accessModel]pathCost{},
		byTable: map[*tableModel][]*candidate{},
		best:    map[*tableModel]*tableBest{}, chosenOn: map[*tableModel]*tableChosen{}, changed: map[*tableModel]bool{}}
	for _, t := range m.sortedTables() {
		s.config[t] = append([]*indexModel{}, t.existing...)
		for _, a := range t.accesses {
			s.cur[a] = a.choose(t.existing)
		}
	}
	if m.pool == nil {
		m.pool = s.pricedPool()
	} else {
		for _, c := range m.pool {
			s.evaluations += c.ix.t.readers // as newCandidate counts them
		}
	}
	for _, c := range m.pool {
		c.reset()
		s.addToPool(c)
	}
	s.sorted = len(s.pool)
	return s
}

// sigLess orders candidates of the pool by signature: by their places in
// its sorted part, which follow their signatures, without working those
// out again.
func (s *selection) sigLess(x, y *candidate) bool {
	if int(x.pos) < s.sorted && int(y.pos) < s.sorted {
		return x.pos < y.pos
	}
	return x.ix.signatureOnce() < y.ix.signatureOnce()
}

// bySig finds the pooled candidate of signature sig, nil if none: a binary
// search of the pool's sorted part, whose signatures are worked out again
// for it (pricedPool does not keep them, at scale tens of megabytes), then
// a look at the few consolidate added.
func (s *selection) bySig(sig string) *candidate {
	sorted := s.pool[:s.sorted]
	i := sort.Search(len(sorted), func(i int) bool { return sorted[i].ix.signatureOnce() >= sig })
	if i < len(sorted) && sorted[i].ix.signatureOnce() == sig {
		return sorted[i]
	}
	for _, c := range s.pool[s.sorted:] {
		if c.ix.signature() == sig {
			return c
		}
	}
	return nil
}

// reset takes a pooled candidate back to what pricing left it: each
// selection of an Advise starts from the same pool, and the one before is
// no longer used.
func (c *candidate) reset() {
	*c = candidate{ix: c.ix, served: c.served, servedCalls: c.servedCalls, baseGain: c.baseGain, baseSlows: c.baseSlows,
		servedBy: c.pricedServedBy, pricedServedBy: c.pricedServedBy, options: c.options[:0], version: -1}
}

// pricedPool generates the candidates of every access and prices each
// (newCandidate), sorted by signature. They depend on the workload and
// the existing indexes alone: the selections of one Advise, one per
// minimum benefit tried, start from copies of the same pool.
func (s *selection) pricedPool() []*candidate {
	limit := s.m.maxTableCandidates
	if limit == 0 {
		limit = maxTableCandidates
	}
	pool, sigs, bound := tableCandidates(s.m.sortedTables(), limit)
	s.m.bound = bound
	out := make([]*candidate, len(sigs))
	pairs := make([]int32, len(sigs))
	for _, sig := range sigs {
		s.evaluations += pool[sig].t.readers // as newCandidate counts them
	}
	// Each candidate is priced on its own (price reads the model and
	// writes only to its index): the cores share the pool.
	inParallel(len(sigs), func(i int, scratch *priceScratch) {
		var n int
		out[i], n = s.price(pool[sigs[i]], scratch)
		pairs[i] = int32(n)
		s.m.priced()
	})
	for _, n := range pairs {
		s.pricedPairs += int(n)
	}
	// The signatures sorted the pool, and are looked for in it (bySig)
	// rarely enough to be worked out again: not kept.
	for _, c := range out {
		c.ix.sig = ""
	}
	return out
}

// maxTableCandidates bounds the index candidates of one table that are
// priced. Each is priced against the table's accesses it may serve, and a
// table's candidates grow with its accesses: unbounded, the work grows
// with the square of the shapes per table. Past the bound, a table keeps
// its candidates with the most votes (indexModel.votes), and the others
// are never priced: on such a table the advice may differ from what
// pricing them all would give. tableBound counts what it left out, and the
// report says so (an assumption of the Result). No case file, golden or
// TPC-H table comes near it (89 candidates at most; lineitem 75), nor the
// 100k-shape benchmark (100 shapes a table, 811 candidates on its busiest
// table): their advice is the same as without it. The 300k one (300 a
// table) is bounded.
const maxTableCandidates = 1024

// tableBound is what maxTableCandidates left out: the tables it bounded
// and their candidates never priced.
type tableBound struct {
	tables, dropped int
}

// boundCandidates keeps the limit candidates of one table's pool with the
// most votes (ties by signature), and returns how many it dropped.
func boundCandidates(pool map[string]*indexModel, limit int) int {
	if len(pool) <= limit {
		return 0
	}
	sigs := sortedKeysOf(pool)
	sort.SliceStable(sigs, func(i, j int) bool { return pool[sigs[i]].votes > pool[sigs[j]].votes })
	for _, sig := range sigs[limit:] {
		delete(pool, sig)
	}
	return len(sigs) - limit
}

// tableCandidates generates and merges the candidates of every access of
// the tables, by signature, and lists their signatures sorted. A
// candidate's signature names its table, and generating one reads (and
// caches) its table's model alone, so each table's are made on their own:
// the cores share the tables.
func tableCandidates(tables []*tableModel, limit int) (map[string]*indexModel, []string, tableBound) {
	pools := make([]map[string]*indexModel, len(tables))
	dropped := make([]int, len(tables))
	inParallel(len(tables), func(i int, _ *priceScratch) {
		pool := map[string]*indexModel{}
		for _, a := range tables[i].accesses {
			candidatesFor(a, pool)
		}
		mergeCovering(pool)
		dropped[i] = boundCandidates(pool, limit)
		pools[i] = pool
	})
	var bound tableBound
	n := 0
	for i, pool := range pools {
		n += len(pool)
		if dropped[i] > 0 {
			bound.tables++
			bound.dropped += dropped[i]
		}
	}
	all := make(map[string]*indexModel, n)
	for _, pool := range pools {
		for sig, ix := range pool {
			if _, ok := all[sig]; !ok { // names that make two tables' signatures equal: the first, as one pool
				all[sig] = ix
			}
		}
	}
	return all, sortedKeysOf(all), bound
}

// releasePool drops the selection's candidates but the chosen ones, once
// the search is over: only config, cur and chosen are read after it.
func (s *selection) releasePool() {
	s.pool, s.sorted, s.byTable, s.best, s.chosenOn, s.scratch = nil, 0, nil, nil, nil, priceScratch{}
}

// addToPool appends c to the pool.
func (s *selection) addToPool(c *candidate) {
	c.pos = int32(len(s.pool))
	s.pool = append(s.pool, c)
	t := c.ix.t
	s.byTable[t] = append(s.byTable[t], c)
	delete(s.best, t) // the table's best must consider c
}

// newCandidate prices ix for every access of its table, once. Only the
// accesses it may serve are priced (tableModel.servable): for the others
// it is no path at all, and the sequential scan stays. Each counts as an
// evaluation all the same, so that the count does not depend on how the
// search is organized.
func (s *selection) newCandidate(ix *indexModel) *candidate {
	s.evaluations += ix.t.readers
	s.m.priced()
	c, n := s.price(ix, &s.scratch)
	s.pricedPairs += n
	return c
}

// price makes the candidate of ix, priced (newCandidate), and says how
// many accesses it priced it for; scratch holds buffers for it to use. It
// only reads the selection, which it prices against: several run at once.
func (s *selection) price(ix *indexModel, scratch *priceScratch) (*candidate, int) {
	c := &candidate{ix: ix}
	if e := served(ix, ix.t.existing); e != nil {
		c.servedBy, c.pricedServedBy = e, e
	}
	serves, n := servesOf(ix, scratch)
	c.served = int32(len(serves))
	c.baseGain, c.baseSlows = s.gainAlone(serves)
	if scratch.seen == nil {
		scratch.seen = map[string]bool{}
	}
	clear(scratch.seen)
	for _, sa := range serves {
		if fp := sa.a.shape.Fingerprint; !scratch.seen[fp] {
			scratch.seen[fp] = true
			c.servedCalls += sa.a.calls
		}
	}
	c.version = -1 // not evaluated yet
	return c, n
}

// servesOf lists the accesses whose plan ix could change: those of its
// table it may serve (tableModel.servable) for which the planner would take
// it over a sequential scan, with the path it gives each, in the table's
// order. An access's path through one index does not depend on the
// others. The list is scratch's buffer, valid until its next use; n is how
// many accesses were priced.
func servesOf(ix *indexModel, scratch *priceScratch) (serves []servedAccess, n int) {
	buf := scratch.serves[:0]
	alone := []*indexModel{ix}
	servable := ix.t.servableInto(ix, &scratch.servable, &scratch.covered)
	for _, a := range servable {
		cost := a.choose(alone)
		if cost.plan < a.seqCost()*(1-1e-9) {
			buf = append(buf, servedAccess{a, cost})
		}
	}
	scratch.serves = buf
	return buf, len(servable)
}

// inParallel calls f(i, scratch) for i in [0, n) on as many goroutines as
// there are cores, each with a scratch buffer of its own.
func inParallel(n int, f func(i int, scratch *priceScratch)) {
	workers := min(runtime.GOMAXPROCS(0), n/64+1) // small pools: no goroutines
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var scratch priceScratch
			for i := w; i < n; i += workers {
				f(i, &scratch)
			}
		}()
	}
	wg.Wait()
}

// gainOf is the run cost over the workload that c saves under the current
// configuration; with without set, c replaces that index (widening it), and
// the accesses only the replaced index served count against c. An access
// whose plan c changes for one that runs slower counts against it, and
// slows names the first query c would make slower by more than
// maxSlowdown (empty if none).
func (s *selection) gainOf(c *candidate, without *indexModel) (gain float64, slows string) {
	if without == nil {
		if !s.changed[c.ix.t] {
			return c.baseGain, c.baseSlows
		}
		serves, _ := servesOf(c.ix, &s.scratch)
		return s.gainAlone(serves)
	}
	// after holds the accesses whose path changes, in a fixed order so
	// that sums come out the same every run.
	var changed []*accessModel
	after := map[*accessModel]pathCost{}
	// Only the accesses without may serve can lose a path when it goes;
	// the others keep their cost and count for nothing.
	rest := s.configWithout(without.t, without)
	for _, a := range without.t.servable(without) {
		after[a] = a.choose(rest)
		changed = append(changed, a)
	}
	s.evaluations += without.t.readers
	serves, _ := servesOf(c.ix, &s.scratch)
	for _, sa := range serves {
		cur, ok := after[sa.a]
		if !ok {
			cur = s.cur[sa.a]
		}
		if sa.cost.plan < cur.plan {
			if !ok {
				changed = append(changed, sa.a)
			}
			after[sa.a] = sa.cost
		}
	}
	// In the table's order, so that the sums come out the same whichever
	// accesses were priced.
	sort.Slice(changed, func(i, j int) bool { return changed[i].pos < changed[j].pos })
	// Per query: the run cost it loses, against what it costs now.
	slower := map[*analyzer.QueryShape]float64{}
	for _, a := range changed {
		d := s.cur[a].run - after[a].run
		gain += a.calls * d
		if d < 0 {
			slower[a.shape] -= d
		}
	}
	return gain, s.slowest(slower)
}

// gainAlone is gainOf(c, nil) for the accesses c serves (servesOf): those
// whose path c changes are those it serves at a lower plan cost than they
// have now, taken in the order gainOf takes them, with no map. Pricing
// asks it of every candidate, and the selection of a table's candidates
// again whenever the table's configuration changed.
func (s *selection) gainAlone(serves []servedAccess) (gain float64, slows string) {
	var slower map[*analyzer.QueryShape]float64
	for _, sa := range serves {
		cur := s.cur[sa.a]
		if sa.cost.plan >= cur.plan {
			continue
		}
		d := cur.run - sa.cost.run
		gain += sa.a.calls * d
		if d < 0 {
			if slower == nil {
				slower = map[*analyzer.QueryShape]float64{}
			}
			slower[sa.a.shape] -= d
		}
	}
	return gain, s.slowest(slower)
}

// slowest names the first, by fingerprint, of the queries that lose more
// than maxSlowdown of their run cost (slower: the run cost each loses),
// with the share; empty if none.
func (s *selection) slowest(slower map[*analyzer.QueryShape]float64) string {
	var worst []string
	for shape, loss := range slower {
		if cur := s.shapeRun(shape); loss > maxSlowdown*cur {
			worst = append(worst, fmt.Sprintf("%s (%+.0f%%)", shape.Fingerprint, 100*loss/cur))
		}
	}
	if len(worst) == 0 {
		return ""
	}
	sort.Strings(worst)
	return worst[0]
}

// maxSlowdown is how much slower, by run cost, an index may make any one
// query and still be recommended: a DBA applies the set to make queries
// faster, and a query that gets slower is a regression to explain,
// whatever the workload's total gains.
const maxSlowdown = 0.10

// shapeRun is a query's per-execution run cost under the configuration.
func (s *selection) shapeRun(shape *analyzer.QueryShape) float64 {
	total := 0.0
	for _, a := range s.m.shapeAccesses[shape] {
		total += s.cur[a].run
	}
	return total
}

func (s *selection) configWithout(t *tableModel, ix *indexModel) []*indexModel {
	return dropFrom(s.config[t], ix)
}

// option is one way to add a candidate: alone, or widening (replacing) a
// chosen index.
type option struct {
	repl                   *candidate
	gain, write, size, net float64
	slows                  string // a query it makes slower (gainOf)
}

// evaluate prices the ways c could join the configuration. It depends only
// on c's table's configuration, so it is redone only when that changed.
func (s *selection) evaluate(c *candidate) {
	t := c.ix.t
	c.version = int32(t.version)
	c.options = c.options[:0]
	c.servedBy = served(c.ix, s.config[t])
	if c.servedBy != nil {
		return
	}
	repls := []*candidate{nil}
	for _, ch := range s.chosenOnTable(t) {
		if served(ch.ix, []*indexModel{c.ix}) != nil {
			repls = append(repls, ch)
		}
	}
	for _, repl := range repls {
		o := option{repl: repl, size: c.ix.size()}
		config := s.config[t]
		var without *indexModel
		if repl != nil {
			without = repl.ix
			o.size -= repl.ix.size()
			config = s.configWithout(t, repl.ix)
		}
		o.gain, o.slows = s.gainOf(c, without)
		o.write = writeCost(c.ix, t, config)
		if repl != nil {
			o.write -= writeCost(repl.ix, t, config)
		} else {
			c.gain, c.write, c.slows = o.gain, o.write, o.slows
		}
		o.net = o.gain - o.write
		c.options = append(c.options, o)
	}
}

// tableChosen is the chosen candidates of one table, in the order chosen,
// as of the table's configuration version.
type tableChosen struct {
	version int
	list    []*candidate
}

// chosenOnTable lists the chosen candidates of t, in the order chosen.
// Every change of the chosen set changes the table's configuration
// (refresh), which bumps its version.
func (s *selection) chosenOnTable(t *tableModel) []*candidate {
	tc := s.chosenOn[t]
	if tc == nil || tc.version != t.version {
		tc = &tableChosen{version: t.version}
		for _, ch := range s.chosen {
			if ch.ix.t == t {
				tc.list = append(tc.list, ch)
			}
		}
		s.chosenOn[t] = tc
	}
	return tc.list
}

// tableBest is the best option among one table's candidates, as of the
// table's configuration version: the first in pool order with the highest
// rate (c nil: none qualifies).
type tableBest struct {
	version int
	c       *candidate
	o       option
	rate    float64
}

// bestOn is the best option among t's candidates: an option depends only
// on its table's configuration (evaluate), so it is worked out again only
// when that changed, or the pool grew.
func (s *selection) bestOn(t *tableModel) *tableBest {
	if b := s.best[t]; b != nil && b.version == t.version {
		return b
	}
	b := &tableBest{version: t.version}
	for _, c := range s.byTable[t] {
		if c.chosen || c.served == 0 {
			continue
		}
		if int(c.version) != t.version {
			s.evaluate(c)
		}
		for _, o := range c.options {
			if o.net <= s.minBenefit || o.slows != "" {
				continue
			}
			rate := o.net / math.Max(o.size, pageSize)
			if b.c == nil || rate > b.rate {
				b.c, b.o, b.rate = c, o, rate
			}
		}
	}
	s.best[t] = b
	return b
}

// run chooses indexes until none brings enough net benefit or the budget is
// spent, then prunes what later choices made useless.
func (s *selection) run() {
	if s.budget > 0 {
		s.runWithBudget()
		return
	}
	// Without a budget, an option's worth depends on its table alone: each
	// step re-prices the one table it changed, and takes the best of the
	// tables' bests (the first in pool order among equal rates, as a scan
	// of the whole pool would).
	tables := s.m.sortedTables()
	for {
		var best *tableBest
		for _, t := range tables {
			b := s.bestOn(t)
			if b.c == nil {
				continue
			}
			if best == nil || b.rate > best.rate || (b.rate == best.rate && b.c.pos < best.c.pos) {
				best = b
			}
		}
		if best == nil {
			s.prune()
			s.consolidate()
			return
		}
		s.choose(best.c, best.o)
	}
}

// runWithBudget is run under a storage budget: whether an option fits
// depends on what every table spent, so each step weighs the whole pool.
func (s *selection) runWithBudget() {
	for {
		var (
			best     *candidate
			bestOpt  option
			bestRate float64
		)
		for _, c := range s.pool {
			if c.chosen || c.served == 0 || s.banned[c.ix] {
				continue
			}
			if int(c.version) != c.ix.t.version {
				s.evaluate(c)
			}
			for _, o := range c.options {
				if o.net <= s.minBenefit || o.slows != "" {
					continue
				}
				if s.budget > 0 && s.spent+o.size > s.budget {
					if o.repl == nil {
						c.overBudget = true
					}
					continue
				}
				rate := o.net / math.Max(o.size, pageSize)
				if best == nil || rate > bestRate {
					best, bestOpt, bestRate = c, o, rate
				}
			}
		}
		if best == nil {
			s.prune()
			s.consolidate()
			return
		}
		s.choose(best, bestOpt)
	}
}

// choose puts c in the configuration as option o says.
func (s *selection) choose(c *candidate, o option) {
	t := c.ix.t
	if o.repl != nil {
		s.config[t] = s.configWithout(t, o.repl.ix)
		o.repl.chosen = false
		c.replaced = o.repl
		s.chosen = dropFrom(s.chosen, o.repl)
	}
	s.config[t] = append(s.config[t], c.ix)
	c.chosen = true
	c.gain, c.write = o.gain, o.write
	s.chosen = append(s.chosen, c)
	s.spent += o.size
	if o.repl != nil {
		s.refresh(t, c.ix, o.repl.ix)
	} else {
		s.refresh(t, c.ix)
	}
}

// refresh recomputes the accesses' costs on t after its configuration
// changed by the indexes changed (added or removed): only the accesses
// those may serve can change path; all count as evaluated.
func (s *selection) refresh(t *tableModel, changed ...*indexModel) {
	t.version++
	s.changed[t] = true
	s.evaluations += len(t.accesses)
	for _, ix := range changed {
		for _, a := range t.servable(ix) {
			s.cur[a] = a.choose(s.config[t])
		}
	}
}

// prune removes chosen indexes that later choices made (nearly) useless:
// each one's contribution is re-measured against all the others, and one
// that no longer clears the minimum benefit goes, until none does.
func (s *selection) prune() {
	for changed := true; changed; {
		changed = false
		for i := len(s.chosen) - 1; i >= 0; i-- {
			c := s.chosen[i]
			t := c.ix.t
			without := s.configWithout(t, c.ix)
			gain := 0.0
			for _, a := range t.servable(c.ix) {
				gain += a.calls * (a.cost(without) - s.cur[a].run)
			}
			s.evaluations += t.readers
			if gain-writeCost(c.ix, t, without) > s.minBenefit {
				continue
			}
			c.chosen, c.gain, c.write = false, gain, writeCost(c.ix, t, without)
			s.chosen = dropFrom(s.chosen, c)
			s.config[t] = without
			s.spent -= c.ix.size()
			s.refresh(t, c.ix)
			changed = true
		}
	}
}

// consolidate replaces chosen btrees that differ only in what they
// INCLUDE with the one candidate that INCLUDEs it all, where that loses
// less than the minimum benefit: the greedy adds one index at a time, and
// may add a near-duplicate where widening the first was the better deal
// taken as a whole (one index to store and to maintain on every write).
func (s *selection) consolidate() {
	var chosen []*indexModel
	byIndex := map[*indexModel]*candidate{}
	for _, c := range s.chosen {
		if c.ix.method == "btree" {
			chosen = append(chosen, c.ix)
			byIndex[c.ix] = c
		}
	}
	for _, ixs := range sameKeyGroups(chosen) {
		if len(ixs) < 2 {
			continue
		}
		var g []*candidate
		for _, ix := range ixs {
			g = append(g, byIndex[ix])
		}
		inc := includeUnion(ixs)
		merged := ixs[0].withInclude(inc)
		merged.finish()
		m := s.bySig(merged.signature())
		if m == nil && mergeable(merged.t, inc) {
			// The pool's merge of every candidate with these keys may
			// have been too wide; the union of the chosen ones is not.
			m = s.newCandidate(merged)
			s.addToPool(m)
		}
		if m == nil || m.chosen || s.bannedIndex(m.ix) {
			continue
		}
		t := m.ix.t
		rest := s.config[t]
		for _, c := range g {
			rest = dropFrom(rest, c.ix)
		}
		next := append(append([]*indexModel{}, rest...), m.ix)
		changed := []*indexModel{m.ix}
		for _, c := range g {
			changed = append(changed, c.ix)
		}
		loss := 0.0
		for _, a := range t.accesses {
			if a.readless {
				continue
			}
			s.evaluations++
			if mayUseAny(a, changed) { // the others keep their path
				loss += a.calls * (a.cost(next) - s.cur[a].run)
			}
		}
		for _, c := range g {
			loss -= writeCost(c.ix, t, s.configWithout(t, c.ix))
		}
		loss += writeCost(m.ix, t, rest)
		if loss > s.minBenefit {
			continue
		}
		for _, c := range g {
			c.chosen = false
			s.chosen = dropFrom(s.chosen, c)
			s.spent -= c.ix.size()
		}
		m.chosen, m.replaced = true, nil
		s.chosen = append(s.chosen, m)
		s.spent += m.ix.size()
		s.config[t] = next
		s.refresh(t, changed...)
	}
}

// mayUseAny reports whether any of ixs may serve access a.
func mayUseAny(a *accessModel, ixs []*indexModel) bool {
	for _, ix := range ixs {
		if a.mayUse(ix) {
			return true
		}
	}
	return false
}

// dropFrom returns a new list of the elements of list but x.
func dropFrom[T comparable](list []T, x T) []T {
	var out []T
	for _, y := range list {
		if y != x {
			out = append(out, y)
		}
	}
	return out
}

// recommendations renders the chosen indexes, ordered by net benefit.
func (s *selection) recommendations() []Recommendation {
	var out []Recommendation
	for _, c := range s.chosen {
		// Re-measure against the final configuration, so each figure is
		// what this index contributes given all the others.
		t := c.ix.t
		without := s.configWithout(t, c.ix)
		gain, savedMS := 0.0, 0.0
		type q struct {
			fp   string
			gain float64
		}
		var qs []q
		byShape := map[string]float64{}
		servedCalls := 0.0                   // executions of the shapes that gain, each counted once
		for _, a := range t.servable(c.ix) { // for the others, before = after
			before := a.cost(without)
			after := s.cur[a].run
			if after > before {
				// A query it makes slower (by less than maxSlowdown)
				// counts against it.
				gain -= a.calls * (after - before)
			}
			if after < before {
				g := a.calls * (before - after)
				gain += g
				if _, seen := byShape[a.shape.Fingerprint]; !seen {
					servedCalls += a.calls
				}
				byShape[a.shape.Fingerprint] += g
				if a.shape.TimedCalls > 0 {
					// The shape's observed time, in proportion to the
					// share of its estimated cost this access saves.
					savedMS += a.shape.TotalMS * (before - after) / math.Max(a.shapeBase(), 1e-9)
				}
			}
		}
		for fp, g := range byShape {
			qs = append(qs, q{fp, g})
		}
		sort.Slice(qs, func(i, j int) bool {
			if qs[i].gain != qs[j].gain {
				return qs[i].gain > qs[j].gain
			}
			return qs[i].fp < qs[j].fp
		})
		r := Recommendation{
			Kind:       KindCreateIndex,
			Table:      t.name,
			Index:      &IndexDetail{Name: c.ix.indexName()},
			Benefit:    round(gain),
			WriteCost:  round(writeCost(c.ix, t, without)),
			SizeBytes:  int64(c.ix.size()),
			SavedMS:    round(savedMS),
			Confidence: "high",

			ContainsLiteral: c.ix.containsLiteral(),
		}
		r.DDL = c.ix.createDDL(r.Index.Name)
		r.DownDDL = dropDDL(t.name, r.Index.Name)
		for _, x := range qs {
			r.Queries = append(r.Queries, x.fp)
		}
		r.Reason = s.createReason(c, r, len(qs), servedCalls)
		out = append(out, r)
	}
	sort.SliceStable(out, func(i, j int) bool {
		ni, nj := out[i].Benefit-out[i].WriteCost, out[j].Benefit-out[j].WriteCost
		if ni != nj {
			return ni > nj
		}
		return out[i].Index.Name < out[j].Index.Name
	})
	return out
}

// calls counts the executions of the shapes the candidate could serve.
func (c *candidate) calls() float64 { return c.servedCalls }

// createReason says what a chosen index does: the queries that gain from it
// in the final set, with their calls, and the cost against the gain.
func (s *selection) createReason(c *candidate, r Recommendation, queries int, calls float64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Serves %d %s (%s)", queries, plural(queries, "query", "queries"), s.m.rate(calls, "calls"))
	what := c.ix.purpose(s.m.showValues)
	if what != "" {
		b.WriteString(" " + what)
	}
	fmt.Fprintf(&b, ": estimated read cost −%s against +%s of index maintenance", units(r.Benefit), units(r.WriteCost))
	// A widened choice does not name the narrower index it grew from: that
	// one is a candidate the reader never sees, not an index to look up.
	b.WriteString(".")
	return b.String()
}

// purpose says in words what kind of index it is; a partial index's
// constants are shown only with showValues.
func (ix *indexModel) purpose(showValues bool) string {
	switch {
	case ix.method == "gin":
		return "with a GIN index for its containment/overlap/full-text filters"
	case ix.method == "brin":
		return "with a BRIN index: the table is append-mostly and the column follows insertion order"
	case len(ix.predicate) > 0:
		return "with a partial index on the rows it always asks for (" + ix.predicateText(showValues) + ")"
	case len(ix.include) > 0:
		return "by index-only scans (INCLUDE " + strings.Join(ix.include, ", ") + ")"
	}
	return ""
}

// rejected lists the candidates that would have helped but were not chosen.
func (s *selection) rejected(max int) []Recommendation {
	var list []*candidate
	for _, c := range s.pool {
		if c.chosen || c.served == 0 || c.gain <= 0 {
			continue
		}
		list = append(list, c)
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].gain != list[j].gain {
			return list[i].gain > list[j].gain
		}
		return s.sigLess(list[i], list[j])
	})
	var out []Recommendation
	var listed []*candidate
	variants := map[int]int{} // index in out → narrower variants left out
	for _, c := range list {
		// A candidate a chosen index serves needs no entry of its own.
		if e := served(c.ix, s.config[c.ix.t]); e != nil && e.existing == nil {
			continue
		}
		// Nor does a variant of a listed rejection (same leading keys,
		// more or fewer columns) rejected for the same kind of reason: it
		// is counted on that one.
		kind := s.rejectKind(c)
		variant := false
		for i, l := range listed {
			if lk, _, _ := strings.Cut(out[i].Reason, ":"); lk == kind && (supersedes(l.ix, c.ix) || supersedes(c.ix, l.ix)) {
				variants[i]++
				variant = true
				break
			}
		}
		if variant || len(out) == max {
			continue
		}
		reason := s.rejectReason(c)
		name := c.ix.indexName()
		r := Recommendation{
			Kind: KindCreateIndex, Table: c.ix.t.name, Index: &IndexDetail{Name: name}, DDL: c.ix.createDDL(name),
			Benefit: round(c.gain), WriteCost: round(c.write), SizeBytes: int64(c.ix.size()), Confidence: "high",
			ContainsLiteral: c.ix.containsLiteral(),
		}
		fps := map[string]bool{}
		serves, _ := servesOf(c.ix, &s.scratch)
		for _, sa := range serves {
			if !fps[sa.a.shape.Fingerprint] {
				fps[sa.a.shape.Fingerprint] = true
				r.Queries = append(r.Queries, sa.a.shape.Fingerprint)
			}
		}
		sort.Strings(r.Queries)
		r.Reason = reason
		out = append(out, r)
		listed = append(listed, c)
	}
	for i, n := range variants {
		out[i].Reason += fmt.Sprintf(" Also rejected, not listed: %d %s with the same leading keys.", n, plural(n, "variant", "variants"))
	}
	return out
}

// rejectKind is the kind of rejectReason(c), the text before its first
// colon, which the rejected list compares for every candidate: the
// reasons whose first colon follows a fixed text are not written.
func (s *selection) rejectKind(c *candidate) string {
	switch {
	case c.servedBy != nil && c.servedBy.existing != nil:
	case c.gain-c.write <= 0:
		return "Write cost wins"
	case c.slows != "":
	case c.overBudget:
		return "Over the storage budget"
	case c.gain-c.write <= s.minBenefit:
		return "Gain too small"
	}
	kind, _, _ := strings.Cut(s.rejectReason(c), ":")
	return kind
}

func (s *selection) rejectReason(c *candidate) string {
	t := c.ix.t
	switch {
	case c.servedBy != nil && c.servedBy.existing != nil:
		return fmt.Sprintf("The existing index %s already serves these queries.", c.servedBy.name)
	case c.gain-c.write <= 0:
		var updates, breaks float64
		for _, w := range t.writes {
			if w.kind == analyzer.KindUpdate && c.ix.touches(w.setCols) {
				updates += w.calls * w.rows
				hot := true
				for _, other := range s.config[t] {
					if other.touches(w.setCols) {
						hot = false
					}
				}
				if hot {
					breaks += w.calls * w.rows
				}
			}
		}
		msg := fmt.Sprintf("Write cost wins: saves %s of reads for %s but costs %s of index maintenance", units(c.gain), s.m.rate(c.calls(), "calls"), units(c.write))
		if breaks > 0 {
			msg += fmt.Sprintf(": it would turn %s into non-HOT ones", s.m.rate(breaks, "HOT updates"))
		} else if updates > 0 {
			msg += fmt.Sprintf(" (%s change its columns)", s.m.rate(updates, "updated rows"))
		}
		return msg + "."
	case c.slows != "":
		return fmt.Sprintf("It would make query %s slower by its run cost; no index is recommended that makes a query more than %.0f%% slower.", c.slows, 100*maxSlowdown)
	case c.exchanged:
		return fmt.Sprintf("Over the storage budget: %s for a gain of %s; the chosen indexes gain more in the room it would take.", bytesText(c.ix.size()), units(c.gain-c.write))
	case c.overBudget:
		return fmt.Sprintf("Over the storage budget: %s for a gain of %s.", bytesText(c.ix.size()), units(c.gain-c.write))
	case c.gain-c.write <= s.minBenefit:
		return fmt.Sprintf("Gain too small: %s net, below the minimum benefit of %s.", units(c.gain-c.write), units(s.minBenefit))
	}
	return "A chosen index serves these queries at a better benefit per byte."
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func units(x float64) string { return FormatCost(x) }

func bytesText(b float64) string { return FormatBytes(b) }

func round(x float64) float64 { return math.Round(x*100) / 100 }
