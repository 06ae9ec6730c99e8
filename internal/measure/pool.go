package measure

import (
	"math"
	"net/http"
	"time"
)

// poolLatency is the mean answer time a workload's keep-alive pool is sized for: at
// rate r about r×poolLatency requests are in flight, and a pool that keeps fewer idle
// connections closes some after every burst and dials again, so a proxy in front of
// the service (Toxiproxy) opens a new upstream connection per request.
const poolLatency = 20 * time.Millisecond

// pooledTransport is an HTTP transport whose keep-alive pool is sized to rate: it keeps
// enough idle connections for the requests in flight at that rate (at least 64).
func pooledTransport(rate float64) *http.Transport {
	idle := max(64, int(math.Ceil(rate*poolLatency.Seconds())))
	return &http.Transport{MaxIdleConns: idle, MaxIdleConnsPerHost: idle, MaxConnsPerHost: idle, DisableCompression: true,
		IdleConnTimeout: 90 * time.Second}
}
