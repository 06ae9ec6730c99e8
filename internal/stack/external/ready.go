package external

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/drillhq/drill/internal/readiness"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
)

// waitReady polls spec's readiness check against endpoint (its front proxy) until it
// passes or spec.StartTimeout passes. An external service is normally ready already:
// this finds a wrong endpoint or a service that is down before the trial starts, as an
// error, never as the rollback's failure.
func waitReady(ctx context.Context, checks stack.ReadyChecks, spec scenario.Service, endpoint string) error {
	if checks == nil {
		checks = readiness.NewRegistry()
	}
	check, err := checks.ReadyCheck(spec.Readiness())
	if err != nil {
		return err
	}
	timeout := spec.StartTimeout.D()
	if timeout <= 0 {
		timeout = scenario.DefaultStartTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	t := endpointTarget(endpoint)
	tick := time.NewTicker(check.Every())
	defer tick.Stop()
	var last error
	for {
		err := check.Check(ctx, t)
		switch {
		case err == nil:
			return nil
		case ctx.Err() == nil || last == nil: // not the deadline's own error over the service's
			last = err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("not ready within %s: %w", timeout, last)
		case <-tick.C:
		}
	}
}

// endpointTarget is an external service as a readiness check sees it: an address, and
// no unit to run a command in or output to read (validation refuses exec and log).
type endpointTarget string

// errNoUnit is why exec and log checks cannot run against an external service.
var errNoUnit = errors.New("an external service has no unit drill can run a command in or read the output of: use an http or tcp readiness check")

// Addr implements stack.ReadyTarget: the front proxy, the path drill's clients take.
func (t endpointTarget) Addr(context.Context) (string, error) { return string(t), nil }

// Exec implements stack.ReadyTarget: refused.
func (endpointTarget) Exec(context.Context, []string) error { return errNoUnit }

// Printed implements stack.ReadyTarget: refused.
func (endpointTarget) Printed(context.Context, string) (bool, error) { return false, errNoUnit }
