package stack

import (
	"context"
	"time"

	"github.com/drillhq/drill/internal/scenario"
)

// ReadyTarget is one starting instance of a service as a readiness check sees it. The
// runtime that starts the instance provides it, so one readiness kind works on every
// runtime.
type ReadyTarget interface {
	// Addr is the host:port at which drill reaches the instance's health endpoint: its
	// health port when the service's check declares one, else its service port.
	Addr(ctx context.Context) (string, error)
	// Exec runs argv, its ${PORT}-style variables expanded, in the instance's unit: on
	// the process runtime on drill's host with the instance's environment, on docker
	// inside the container. It returns nil when argv exits 0.
	Exec(ctx context.Context, argv []string) error
	// Printed reports whether the instance's output (stdout and stderr) shows text yet.
	Printed(ctx context.Context, text string) (bool, error)
}

// ReadyCheck is a service's readiness check, built from its ready (internal/readiness).
// The runtime polls Check every Every until it passes or start_timeout runs out: a real
// check is the only readiness signal, never a sleep.
type ReadyCheck interface {
	// Check is one attempt: nil once the instance is ready, else why it is not yet.
	Check(ctx context.Context, t ReadyTarget) error
	// Every is the poll interval; it bounds how late a start is seen ready, and a check
	// that costs a process is polled less often than a connection attempt.
	Every() time.Duration
}

// ReadyChecks builds the readiness check a service declares (internal/readiness.Registry,
// with the kinds a program added).
type ReadyChecks interface {
	// ReadyCheck builds the check r describes; an unknown kind is an error.
	ReadyCheck(r scenario.Ready) (ReadyCheck, error)
}

// WithReadiness builds the services' readiness checks with checks, which holds the
// kinds a program added; without it a runtime knows only the built-in kinds.
func WithReadiness(checks ReadyChecks) UpOption {
	return func(c *UpConfig) { c.Readiness = checks }
}
