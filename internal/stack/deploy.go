package stack

import (
	"time"

	"github.com/drillhq/drill/internal/scenario"
)

// DeployStep names a step of a deploy, reported as it happens so a trial can put it on
// its timeline: what a deploy costs is the deploy's own, never the defect's.
type DeployStep string

const (
	// StepStopping: a recreate told the old release to stop; from here until StepSwitched
	// nothing serves (the change's own downtime).
	StepStopping DeployStep = "old_stopping"
	// StepReady: the new release passed the service's readiness check.
	StepReady DeployStep = "new_ready"
	// StepSwitched: the front switch sends new connections to the new release; the
	// deploy is live.
	StepSwitched DeployStep = "switched"
	// StepRestored: the service's data was replaced by a snapshot (a restore).
	StepRestored DeployStep = "data_restored"
	// StepDrained: the old release has stopped (start-first: after finishing the requests
	// it had when traffic moved). A runtime that stops it only after the trial's hold
	// (stack.Reaper: docker) does not report it.
	StepDrained DeployStep = "old_stopped"
)

// A blue-green flip closes the connections still open on the other colour once they are
// quiet (between two requests of a keep-alive connection), at the latest after
// FlipDrain: the previous colour keeps running, so it would keep them forever otherwise.
const (
	FlipQuiet = 5 * time.Millisecond
	FlipDrain = 5 * time.Second
)

// DeployConfig is what DeployOptions set.
type DeployConfig struct {
	// Strategy overrides the service's declared strategy when set.
	Strategy string
	// OnStep is called at each step, in order (StepDrained of a start-first deploy may
	// come after Deploy returned).
	OnStep func(step DeployStep, detail string)
}

// DeployOption configures one Deploy call.
type DeployOption func(*DeployConfig)

// WithStrategy deploys with strategy (scenario.StrategyStartFirst or StrategyRecreate)
// instead of the service's own.
func WithStrategy(strategy string) DeployOption {
	return func(c *DeployConfig) { c.Strategy = strategy }
}

// WithSteps reports each step of the deploy to f.
func WithSteps(f func(step DeployStep, detail string)) DeployOption {
	return func(c *DeployConfig) { c.OnStep = f }
}

// NewDeployConfig applies opts over the service's declared strategy.
func NewDeployConfig(spec scenario.Service, opts []DeployOption) DeployConfig {
	c := DeployConfig{Strategy: spec.Strategy}
	for _, o := range opts {
		o(&c)
	}
	if c.Strategy == "" {
		c.Strategy = scenario.StrategyStartFirst
	}
	return c
}

func (c DeployConfig) Step(s DeployStep, detail string) {
	if c.OnStep != nil {
		c.OnStep(s, detail)
	}
}
