package forecast

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"gonum.org/v1/gonum/stat/distuv"
)

// Decision is the distribution of the human decision (TTM) a real incident would take.
type Decision interface {
	// CDF is P(decision ≤ ms).
	CDF(ms float64) float64
	// Sample draws one decision time in ms.
	Sample(r *rand.Rand) float64
	// Draws is how many observations the distribution was estimated from (0: a known
	// model, no estimation error); it widens P's interval accordingly.
	Draws() int
}

// Empirical is a decision distribution estimated from observed decision times: a run's
// modelled decisions, a game day's, or an incident export's.
type Empirical struct{ ms []float64 }

// NewEmpirical returns the empirical distribution of ds; it refuses an empty or
// negative set.
func NewEmpirical(ds []time.Duration) (*Empirical, error) {
	if len(ds) == 0 {
		return nil, fmt.Errorf("build decision distribution: no decision times")
	}
	ms := make([]float64, len(ds))
	for i, d := range ds {
		if d < 0 {
			return nil, fmt.Errorf("build decision distribution: negative decision time %s", d)
		}
		ms[i] = msOf(d)
	}
	sort.Float64s(ms)
	return &Empirical{ms: ms}, nil
}

// CDF is the share of observed decisions at or below ms.
func (e *Empirical) CDF(ms float64) float64 {
	return float64(sort.Search(len(e.ms), func(i int) bool { return e.ms[i] > ms })) / float64(len(e.ms))
}

// Sample draws one observed decision uniformly.
func (e *Empirical) Sample(r *rand.Rand) float64 { return e.ms[r.IntN(len(e.ms))] }

// Draws is the number of observed decisions.
func (e *Empirical) Draws() int { return len(e.ms) }

// LogNormal is a known log-normal decision model given by its median and p95, as
// manual and hybrid plans declare it.
type LogNormal struct{ d distuv.LogNormal }

// NewLogNormal returns the log-normal with this median and p95 (p95 > median > 0).
func NewLogNormal(median, p95 time.Duration) (LogNormal, error) {
	if median <= 0 || p95 <= median {
		return LogNormal{}, fmt.Errorf("build log-normal decision model: need 0 < median < p95, got %s and %s", median, p95)
	}
	mu := math.Log(msOf(median))
	sigma := (math.Log(msOf(p95)) - mu) / distuv.UnitNormal.Quantile(0.95)
	return LogNormal{d: distuv.LogNormal{Mu: mu, Sigma: sigma}}, nil
}

// CDF is P(decision ≤ ms).
func (l LogNormal) CDF(ms float64) float64 {
	if ms <= 0 {
		return 0
	}
	return l.d.CDF(ms)
}

// Sample draws one decision in ms.
func (l LogNormal) Sample(r *rand.Rand) float64 {
	return math.Exp(l.d.Mu + l.d.Sigma*r.NormFloat64())
}

// Draws is 0: the model is known.
func (LogNormal) Draws() int { return 0 }

func msOf(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func durOf(ms float64) time.Duration {
	return time.Duration(math.Round(ms * float64(time.Millisecond)))
}
