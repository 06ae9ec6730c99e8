package stack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// waitServing polls url until it answers (with a 2xx when healthy is set, with any
// status otherwise), the timeout passes, ctx ends, or exited closes (the service died while starting). Polling a real health check is the only
// readiness signal; nothing here sleeps a fixed time hoping the service is up.
func waitServing(ctx context.Context, url string, timeout time.Duration, healthy bool, exited <-chan struct{}) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	client := &http.Client{Timeout: time.Second}
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	var last error
	for {
		last = checkHealth(ctx, client, url, healthy)
		if last == nil {
			return nil
		}
		select {
		case <-exited:
			return errors.New("exited before it was ready")
		case <-ctx.Done():
			if ctx.Err() == context.Canceled {
				return fmt.Errorf("deploy aborted before it was ready: %w", ctx.Err())
			}
			return fmt.Errorf("not ready after %s: %w", timeout, last)
		case <-tick.C:
		}
	}
}

func checkHealth(ctx context.Context, client *http.Client, url string, healthy bool) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if healthy && resp.StatusCode/100 != 2 {
		return fmt.Errorf("health answered %d", resp.StatusCode)
	}
	return nil
}
