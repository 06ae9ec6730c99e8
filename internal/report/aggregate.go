package report

import (
	"cmp"
	"math"
	"slices"
	"sort"
	"time"

	"github.com/drillhq/drill/internal/check"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stats"
	"github.com/drillhq/drill/internal/trial"
)

// AggregateSchemaVersion names the period report's JSON format.
const AggregateSchemaVersion = "drill.aggregate/v1"

// AggregateReport is what compliance owners read once a period: for every scenario
// drilled, how often and how well rollbacks worked over all its runs pooled, the
// evidence (audit digests) behind the numbers, and whether recovery got worse than
// in the previous period. (The type cannot share the name of the Aggregate function.)
type AggregateReport struct {
	Schema   string `json:"schema"`
	Period   Period `json:"period"`
	Previous Period `json:"previous_period"`
	// Runs and Trials count the current period; PreviousRuns the previous one.
	Runs         int `json:"runs"`
	Trials       int `json:"trials"`
	PreviousRuns int `json:"previous_runs"`
	// Verdict is the worst verdict of the scenarios drilled in the period (fail over
	// inconclusive over pass): the period report's headline. Inconclusive when nothing
	// was drilled.
	Verdict stats.Verdict `json:"verdict"`
	// Regressions counts the groups whose RTC got significantly worse.
	Regressions int `json:"regressions"`
	// Groups are per scenario (and service label), sorted by service then scenario.
	// A scenario drilled only in the previous period is listed with no runs.
	Groups []GroupAggregate `json:"scenarios"`
	// Strategies compares scenarios drilled against the same service (labels.service).
	Strategies []StrategyComparison `json:"strategies"`
}

// GroupAggregate pools every run of one scenario (and service) on one runtime in the
// period: containers and local processes measure different things and are never pooled.
type GroupAggregate struct {
	Scenario string `json:"scenario"`
	// Service is the scenario's labels.service ("" when the scenario has none).
	Service string `json:"service,omitempty"`
	// Runtime is the runtime the runs used (docker, process).
	Runtime string `json:"runtime"`
	// Objectives are the latest run's; ObjectivesChanged says earlier runs had others.
	Objectives        scenario.Objectives `json:"objectives"`
	ObjectivesChanged bool                `json:"objectives_changed"`
	// ScenarioSHA256 lists the distinct scenario file digests the runs used.
	ScenarioSHA256 []string `json:"scenario_sha256"`
	Runs           int      `json:"runs"`
	Counts         Counts   `json:"counts"`
	// Verdict is the pooled trials' verdict as a run's: fail if any objective judged on
	// them (RTO, RPO, success rate) or a consistency check failed, else inconclusive if
	// any is, else pass. Inconclusive for a scenario not drilled in the period.
	Verdict stats.Verdict `json:"verdict"`

	SuccessRate RateSummary `json:"success_rate"`
	RTC         RTCSummary  `json:"rtc"`
	RPC         RPCSummary  `json:"rpc"`
	// ErrorMessages are why errored trials could not run, most frequent first. Errors
	// are not failed rollbacks and never enter a measure.
	ErrorMessages []ErrorCount `json:"error_messages"`
	// Findings are the consistency checks that failed or could not decide, per trial;
	// checks that passed are only counted (Counts.ConsistencyChecks).
	Findings []Finding `json:"consistency_findings"`
	// Evidence ties every run to its audit log, oldest first.
	Evidence []Evidence `json:"evidence"`
	Trend    Trend      `json:"trend"`
	// Forecast is how a real incident would fare, from the period's incidents (nil: no run).
	Forecast *GroupForecast `json:"forecast,omitempty"`
}

