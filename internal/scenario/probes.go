package scenario

import (
	"fmt"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
)

// Probe kinds: exactly one is set in a scenario's probes.
const (
	ProbeHTTP       = "http"
	ProbeTCP        = "tcp"
	ProbeExec       = "exec"
	ProbePrometheus = "prometheus"
)

// ProbeKinds lists the probe kinds in the order messages show them.
var ProbeKinds = []string{ProbeHTTP, ProbeTCP, ProbeExec, ProbePrometheus}

// Kinds returns the probe kinds set, in ProbeKinds order and then a registered kind
// named by kind (a valid scenario sets one).
func (p Probes) Kinds() []string {
	var out []string
	for i, set := range []bool{p.HTTP != nil, p.TCP != nil, p.Exec != nil, p.Prometheus != nil} {
		if set {
			out = append(out, ProbeKinds[i])
		}
	}
	if p.Registered != "" {
		out = append(out, p.Registered)
	}
	return out
}

// Kind returns the probe kind set, or "" when not exactly one is.
func (p Probes) Kind() string {
	if k := p.Kinds(); len(k) == 1 {
		return k[0]
	}
	return ""
}

// CompileProbeCondition compiles a prometheus probe condition over {value float64}; it
// must return a bool. Run it with expr.Run(program, map[string]any{"value": v}).
func CompileProbeCondition(condition string) (*vm.Program, error) {
	prog, err := expr.Compile(condition, expr.Env(map[string]any{"value": 0.0}), expr.AsBool())
	if err != nil {
		return nil, fmt.Errorf("compile probe condition: %w", err)
	}
	return prog, nil
}
