package scenario

import (
	"fmt"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
)

// TriggerVars are the variables an automated trigger's condition sees: statistics of the
// probes in the trigger window. The trigger evaluates a compiled condition against a
// value of this type, so the names checked here are exactly the names available there.
type TriggerVars struct {
	// ErrorRate is the fraction of failed probes in the window (0..1).
	ErrorRate float64 `expr:"error_rate"`
	// Failures is the number of failed probes in the window.
	Failures int `expr:"failures"`
	// Successes is the number of passing probes in the window.
	Successes int `expr:"successes"`
	// Samples is the number of probes in the window.
	Samples int `expr:"samples"`
	// P50Ms, P95Ms, P99Ms and MaxMs are probe latency quantiles in the window, in ms.
	P50Ms float64 `expr:"p50_ms"`
	P95Ms float64 `expr:"p95_ms"`
	P99Ms float64 `expr:"p99_ms"`
	MaxMs float64 `expr:"max_ms"`
	// ConsecutiveFailures is the number of failed probes at the end of the window in a row.
	ConsecutiveFailures int `expr:"consecutive_failures"`
}

// TriggerEnv returns the condition variables with zero values, keyed by name (for
// documentation, completion and expr.Env).
func TriggerEnv() map[string]any {
	return map[string]any{
		"error_rate":           0.0,
		"failures":             0,
		"successes":            0,
		"samples":              0,
		"p50_ms":               0.0,
		"p95_ms":               0.0,
		"p99_ms":               0.0,
		"max_ms":               0.0,
		"consecutive_failures": 0,
	}
}

// CompileCondition compiles a trigger condition against TriggerVars; it must return a
// bool. Run the program with expr.Run(program, TriggerVars{...}).
func CompileCondition(condition string) (*vm.Program, error) {
	prog, err := expr.Compile(condition, expr.Env(TriggerVars{}), expr.AsBool())
	if err != nil {
		return nil, fmt.Errorf("compile trigger condition: %w", err)
	}
	return prog, nil
}
