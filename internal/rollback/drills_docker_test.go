package rollback_test

import (
	"context"
	"github.com/drillhq/drill/internal/kinds"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/check"
	"github.com/drillhq/drill/internal/stack/docker"
	"github.com/drillhq/drill/internal/testenv/dockerenv"
	"github.com/drillhq/drill/internal/trial"
)

// The same reference scenarios on the docker runtime: every deploy a new container,
// every call through the front proxy container, the data on the service's mount.
var _ = Describe("each mechanism's reference scenario, as a real drill on the docker runtime", Label("docker"), Ordered, func() {
	var rt *docker.Runtime
	BeforeAll(func() { rt = dockerenv.Runtime() })

	DescribeTable("recovers, every acknowledged write kept, on the release and schema it must end on",
		func(file, release string, schema int, events ...string) {
			sc := load(file)
			res := trial.Run(context.Background(), trial.Config{Kinds: kinds.Default().Kinds, Scenario: sc, Runtime: rt}, 1, 11)
			Expect(res.Error).To(BeEmpty())
			Expect(res.Outcome).To(Equal(trial.Recovered), "events: %v", res.Events)
			Expect(res.Loss).NotTo(BeNil())
			Expect(res.Loss.Lost).To(BeEmpty())
			for _, f := range append(res.Consistency, res.UserChecks...) {
				Expect(f.Status).To(Equal(check.Pass), "%s: %s", f.Checker, f.Message)
			}
			Expect(res.Schema).NotTo(BeNil())
			Expect(res.Schema.Release).To(Equal(release))
			Expect(res.Schema.DataSchema).To(Equal(schema))
			Expect(afterStart(res)).To(ContainElements(events))
		},
		Entry("redeploy", "rollback-redeploy.yaml", "v1", 1, "rollback_switched", "rollback_end"),
		Entry("blue-green", "rollback-blue-green.yaml", "v1", 1, "rollback_switched"),
		Entry("feature-flag", "rollback-feature-flag.yaml", "v2", 1, "rollback_flag_set"),
		Entry("migration", "rollback-migration.yaml", "v1", 1, "rollback_migrated_down", "rollback_switched"),
		Entry("hook", "rollback-hook.yaml", "v2", 1, "rollback_hook_done", "rollback_hook_ready"),
		Entry("multi-step", "rollback-multi-step.yaml", "v1", 1, "rollback_flag_set", "rollback_switched", "rollback_called"),
	)

	It("restart: the killed ledger serves its release again", func() {
		res := trial.Run(context.Background(), trial.Config{Kinds: kinds.Default().Kinds, Scenario: load("rollback-restart.yaml"), Runtime: rt}, 1, 11)
		Expect(res.Error).To(BeEmpty())
		Expect(res.Outcome).To(Equal(trial.Recovered), "events: %v", res.Events)
		Expect(afterStart(res)).To(ContainElement("rollback_restarted"))
	})

	It("restore: the snapshot comes back; the writes acknowledged after it are lost, RPC > 0", func() {
		res := trial.Run(context.Background(), trial.Config{Kinds: kinds.Default().Kinds, Scenario: load("rollback-restore.yaml"), Runtime: rt}, 1, 11)
		Expect(res.Outcome).To(Equal(trial.Recovered), "events: %v", res.Events)
		Expect(res.Schema.Release).To(Equal("v1"))
		Expect(res.Loss).NotTo(BeNil())
		Expect(res.Loss.Lost).NotTo(BeEmpty(), "a restore loses what was acknowledged after its snapshot")
	})

	It("migration without its down step: a failed rollback naming the step", func() {
		res := trial.Run(context.Background(), trial.Config{Kinds: kinds.Default().Kinds, Scenario: load("rollback-migration-missing-down.yaml"), Runtime: rt}, 1, 11)
		Expect(res.Outcome).To(Equal(trial.NotRecovered))
		Expect(res.Error).To(ContainSubstring("step redeploy"))
	})
})
