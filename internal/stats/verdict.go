package stats

import "fmt"

// Verdict is the three-valued outcome of checking an objective against a
// confidence bound. The zero value is not a verdict, so a forgotten
// assignment can never read as Pass.
type Verdict int

const (
	// Pass: the confidence bound shows the objective is met.
	Pass Verdict = iota + 1
	// Inconclusive: too few trials, or the interval straddles the objective.
	Inconclusive
	// Fail: the confidence bound shows the objective is missed.
	Fail
)

var verdictNames = map[Verdict]string{Pass: "pass", Inconclusive: "inconclusive", Fail: "fail"}

// String returns "pass", "inconclusive" or "fail" ("Verdict(n)" otherwise).
func (v Verdict) String() string {
	if s, ok := verdictNames[v]; ok {
		return s
	}
	return fmt.Sprintf("Verdict(%d)", int(v))
}

// MarshalText encodes the verdict as its name; the zero or an unknown value
// is an error rather than a silent "pass".
func (v Verdict) MarshalText() ([]byte, error) {
	s, ok := verdictNames[v]
	if !ok {
		return nil, fmt.Errorf("marshal verdict: invalid value %d", int(v))
	}
	return []byte(s), nil
}

// UnmarshalText decodes "pass", "inconclusive" or "fail".
func (v *Verdict) UnmarshalText(text []byte) error {
	for k, s := range verdictNames {
		if s == string(text) {
			*v = k
			return nil
		}
	}
	return fmt.Errorf("unmarshal verdict: unknown verdict %q", text)
}

// VerdictResult is a verdict with the numbers behind it.
type VerdictResult struct {
	Verdict Verdict
	// Estimate is the point estimate (sample quantile or success rate).
	Estimate float64
	// Upper and Lower are the one-sided confidence bounds at the requested
	// level; each is 0 and meaningless when its OK flag is false (too few
	// trials for such a bound to exist). Quantile bounds are order
	// statistics and so may be +Inf when samples are.
	Upper, Lower     float64
	UpperOK, LowerOK bool
	// N is the number of trials judged.
	N int
	// NeededN is, for an Inconclusive verdict, the smallest total number of
	// trials that would decide it under the projection documented on the
	// verdict function; N when the verdict is decided; 0 when no number of
	// trials (up to MaxProjectedTrials) like these would decide it.
	NeededN int
	// Reason is a one-line human sentence explaining the verdict.
	Reason string
}

// MaxProjectedTrials caps the search for NeededN: each trial is a real
// rollback rehearsal, so a plan needing more than this is no plan.
const MaxProjectedTrials = 1000

// VerdictOption adjusts how a verdict's Reason is worded.
type VerdictOption func(*verdictConfig)

type verdictConfig struct {
	label  string
	format func(float64) string
}

// WithLabel names the measured quantity in Reason, e.g. "RTC" gives
// "p90 RTC ≤ 1.2s …" and "rollback success rate" gives "rollback success
// rate ≥ 90% …".
func WithLabel(label string) VerdictOption {
	return func(c *verdictConfig) { c.label = label }
}

// WithFormat formats sample values (quantile objectives) in Reason, e.g. as
// seconds with a unit. The default is %g.
func WithFormat(format func(float64) string) VerdictOption {
	return func(c *verdictConfig) {
		if format != nil {
			c.format = format
		}
	}
}

func newVerdictConfig(defaultLabel string, opts []VerdictOption) verdictConfig {
	c := verdictConfig{label: defaultLabel, format: func(v float64) string { return fmt.Sprintf("%g", v) }}
	for _, o := range opts {
		o(&c)
	}
	return c
}
