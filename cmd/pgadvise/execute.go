package main

// analyze --verify=execute: each recommended index built for real on a
// staging copy, inside a transaction rolled back, and its queries measured
// with EXPLAIN ANALYZE with and without it (whatif.Execute).

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/pgadvise/pgadvise/whatif"
)

// verifyMode is what --verify asks for.
type verifyMode string

// --verify's values.
const (
	verifyOff     verifyMode = ""
	verifyPlanner verifyMode = "planner" // --verify: HypoPG, read-only
	verifyExecute verifyMode = "execute" // --verify=execute: measured, writes
)

// verifyFlag is --verify. It is a boolean flag, so that a plain --verify is
// the planner check, that also takes --verify=execute.
type verifyFlag struct{ mode verifyMode }

// IsBoolFlag lets --verify stand alone.
func (v *verifyFlag) IsBoolFlag() bool { return true }

func (v *verifyFlag) String() string {
	if v == nil {
		return ""
	}
	return string(v.mode)
}

func (v *verifyFlag) Set(s string) error {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "planner", "hypopg":
		v.mode = verifyPlanner
	case "false":
		v.mode = verifyOff
	case "execute":
		v.mode = verifyExecute
	default:
		return fmt.Errorf("want --verify (the planner's check, read-only) or --verify=execute (measured on a staging copy)")
	}
	return nil
}

// confirmFlag is the acknowledgement --verify=execute needs.
const confirmFlag = "confirm-not-production"

const confirmHelp = "with --verify=execute: confirm that --dsn is a staging copy or a replica promoted for testing, not production. " +
	"--verify=execute builds each recommended index (CREATE INDEX, in a transaction rolled back after; writes to the table wait meanwhile) " +
	"and runs the captured queries with EXPLAIN ANALYZE. A hot standby cannot build indexes, and a server that accepts writes looks the same " +
	"whether it is the primary or a copy, so pgadvise cannot tell: this flag is always needed"

// executeFlags are --verify=execute's own flags.
type executeFlags struct {
	confirmed bool
	timeout   time.Duration
	budget    time.Duration
}

func newExecuteFlags(fs *flag.FlagSet) *executeFlags {
	e := &executeFlags{}
	fs.BoolVar(&e.confirmed, confirmFlag, false, confirmHelp)
	fs.DurationVar(&e.timeout, "execute-timeout", whatif.DefaultExecStatementTimeout, "with --verify=execute: the longest one measured run of a query may take (`DURATION`); a side that takes longer counts at this time, marked timed out")
	fs.DurationVar(&e.budget, "execute-budget", whatif.DefaultExecBudget, "with --verify=execute: the time all the measuring may take (`DURATION`); the indexes not measured by then are reported as not measured")
	return e
}

// check validates the flags against --verify's mode. inputs are the INPUT
// arguments: "--verify execute", with a space, makes "execute" one.
func (e *executeFlags) check(mode verifyMode, inputs []string, stderr io.Writer) int {
	for _, in := range inputs {
		if _, err := os.Stat(in); in == "execute" && mode == verifyPlanner && err != nil {
			fmt.Fprintln(stderr, "pgadvise analyze: INPUT \"execute\" does not exist: for measured execution write --verify=execute, with =")
			return exitUsage
		}
	}
	switch {
	case mode != verifyExecute && e.confirmed:
		fmt.Fprintf(stderr, "pgadvise analyze: --%s goes with --verify=execute only\n", confirmFlag)
		return exitUsage
	case mode != verifyExecute:
		return exitOK
	case !e.confirmed:
		fmt.Fprintf(stderr, "pgadvise analyze: --verify=execute refused without --%s: it builds each recommended index for real "+
			"(in a transaction it rolls back, but writes to the table wait meanwhile) and runs the captured queries. "+
			"Run it on a staging copy or a replica promoted for testing, never on the primary, and say so with --%s. "+
			"(A hot standby cannot build indexes; a writable server cannot tell pgadvise whether it is the primary.) "+
			"--verify alone checks the advice with the planner, read-only.\n", confirmFlag, confirmFlag)
		return exitUsage
	case e.timeout < time.Millisecond || e.budget < time.Second:
		fmt.Fprintln(stderr, "pgadvise analyze: --execute-timeout and --execute-budget want positive durations (at least 1ms and 1s), like 30s and 10m")
		return exitUsage
	}
	return exitOK
}
