// Package forecast turns a run's measured parts of a recovery — time to detect, the
// decision (measured, or drawn from the plan's decision model), time to execute — and
// its successes into a forecast of a real incident's recovery time: P(RTC ≤ RTO) with a
// confidence interval, the forecast's p50/p90/p99 with bootstrap intervals, which part
// dominates the tail, how halving each part moves P, and the downtime a year of deploys
// would cost at a stated deploy rate and change-failure rate. Every random choice comes
// from one seed, so a forecast is reproducible.
package forecast
