//go:build !unix

package pgtest

import "os/exec"

// DefaultUser is unused where there is no root to step down from.
const DefaultUser = "pgadvise-test"

type runAs struct{}

func serverUser() (*runAs, error)      { return nil, nil }
func (r *runAs) apply(*exec.Cmd)       {}
func (r *runAs) chownAll(string) error { return nil }
func (r *runAs) String() string        { return "current user" }
