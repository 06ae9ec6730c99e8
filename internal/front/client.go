package front

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// Client drives the switches of a Server over its HTTP API (the Toxiproxy part is
// driven with Toxiproxy's own client at the same address).
type Client struct {
	base string
	http *http.Client
}

// NewClient returns a client of the server whose API is at base ("http://host:port").
func NewClient(base string) *Client {
	return &Client{base: base, http: &http.Client{Timeout: 10 * time.Second}}
}

// Create starts a switch and returns where it listens.
func (c *Client) Create(ctx context.Context, name, listen, upstream string) (SwitchInfo, error) {
	var out SwitchInfo
	err := c.do(ctx, "/switches", SwitchInfo{Name: name, Listen: listen, Upstream: upstream}, http.StatusCreated, &out)
	if err != nil {
		return SwitchInfo{}, fmt.Errorf("create switch %s: %w", name, err)
	}
	return out, nil
}

// Set flips the named switch to upstream ("" refuses new connections).
func (c *Client) Set(ctx context.Context, name, upstream string) error {
	if err := c.do(ctx, "/switches/"+name, SwitchInfo{Upstream: upstream}, http.StatusNoContent, nil); err != nil {
		return fmt.Errorf("set switch %s: %w", name, err)
	}
	return nil
}

// Flip flips the named switch to upstream and closes its other connections once quiet
// for quiet, or after drain at the latest (Switch.Flip).
func (c *Client) Flip(ctx context.Context, name, upstream string, quiet, drain time.Duration) error {
	in := SwitchInfo{Upstream: upstream, FlipQuietMs: float64(quiet) / float64(time.Millisecond),
		FlipDrainMs: float64(drain) / float64(time.Millisecond)}
	if err := c.do(ctx, "/switches/"+name, in, http.StatusNoContent, nil); err != nil {
		return fmt.Errorf("flip switch %s: %w", name, err)
	}
	return nil
}

// Renew closes the named switch's connections accepted before it once quiet for quiet,
// or after drain at the latest, leaving its upstream as it is (Switch.Renew).
func (c *Client) Renew(ctx context.Context, name string, quiet, drain time.Duration) error {
	in := SwitchInfo{Renew: true, FlipQuietMs: float64(quiet) / float64(time.Millisecond),
		FlipDrainMs: float64(drain) / float64(time.Millisecond)}
	if err := c.do(ctx, "/switches/"+name, in, http.StatusNoContent, nil); err != nil {
		return fmt.Errorf("renew switch %s: %w", name, err)
	}
	return nil
}

// Reset sets the named switch's upstream and closes all its connections now
// (Switch.Reset).
func (c *Client) Reset(ctx context.Context, name, upstream string) error {
	if err := c.do(ctx, "/switches/"+name, SwitchInfo{Upstream: upstream, Reset: true}, http.StatusNoContent, nil); err != nil {
		return fmt.Errorf("reset switch %s: %w", name, err)
	}
	return nil
}

// List returns every switch with its upstream and the connections it holds.
func (c *Client) List(ctx context.Context) ([]SwitchInfo, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/switches", nil)
	if err != nil {
		return nil, fmt.Errorf("list switches: %w", err)
	}
	var out []SwitchInfo
	if err := c.send(req, http.StatusOK, &out); err != nil {
		return nil, fmt.Errorf("list switches: %w", err)
	}
	return out, nil
}

// Dialing is how many of the named switch's connections are still being connected to
// upstream (Switch.Dialing).
func (c *Client) Dialing(ctx context.Context, name, upstream string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/switches/"+url.PathEscape(name)+"/dialing?upstream="+url.QueryEscape(upstream), nil)
	if err != nil {
		return 0, fmt.Errorf("read switch %s: %w", name, err)
	}
	var out struct {
		Dialing int `json:"dialing"`
	}
	if err := c.send(req, http.StatusOK, &out); err != nil {
		return 0, fmt.Errorf("read switch %s: %w", name, err)
	}
	return out.Dialing, nil
}

func (c *Client) do(ctx context.Context, path string, in any, want int, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	return c.send(req, want, out)
}

// send sends req and decodes the answer into out (when not nil) if its status is want.
func (c *Client) send(req *http.Request, want int, out any) error {
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("status %d: %s", resp.StatusCode, bytes.TrimSpace(msg))
	}
	if out != nil {
		return json.NewDecoder(resp.Body).Decode(out)
	}
	return nil
}
