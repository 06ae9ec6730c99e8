// Package check holds drill's consistency checkers: invariants verified after a
// trial's recovery (money conserved, each transfer applied exactly once, no
// acknowledged write lost, data schema matching the running code, a linearizable
// key-value history) and user-defined checks behind an HTTP endpoint or a command.
//
// Each built-in checker is a pure function over captured data (final balances, the
// final transfer list, a history), so drill can store that data with a trial's results
// and re-derive every finding offline; thin fetchers capture the data from a live
// ledger endpoint, and Live binds a fetcher to a checker where a Checker is wanted.
// Every checker answers a Finding: Pass, Fail or Unknown (could not tell, never a
// guess) with a one-line message naming the offending ids.
package check
