package measure

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"time"
)

// TCPProbe passes when a TCP connection to Addr opens within Timeout and the peer does
// not close it at once. The second condition matters behind a Toxiproxy front proxy:
// the proxy accepts every connection itself and closes it straight away when its
// upstream cannot be reached, so a bare connect would always pass.
type TCPProbe struct {
	// Addr is host:port (a service's front proxy endpoint).
	Addr     string
	Interval time.Duration
	Timeout  time.Duration
	// Settle is how long an opened connection is watched for an immediate close by the
	// peer (bounded by what remains of Timeout); 0 skips the watch. Data the peer sends
	// first, or silence, passes.
	Settle time.Duration
}

// Run probes on the shared open-loop schedule.
func (p *TCPProbe) Run(ctx context.Context, clock Clock, emit func(ProbeResult)) {
	probeLoop(ctx, clock, p.Interval, p.Timeout, emit, p.check)
}

func (p *TCPProbe) check(ctx context.Context) (int, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", p.Addr)
	if err != nil {
		return 0, errors.New(shortNetErr(err))
	}
	defer conn.Close()
	if p.Settle <= 0 {
		return 0, nil
	}
	deadline := time.Now().Add(p.Settle)
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}
	if err := conn.SetReadDeadline(deadline); err != nil {
		return 0, fmt.Errorf("watch connection: %w", err)
	}
	var b [1]byte
	_, err = conn.Read(b[:])
	switch {
	case err == nil, errors.Is(err, os.ErrDeadlineExceeded):
		return 0, nil
	default:
		return 0, fmt.Errorf("connection closed by peer at once (%s): nothing serves behind it", shortNetErr(err))
	}
}

// shortNetErr drops the "dial tcp 127.0.0.1:1234:" prefix of a net.OpError.
func shortNetErr(err error) string {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Op + ": " + op.Err.Error()
	}
	return err.Error()
}