// Counts are the pooled trial outcomes, by Standing as a run's Summary counts them:
// Judged is the incidents and the false positives; Incidents (Recovered, NotRecovered,
// NotDetected) are what the success rate and the RTC rest on.
type Counts struct {
	Trials         int `json:"trials"`
	Judged         int `json:"judged"`
	Incidents      int `json:"incidents"`
	Recovered      int `json:"recovered"`
	NotRecovered   int `json:"not_recovered"`
	NotDetected    int `json:"not_detected"`
	Errors         int `json:"errors"`
	Interrupted    int `json:"interrupted"`
	FalsePositives int `json:"false_positives"`
	// ControlTrials and ControlFired count the control trials and those whose trigger
	// fired (false positives of the trigger on a good change).
	ControlTrials int `json:"control_trials"`
	ControlFired  int `json:"control_fired"`
	// Consistency checks run after recovery over judged trials, and how many failed
	// or could not decide.
	ConsistencyChecks   int `json:"consistency_checks"`
	ConsistencyFailures int `json:"consistency_failures"`
	ConsistencyUnknown  int `json:"consistency_unknown"`
}

// RateSummary is the pooled rollback success rate with its two-sided Clopper–Pearson
// interval at the objectives' confidence, and the one-sided verdict.
type RateSummary struct {
	Successes  int                 `json:"successes"`
	N          int                 `json:"n"`
	Estimate   stats.Float         `json:"estimate"`
	Lower      stats.Float         `json:"lower"`
	Upper      stats.Float         `json:"upper"`
	Confidence float64             `json:"confidence"`
	Verdict    stats.VerdictResult `json:"verdict"`
}

// RTCSummary is the pooled recovery time of the incidents (see Standing); one that
// never recovered counts as +Inf in the quantile, the maximum and the RTO verdict, as it
// does in a run's. The median is over the recovered incidents, the same set as a run
// summary's RTC median.
type RTCSummary struct {
	// N counts the incidents, Recovered those that recovered.
	N         int `json:"n"`
	Recovered int `json:"recovered"`
	// MedianMs is the median RTC of the Recovered incidents (NaN: none recovered).
	MedianMs stats.Float `json:"median_ms"`
	// QuantileMs is the point estimate at the objectives' quantile (e.g. p90).
	QuantileMs stats.Float `json:"quantile_ms"`
	MaxMs      stats.Float `json:"max_ms"`
	// RTO is the order-statistic verdict on the pooled samples against the RTO.
	RTO stats.VerdictResult `json:"rto"`
	// SamplesMs are the pooled samples, ascending.
	SamplesMs []stats.Float `json:"samples_ms"`
}

// RPCSummary is the pooled recovery point and lost acknowledged writes.
type RPCSummary struct {
	N              int                 `json:"n"`
	MedianMs       stats.Float         `json:"median_ms"`
	MaxMs          stats.Float         `json:"max_ms"`
	TrialsWithLoss int                 `json:"trials_with_loss"`
	LostWrites     int                 `json:"lost_writes"`
	AckedWrites    int                 `json:"acked_writes"`
	RPO            stats.VerdictResult `json:"rpo"`
}

// ErrorCount is one distinct error message and how many trials it stopped.
type ErrorCount struct {
	Message string `json:"message"`
	Count   int    `json:"count"`
}

// Finding is one consistency check of one trial that did not pass.
type Finding struct {
	RunID   string   `json:"run_id"`
	Trial   int      `json:"trial"`
	Checker string   `json:"checker"`
	Status  string   `json:"status"`
	Message string   `json:"message"`
	IDs     []string `json:"ids,omitempty"`
}

// Evidence is one run's audit trail: `drill audit verify --digest` checks the log.
type Evidence struct {
	RunID          string    `json:"run_id"`
	Started        time.Time `json:"started"`
	Runtime        string    `json:"runtime"`
	Trials         int       `json:"trials"`
	Verdict        string    `json:"verdict"`
	ScenarioSHA256 string    `json:"scenario_sha256"`
	AuditFile      string    `json:"audit_file"`
	AuditDigest    string    `json:"audit_sha256_digest"`
}

// groupKey identifies a group.
type groupKey struct{ service, scenario, runtime string }

func keyOf(r *Results) groupKey { return groupKey{serviceOf(r), r.Scenario.Name, r.Runtime} }

// serviceOf is the run's service label (the scenario's labels.service), "" when unset.
func serviceOf(r *Results) string { return r.Labels["service"] }

