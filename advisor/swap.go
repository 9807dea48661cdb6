package advisor

import (
	"math"
	"sort"
)

// Under a storage budget the greedy search takes the best gain per byte
// first, and can fill the budget with small indexes that leave no room for
// a large one worth more than what took its place (testdata/budget.txt:
// (account_id), then (email_hash), and (address), worth twice (email_hash)
// at six times its size, no longer fits). settleBudget looks for such
// exchanges: it runs the selection again with a chosen index's key group
// barred, and keeps the result when the workload, writes included, comes
// out cheaper by more than the minimum benefit. On TPC-H it changes
// nothing: with the sizes estimated before they counted alignment, barring
// the (l_orderkey) indexes at half the data size let the l_shipdate one in
// and priced 1% dearer; with sizes as built, no candidate that lost to the
// budget fits in the room of a chosen one, and no exchange is tried.
const (
	// maxSwapTries bounds the chosen indexes barred, one at a time, in a
	// round of the search; maxSwapRounds the rounds (each accepted
	// exchange starts one).
	maxSwapTries  = 4
	maxSwapRounds = 3
)

// settleBudget makes and settles the selection for budget and minBenefit,
// then improves it by exchanges (see above) when a budget is set and a
// candidate lost to it. The candidates of the pool are left in the state
// of the returned selection.
func settleBudget(m *model, budget, minBenefit float64) *selection {
	s := newSelection(m, budget, minBenefit)
	settle(s)
	if budget <= 0 {
		return s
	}
	evaluations := s.evaluations
	best, bestCost := s, s.totalCost()
	var bestBarred []string
	// last is the selection whose state the pool's candidates hold: each
	// round starts from best's (swapTries reads it), since a round ends
	// at the first exchange it accepts.
	last := s
	for round := 0; round < maxSwapRounds; round++ {
		improved := false
		for _, key := range swapTries(best) {
			barred := append(append([]string{}, bestBarred...), key)
			alt := newSelection(m, budget, minBenefit)
			alt.ban(barred)
			settle(alt)
			evaluations += alt.evaluations
			last = alt
			if cost := alt.totalCost(); cost < bestCost-minBenefit {
				best, bestCost, bestBarred = alt, cost, barred
				improved = true
				break
			}
		}
		if !improved {
			break
		}
	}
	if last != best {
		best = newSelection(m, budget, minBenefit)
		best.ban(bestBarred)
		settle(best)
		evaluations += best.evaluations
	}
	// A barred candidate is rejected for the budget, with its gain under
	// the final configuration, as the rejected list reports it.
	for _, c := range best.pool {
		if best.banned[c.ix] && !c.chosen && c.served > 0 {
			best.evaluate(c)
			c.overBudget, c.exchanged = true, true
		}
	}
	best.evaluations = evaluations
	return best
}

// swapTries lists the key groups (ban) of the chosen indexes worth
// barring: those whose size, given back, would let in a candidate that
// lost to the budget and is worth more than they are; the least gain per
// byte first, at most maxSwapTries.
func swapTries(s *selection) []string {
	var lost []*candidate
	for _, c := range s.pool {
		if c.overBudget && !c.chosen && c.servedBy == nil && !s.banned[c.ix] {
			lost = append(lost, c)
		}
	}
	if len(lost) == 0 {
		return nil
	}
	type try struct {
		c    *candidate
		rate float64
	}
	var tries []try
	room := s.budget - s.spent
	for _, c := range s.chosen {
		worth := c.gain - c.write
		for _, o := range lost {
			if o.ix.size() <= room+c.ix.size() && o.gain-o.write > worth {
				tries = append(tries, try{c, worth / math.Max(c.ix.size(), pageSize)})
				break
			}
		}
	}
	sort.SliceStable(tries, func(i, j int) bool { return tries[i].rate < tries[j].rate })
	var keys []string
	seen := map[string]bool{}
	for _, t := range tries {
		if len(keys) == maxSwapTries {
			break
		}
		if k := t.c.ix.withoutInclude(); !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	return keys
}

// ban bars the selection from choosing the indexes of these key groups
// (indexModel.withoutInclude: the same keys, method and predicate, whatever
// they INCLUDE): barring one index alone would let the greedy search take
// its next variant in its place (TPC-H has a dozen (l_orderkey) INCLUDE
// candidates).
func (s *selection) ban(keys []string) {
	if len(keys) == 0 {
		return
	}
	s.bannedKeys = map[string]bool{}
	for _, k := range keys {
		s.bannedKeys[k] = true
	}
	s.banned = map[*indexModel]bool{}
	for _, c := range s.pool {
		if s.bannedKeys[c.ix.withoutInclude()] {
			s.banned[c.ix] = true
		}
	}
}

// bannedIndex reports whether the selection may not choose ix, a pooled
// candidate's (banned) or one made later (consolidate's merges).
func (s *selection) bannedIndex(ix *indexModel) bool {
	if s.banned == nil {
		return false
	}
	return s.banned[ix] || s.bannedKeys[ix.withoutInclude()]
}

// totalCost is what the selection's choice costs the workload: its reads
// under the configuration, and the upkeep of the chosen indexes on its
// writes.
func (s *selection) totalCost() float64 {
	total := s.workloadCost()
	for _, c := range s.chosen {
		t := c.ix.t
		total += writeCost(c.ix, t, s.configWithout(t, c.ix))
	}
	return total
}
