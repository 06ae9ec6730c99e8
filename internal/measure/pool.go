package measure

import (
	"math"
	"net/http"
	"time"
)

// poolLatency is the mean answer time a workload's keep-alive pool is sized for: at
// rate r about r×poolLatency requests are in flight. A pool that keeps fewer idle
// connections closes some after every burst and dials again, so a proxy in front of
// the service (Toxiproxy) opens a new upstream connection per request; a pool without
// a ceiling lets a client short of CPU spiral into dialling thousands of connections
// (measured: 11,000 in 2 s at 10,000 writes/s), each dial making it slower still.
const poolLatency = 20 * time.Millisecond

// pooledTransport is an HTTP transport whose keep-alive pool is sized to rate: it keeps
// and opens at most max(64, rate×poolLatency) connections. A request finding them all
// busy waits for one: the wait counts in the write's latency, and a write that timed
// out waiting is unknown, never guessed.
func pooledTransport(rate float64) *http.Transport {
	conns := max(64, int(math.Ceil(rate*poolLatency.Seconds())))
	return &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true,
		IdleConnTimeout: 90 * time.Second}
}
