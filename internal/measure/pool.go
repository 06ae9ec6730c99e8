package measure

import (
	"context"
	"math"
	"net"
	"net/http"
	"sync"
	"time"
)

// poolLatency is the mean answer time a workload's keep-alive pool is sized for: at
// rate r about r×poolLatency requests are in flight. A pool that keeps fewer idle
// connections closes some after every burst and dials again, so a proxy in front of
// the service (Toxiproxy) opens a new upstream connection per request; a pool without
// a ceiling lets a client short of CPU spiral into dialling thousands of connections
// (measured: 11,000 in 2 s at 10,000 writes/s), each dial making it slower still.
const poolLatency = 20 * time.Millisecond

// warmLatency is the answer time the connections opened before a schedule starts are
// sized for: at rate r, r×warmLatency of them (none below 200/s).
const warmLatency = 5 * time.Millisecond

// warmFor is how long a connection opened ahead stays usable: it serves the schedule's
// first requests; one still unused later may have been closed by the service, and a
// write on it would fail for a reason of drill's making.
const warmFor = time.Second

// pool is a workload's keep-alive HTTP client: it keeps and opens at most
// max(64, rate×poolLatency) connections, and can open the first rate×warmLatency before
// the schedule starts. A request finding every connection busy waits for one: the wait
// counts in the write's latency, and a write that timed out waiting is unknown, never
// guessed.
type pool struct {
	*http.Client
	rate   float64
	dialer *warmDialer
}

func newPool(rate float64) *pool {
	conns := max(64, int(math.Ceil(rate*poolLatency.Seconds())))
	d := &warmDialer{}
	t := &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns,
		DisableCompression: true, IdleConnTimeout: 90 * time.Second, DialContext: d.DialContext}
	return &pool{Client: &http.Client{Transport: t}, rate: rate, dialer: d}
}

// warm opens the connections the schedule's first requests will use, so they do not
// each pay a dial when they are due: at 10,000/s, dialling them on demand made every
// operation of the schedule's first ~90 ms start late, and the pool spiral to its
// ceiling. A dial that fails ends the warming quietly: the writes dial again and report.
func (p *pool) warm(ctx context.Context, addr string) {
	p.dialer.warm(ctx, addr, int(p.rate*warmLatency.Seconds()))
}

// release closes the connections opened ahead and never used, and the idle ones: a
// run of thousands of trials must not keep every finished trial's pool open (a later
// request, such as the final read, dials again).
func (p *pool) release() {
	p.dialer.release()
	p.CloseIdleConnections()
}

// warmDialer dials as net.Dialer does, but first hands out connections opened ahead.
type warmDialer struct {
	net.Dialer
	mu      sync.Mutex
	ready   map[string][]net.Conn
	expires time.Time
}

// DialContext returns a connection to addr opened ahead, or dials one.
func (d *warmDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	d.mu.Lock()
	if cs := d.ready[addr]; len(cs) > 0 && time.Now().Before(d.expires) {
		c := cs[len(cs)-1]
		d.ready[addr] = cs[:len(cs)-1]
		d.mu.Unlock()
		return c, nil
	}
	d.mu.Unlock()
	d.release()
	return d.Dialer.DialContext(ctx, network, addr)
}

func (d *warmDialer) warm(ctx context.Context, addr string, n int) {
	var opened []net.Conn
	for range n {
		c, err := d.Dialer.DialContext(ctx, "tcp", addr)
		if err != nil {
			break
		}
		opened = append(opened, c)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ready == nil {
		d.ready = map[string][]net.Conn{}
	}
	d.ready[addr] = append(d.ready[addr], opened...)
	d.expires = time.Now().Add(warmFor)
}

func (d *warmDialer) release() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for addr, cs := range d.ready {
		for _, c := range cs {
			_ = c.Close()
		}
		delete(d.ready, addr)
	}
}
