package forecast

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"
)

// Rate is a team's delivery: how often it deploys, how many deploys fail (DORA's
// change-failure rate: the share of deployments that cause a failure in production
// needing remediation), and what a failure the rollback does not fix costs.
type Rate struct {
	DeploysPerMonth   float64       `json:"deploys_per_month"`
	ChangeFailureRate float64       `json:"change_failure_rate"`
	FailedOutage      time.Duration `json:"failed_outage_ns"`
	// Source says where the rates came from: the scenario, the evidence config, the
	// command's flags.
	Source string `json:"source,omitempty"`
}

// Check refuses a rate that cannot be costed.
func (r Rate) Check() error {
	switch {
	case !(r.DeploysPerMonth > 0) || math.IsInf(r.DeploysPerMonth, 0):
		return fmt.Errorf("set deploy rate: deploys a month must be positive, got %v", r.DeploysPerMonth)
	case !(r.ChangeFailureRate > 0 && r.ChangeFailureRate <= 1):
		return fmt.Errorf("set deploy rate: change-failure rate must be in (0, 1], got %v", r.ChangeFailureRate)
	case r.FailedOutage <= 0:
		return fmt.Errorf("set deploy rate: the outage of a failed rollback must be positive, got %s", r.FailedOutage)
	}
	return nil
}

// IncidentsPerYear is the expected number of bad releases a year.
func (r Rate) IncidentsPerYear() float64 { return r.DeploysPerMonth * 12 * r.ChangeFailureRate }

// Downtime is the expected user-visible outage a year from bad releases under a plan,
// with its bootstrap interval.
type Downtime struct {
	Rate
	IncidentsPerYear float64       `json:"incidents_per_year"`
	Expected         time.Duration `json:"expected_ns"`
	Low              time.Duration `json:"low_ns"`
	High             time.Duration `json:"high_ns"`
}

const meanDraws = 20000

// meanDecision is the decision distribution's mean in ms (0 without one: each trial's
// own decision is used).
func meanDecision(d Decision, rng *rand.Rand) float64 {
	switch d := d.(type) {
	case nil:
		return 0
	case *Empirical:
		s := 0.0
		for _, v := range d.ms {
			s += v
		}
		return s / float64(len(d.ms))
	default:
		s := 0.0
		for range meanDraws {
			s += d.Sample(rng)
		}
		return s / meanDraws
	}
}

// perIncident is the mean outage of one bad release in ms.
func perIncident(trials []Trial, meanDec float64, own bool, failed time.Duration) float64 {
	s := 0.0
	for _, t := range trials {
		switch {
		case !t.Recovered:
			s += msOf(failed)
		case own:
			s += msOf(t.Detect + t.Decide + t.Execute)
		default:
			s += msOf(t.Detect+t.Execute) + meanDec
		}
	}
	return s / float64(len(trials))
}

func (in Input) downtime(rng *rand.Rand, cf config, r Rate) *Downtime {
	own := in.Decision == nil
	known := meanDecision(in.Decision, rng)
	n := r.IncidentsPerYear()
	boot := make([]float64, cf.resamples)
	for b := range boot {
		ts, dec := in.resample(rng)
		m := known
		if _, ok := dec.(*Empirical); ok {
			m = meanDecision(dec, rng)
		}
		boot[b] = n * perIncident(ts, m, own, r.FailedOutage)
	}
	sort.Float64s(boot)
	a := (1 - cf.conf) / 2
	return &Downtime{Rate: r, IncidentsPerYear: n,
		Expected: durOf(n * perIncident(in.Trials, known, own, r.FailedOutage)),
		Low:      durOf(pick(boot, a)), High: durOf(pick(boot, 1-a))}
}
