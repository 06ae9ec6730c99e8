package trial

import (
	"time"

	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/scenario"
)

// tcpSettle is how long a TCP probe watches an opened connection for the front proxy
// closing it at once (what Toxiproxy does when nothing serves behind it).
const tcpSettle = 20 * time.Millisecond

// tcpProbe is the built-in probe kind set by probes.tcp: a connection to a service
// through its front proxy.
type tcpProbe struct{}

// Kind is the kind's key in probes.
func (tcpProbe) Kind() string { return scenario.ProbeTCP }

// Set reports whether probes.tcp is set.
func (tcpProbe) Set(pr scenario.Probes) bool { return pr.TCP != nil }

// Prober connects to the service's endpoint and watches the connection settle.
func (tcpProbe) Prober(sc *scenario.Scenario, env ProbeEnv) (measure.Prober, error) {
	ep, err := env.Endpoint(sc.Probes.TCP.Service)
	if err != nil {
		return nil, err
	}
	return &measure.TCPProbe{Addr: ep, Interval: env.Interval, Timeout: env.Timeout, Settle: min(tcpSettle, env.Timeout/2)}, nil
}
