package trial_test

import (
	"errors"
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/kinds"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
	"github.com/drillhq/drill/internal/stack/docker"
	"github.com/drillhq/drill/internal/stack/process"
	"github.com/drillhq/drill/internal/testenv"
	"github.com/drillhq/drill/internal/testenv/dockerenv"
	"github.com/drillhq/drill/internal/trial"
)

// loadReference loads scenarios/file with the built-in workload kinds, and skips the
// spec on a machine without the programs it runs.
func loadReference(file string) *scenario.Scenario {
	GinkgoHelper()
	sc, err := scenario.Load(filepath.Join(testenv.ModuleRoot(), "scenarios", file), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
	Expect(err).NotTo(HaveOccurred())
	skipUnrunnable(sc)
	return sc
}

// runOnProcess runs trial i of sc on the process runtime, its data under data.
func runOnProcess(ctx SpecContext, sc *scenario.Scenario, data string, i int, seed int64) trial.Result {
	return trial.Run(ctx, trial.Config{Kinds: kinds.Default().Kinds, Scenario: sc, Runtime: process.New(),
		UpOptions: []stack.UpOption{stack.WithDataDir(data)}}, i, seed)
}

var _ = Describe("a bad configuration delivered by files: scenarios/nginx-bad-config.yaml", Label("real-stack"), func() {
	// run runs one trial on rt with its data under data, and checks what the files did.
	run := func(ctx SpecContext, rt stack.Runtime, listen string) {
		sc := loadReference("nginx-bad-config.yaml")
		if p, ok := rt.(stack.Preparer); ok {
			if err := p.Prepare(ctx, sc.Stack); errors.Is(err, docker.ErrImageNotBuilt) {
				Skip(err.Error())
			}
		}
		data := GinkgoT().TempDir()
		res := trial.Run(ctx, trial.Config{Kinds: kinds.Default().Kinds, Scenario: sc, Runtime: rt,
			UpOptions: []stack.UpOption{stack.WithDataDir(data)}}, 1, 5)
		Expect(res.Outcome).To(Equal(trial.Recovered), "error: %s", res.Error)
		Expect(res.Timing.Impact).NotTo(BeNil(), "the bad configuration broke the front")
		conf, err := os.ReadFile(filepath.Join(data, "front", "nginx.conf"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(conf)).To(ContainSubstring("proxy_pass http://ledger_app;"), "the rollback started nginx on the good release's file")
		Expect(string(conf)).To(MatchRegexp(listen), "${HOST}:${PORT} expanded for the instance it was written for")
		Expect(string(conf)).NotTo(ContainSubstring("${"))
	}

	It("breaks the front with the bad release's files and recovers on the good release's, written again, on the process runtime", func(ctx SpecContext) {
		run(ctx, process.New(), `listen 127\.0\.0\.1:\d+;`)
	}, NodeTimeout(2*time.Minute))

	It("does the same on the docker runtime, in drill's Debian image with nginx-light", Label("docker"), func(ctx SpecContext) {
		run(ctx, dockerenv.Runtime(), `listen 0\.0\.0\.0:8080;`)
	}, NodeTimeout(4*time.Minute))
})