// Aggregate pools the runs of the period per scenario and compares each scenario's
// recovery time with its runs in the previous period. It is pure: runs outside their
// period are not filtered here (see SelectRuns), and nothing is read or written.
func Aggregate(runs []*Results, period Period, previous []*Results) AggregateReport {
	cur, prev := groupRuns(runs), groupRuns(previous)
	keys := make([]groupKey, 0, len(cur)+len(prev))
	for k := range cur {
		keys = append(keys, k)
	}
	for k := range prev {
		if _, ok := cur[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b groupKey) int {
		return cmp.Or(cmp.Compare(a.service, b.service), cmp.Compare(a.scenario, b.scenario), cmp.Compare(a.runtime, b.runtime))
	})
	a := AggregateReport{Schema: AggregateSchemaVersion, Period: period, Previous: period.Previous(),
		PreviousRuns: len(nonNil(previous)), Groups: make([]GroupAggregate, 0, len(keys))}
	for _, k := range keys {
		g := aggregateGroup(k, cur[k], prev[k])
		g.Trend = compareRTC(g.RTC, prev[k], a.Previous.Label)
		if g.Trend.Regression {
			a.Regressions++
		}
		a.Runs += g.Runs
		a.Trials += g.Counts.Trials
		a.Groups = append(a.Groups, g)
	}
	a.Verdict = periodVerdict(a.Groups)
	a.Strategies = compareStrategies(a.Groups)
	return a
}

// ScenarioGroup is the runs of one scenario (and service) on one runtime, oldest first:
// what a period report pools.
type ScenarioGroup struct {
	Scenario, Service, Runtime string
	Runs                       []*Results
}

// ByScenario groups runs as the period report pools them, in its order (service,
// scenario, runtime).
func ByScenario(runs []*Results) []ScenarioGroup {
	groups := groupRuns(runs)
	out := make([]ScenarioGroup, 0, len(groups))
	for k, rs := range groups {
		out = append(out, ScenarioGroup{Scenario: k.scenario, Service: k.service, Runtime: k.runtime, Runs: rs})
	}
	slices.SortFunc(out, func(a, b ScenarioGroup) int {
		return cmp.Or(cmp.Compare(a.Service, b.Service), cmp.Compare(a.Scenario, b.Scenario), cmp.Compare(a.Runtime, b.Runtime))
	})
	return out
}

func nonNil(runs []*Results) []*Results {
	return slices.DeleteFunc(slices.Clone(runs), func(r *Results) bool { return r == nil })
}

// groupRuns groups runs by key, each group oldest first.
func groupRuns(runs []*Results) map[groupKey][]*Results {
	out := map[groupKey][]*Results{}
	for _, r := range nonNil(runs) {
		out[keyOf(r)] = append(out[keyOf(r)], r)
	}
	for _, rs := range out {
		sort.SliceStable(rs, func(i, j int) bool {
			if !rs[i].Started.Equal(rs[j].Started) {
				return rs[i].Started.Before(rs[j].Started)
			}
			return rs[i].RunID < rs[j].RunID
		})
	}
	return out
}

