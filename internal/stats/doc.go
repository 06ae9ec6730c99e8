// Package stats holds the small-sample statistics behind drill's readiness
// verdicts: order-statistic bounds on quantiles, exact (Clopper–Pearson) and
// Wilson intervals for success rates, a Student-t interval for means, and
// Mann–Whitney / Hodges–Lehmann / Cliff's δ to compare two sets of trials.
//
// Everything here is a pure function of its arguments. Confidence levels are
// fractions in (0, 1), e.g. 0.95. Quantile levels q are fractions in (0, 1),
// e.g. 0.9 for p90. Samples may contain +Inf (a trial that never recovered)
// wherever the doc comment says so; NaN is never a valid sample.
package stats
