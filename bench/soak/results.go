package main

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"syscall"
	"time"
)

// results is the soak's outcome.
type results struct {
	start   time.Time
	wall    time.Duration
	calib   map[string]time.Duration
	runs    []record
	stopped string // why the plan was cut short, if it was
	err     error  // why the soak could not go on
}

func (r *results) fail(err error) *results {
	r.err = err
	return r.done()
}

func (r *results) done() *results {
	r.wall = time.Since(r.start)
	return r
}

// clean reports whether every run left nothing, none hung and each exited as it must.
func (r *results) clean() bool {
	for _, x := range r.runs {
		if x.left.total() != 0 || x.hung || x.cleanupErr != nil || x.wrongCode() {
			return false
		}
	}
	return true
}

// wrongCode reports whether the run's exit code is not the one its fate calls for:
// 130 (interrupted, everything torn down) after SIGINT or SIGTERM, death by the signal
// (-1) after SIGKILL, and a verdict's code (0 pass, 1 fail, 3 inconclusive) for a run
// that ended before its signal was due. Anything else (4: an error, or a recovered
// panic's "internal error") is a defect even when nothing was left.
func (x record) wrongCode() bool {
	switch {
	case x.hung:
		return false // counted as hung
	case !x.signalled:
		return x.code != 0 && x.code != 1 && x.code != 3
	case x.sig == syscall.SIGKILL:
		return x.code != -1
	default:
		return x.code != 130
	}
}

// line is one run's outcome in the progress log.
func (x record) line() string {
	var b strings.Builder
	switch {
	case !x.signalled:
		fmt.Fprintf(&b, "finished before the signal, exit %d", x.code)
	case x.hung:
		fmt.Fprintf(&b, "HUNG %s after the signal", exitWait)
	default:
		fmt.Fprintf(&b, "exit %d, %s after the signal", x.code, x.exitAfter.Round(time.Millisecond))
	}
	if x.wrongCode() {
		b.WriteString(" (WRONG EXIT CODE)")
	}
	if x.sig == syscall.SIGKILL && x.signalled {
		fmt.Fprintf(&b, "; the kill left %s; after %s", x.afterKill, x.cleanup)
	}
	if x.left.total() == 0 {
		b.WriteString("; census: nothing left")
	} else {
		fmt.Fprintf(&b, "; census: LEFT %s: %s", x.left, strings.Join(x.left.Names, ", "))
	}
	if x.cleanupErr != nil {
		fmt.Fprintf(&b, "; cleanup failed: %v", x.cleanupErr)
	}
	return b.String()
}

// print writes the summary: per runtime × signal, what was left after each run.
func (r *results) print(w io.Writer, cfg config, argv string) {
	fmt.Fprintf(w, "\nsoak summary\ncommand: %s\nseed: %d\nwall time: %s (calibration runs:", argv, cfg.seed, r.wall.Round(time.Second))
	rts := make([]string, 0, len(r.calib))
	for rt := range r.calib {
		rts = append(rts, rt)
	}
	sort.Strings(rts)
	for _, rt := range rts {
		fmt.Fprintf(w, " %s %s", rt, r.calib[rt].Round(time.Millisecond))
	}
	signalled := 0
	for _, x := range r.runs {
		if x.signalled {
			signalled++
		}
	}
	fmt.Fprintf(w, ")\nruns: %d, interrupted by their signal: %d (the others ended before it was due and were tried again)\n", len(r.runs), signalled)
	if r.stopped != "" {
		fmt.Fprintf(w, "stopped early: %s\n", r.stopped)
	}
	fmt.Fprintln(w, "\n| runtime | signal | runs | signalled | of which in the first 3 s | exit codes | wrong exit codes | signal → exit (median / max) | left by the kill, before cleanup (ctr/net/proc/dir/file/cgroup) | runs leaving anything after exit / cleanup | hung |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|")
	for _, rt := range rts {
		for _, sig := range signals {
			var (
				n, signalled, early, leftRuns, hung, wrong int
				killLeft, left                             census
				codes                                      = map[int]int{}
				exits                                      []time.Duration
			)
			for _, x := range r.runs {
				if x.runtime != rt || x.sig != sig {
					continue
				}
				n++
				codes[x.code]++
				if x.wrongCode() {
					wrong++
				}
				if x.signalled {
					signalled++
					if x.delay < earlyWindow {
						early++
					}
					if !x.hung {
						exits = append(exits, x.exitAfter)
					}
				}
				if x.hung {
					hung++
				}
				killLeft = addCensus(killLeft, x.afterKill)
				if x.left.total() != 0 {
					leftRuns++
					left = addCensus(left, x.left)
				}
			}
			if n == 0 {
				continue
			}
			slices.Sort(exits)
			med, max := "–", "–"
			if len(exits) > 0 {
				med, max = exits[len(exits)/2].Round(time.Millisecond).String(), exits[len(exits)-1].Round(time.Millisecond).String()
			}
			kl := "–"
			if sig == syscall.SIGKILL {
				kl = killLeft.short()
			}
			fmt.Fprintf(w, "| %s | %s | %d | %d | %d | %s | %d | %s / %s | %s | %d (%s) | %d |\n", rt, sigName(sig), n, signalled, early, codeList(codes), wrong, med, max, kl,
				leftRuns, left.short(), hung)
		}
	}
	switch {
	case r.err != nil:
		return
	case r.clean():
		fmt.Fprintln(w, "\nverdict: CLEAN — every run left 0 containers, networks, processes, temp dirs, unfinished files and cgroups of drill, and exited with its code (130 after SIGINT/SIGTERM)")
	default:
		fmt.Fprintln(w, "\nverdict: NOT CLEAN — see the runs marked LEFT, HUNG, WRONG EXIT CODE or cleanup failed above")
	}
}

func sigName(s syscall.Signal) string {
	switch s {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGKILL:
		return "SIGKILL"
	}
	return s.String()
}

func codeList(codes map[int]int) string {
	keys := make([]int, 0, len(codes))
	for k := range codes {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		name := fmt.Sprint(k)
		if k == -1 {
			name = "killed"
		}
		parts = append(parts, fmt.Sprintf("%s×%d", name, codes[k]))
	}
	return strings.Join(parts, " ")
}
