package scenario

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Error is one problem in a scenario file, located at FILE:LINE so that an editor can
// jump to it and the CLI can map it to its config-error exit code (errors.As).
type Error struct {
	// File is the name the scenario was loaded from ("" when unknown).
	File string
	// Line is the 1-based line of the offending key or value (0 when unknown).
	Line int
	// Msg says what is wrong in one line.
	Msg string
}

// Error renders the problem on one line: "file:line: msg".
func (e *Error) Error() string {
	switch {
	case e.File != "" && e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	case e.File != "":
		return e.File + ": " + e.Msg
	case e.Line > 0:
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	default:
		return e.Msg
	}
}

// problems collects the errors of one file, to be reported together in line order.
type problems struct {
	file string
	errs []*Error
}

// maxProblems bounds how many problems one file reports: past it, more is noise.
const maxProblems = 50

func (p *problems) addf(line int, format string, args ...any) {
	if len(p.errs) >= maxProblems {
		return
	}
	p.errs = append(p.errs, &Error{File: p.file, Line: line, Msg: oneLine(fmt.Sprintf(format, args...))})
}

// err returns nil, the single *Error, or all of them joined in line order: the first line
// of the joined text is the first problem, whole, and errors.As finds it.
func (p *problems) err() error {
	if len(p.errs) == 0 {
		return nil
	}
	slices.SortStableFunc(p.errs, func(a, b *Error) int { return cmp.Compare(a.Line, b.Line) })
	if len(p.errs) == 1 {
		return p.errs[0]
	}
	errs := make([]error, len(p.errs))
	for i, e := range p.errs {
		errs[i] = e
	}
	return errors.Join(errs...)
}

// oneLine keeps the first line of a message, so every Error renders on one line.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	return s
}
