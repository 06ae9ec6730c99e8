package trial_test

import (
	"context"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/inject"
	"github.com/drillhq/drill/internal/kinds"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
	"github.com/drillhq/drill/internal/stack/process"
	"github.com/drillhq/drill/internal/testenv"
	"github.com/drillhq/drill/internal/trial"
)

// mark is one step of a trial, as the plan lists it and as the trial's events show it:
// its phase (or the instant: t_fault, t_trigger) and what of the scenario it refers to.
type mark struct{ Phase, Ref string }

// planMarks lists the marks of the plan's steps in the plan's order, consecutive
// repeats once (every setup step is the one stack_up) and t_fault once (the change and
// the watch both start at it).
func planMarks(sc *scenario.Scenario, pl scenario.Plan) []mark {
	var out []mark
	add := func(m ...mark) {
		for _, x := range m {
			if x == (mark{Phase: "t_fault"}) && slices.Contains(out, x) {
				continue // the change and the watch start at the one t_fault
			}
			if len(out) == 0 || out[len(out)-1] != x {
				out = append(out, x)
			}
		}
	}
	changeSteps, rbSteps := sc.ChangeSteps(), sc.RollbackSteps()
	for _, st := range pl.Steps {
		switch st.Phase {
		case scenario.PhaseSetup, scenario.PhaseWarmup:
			add(mark{Phase: st.Phase})
		case scenario.PhaseChange:
			add(mark{Phase: "t_fault"})
			if sc.MultiStep() {
				add(mark{scenario.PhaseChange, changeSteps[st.Change].Name})
			}
		case scenario.PhaseWatch:
			if st.Anchor == scenario.AnchorControl {
				add(mark{Phase: string(trial.EventControlWatch)})
			} else {
				add(mark{Phase: "t_fault"})
			}
		case scenario.PhaseFault, scenario.PhaseRevert:
			f := sc.Faults[st.Fault]
			add(mark{st.Phase, f.Kind + " " + f.Target})
		case scenario.PhaseTrigger:
			add(mark{Phase: scenario.PhaseTrigger}, mark{Phase: "t_trigger"})
		case scenario.PhaseRollback:
			add(mark{scenario.PhaseRollback, rbSteps[st.Rollback].Name})
		case scenario.PhaseVerify:
			if sc.Verify.FinalRead && strings.Contains(st.Description, "final read") {
				add(mark{Phase: scenario.PhaseVerify})
			}
		}
	}
	return out
}

// eventMarks lists the marks of a trial's events in the order they happened.
func eventMarks(sc *scenario.Scenario, res trial.Result) []mark {
	var out []mark
	name := func(detail string) string { n, _, _ := strings.Cut(detail, ":"); return n }
	for _, e := range res.Events {
		switch e.Name {
		case trial.EventStackUp:
			out = append(out, mark{Phase: scenario.PhaseSetup})
		case trial.EventWarmupStart:
			out = append(out, mark{Phase: scenario.PhaseWarmup})
		case trial.EventFault:
			out = append(out, mark{Phase: "t_fault"})
		case trial.EventChangeStepStart:
			out = append(out, mark{scenario.PhaseChange, name(e.Detail)})
		case trial.EventFaultApplied, trial.EventFaultSkipped:
			out = append(out, mark{scenario.PhaseFault, name(e.Detail)})
		case trial.EventFaultReverted:
			out = append(out, mark{scenario.PhaseRevert, e.Detail})
		case trial.EventDetect:
			out = append(out, mark{Phase: scenario.PhaseTrigger})
		case trial.EventRollbackStart:
			out = append(out, mark{Phase: "t_trigger"})
		case trial.EventRollbackStepEnd, trial.EventRollbackStepSkip:
			out = append(out, mark{scenario.PhaseRollback, name(e.Detail)})
		case trial.EventRollbackEnd, trial.EventRollbackFailed:
			if !sc.MultiStep() { // the one mechanism: rollback_start and this frame it
				out = append(out, mark{scenario.PhaseRollback, sc.RollbackSteps()[0].Name})
			}
		case trial.EventControlWatch:
			out = append(out, mark{Phase: string(trial.EventControlWatch)})
		case trial.EventFinalRead:
			out = append(out, mark{Phase: scenario.PhaseVerify})
		}
	}
	return out
}

