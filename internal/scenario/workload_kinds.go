package scenario

import (
	"fmt"
	"io"
	"slices"
	"text/template"
)

// WorkloadRules are one workload kind's rules for the scenario's workload section: its
// defaults, its checks and what the plan says of it. The workload kinds own them
// (internal/trial's workload_<kind>.go), so the scenario format itself knows no workload
// kind but none, the default: adding a kind is one file and one Register line.
type WorkloadRules interface {
	// Default fills the section's unset keys; unset(path, zero) reports whether the key
	// at path (e.g. "workload.rate") was left unset (zero: whether the field is zero,
	// which decides for a scenario built in Go).
	Default(w *Workload, unset func(path string, zero bool) bool)
	// Check reports the section's problems through c.
	Check(w Workload, c WorkloadChecker)
	// Info says what the plan shows of the workload and whether it writes.
	Info(w Workload) WorkloadInfo
}

// WorkloadInfo is what the plan and the final read's defaults know of a workload.
type WorkloadInfo struct {
	// Start says what runs from the warm-up on, e.g. "ledger workload on ledger at 50 op/s".
	Start string
	// FinalRead says what the final read reads back; "" for a workload that writes
	// nothing to read back (verify.final_read is then refused).
	FinalRead string
	// ReadByDefault turns verify.final_read on when the file leaves it unset.
	ReadByDefault bool
}

// WorkloadKinds are the workload kinds a scenario may name with workload.kind.
type WorkloadKinds interface {
	// Names lists the kinds.
	Names() []string
	// Rules returns the rules of kind as workload.params configure it, or the error of a
	// params problem (a *params error names the parameter).
	Rules(kind string, params map[string]any) (WorkloadRules, error)
}

// WithWorkloads names the workload kinds a scenario may use, with their rules (without
// it only workload.kind none is known). drill's Load and Parse and the CLI pass the
// registry that internal/kinds builds.
func WithWorkloads(k WorkloadKinds) ParseOption {
	return func(c *parseConfig) { c.workloads = k }
}

// WorkloadChecker is what a workload kind's Check reports through: problems at key paths
// (reported at their lines), and the checks kinds share.
type WorkloadChecker struct {
	v *validator
}

// Errf reports a problem about the key at path.
func (c WorkloadChecker) Errf(path, format string, args ...any) { c.v.errf(path, format, args...) }

// Scenario is the scenario being checked (read only).
func (c WorkloadChecker) Scenario() *Scenario { return c.v.s }

// Service checks that the key at path names a service of the stack.
func (c WorkloadChecker) Service(path, name string) { c.v.ref(path, name) }

// Method checks that m is an HTTP method.
func (c WorkloadChecker) Method(path, m string) { c.v.method(path, m) }

// HTTPPath checks that p is an HTTP path ("/...").
func (c WorkloadChecker) HTTPPath(path, p string) { c.v.path(path, p) }

// Template checks that text parses as a Go text/template and runs over a write's fields
// ({{.ID}}, {{.Seq}}, {{.Value}}: WriteFields).
func (c WorkloadChecker) Template(path, text string) {
	t, err := template.New(path).Option("missingkey=error").Parse(text)
	if err == nil {
		err = t.Execute(io.Discard, templateData)
	}
	if err != nil {
		c.v.errf(path, "%s: %s (placeholders: {{.ID}}, {{.Seq}}, {{.Value}})", path, oneLine(err.Error()))
	}
}

// Traffic checks the keys every workload that sends operations shares: its service (when
// needService), rate and timeout.
func (c WorkloadChecker) Traffic(w Workload, needService bool) {
	if needService {
		c.v.ref("workload.service", w.Service)
	}
	if w.Rate <= 0 {
		c.v.errf("workload.rate", "workload.rate must be greater than 0 operations per second, got %g", w.Rate)
	}
	if w.Timeout <= 0 {
		c.v.errf("workload.timeout", "workload.timeout must be greater than 0")
	}
}

