package readiness

import (
	"context"
	"net"
	"time"

	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
)

// tcpKind is the built-in kind set by ready.tcp: a TCP connection that opens.
type tcpKind struct{}

// Kind is the kind's key in ready.
func (tcpKind) Kind() string { return "tcp" }

// Set reports whether ready.tcp is set.
func (tcpKind) Set(r scenario.Ready) bool { return r.TCP != nil }

// Check opens a connection to the instance's health endpoint.
func (tcpKind) Check(scenario.Ready) stack.ReadyCheck { return tcpCheck{} }

// tcpCheck opens and closes a TCP connection.
type tcpCheck struct{}

// Every is the poll interval of a connection attempt.
func (tcpCheck) Every() time.Duration { return pollConnect }

// Check connects once.
func (tcpCheck) Check(ctx context.Context, t stack.ReadyTarget) error {
	addr, err := t.Addr(ctx)
	if err != nil {
		return err
	}
	d := net.Dialer{Timeout: attemptTimeout}
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	return c.Close()
}
