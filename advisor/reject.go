package advisor

import "fmt"

// RejectIndexes moves the create_index recommendations named in why (index
// → why it is rejected) to Rejected, their reason prefixed with verdict and
// why, and with them the drop_index recommendations that existed only
// because such an index superseded the index to drop (what says of the
// rejected index: "which the planner did not use"). It returns the names
// moved. A later check (the planner's, measured execution) calls it: the
// result's own kinds and links are the advisor's to edit.
func (res *Result) RejectIndexes(why map[string]string, verdict, what string) []string {
	if len(why) == 0 {
		return nil
	}
	var keep []Recommendation
	var moved []string
	for _, r := range res.Recommendations {
		if r.Index == nil { // not an index: no check rejects it
			keep = append(keep, r)
			continue
		}
		ix := r.Index
		reason, isGone := why[ix.Name]
		_, supersededGone := why[ix.SupersededBy]
		switch {
		case r.Kind == KindCreateIndex && isGone:
			r.Reason = verdict + reason + " (The cost model's reason was: " + r.Reason + ")"
		case r.Kind == KindDropIndex && ix.SupersededBy != "" && supersededGone:
			r.Reason = fmt.Sprintf("Kept: it was to be dropped for %s, %s. (%s)", ix.SupersededBy, what, r.Reason)
		default:
			keep = append(keep, r)
			continue
		}
		moved = append(moved, ix.Name)
		res.Rejected = append(res.Rejected, r)
	}
	res.Recommendations = keep
	return moved
}