// Unused reports each of keys ("service", "accounts", "setup", "write", "read",
// "params") that w sets: they do not apply to w's kind, whose keys are only.
func (c WorkloadChecker) Unused(w Workload, only string, keys ...string) {
	set := map[string]bool{"service": w.Service != "", "accounts": w.Accounts != 0, "setup": len(w.Setup) > 0,
		"write": w.Write != nil, "read": w.Read != nil, "params": len(w.Params) > 0}
	for _, k := range keys {
		if set[k] {
			c.v.errf("workload."+k, "workload.%s applies to %s only (this workload is %s)", k, only, w.Kind)
		}
	}
}

// DefaultTraffic fills the rate and timeout of a workload that sends operations.
func DefaultTraffic(w *Workload, unset func(path string, zero bool) bool) {
	if unset("workload.rate", w.Rate == 0) {
		w.Rate = DefaultWorkloadRate
	}
	if unset("workload.timeout", w.Timeout == 0) {
		w.Timeout = Duration(DefaultWorkloadTimeout)
	}
}

// noneRules are workload.kind none's: nothing runs, nothing is read back.
type noneRules struct{}

func (noneRules) Default(*Workload, func(string, bool) bool) {}
func (noneRules) Check(w Workload, c WorkloadChecker) {
	c.Unused(w, "a workload kind that sends operations", "setup", "write", "read", "params")
}
func (noneRules) Info(Workload) WorkloadInfo { return WorkloadInfo{Start: "no workload"} }

// workloadRules returns the rules of w's kind: none's without a set of kinds.
func (cfg *parseConfig) workloadRules(w Workload) (WorkloadRules, error) {
	if cfg.workloads == nil {
		if w.Kind == WorkloadNone {
			return noneRules{}, nil
		}
		return nil, nil
	}
	return cfg.workloads.Rules(w.Kind, w.Params)
}

// workloadNames lists the kinds a scenario may name.
func (cfg *parseConfig) workloadNames() []string {
	if cfg.workloads == nil {
		return []string{WorkloadNone}
	}
	return cfg.workloads.Names()
}

// workloadDefaults fills the workload's kind (none when unset), then its kind's defaults,
// and turns the final read on for a parsed scenario whose kind reads back by default
// (isSet nil: built in Go, whose callers choose Verify.FinalRead themselves).
func workloadDefaults(s *Scenario, unset unsetFunc, isSet func(path string) bool, cfg *parseConfig) {
	w := &s.Workload
	if unset("workload", w.Kind == "") && w.Kind == "" {
		w.Kind = WorkloadNone
	}
	rules, err := cfg.workloadRules(*w)
	if err != nil || rules == nil {
		return // validation reports it
	}
	rules.Default(w, unset)
	s.workloadInfo = rules.Info(*w)
	if s.workloadInfo.ReadByDefault && isSet != nil && !isSet("verify.final_read") {
		s.Verify.FinalRead = true
	}
}

// workload checks the workload section with its kind's rules.
func (v *validator) workload() {
	w := v.s.Workload
	kinds := v.cfg.workloadNames()
	if w.Kind == "" {
		v.errf("workload", "workload.kind is required%s", v.known(kinds))
		return
	}
	if !slices.Contains(kinds, w.Kind) {
		v.errf("workload.kind", "unknown workload.kind %q%s", w.Kind, v.known(kinds))
		return
	}
	rules, err := v.cfg.workloadRules(w)
	if err != nil {
		kindProblem(v.p, v.line, "workload", err)
		return
	}
	rules.Check(w, WorkloadChecker{v: v})
	v.s.workloadInfo = rules.Info(w)
	if v.s.Verify.FinalRead && v.s.workloadInfo.FinalRead == "" {
		v.errf("verify.final_read", "verify.final_read needs a workload that writes (workload.kind %s reads nothing back)", w.Kind)
	}
}

// WorkloadInfo is what the workload's kind said of it when the scenario was parsed or
// validated (the zero value before).
func (s *Scenario) WorkloadInfo() WorkloadInfo { return s.workloadInfo }

// workloadText describes the workload for the warm-up step.
func (s *Scenario) workloadText() string {
	w := s.Workload
	if s.workloadInfo.Start != "" {
		return s.workloadInfo.Start
	}
	if w.Kind == WorkloadNone || w.Kind == "" {
		return "no workload"
	}
	return fmt.Sprintf("%s workload", w.Kind)
}