// aggregateGroup pools one group's runs. With no current runs (drilled only in the
// previous period) it keeps the previous objectives so the empty verdicts are worded.
func aggregateGroup(k groupKey, runs, prev []*Results) GroupAggregate {
	g := GroupAggregate{Scenario: k.scenario, Service: k.service, Runtime: k.runtime, Runs: len(runs),
		ScenarioSHA256: []string{}, ErrorMessages: []ErrorCount{}, Findings: []Finding{}, Evidence: []Evidence{}}
	switch {
	case len(runs) > 0:
		g.Objectives = runs[len(runs)-1].Objectives
	case len(prev) > 0:
		g.Objectives = prev[len(prev)-1].Objectives
	}
	errs := map[string]int{}
	var p pool
	for _, r := range runs {
		if r.Objectives != g.Objectives {
			g.ObjectivesChanged = true
		}
		if !slices.Contains(g.ScenarioSHA256, r.Scenario.SHA256) {
			g.ScenarioSHA256 = append(g.ScenarioSHA256, r.Scenario.SHA256)
		}
		g.Findings = append(g.Findings, p.add(r, &g.Counts, errs)...)
		g.Evidence = append(g.Evidence, evidenceOf(r))
	}
	for msg, n := range errs {
		g.ErrorMessages = append(g.ErrorMessages, ErrorCount{Message: msg, Count: n})
	}
	slices.SortFunc(g.ErrorMessages, func(a, b ErrorCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Message, b.Message))
	})
	g.SuccessRate = rateSummary(g.Counts, g.Objectives)
	g.RTC = rtcSummary(p, g.Objectives)
	g.RPC = rpcSummary(p, g.Objectives)
	g.Verdict = stats.Inconclusive
	if g.Runs > 0 {
		g.Verdict = overall(g.RTC.RTO.Verdict, g.RPC.RPO.Verdict, g.SuccessRate.Verdict.Verdict)
		if g.Counts.ConsistencyFailures > 0 {
			g.Verdict = stats.Fail
		}
	}
	g.Forecast = PooledForecast(runs, g.Objectives, ForecastConfig{})
	return g
}

// periodVerdict is the worst verdict of the groups drilled in the period; inconclusive
// when none was.
func periodVerdict(gs []GroupAggregate) stats.Verdict {
	var vs []stats.Verdict
	for _, g := range gs {
		if g.Runs > 0 {
			vs = append(vs, g.Verdict)
		}
	}
	if len(vs) == 0 {
		return stats.Inconclusive
	}
	return overall(vs...)
}

// pool collects one group's measures, in seconds: rtc holds the RTO samples of the
// incidents (+Inf: never recovered), recoveredRTC the RTC of those that recovered (the
// set the medians are over, as in a run's summary). own holds, beside each RTO and
// RPO sample, the range drill's own error leaves for it, taken with the resolution of
// the run it came from, so the period judges as each run did (ownError);
// resolution is the coarsest of the pooled runs', the one its reasons name.
type pool struct {
	rtc, recoveredRTC, rpc, rpo []float64
	lost, acked                 int
	withLoss                    int
	own                         ownError
	resolution                  time.Duration
}

// add pools a run's trials by their Standing, exactly as Summarize judges one run:
// errors and interruptions are counted apart and never enter a measure, control trials
// and false positives are no incidents. It returns the consistency findings that did
// not pass.
func (p *pool) add(r *Results, c *Counts, errs map[string]int) []Finding {
	var out []Finding
	p.own.resolution = r.Resolution()
	p.resolution = max(p.resolution, p.own.resolution)
	defer func() { p.own.resolution = p.resolution }()
	for _, t := range r.Trials {
		c.Trials++
		st := StandingOf(t)
		switch st {
		case StandingInterrupted:
			c.Interrupted++
			continue
		case StandingError:
			c.Errors++
			msg := t.Error
			if msg == "" {
				msg = "(no message)"
			}
			errs[msg]++
			continue
		case StandingControl:
			c.ControlTrials++
			if t.Outcome == trial.ControlFired {
				c.ControlFired++
			}
		case StandingFalsePositive:
			c.FalsePositives++
		case StandingRecovered:
			c.Recovered++
		case StandingNotRecovered:
			c.NotRecovered++
		case StandingNotDetected:
			c.NotDetected++
		}
		if st.Judged() {
			c.Judged++
		}
		for _, f := range t.Consistency {
			c.ConsistencyChecks++
			switch f.Status {
			case check.Pass:
				continue
			case check.Fail:
				c.ConsistencyFailures++
			default:
				c.ConsistencyUnknown++
			}
			out = append(out, Finding{RunID: r.RunID, Trial: t.Index, Checker: f.Checker, Status: f.Status.String(),
				Message: f.Message, IDs: f.IDs})
		}
		if sample, ok := rtoSample(t); ok {
			c.Incidents++
			p.rtc = append(p.rtc, sample)
			p.own.addRTO(t, sample)
			if !math.IsInf(sample, 1) {
				p.recoveredRTC = append(p.recoveredRTC, sample)
			}
		}
		if t.Loss != nil {
			p.rpc = append(p.rpc, t.Loss.RPC.D().Seconds())
			p.rpo = append(p.rpo, rpoSample(*t.Loss))
			p.own.addRPO(t, rpoSample(*t.Loss))
			p.lost += len(t.Loss.Lost)
			p.acked += t.Loss.Acked
			if len(t.Loss.Lost) > 0 {
				p.withLoss++
			}
		}
	}
	return out
}

