package scenario

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Load reads, strictly decodes, defaults and validates the scenario file at path.
// Every problem is a *Error naming path and line; several are joined in line order.
func Load(path string, opts ...ParseOption) (*Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{File: path, Msg: fmt.Sprintf("read scenario: %v", err)}
	}
	return Parse(path, data, opts...)
}

// ParseOption adds checks that other packages own to Parse.
type ParseOption func(*parseConfig)

type parseConfig struct {
	faultCheck     func(Fault) error
	mechanismCheck func(Mechanism) error
	triggerCheck   func(Trigger) error
	probeCheck     func(kind string, params map[string]any) error
	readyCheck     func(kind string, params map[string]any) error
	workloads      WorkloadKinds
	dir            string // the scenario file's directory: files named beside it are read there
	checks         []func(*Scenario) []Problem
}

// WithFaultCheck checks every fault (its kind and parameters, which the fault registry
// owns) as part of validation, so a misspelled fault parameter is reported at its line
// like any other mistake.
func WithFaultCheck(check func(Fault) error) ParseOption {
	return func(c *parseConfig) { c.faultCheck = check }
}

// WithMechanismCheck checks the rollback mechanism (its kind and parameters, which the
// mechanism registry owns) as part of validation, so a misspelled mechanism parameter is
// reported at its line like any other mistake.
func WithMechanismCheck(check func(Mechanism) error) ParseOption {
	return func(c *parseConfig) { c.mechanismCheck = check }
}

// WithTriggerCheck checks the rollback trigger (its kind and parameters, which the
// trigger registry owns) as part of validation, so a misspelled trigger parameter is
// reported at its line like any other mistake.
func WithTriggerCheck(check func(Trigger) error) ParseOption {
	return func(c *parseConfig) { c.triggerCheck = check }
}

// WithProbeCheck checks a probe kind named by probes.kind (its parameters, which the
// probe registry owns) as part of validation, so an unknown kind or a misspelled
// parameter is reported at its line like any other mistake.
func WithProbeCheck(check func(kind string, params map[string]any) error) ParseOption {
	return func(c *parseConfig) { c.probeCheck = check }
}

// WithReadyCheck checks a readiness kind named by a service's ready.kind (its
// parameters, which the readiness registry owns) as part of validation, so an unknown
// kind or a misspelled parameter is reported at its line like any other mistake.
func WithReadyCheck(check func(kind string, params map[string]any) error) ParseOption {
	return func(c *parseConfig) { c.readyCheck = check }
}

// Problem is a problem about the key at Path (e.g. "faults[0].params.url") that a check
// other packages own found in a valid scenario; Parse reports it at that key's line.
type Problem struct {
	// Path is the key the problem is about, as validation names keys.
	Path string
	// Msg says what is wrong and what would work instead, on one line.
	Msg string
}

// WithCheck adds a check of the decoded, valid scenario (what the chosen runtime can
// carry out, which other packages own), whose problems Parse reports at their lines.
func WithCheck(check func(*Scenario) []Problem) ParseOption {
	return func(c *parseConfig) { c.checks = append(c.checks, check) }
}

// ProblemsError is the error of problems found in a scenario built in Go: each an *Error
// without file or line, joined in order; nil for none.
func ProblemsError(found []Problem) error {
	p := &problems{}
	for _, pr := range found {
		p.addf(0, "%s", pr.Msg)
	}
	return p.err()
}

