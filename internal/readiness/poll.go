package readiness

import "time"

// Poll intervals the built-in kinds ask for: a check that costs a process (exec) is
// polled less often than a connection attempt. Each bounds how late a start is seen
// ready; a runtime whose attempts cost more may poll less often.
const (
	pollConnect = 5 * time.Millisecond
	pollExec    = 25 * time.Millisecond
)

// attemptTimeout bounds one connection attempt of the http and tcp kinds.
const attemptTimeout = time.Second