// expectedMarks are the plan's marks a trial with res's outcome reaches: all of them
// (the control trials' watch only in a control trial), but no trigger and no rollback
// when nothing was detected, and no final read when the service never came back to read
// from.
func expectedMarks(sc *scenario.Scenario, pl scenario.Plan, res trial.Result) []mark {
	return slices.DeleteFunc(planMarks(sc, pl), func(m mark) bool {
		switch m.Phase {
		case string(trial.EventControlWatch):
			return !res.Control
		case scenario.PhaseTrigger, "t_trigger", scenario.PhaseRollback:
			return res.Outcome == trial.NotDetected
		case scenario.PhaseVerify:
			return res.Outcome == trial.NotRecovered
		}
		return false
	})
}

// skipUnrunnable skips a scenario this machine cannot run on the process runtime: a
// service's command not installed, or its user missing.
func skipUnrunnable(sc *scenario.Scenario) {
	for _, svc := range sc.Stack.Services {
		if len(svc.Command) > 0 {
			if _, err := exec.LookPath(svc.Command[0]); err != nil {
				Skip(svc.Command[0] + " is not installed: make deps installs Debian's postgresql and redis-server")
			}
		}
		if u, _, _ := strings.Cut(svc.User, ":"); u != "" && !strings.ContainsAny(u[:1], "0123456789") {
			if _, err := user.Lookup(u); err != nil {
				Skip("user " + u + " does not exist: make deps creates it with Debian's package")
			}
		}
	}
}

// shorten makes a scenario's trial quicker without changing its steps: a modelled
// decision waits a hundred times less.
func shorten(sc *scenario.Scenario) {
	if c, ok := sc.Rollback.Trigger.Params["compression"]; ok {
		switch v := c.(type) {
		case int:
			sc.Rollback.Trigger.Params["compression"] = v * 100
		case float64:
			sc.Rollback.Trigger.Params["compression"] = v * 100
		}
	}
}

var _ = Describe("drill plan and the trial", func() {
	files, err := filepath.Glob(filepath.Join(testenv.ModuleRoot(), "scenarios", "*.yaml"))
	if err != nil || len(files) == 0 {
		panic("no scenarios found")
	}
	lasting := scenario.WithLasting(inject.NewRegistry().Lasts)
	run := func(sc *scenario.Scenario, control bool) trial.Result {
		GinkgoHelper()
		return trial.Run(context.Background(), trial.Config{Kinds: kinds.Default().Kinds, Scenario: sc, Runtime: process.New(), Control: control,
			UpOptions: []stack.UpOption{stack.WithDataDir(GinkgoT().TempDir())}}, 1, 7)
	}
	for _, file := range files {
		It("list the same steps in the same order for "+filepath.Base(file), func() {
			sc, err := scenario.Load(file, scenario.WithWorkloads(trial.NewWorkloadRegistry()))
			Expect(err).NotTo(HaveOccurred())
			skipUnrunnable(sc)
			shorten(sc)
			Expect(sc.Validate(scenario.WithWorkloads(trial.NewWorkloadRegistry()))).To(Succeed())
			pl := sc.Plan(lasting)

			res := run(sc, false)
			Expect(res.Outcome).NotTo(BeElementOf(trial.Errored, trial.Interrupted), "error: %s", res.Error)
			Expect(eventMarks(sc, res)).To(Equal(expectedMarks(sc, pl, res)), "events: %v", res.Events)

			if sc.Control != nil {
				res := run(sc, true)
				Expect(res.Outcome).NotTo(BeElementOf(trial.Errored, trial.Interrupted), "error: %s", res.Error)
				Expect(eventMarks(sc, res)).To(Equal(expectedMarks(sc, pl.ForControl(), res)), "control trial events: %v", res.Events)
			}
		})
	}
})
