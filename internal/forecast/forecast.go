package forecast

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"
)

// Parts of a recovery, as the tail and the sensitivity name them.
const (
	PartDetect  = "detection"
	PartDecide  = "decision"
	PartExecute = "execution"
)

// Quantile is one quantile of the forecast recovery time with its bootstrap interval.
// Beyond marks a quantile that falls among the incidents rollback does not recover:
// then Value (and possibly High) is +Inf.
type Quantile struct {
	Q      float64       `json:"q"`
	Value  time.Duration `json:"value_ns"`
	Low    time.Duration `json:"low_ns"`
	High   time.Duration `json:"high_ns"`
	Beyond bool          `json:"beyond,omitempty"`
}

// Tail says which part dominates the slowest tenth of forecast recoveries: each
// part's share of their mean recovery time.
type Tail struct {
	Dominant string             `json:"dominant"`
	Shares   map[string]float64 `json:"shares"`
}

// Sensitivity is P(RTC ≤ RTO) with one part halved in every incident.
type Sensitivity struct {
	Part  string  `json:"part"`
	P     float64 `json:"p"`
	Delta float64 `json:"delta"`
}

// Forecast is a real incident's recovery as a run's trials forecast it.
type Forecast struct {
	RTO        time.Duration `json:"rto_ns"`
	Confidence float64       `json:"confidence"`
	Trials     int           `json:"trials"`
	Recovered  int           `json:"recovered"`
	// DecisionSource says where the decision part came from.
	DecisionSource string `json:"decision_source"`
	// P is P(RTC ≤ RTO) with its interval.
	P           Interval      `json:"p_within_rto"`
	Quantiles   []Quantile    `json:"quantiles"`
	Tail        Tail          `json:"tail"`
	Sensitivity []Sensitivity `json:"sensitivity"`
	Downtime    *Downtime     `json:"downtime,omitempty"`
	Seed        int64         `json:"seed"`
	Resamples   int           `json:"resamples"`
	// Method states how the figures were made and what they assume.
	Method string `json:"method"`
}

type config struct {
	conf      float64
	resamples int
	seed      int64
	rate      *Rate
}

// Option configures Make.
type Option func(*config) error

// WithConfidence sets the intervals' two-sided level (default 0.95).
func WithConfidence(c float64) Option {
	return func(cf *config) error {
		if !(c > 0 && c < 1) {
			return fmt.Errorf("set confidence: %v is not in (0, 1)", c)
		}
		cf.conf = c
		return nil
	}
}

// WithResamples sets the bootstrap's resample count (default 2000, at least 200).
func WithResamples(n int) Option {
	return func(cf *config) error {
		if n < 200 {
			return fmt.Errorf("set resamples: %d is below 200", n)
		}
		cf.resamples = n
		return nil
	}
}

// WithSeed seeds every random choice (default 1).
func WithSeed(s int64) Option {
	return func(cf *config) error { cf.seed = s; return nil }
}

// WithRate adds the expected annual downtime at this deploy rate.
func WithRate(r Rate) Option {
	return func(cf *config) error {
		if err := r.Check(); err != nil {
			return err
		}
		cf.rate = &r
		return nil
	}
}

var quantileLevels = []float64{0.5, 0.9, 0.99}

// Make forecasts a real incident's recovery from in.
func Make(in Input, opts ...Option) (*Forecast, error) {
	cf := config{conf: 0.95, resamples: 2000, seed: 1}
	for _, o := range opts {
		if err := o(&cf); err != nil {
			return nil, fmt.Errorf("forecast: %w", err)
		}
	}
	p, err := Probability(in, cf.conf)
	if err != nil {
		return nil, err
	}
	f := &Forecast{RTO: in.RTO, Confidence: cf.conf, Trials: len(in.Trials), DecisionSource: in.DecisionSource,
		P: p, Seed: cf.seed, Resamples: cf.resamples}
	for _, t := range in.Trials {
		if t.Recovered {
			f.Recovered++
		}
	}
	if f.DecisionSource == "" {
		f.DecisionSource = "each trial's measured decision"
	}
	rng := rand.New(rand.NewPCG(uint64(cf.seed), 0x5eed))
	f.Quantiles = in.quantiles(rng, cf)
	f.Tail = in.tail(rng)
	f.Sensitivity = in.sensitivity(p.Value)
	if cf.rate != nil {
		f.Downtime = in.downtime(rng, cf, *cf.rate)
	}
	f.Method = method(f, in)
	return f, nil
}

// cdf is the forecast recovery time's distribution over trials: H(x) = mean over
// trials of P(detect + D + execute ≤ x); a trial that did not recover never is.
func (in Input) cdf(trials []Trial, dec Decision, ms float64) float64 {
	sum := 0.0
	for _, t := range trials {
		if !t.Recovered {
			continue
		}
		rest := msOf(t.Detect) + msOf(t.Execute)
		if dec == nil {
			if rest+msOf(t.Decide) <= ms {
				sum++
			}
			continue
		}
		sum += dec.CDF(ms - rest)
	}
	return sum / float64(len(trials))
}

