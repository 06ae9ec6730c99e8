package drilltest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/drillhq/drill"
	"github.com/drillhq/drill/internal/fixture"
	"github.com/drillhq/drill/internal/outpath"
)

// ReportDirEnv names the environment variable of the directory RunScenario writes each
// run's reports to, e.g. a CI artifact directory. Unset, they go to a temporary
// directory removed after the container's specs.
const ReportDirEnv = "DRILL_REPORT_DIR"

// RunScenario runs the scenario file once for the enclosing Ordered container, in a
// BeforeAll, and returns a function giving its result to the container's specs. The run
// gets the node's context: a spec timeout or an interrupt cancels it, which reverts the
// faults and tears the stack down before the node ends. Every spec of the container
// gets the run's Markdown summary and the path of its HTML report as report entries
// (AddReportEntry), so they land in each spec's case of a JUnit report. The reports
// are written to $DRILL_REPORT_DIR (e.g. a CI artifact directory), else to a temporary
// directory removed in DeferCleanup after the container. A run that could not start
// fails the BeforeAll, and with it the container's specs.
//
// args are drill.Options for the run and, as for any Ginkgo node, decorators of the
// BeforeAll that runs it: NodeTimeout(10*time.Minute) bounds the drill, GracePeriod
// how long its teardown may take after that.
//
// Call it in the body of an Ordered container, where a BeforeAll may go.
func RunScenario(path string, args ...any) func() *drill.Result {
	var (
		res          *drill.Result
		summary, rep string
		opts         []drill.Option
		decorators   []any
	)
	for _, a := range args {
		if o, ok := a.(drill.Option); ok {
			opts = append(opts, o)
		} else {
			decorators = append(decorators, a)
		}
	}
	body := func(ctx ginkgo.SpecContext) {
		sc, err := drill.Load(path)
		if err != nil {
			ginkgo.Fail(fmt.Sprintf("load scenario: %v", err))
		}
		dir := os.Getenv(ReportDirEnv)
		if dir == "" {
			if dir, err = os.MkdirTemp("", "drill-report-"); err != nil {
				ginkgo.Fail(fmt.Sprintf("make report directory: %v", err))
			}
			ginkgo.DeferCleanup(os.RemoveAll, dir)
		} else if err := os.MkdirAll(dir, 0o755); err != nil {
			ginkgo.Fail(fmt.Sprintf("make report directory %s: %v", dir, err))
		}
		all := append([]drill.Option{drill.WithFile(path), drill.WithLog(ginkgo.GinkgoWriter)}, opts...)
		r, err := drill.Run(ctx, sc, all...)
		if r == nil {
			ginkgo.Fail(fmt.Sprintf("run drill %s: %v", path, err))
		}
		res = r
		base, werr := outpath.File(dir, r.Scenario+"-"+r.RunID)
		if werr == nil {
			werr = r.WriteFiles(base)
		}
		if werr != nil {
			ginkgo.Fail(fmt.Sprintf("write drill reports: %v", werr))
		}
		var md strings.Builder
		if rerr := r.Render(&md, drill.Markdown); rerr != nil {
			ginkgo.Fail(rerr.Error())
		}
		summary, rep = md.String(), base+".html"
		if err != nil { // cancelled: the trials done so far are reported, the node fails
			ginkgo.Fail(fmt.Sprintf("run drill %s: %v", path, err))
		}
	}
	ginkgo.BeforeAll(append([]any{body}, decorators...)...)
	ginkgo.BeforeEach(func() {
		if res == nil {
			return
		}
		ginkgo.AddReportEntry("drill "+res.Scenario+": "+res.Headline(), summary, ginkgo.ReportEntryVisibilityFailureOrVerbose)
		ginkgo.AddReportEntry("drill report", rep, ginkgo.ReportEntryVisibilityFailureOrVerbose)
	})
	return func() *drill.Result { return res }
}

// BuildDrill builds the drill binary of the version the calling module requires, once,
// into a temporary directory removed after the suite, and points $DRILL_FIXTURE_DIR at
// it: a test binary is not drill, and the runtimes start drill's demo fixture and proxy
// server from a drill binary. Call it in a BeforeSuite (it needs the go command). It
// does nothing when $DRILL_FIXTURE_DIR is already set.
func BuildDrill(ctx context.Context) error {
	if os.Getenv(fixture.DirEnv) != "" {
		return nil
	}
	dir, err := os.MkdirTemp("", "drill-bin-")
	if err != nil {
		return fmt.Errorf("build drill: %w", err)
	}
	ginkgo.DeferCleanup(os.RemoveAll, dir)
	cmd := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(dir, "drill"), "github.com/drillhq/drill/cmd/drill")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build drill: %w: %s (run go get github.com/drillhq/drill/cmd/drill if go.sum lacks its modules)", err, strings.TrimSpace(string(out)))
	}
	ginkgo.DeferCleanup(os.Unsetenv, fixture.DirEnv)
	return os.Setenv(fixture.DirEnv, dir)
}
