package forecast

import (
	"fmt"
	"math"
	"time"

	"gonum.org/v1/gonum/stat/distuv"
)

// Trial is one incident's parts, as a trial measured them. A trial whose rollback did not recover the
// service (or whose trigger never fired) has Recovered false: a real incident like it
// is not back by rollback at any time.
type Trial struct {
	Recovered bool
	// Detect is TTD; Decide the trial's own decision time (used when no decision
	// distribution is given: an automated plan's measured TTM); Execute is everything
	// else from trigger to recovery (TTR, and any wait for an in-flight deploy).
	Detect, Decide, Execute time.Duration
}

// Input is what a forecast is made from.
type Input struct {
	RTO    time.Duration
	Trials []Trial
	// Decision is the distribution of the human decision; nil: each trial's own
	// measured decision is used (an automated plan).
	Decision Decision
	// DecisionSource says in words where Decision came from, for the method text.
	DecisionSource string
}

func (in Input) check() error {
	if in.RTO <= 0 {
		return fmt.Errorf("forecast: RTO must be positive, got %s", in.RTO)
	}
	if len(in.Trials) == 0 {
		return fmt.Errorf("forecast: no incident among the trials")
	}
	return nil
}

// scale halves (or keeps) each part, for the sensitivity analysis.
type scale struct{ detect, decide, execute float64 }

var unit = scale{1, 1, 1}

// made is trial t's chance of making the RTO: 1 or 0 with its own decision, else
// P(D ≤ RTO − detect − execute) under the decision distribution (Rao–Blackwellised:
// the decision's randomness is integrated exactly, not sampled).
func (in Input) made(t Trial, s scale) float64 {
	if !t.Recovered {
		return 0
	}
	rest := msOf(t.Detect)*s.detect + msOf(t.Execute)*s.execute
	rto := msOf(in.RTO)
	if in.Decision == nil {
		if rest+msOf(t.Decide)*s.decide <= rto {
			return 1
		}
		return 0
	}
	return in.Decision.CDF((rto - rest) / s.decide)
}

func (in Input) pOf(trials []Trial, s scale) float64 {
	sum := 0.0
	for _, t := range trials {
		sum += in.made(t, s)
	}
	return sum / float64(len(trials))
}

// Interval is an estimate with its two-sided confidence interval.
type Interval struct {
	Value float64 `json:"value"`
	Low   float64 `json:"low"`
	High  float64 `json:"high"`
}

// Probability returns P(RTC ≤ RTO) for a real incident with its two-sided conf
// interval. The estimate is the mean over trials of each trial's chance of making the
// RTO. The interval is Clopper–Pearson at the fractional count p̂·n_eff: each trial's
// chance lies in [0, 1], so its variance is at most p(1−p), the binomial's, and with an
// estimated decision distribution of m draws the estimator (a two-sample U-statistic)
// has variance at most p(1−p)(1/n + 1/m), so n_eff = 1/(1/n + 1/m).
func Probability(in Input, conf float64) (Interval, error) {
	if err := in.check(); err != nil {
		return Interval{}, err
	}
	if !(conf > 0 && conf < 1) {
		return Interval{}, fmt.Errorf("forecast: confidence must be in (0, 1), got %v", conf)
	}
	p := in.pOf(in.Trials, unit)
	lo, hi := betaInterval(p, nEff(len(in.Trials), in.Decision), conf)
	return Interval{Value: p, Low: lo, High: hi}, nil
}

func nEff(n int, d Decision) float64 {
	if d == nil || d.Draws() == 0 {
		return float64(n)
	}
	return 1 / (1/float64(n) + 1/float64(d.Draws()))
}

// betaInterval is the Clopper–Pearson interval for a (possibly fractional) count
// k = p·n of successes in n.
func betaInterval(p, n, conf float64) (lo, hi float64) {
	k := p * n
	a := (1 - conf) / 2
	lo, hi = 0, 1
	if k > 1e-9 {
		lo = distuv.Beta{Alpha: k, Beta: n - k + 1}.Quantile(a)
	}
	if n-k > 1e-9 {
		hi = distuv.Beta{Alpha: k + 1, Beta: n - k}.Quantile(1 - a)
	}
	return math.Max(0, lo), math.Min(1, hi)
}
