// Package stack is the runtime contract (contract.go: what a runtime, its stacks and
// services implement, and the optional capabilities), the capability vocabulary, the
// runtime registry (registry.go) and what every runtime shares: Up and deploy options,
// wiring variables, snapshots, temporary directories and their cleanup, the drain's
// accept wait. The runtimes live in their own packages (internal/stack/process,
// internal/stack/docker) and are registered in internal/runtimes.
package stack

// UpConfig is what UpOptions set; runtimes read it with NewUpConfig.
type UpConfig struct {
	// Labels are attached to every resource the stack makes (run id, scenario, trial).
	Labels map[string]string
	// DataDir, when set, holds each service's durable data in DataDir/<service>, kept
	// across redeploys and left in place by Down (the caller owns it). When empty the
	// runtime makes a temporary directory and removes it at Down.
	DataDir string
	// OutputDir, when set, receives every service instance's output, one file each
	// (<service>.<n>.<release>.log), left in place by Down. When empty the output goes
	// to the data directory.
	OutputDir string
	// Readiness builds each service's readiness check; nil: the built-in kinds
	// (internal/readiness.Default).
	Readiness ReadyChecks
}

// UpOption configures one Up call.
type UpOption func(*UpConfig)

// WithLabels adds labels to every resource of the stack.
func WithLabels(labels map[string]string) UpOption {
	return func(c *UpConfig) {
		if c.Labels == nil {
			c.Labels = map[string]string{}
		}
		for k, v := range labels {
			c.Labels[k] = v
		}
	}
}

// WithDataDir keeps services' durable data (and fixtures' ground-truth files) under dir.
func WithDataDir(dir string) UpOption {
	return func(c *UpConfig) { c.DataDir = dir }
}

// WithOutputDir keeps the output of every service instance in files under dir.
func WithOutputDir(dir string) UpOption {
	return func(c *UpConfig) { c.OutputDir = dir }
}

// NewUpConfig applies opts to an empty UpConfig.
func NewUpConfig(opts ...UpOption) UpConfig {
	var c UpConfig
	for _, o := range opts {
		o(&c)
	}
	return c
}
