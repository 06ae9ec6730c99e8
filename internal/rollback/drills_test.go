package rollback_test

import (
	"context"
	"fmt"
	"github.com/drillhq/drill/internal/kinds"
	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/runner"
	"github.com/drillhq/drill/internal/stats"
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/check"
	"github.com/drillhq/drill/internal/rollback"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
	"github.com/drillhq/drill/internal/stack/process"
	"github.com/drillhq/drill/internal/testenv"
	"github.com/drillhq/drill/internal/trial"
)

// load reads a reference scenario as drill validate does, mechanism check included.
func load(name string) *scenario.Scenario {
	GinkgoHelper()
	reg := rollback.NewRegistry()
	sc, err := scenario.Load(filepath.Join(testenv.ModuleRoot(), "scenarios", name),
		scenario.WithMechanismCheck(func(m scenario.Mechanism) error { _, err := reg.Build(m); return err }), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
	Expect(err).NotTo(HaveOccurred())
	return sc
}

// drill runs one trial of sc on the process runtime and checks it recovered with every
// acknowledged write kept and the ledger's invariants holding.
func drill(sc *scenario.Scenario) trial.Result {
	GinkgoHelper()
	res := trial.Run(context.Background(), trial.Config{Kinds: kinds.Default().Kinds, Scenario: sc, Runtime: process.New(),
		UpOptions: []stack.UpOption{stack.WithDataDir(GinkgoT().TempDir())}}, 1, 7)
	Expect(res.Error).To(BeEmpty())
	Expect(res.Outcome).To(Equal(trial.Recovered), "events: %v", res.Events)
	Expect(res.Loss).NotTo(BeNil(), "the final read ran")
	Expect(res.Loss.Lost).To(BeEmpty())
	for _, f := range res.Consistency {
		Expect(f.Status).To(Equal(check.Pass), "%s: %s", f.Checker, f.Message)
	}
	Expect(res.Schema).NotTo(BeNil(), "the ledger's running release was captured after recovery")
	return res
}

// names lists the events' names in order.
func names(res trial.Result) []string {
	var out []string
	for _, n := range res.EventNames() {
		out = append(out, string(n))
	}
	return out
}

// afterStart is the events from rollback_start on.
func afterStart(res trial.Result) []string {
	n := names(res)
	for i, name := range n {
		if name == string(trial.EventRollbackStart) {
			return n[i:]
		}
	}
	return nil
}

var _ = Describe("validating a scenario with the mechanism registry", func() {
	It("reports a misspelled mechanism parameter at its line, as drill validate does", func() {
		data, err := os.ReadFile(filepath.Join(testenv.ModuleRoot(), "scenarios", "rollback-feature-flag.yaml"))
		Expect(err).NotTo(HaveOccurred())
		doc := strings.Replace(string(data), "      status: 200\n", "      satus: 200\n", 1)
		line := 1 + strings.Count(doc[:strings.Index(doc, "satus:")], "\n")
		reg := rollback.NewRegistry()
		_, err = scenario.Parse("ff.yaml", []byte(doc),
			scenario.WithMechanismCheck(func(m scenario.Mechanism) error { _, err := reg.Build(m); return err }), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).To(MatchError(fmt.Sprintf(`ff.yaml:%d: rollback.mechanism: mechanism "feature-flag": unknown parameter "satus" (did you mean "status"?)`, line)), "at the misspelled key's own line")
	})
})

var _ = Describe("each mechanism's reference scenario, as a real drill on the process runtime", func() {
	It("redeploy: the pinned release comes back by recreate", func() {
		res := drill(load("rollback-redeploy.yaml"))
		Expect(res.Schema.Release).To(Equal("v1"))
		Expect(afterStart(res)).To(ContainElements("rollback_old_stopping", "rollback_new_ready", "rollback_switched", "rollback_end"))
	})

	It("blue-green: the switch flips back to the release left standing by, nothing starts", func() {
		res := drill(load("rollback-blue-green.yaml"))
		Expect(res.Schema.Release).To(Equal("v1"))
		after := afterStart(res)
		Expect(after).To(ContainElements("rollback_switched", "rollback_end"))
		Expect(after).NotTo(ContainElement(HavePrefix("rollback_new_")), "no release started")
		// The change kept v1 running: its deploy drained nothing.
		Expect(names(res)).NotTo(ContainElement("change_old_stopped"))
		Expect(res.Timing.TTR.D()).To(BeNumerically("<", res.Timing.TTD.D()+time.Second))
	})

	It("migration: the down step runs, then v1 serves over schema-1 data again", func() {
		res := drill(load("rollback-migration.yaml"))
		Expect(res.Schema.Release).To(Equal("v1"))
		Expect(res.Schema.DataSchema).To(Equal(1), "the down migration ran")
		Expect(afterStart(res)).To(ContainElements("rollback_migrated_down", "rollback_switched", "rollback_end"))
	})

	It("migration without its down step: a failed rollback naming the step, and a FAIL verdict", func() {
		sc := load("rollback-migration-missing-down.yaml")
		res := trial.Run(context.Background(), trial.Config{Kinds: kinds.Default().Kinds, Scenario: sc, Runtime: process.New()}, 1, 7)
		Expect(res.Outcome).To(Equal(trial.NotRecovered))
		Expect(res.Error).To(ContainSubstring("step redeploy"))
		Expect(res.Error).To(ContainSubstring("refusing to start over newer data"))
		Expect(afterStart(res)).To(ContainElements("rollback_no_down_step", string(trial.EventRollbackFailed)))

		run, err := runner.Run(context.Background(), runner.Config{Kinds: kinds.Default().Kinds, Scenario: sc, Runtime: process.New(), Trials: 2, Seed: 3})
		Expect(err).NotTo(HaveOccurred())
		Expect(run.Summary.Verdict).To(Equal(stats.Fail))
	})

	It("restore: the snapshot comes back; exactly the writes acknowledged after it are lost, RPC > 0", func() {
		sc := load("rollback-restore.yaml")
		res := trial.Run(context.Background(), trial.Config{Kinds: kinds.Default().Kinds, Scenario: sc, Runtime: process.New()}, 1, 7)
		Expect(res.Error).To(BeEmpty())
		Expect(res.Outcome).To(Equal(trial.Recovered))
		var snap measure.Offset
		for _, e := range res.Events {
			if e.Name == trial.EventPreparePrefix+"snapshot_taken" {
				snap = e.At
			}
		}
		Expect(snap).To(BeNumerically(">", 0), "the snapshot was taken: %v", names(res))
		Expect(snap).To(BeNumerically("<", res.Timing.Fault))
		Expect(afterStart(res)).To(ContainElements("rollback_data_restored", "rollback_switched"))
		Expect(res.Schema.Release).To(Equal("v1"))
		Expect(res.Loss.Lost).NotTo(BeEmpty(), "writes were acknowledged between the snapshot and the rollback")
		Expect(res.Loss.RPC).To(BeNumerically(">", 0))
		lost := map[string]bool{}
		for _, id := range res.Loss.Lost {
			lost[id] = true
		}
		for _, op := range res.History {
			if op.Outcome != measure.OK {
				continue
			}
			switch {
			case op.Complete < snap:
				Expect(lost).NotTo(HaveKey(op.ID), "acknowledged before the snapshot: restored")
			case op.Invoke > snap && op.Invoke < *res.Timing.Trigger:
				Expect(lost).To(HaveKey(op.ID), "acknowledged after the snapshot, before the restore: lost by design")
			}
		}
	})

	It("verify.idempotent: a second redeploy changes nothing; a second restore rewinds the data and is caught", func() {
		finding := func(res trial.Result) check.Finding {
			GinkgoHelper()
			for _, f := range res.Consistency {
				if f.Checker == trial.NameIdempotent {
					return f
				}
			}
			Fail("no idempotence finding")
			return check.Finding{}
		}
		sc := load("rollback-redeploy.yaml")
		sc.Verify.Idempotent = true
		res := drill(sc)
		Expect(finding(res).Message).To(ContainSubstring("changed nothing"))
		Expect(names(res)).To(ContainElements(string(trial.EventIdempotentRun), "again_switched"))

		sc = load("rollback-restore.yaml")
		sc.Verify.Idempotent = true
		res = trial.Run(context.Background(), trial.Config{Kinds: kinds.Default().Kinds, Scenario: sc, Runtime: process.New()}, 1, 7)
		Expect(res.Outcome).To(Equal(trial.Recovered))
		f := finding(res)
		Expect(f.Status).To(Equal(check.Fail))
		Expect(f.Message).To(ContainSubstring("the second rollback changed the data"))
	})

	It("restart: the killed ledger serves its release again", func() {
		res := drill(load("rollback-restart.yaml"))
		Expect(res.Schema.Release).To(Equal("v1"))
		Expect(afterStart(res)).To(ContainElement("rollback_restarted"))
	})

	It("feature-flag: the flag goes off through the API, v2 keeps running, nothing restarts", func() {
		res := drill(load("rollback-feature-flag.yaml"))
		Expect(res.Schema.Release).To(Equal("v2"), "no redeploy")
		after := afterStart(res)
		Expect(after).To(ContainElement("rollback_flag_set"))
		Expect(after).NotTo(ContainElement(HavePrefix("rollback_new_")), "no deploy")
		Expect(res.RollbackOutput).To(ContainSubstring(`"enabled":false`))
		Expect(res.Raw().RollbackOutput).To(Equal(res.RollbackOutput), "kept in the raw records")
	})

	It("hook (url): the call's answer is kept and the completion condition is waited for", func() {
		res := drill(load("rollback-hook.yaml"))
		Expect(res.Schema.Release).To(Equal("v2"))
		Expect(afterStart(res)).To(ContainElements("rollback_hook_done", "rollback_hook_ready", "rollback_end"))
		Expect(res.RollbackOutput).To(ContainSubstring("PUT http://127.0.0.1:"))
		Expect(res.RollbackOutput).To(ContainSubstring(`"enabled":false`))
	})

	It("hook (command): an argv run with the endpoints in its environment rolls back", func() {
		sc := load("rollback-hook.yaml")
		sc.Rollback.Mechanism.Params = map[string]any{
			"command":   []any{"sh", "-c", `echo "rolling back through $DRILL_ENDPOINT_LEDGER"; "$0" PUT "http://$DRILL_ENDPOINT_LEDGER/flags/new-path" '{"enabled": false}'`, httpcall},
			"timeout":   "5s",
			"wait_path": "/healthz",
		}
		res := drill(sc)
		Expect(afterStart(res)).To(ContainElements("rollback_hook_done", "rollback_hook_ready"))
		Expect(res.RollbackOutput).To(HavePrefix("rolling back through 127.0.0.1:"))
		Expect(res.RollbackOutput).To(ContainSubstring("200 OK"))
		Expect(strings.Count(res.RollbackOutput, `"enabled":false`)).To(Equal(1))
	})
})