// quantileOf returns the smallest x (to 0.1 ms or 1e-4 relative) with H(x) ≥ q, or
// +Inf when fewer than q of incidents recover at all.
func (in Input) quantileOf(trials []Trial, dec Decision, q float64) float64 {
	if in.cdf(trials, dec, math.MaxFloat64) < q {
		return math.Inf(1)
	}
	hi := 1.0
	for in.cdf(trials, dec, hi) < q && hi < 1e12 {
		hi *= 2
	}
	lo := 0.0
	for hi-lo > math.Max(0.1, hi*1e-4) {
		mid := (lo + hi) / 2
		if in.cdf(trials, dec, mid) >= q {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}

// resample draws a bootstrap resample of the trials, and of the decisions when they
// are an estimated (empirical) distribution.
func (in Input) resample(rng *rand.Rand) ([]Trial, Decision) {
	ts := make([]Trial, len(in.Trials))
	for i := range ts {
		ts[i] = in.Trials[rng.IntN(len(in.Trials))]
	}
	if e, ok := in.Decision.(*Empirical); ok {
		ms := make([]float64, len(e.ms))
		for i := range ms {
			ms[i] = e.ms[rng.IntN(len(e.ms))]
		}
		sort.Float64s(ms)
		return ts, &Empirical{ms: ms}
	}
	return ts, in.Decision
}

func (in Input) quantiles(rng *rand.Rand, cf config) []Quantile {
	boot := make([][]float64, len(quantileLevels))
	for b := 0; b < cf.resamples; b++ {
		ts, dec := in.resample(rng)
		for i, q := range quantileLevels {
			boot[i] = append(boot[i], in.quantileOf(ts, dec, q))
		}
	}
	out := make([]Quantile, len(quantileLevels))
	a := (1 - cf.conf) / 2
	for i, q := range quantileLevels {
		v := in.quantileOf(in.Trials, in.Decision, q)
		sort.Float64s(boot[i])
		out[i] = Quantile{Q: q, Value: durOrInf(v), Low: durOrInf(pick(boot[i], a)), High: durOrInf(pick(boot[i], 1-a)),
			Beyond: math.IsInf(v, 1)}
	}
	return out
}

// pick is the percentile-bootstrap end at level a of sorted xs.
func pick(xs []float64, a float64) float64 {
	i := int(math.Floor(a * float64(len(xs))))
	return xs[min(max(i, 0), len(xs)-1)]
}

// durOrInf maps +Inf to the largest Duration, which renderers print as "not recovered".
func durOrInf(ms float64) time.Duration {
	if math.IsInf(ms, 1) || ms > float64(math.MaxInt64)/float64(time.Millisecond) {
		return time.Duration(math.MaxInt64)
	}
	return durOf(ms)
}

const tailDraws = 20000

// tail simulates recoveries (a recovered trial drawn uniformly, a decision drawn from
// the distribution) and shares out the slowest tenth's mean among the parts.
func (in Input) tail(rng *rand.Rand) Tail {
	var rec []Trial
	for _, t := range in.Trials {
		if t.Recovered {
			rec = append(rec, t)
		}
	}
	if len(rec) == 0 {
		return Tail{Dominant: "", Shares: map[string]float64{}}
	}
	type draw struct{ det, dec, exe float64 }
	ds := make([]draw, tailDraws)
	for i := range ds {
		t := rec[rng.IntN(len(rec))]
		d := msOf(t.Decide)
		if in.Decision != nil {
			d = in.Decision.Sample(rng)
		}
		ds[i] = draw{msOf(t.Detect), d, msOf(t.Execute)}
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i].det+ds[i].dec+ds[i].exe < ds[j].det+ds[j].dec+ds[j].exe })
	var det, dec, exe float64
	for _, d := range ds[len(ds)*9/10:] {
		det, dec, exe = det+d.det, dec+d.dec, exe+d.exe
	}
	total := det + dec + exe
	if total <= 0 {
		return Tail{Dominant: "", Shares: map[string]float64{PartDetect: 0, PartDecide: 0, PartExecute: 0}}
	}
	shares := map[string]float64{PartDetect: det / total, PartDecide: dec / total, PartExecute: exe / total}
	dom := PartDetect
	for _, p := range []string{PartDecide, PartExecute} {
		if shares[p] > shares[dom] {
			dom = p
		}
	}
	return Tail{Dominant: dom, Shares: shares}
}

// sensitivity is P(RTC ≤ RTO) with each part halved, largest rise first.
func (in Input) sensitivity(p float64) []Sensitivity {
	out := []Sensitivity{
		{Part: PartDetect, P: in.pOf(in.Trials, scale{0.5, 1, 1})},
		{Part: PartDecide, P: in.pOf(in.Trials, scale{1, 0.5, 1})},
		{Part: PartExecute, P: in.pOf(in.Trials, scale{1, 1, 0.5})},
	}
	for i := range out {
		out[i].Delta = out[i].P - p
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Delta > out[j].Delta })
	return out
}