func rateSummary(c Counts, o scenario.Objectives) RateSummary {
	r := RateSummary{Successes: c.Recovered, N: c.Incidents, Confidence: o.Confidence,
		Estimate: stats.Float(math.NaN()), Lower: 0, Upper: 1}
	if c.Incidents > 0 {
		r.Estimate = stats.Float(float64(c.Recovered) / float64(c.Incidents))
		lo, hi := stats.ClopperPearson(c.Recovered, c.Incidents, o.Confidence)
		r.Lower, r.Upper = stats.Float(lo), stats.Float(hi)
	}
	r.Verdict = stats.RateVerdict(c.Recovered, c.Incidents, o.SuccessRate, o.Confidence, stats.WithLabel("rollback success rate"))
	return r
}

// rtcSummary judges the pooled RTO samples as a run's summary does: an objective whose
// verdict rests on incidents within their own timing error of the RTO is Inconclusive
// with that reason.
func rtcSummary(p pool, o scenario.Objectives) RTCSummary {
	sorted := slices.Clone(p.rtc)
	slices.Sort(sorted)
	rec := slices.Clone(p.recoveredRTC)
	slices.Sort(rec)
	s := RTCSummary{N: len(sorted), Recovered: len(rec),
		MedianMs: msFloat(median64(rec)), QuantileMs: msFloat(stats.Quantile(sorted, o.Quantile)),
		MaxMs: msFloat(math.NaN()), SamplesMs: make([]stats.Float, len(sorted))}
	if len(sorted) > 0 {
		s.MaxMs = msFloat(sorted[len(sorted)-1])
	}
	for i, v := range sorted {
		s.SamplesMs[i] = msFloat(v)
	}
	s.RTO = p.own.judgeRTO(p.rtc, o)
	return s
}

// rpcSummary judges the pooled RPO samples as a run's summary does: a trial whose
// workload fell short of its schedule cannot make the RPO pass.
func rpcSummary(p pool, o scenario.Objectives) RPCSummary {
	sorted := slices.Clone(p.rpc)
	slices.Sort(sorted)
	s := RPCSummary{N: len(sorted), MedianMs: msFloat(stats.Quantile(sorted, 0.5)), MaxMs: msFloat(math.NaN()),
		TrialsWithLoss: p.withLoss, LostWrites: p.lost, AckedWrites: p.acked}
	if len(sorted) > 0 {
		s.MaxMs = msFloat(sorted[len(sorted)-1])
	}
	s.RPO = p.own.judgeRPO(p.rpo, o)
	return s
}

func evidenceOf(r *Results) Evidence {
	e := Evidence{RunID: r.RunID, Started: r.Started.UTC(), Runtime: r.Runtime, Trials: len(r.Trials),
		Verdict: verdictName(r.Summary.Verdict), ScenarioSHA256: r.Scenario.SHA256}
	if r.Audit != nil {
		e.AuditFile, e.AuditDigest = r.Audit.File, r.Audit.Digest
	}
	return e
}

// msFloat converts seconds to JSON-safe milliseconds.
func msFloat(sec float64) stats.Float { return stats.Float(sec * 1000) }

// median64 is the median of sorted values as spread takes it (the mean of the two
// middle ones for an even count); NaN for none.
func median64(sorted []float64) float64 {
	n := len(sorted)
	switch {
	case n == 0:
		return math.NaN()
	case n%2 == 1:
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

// judgedRTC is a run set's pooled RTO samples in seconds (+Inf: never recovered).
func judgedRTC(runs []*Results) []float64 {
	var p pool
	var c Counts
	for _, r := range runs {
		p.add(r, &c, map[string]int{})
	}
	return p.rtc
}
