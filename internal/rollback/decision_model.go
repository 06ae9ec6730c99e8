package rollback

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/drillhq/drill/internal/params"
)

// Model names of a human decision time, as a scenario writes them in `model:`.
const (
	// ModelFixed always takes `decision`.
	ModelFixed = "fixed"
	// ModelLogNormal is log-normal with the declared `median` and `p95`: the right-skewed
	// shape response times of people have (most decide quickly, a few take much longer).
	ModelLogNormal = "lognormal"
	// ModelEmpirical resamples decision times recorded in earlier game days (`samples`, or
	// the records in `samples_file`).
	ModelEmpirical = "empirical"
)

// modelNames lists the models in the order messages show them.
var modelNames = []string{ModelFixed, ModelLogNormal, ModelEmpirical}

// z95 is the standard normal's 95th percentile: p95 = median · exp(σ·z95).
const z95 = 1.6448536269514722

// ModelParams are the parameters of a decision-time model, shared by the manual trigger,
// its checkpoints and the hybrid trigger's approver.
type ModelParams struct {
	// Model is fixed, lognormal or empirical.
	Model string `param:"model"`
	// Decision is the fixed model's time.
	Decision time.Duration `param:"decision"`
	// Median and P95 shape the lognormal model.
	Median time.Duration `param:"median"`
	P95    time.Duration `param:"p95"`
	// Samples are the empirical model's recorded times ("95s", "4m").
	Samples []string `param:"samples"`
	// SamplesFile is a game-day records file (drill run --interactive --decisions-out)
	// whose measured decision times the empirical model resamples.
	SamplesFile string `param:"samples_file"`
}

// isSet reports whether any model parameter was given.
func (p ModelParams) isSet() bool {
	return p.Model != "" || p.Decision > 0 || p.Median > 0 || p.P95 > 0 || len(p.Samples) > 0 || p.SamplesFile != ""
}

// Model samples a human decision time. Sample is deterministic for a given source.
type Model interface {
	// Sample draws one decision time using src.
	Sample(src rand.Source) time.Duration
	// String describes the model for the plan and the report ("lognormal median 5m p95 20m").
	String() string
}

// newModel checks p and builds its model; errors are *params.Error at the offending
// parameter, prefixed with prefix (e.g. "checkpoints[1].").
func newModel(p ModelParams, prefix string) (Model, error) {
	bad := func(param, format string, args ...any) error {
		return params.Errorf(prefix+param, "%s%s", prefix, fmt.Sprintf(format, args...))
	}
	switch p.Model {
	case ModelFixed:
		if p.Decision <= 0 {
			return nil, bad("decision", "model fixed needs decision greater than 0, e.g. decision: 90s")
		}
		return fixedModel(p.Decision), nil
	case ModelLogNormal:
		if p.Median <= 0 || p.P95 <= p.Median {
			return nil, bad("p95", "model lognormal needs median > 0 and p95 > median, got median %s p95 %s", p.Median, p.P95)
		}
		mu := math.Log(p.Median.Seconds())
		return logNormalModel{median: p.Median, p95: p.P95, mu: mu, sigma: (math.Log(p.P95.Seconds()) - mu) / z95}, nil
	case ModelEmpirical:
		var ds []time.Duration
		for i, s := range p.Samples {
			d, err := time.ParseDuration(strings.TrimSpace(s))
			if err != nil || d <= 0 {
				return nil, bad("samples", "samples[%d] %q must be a positive duration such as \"95s\"", i, s)
			}
			ds = append(ds, d)
		}
		if p.SamplesFile != "" {
			recs, err := ReadDecisions(p.SamplesFile)
			if err != nil {
				return nil, bad("samples_file", "%v", err)
			}
			ds = append(ds, recs.Times()...)
		}
		if len(ds) == 0 {
			return nil, bad("samples", "model empirical needs samples (a list of durations) or a samples_file with at least one decision")
		}
		return empiricalModel(ds), nil
	case "":
		return nil, bad("model", "model is required: one of %s", strings.Join(modelNames, ", "))
	default:
		return nil, bad("model", "unknown model %q: one of %s", p.Model, strings.Join(modelNames, ", "))
	}
}

type fixedModel time.Duration

func (m fixedModel) Sample(rand.Source) time.Duration { return time.Duration(m) }
func (m fixedModel) String() string                   { return "fixed " + time.Duration(m).String() }

type logNormalModel struct {
	median, p95 time.Duration
	mu, sigma   float64
}

func (m logNormalModel) Sample(src rand.Source) time.Duration {
	x := distuv.LogNormal{Mu: m.mu, Sigma: m.sigma, Src: src}.Rand()
	return time.Duration(x * float64(time.Second)).Round(time.Millisecond)
}

func (m logNormalModel) String() string {
	return fmt.Sprintf("lognormal median %s p95 %s", m.median, m.p95)
}

type empiricalModel []time.Duration

func (m empiricalModel) Sample(src rand.Source) time.Duration {
	return m[rand.New(src).IntN(len(m))]
}

func (m empiricalModel) String() string {
	s := slices.Sorted(slices.Values(m))
	return fmt.Sprintf("empirical, %d recorded decisions (%s … %s)", len(m), s[0], s[len(s)-1])
}