// Parse strictly decodes data (a scenario file named name, for messages), applies
// defaults and validates the result. Unknown keys, wrongly typed values and broken
// references are errors, each a *Error with name and line.
func Parse(name string, data []byte, opts ...ParseOption) (*Scenario, error) {
	cfg := parseConfig{dir: filepath.Dir(name)}
	for _, o := range opts {
		o(&cfg)
	}
	p := &problems{file: name}
	root, err := parseNode(data)
	if err != nil {
		errs := yamlErrors(name, err)
		yamlWhere(data, errs)
		p.errs = append(p.errs, errs...)
		return nil, p.err()
	}
	if root == nil {
		p.addf(0, "empty scenario file")
		return nil, p.err()
	}
	st := newStrict(p)
	st.check(root, reflect.TypeFor[Scenario](), "")
	if err := p.err(); err != nil {
		return nil, err
	}
	var s Scenario
	if err := root.Decode(&s); err != nil {
		p.errs = append(p.errs, yamlErrors(name, err)...)
		return nil, p.err()
	}
	line := lineIn(st.lines)
	if s.Stack.Compose != "" {
		svcs, err := loadCompose(s.Stack, filepath.Dir(name))
		if err != nil {
			// compose-go's errors may span lines; a problem is one line.
			p.addf(line("stack.compose"), "stack.compose: %s", strings.Join(strings.Fields(err.Error()), " "))
			return nil, p.err()
		}
		s.Stack.Services = svcs
	}
	applyDefaults(&s, func(path string) bool { return st.set[path] }, &cfg)
	validate(&s, p, line, &cfg)
	cfg.checkKinds(&s, p, line)
	if err := p.err(); err != nil {
		return nil, err
	}
	for _, check := range cfg.checks { // on a valid scenario only: they read it as one
		for _, pr := range check(&s) {
			p.addf(line(pr.Path), "%s", pr.Msg)
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return &s, nil
}

// checkKinds checks the faults, mechanisms and triggers of s with the registries' checks,
// reporting each problem at the line of its parameter (or of its kind).
func (cfg *parseConfig) checkKinds(s *Scenario, p *problems, line func(string) int) {
	cfg.checkReadyKinds(s, p, line)
	if cfg.faultCheck != nil {
		for i, f := range s.Faults {
			if err := cfg.faultCheck(f); err != nil {
				at := fmt.Sprintf("faults[%d]", i)
				if len(f.Params) > 0 {
					at += ".params"
				}
				var pe interface{ ParamName() string }
				if errors.As(err, &pe) {
					at += "." + pe.ParamName()
				}
				p.addf(line(at), "faults[%d]: %v", i, err)
			}
		}
	}
	if cfg.mechanismCheck != nil {
		for _, am := range s.Mechanisms() {
			if err := cfg.mechanismCheck(am.Mechanism); err != nil {
				at := am.Path + ".kind"
				var pe interface{ ParamName() string }
				if errors.As(err, &pe) {
					at = am.Path + ".params." + pe.ParamName()
				}
				p.addf(line(at), "%s: %v", am.Path, err)
			}
		}
	}
	if cfg.triggerCheck != nil {
		checkTrigger(p, line, cfg.triggerCheck, "rollback.trigger", s.Rollback.Trigger)
		if c := s.Compare; c != nil {
			for i, plan := range c.Plans {
				checkTrigger(p, line, cfg.triggerCheck, fmt.Sprintf("compare.plans[%d].trigger", i), plan.Trigger)
			}
		}
	}
	if pr := s.Probes; pr.Registered != "" {
		if cfg.probeCheck == nil {
			p.addf(line("probes.kind"), "probes: unknown probe kind %q (no probe kinds are registered; built in: %s)", pr.Registered, strings.Join(ProbeKinds, ", "))
			return
		}
		kindProblem(p, line, "probes", cfg.probeCheck(pr.Registered, pr.Params))
	}
}

// checkReadyKinds checks each service's registered readiness kind (ready.kind).
func (cfg *parseConfig) checkReadyKinds(s *Scenario, p *problems, line func(string) int) {
	for i, svc := range s.Stack.Services {
		if svc.Ready == nil || svc.Ready.Kind == "" {
			continue
		}
		path := fmt.Sprintf("stack.services[%d].ready", i)
		if cfg.readyCheck == nil {
			p.addf(line(path+".kind"), "%s: unknown readiness kind %q (no readiness kinds are registered; built in, each set by its own key of ready: http, tcp, exec, log)", path, svc.Ready.Kind)
			continue
		}
		kindProblem(p, line, path, cfg.readyCheck(svc.Ready.Kind, svc.Ready.Params))
	}
}

// checkTrigger checks the trigger at path with the registry's check, reporting a problem
// at the line of the offending parameter (or of the kind).
func checkTrigger(p *problems, line func(string) int, check func(Trigger) error, path string, t Trigger) {
	if t.Kind == "" {
		return
	}
	kindProblem(p, line, path, check(t))
}

// kindProblem reports err, a registry's verdict on the kind at path, at the line of the
// offending parameter (or of the kind); nil reports nothing.
func kindProblem(p *problems, line func(string) int, path string, err error) {
	if err == nil {
		return
	}
	at := path + ".kind"
	var pe interface{ ParamName() string }
	if errors.As(err, &pe) {
		at = path + ".params." + pe.ParamName()
	}
	p.addf(line(at), "%s: %v", path, err)
}

// parseNode reads exactly one YAML document into a node tree; nil when there is none.
func parseNode(data []byte) (root *yaml.Node, err error) {
	defer func() {
		if r := recover(); r != nil { // the YAML parser must never take the CLI down
			root, err = nil, fmt.Errorf("yaml: malformed document (%v)", r)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var n yaml.Node
	if err := dec.Decode(&n); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, err
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("yaml: line %d: a scenario file holds one document; found another after \"---\"", max(extra.Line, 1))
	}
	if len(n.Content) == 0 {
		return nil, nil
	}
	return &n, nil
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// yamlErrors turns the YAML library's errors ("yaml: line 3: ...", type errors listing
// one line each) into located *Errors.
func yamlErrors(file string, err error) []*Error {
	var lines []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		lines = te.Errors
	} else {
		lines = []string{err.Error()}
	}
	out := make([]*Error, 0, len(lines))
	for _, l := range lines {
		l = oneLine(l)
		e := &Error{File: file, Msg: strings.TrimPrefix(l, "yaml: ")}
		if m := yamlLine.FindStringSubmatch(l); m != nil {
			e.Line, _ = strconv.Atoi(m[1])
			e.Msg = m[2]
		}
		if e.Msg == "" {
			e.Msg = "invalid YAML"
		}
		out = append(out, e)
	}
	return out
}

// lineIn finds the line of a path, or of its nearest written ancestor, or 1.
func lineIn(lines map[string]int) func(string) int {
	return func(path string) int {
		for path != "" {
			if l, ok := lines[path]; ok {
				return l
			}
			i := strings.LastIndexAny(path, ".[")
			if i < 0 {
				break
			}
			path = path[:i]
		}
		return 1
	}
}

// MechanismAt is a mechanism of the scenario and the path of its key.
type MechanismAt struct {
	Path      string
	Mechanism Mechanism
}

// Mechanisms lists every mechanism the scenario runs, for the registry's check: the
// rollback's, each change step's action (every step but a deploy) and each step's undo.
func (s *Scenario) Mechanisms() []MechanismAt {
	var out []MechanismAt
	if m := s.Rollback.Mechanism; m.Kind != "" {
		out = append(out, MechanismAt{"rollback.mechanism", m})
	}
	if !s.MultiStep() {
		return out
	}
	for i, st := range s.Change.Steps {
		path := fmt.Sprintf("change.steps[%d]", i)
		if st.Kind != StepDeploy && st.Kind != "" {
			out = append(out, MechanismAt{path, st.Action()})
		}
		if st.Undo != nil && st.Undo.Kind != "" {
			u := *st.Undo
			if u.Service == "" {
				u.Service = st.Service // what the trial runs it on
			}
			out = append(out, MechanismAt{path + ".undo", u})
		}
	}
	return out
}
