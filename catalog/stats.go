package catalog

// TableStats are a table's planner statistics and activity counters, as
// pg_class and pg_stat_user_tables give them. Zero values mean unknown.
type TableStats struct {
	// Rows is pg_class.reltuples (or n_live_tup); Pages is relpages.
	Rows  float64 `json:"rows"`
	Pages float64 `json:"pages"`
	// Inserts, Updates, HOTUpdates and Deletes are pg_stat_user_tables'
	// n_tup_ins, n_tup_upd, n_tup_hot_upd, n_tup_del since the stats reset.
	Inserts    float64 `json:"inserts,omitempty"`
	Updates    float64 `json:"updates,omitempty"`
	HOTUpdates float64 `json:"hot_updates,omitempty"`
	Deletes    float64 `json:"deletes,omitempty"`
	SeqScans   float64 `json:"seq_scans,omitempty"`
	IdxScans   float64 `json:"idx_scans,omitempty"`
}

// ColumnStats are pg_stats' figures for one column. Zero values mean unknown,
// except where a pointer says whether the value was given.
type ColumnStats struct {
	// NDistinct follows pg_stats: positive is a count of distinct values,
	// negative is minus the fraction of rows (-1: unique).
	NDistinct float64 `json:"n_distinct,omitempty"`
	NullFrac  float64 `json:"null_frac,omitempty"`
	AvgWidth  float64 `json:"avg_width,omitempty"`
	// Correlation between physical and logical order, -1 to 1; nil when
	// unknown. Near ±1, a BRIN index or a range scan reads few pages.
	Correlation *float64 `json:"correlation,omitempty"`
	// MostCommon lists the most common values (as text) and MostCommonFreqs
	// their frequencies.
	MostCommon      []string  `json:"most_common,omitempty"`
	MostCommonFreqs []float64 `json:"most_common_freqs,omitempty"`
	// HistogramBounds are pg_stats' histogram_bounds (as text, in the
	// column's order): they divide the values that are not most common into
	// groups of equal population, from which a range's share is read.
	HistogramBounds []string `json:"histogram_bounds,omitempty"`
}

// IndexStats are pg_stat_user_indexes' figures for one index.
type IndexStats struct {
	Scans     float64 `json:"scans"`
	SizeBytes int64   `json:"size_bytes,omitempty"`
}

// DistinctValues returns the number of distinct values of a column for a
// table of rows rows, resolving pg_stats' negative (fractional) form, or 0
// when unknown.
func (c *ColumnStats) DistinctValues(rows float64) float64 {
	if c == nil {
		return 0
	}
	if c.NDistinct < 0 {
		return -c.NDistinct * rows
	}
	return c.NDistinct
}
