// Package audit keeps drill's tamper-evident audit trail: one append-only JSON-lines
// file per run in which every action (stack up, fault applied, trigger fired, approval,
// rollback, verification, ...) is an entry chained to the previous one by SHA-256.
// Reports carry the run's final digest; Verify re-derives the chain so an edited,
// removed, reordered or truncated entry is found and named.
//
// # File format
//
// The file is UTF-8 text, one entry per line, each line terminated by "\n". A line is
// a JSON object whose members appear in exactly this order, with no whitespace
// outside strings:
//
//	seq      integer, 1 for the first entry, then +1 per line
//	time     string, RFC 3339 with nanoseconds trimmed of trailing zeros, UTC ("Z")
//	actor    string, "drill" or "operator:<name>"
//	action   string, e.g. "run_start", "fault_applied", "rollback_end"
//	trial    integer ≥ 1, omitted for entries not about one trial
//	outcome  string, e.g. "ok", "error"
//	detail   string, free text (may be empty, never omitted)
//	prev     string, the hash of the previous entry; 64 "0" for the first entry
//	hash     string, 64 lowercase hex digits, always the last member
//
// Strings are escaped as Go's encoding/json does with HTML escaping off: '"', '\\' and
// control characters are escaped, U+2028 and U+2029 become \u2028 and \u2029, and
// everything else (including '<', '>', '&' and non-ASCII) is written as is.
//
// # Canonical bytes and the hash
//
// The canonical bytes of an entry are its line without the trailing newline and with
// the final `,"hash":"<64 hex>"` member removed, i.e. the same object ending in
// `"prev":"<64 hex>"}`. The entry's hash is the lowercase hex SHA-256 of those bytes,
// and the next entry's prev is that hash. An auditor can therefore re-verify a log
// with standard tools, without re-serialising any JSON:
//
//	while IFS= read -r line; do
//	  printf '%s' "$line" | sed 's/,"hash":"[0-9a-f]\{64\}"}$/}/' | sha256sum
//	done < audit.jsonl
//
// and compare each printed digest with that line's "hash" and the next line's "prev".
// The last entry's hash is the run's digest (Log.Digest, Summary.Digest), which reports
// carry: a chain rewritten from scratch is self-consistent, so only a digest recorded
// elsewhere proves the log is the one the run wrote.
//
// # Unfinished runs
//
// A run's last entry is "run_end". A log whose chain verifies but that does not end
// with it is the log of an unfinished run: drill was killed outright (SIGKILL, a crash,
// power loss) or is still running. Its entries are genuine but it does not tell the
// whole run, so Summary.Unfinished reports it (ErrUnfinished, never ErrTampered) and
// `drill audit verify` says "UNFINISHED RUN" with exit code 5, never "ok".
package audit
