// Command testsummary reads `go test -json` output of Ginkgo suites run with
// -ginkgo.v -ginkgo.no-color and prints what a reader of a CI log needs: one line per
// package with how many specs ran, passed, failed and were skipped, every skipped spec
// with its reason, and the whole output of any package that failed. It ends with a
// closing line "N passed, N failed, N skipped" and exits 1 when anything failed.
//
//	go test -json ./... -args -ginkgo.v -ginkgo.no-color | go run ./tools/testsummary
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// event is one line of `go test -json`.
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
	Elapsed float64
}

// pkg is what one package's test binary printed.
type pkg struct {
	name    string
	lines   []string
	action  string // pass, fail, skip (no test files)
	elapsed float64
}

var (
	totals  = regexp.MustCompile(`(\d+) Passed \| (\d+) Failed \| (\d+) Pending \| (\d+) Skipped`)
	ran     = regexp.MustCompile(`^Ran (\d+) of (\d+) Specs`)
	skipped = regexp.MustCompile(`^\s+\[SKIPPED\] (.*)$`)
)

func main() {
	os.Exit(run(os.Stdin, os.Stdout))
}

func run(in io.Reader, out io.Writer) int {
	pkgs := map[string]*pkg{}
	var t totalsSeen
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			fmt.Fprintln(out, sc.Text()) // a build error or a line go test printed itself
			continue
		}
		p, ok := pkgs[e.Package]
		if !ok {
			p = &pkg{name: e.Package}
			pkgs[e.Package] = p
		}
		switch e.Action {
		case "output":
			p.lines = append(p.lines, e.Output)
		case "pass", "fail", "skip":
			if e.Test == "" {
				// The package is done: say so now, so a long run shows its progress.
				p.action, p.elapsed = e.Action, e.Elapsed
				t.add(p.report(out))
				delete(pkgs, e.Package)
			}
		}
	}
	fmt.Fprintf(out, "%d passed, %d failed, %d skipped\n", t.passed, t.failed, t.skipped)
	if t.failed > 0 || t.failedPkgs > 0 {
		return 1
	}
	return 0
}

// totalsSeen adds up the packages' specs.
type totalsSeen struct{ passed, failed, skipped, failedPkgs int }

func (t *totalsSeen) add(c counts) {
	t.passed, t.failed, t.skipped = t.passed+c.passed, t.failed+c.failed, t.skipped+c.skipped
	if c.pkgFailed {
		t.failedPkgs++
	}
}

// counts are one package's spec counts.
type counts struct {
	passed, failed, skipped int
	pkgFailed               bool
}

// report prints the package's line, its skips and, when it failed, its whole output.
func (p *pkg) report(out io.Writer) counts {
	var c counts
	if p.action == "skip" {
		return c // no test files
	}
	var (
		nRan, nAll     string
		reasons        []string
		skipBlockTitle string
	)
	for i, l := range p.lines {
		line := strings.TrimRight(l, "\n")
		if m := ran.FindStringSubmatch(line); m != nil {
			nRan, nAll = m[1], m[2]
		}
		if m := totals.FindStringSubmatch(line); m != nil {
			c.passed, c.failed, c.skipped = atoi(m[1]), atoi(m[2]), atoi(m[4])
		}
		if strings.HasPrefix(line, "S [SKIPPED]") && i+1 < len(p.lines) {
			skipBlockTitle = strings.TrimSpace(p.lines[i+1])
		}
		if m := skipped.FindStringSubmatch(line); m != nil && skipBlockTitle != "" {
			reasons = append(reasons, fmt.Sprintf("    skipped: %s — %s", skipBlockTitle, m[1]))
			skipBlockTitle = ""
		}
	}
	status := "ok  "
	if p.action != "pass" {
		status, c.pkgFailed = "FAIL", true
	}
	fmt.Fprintf(out, "%s %s (%.1fs): %s of %s specs ran, %d passed, %d failed, %d skipped\n",
		status, p.name, p.elapsed, or(nRan, "?"), or(nAll, "?"), c.passed, c.failed, c.skipped)
	for _, r := range reasons {
		fmt.Fprintln(out, r)
	}
	if c.pkgFailed {
		fmt.Fprintf(out, "---- output of %s ----\n", p.name)
		for _, l := range p.lines {
			fmt.Fprint(out, l)
		}
		fmt.Fprintf(out, "---- end of %s ----\n", p.name)
	}
	return c
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
