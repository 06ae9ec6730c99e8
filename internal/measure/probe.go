package measure

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// ProbeResult is one steady-state probe. Start is when the request was sent: the
// instant the probe describes. End is when its outcome was known.
type ProbeResult struct {
	Seq   int    `json:"seq"`
	Start Offset `json:"start_ms"`
	// Resent is when the request was sent again, if the client had to (HTTP: the
	// server closed the kept-alive connection it first went out on without answering);
	// the outcome is that request's, so Sent dates the probe by it.
	Resent Offset `json:"resent_ms,omitempty"`
	End    Offset `json:"end_ms"`
	OK     bool   `json:"ok"`
	Status int    `json:"status,omitempty"`
	Err    string `json:"error,omitempty"`
}

// Sent is the instant the probe's outcome describes: when the request that got it
// went out (Resent when it was sent again, else Start).
func (r ProbeResult) Sent() Offset {
	if r.Resent > r.Start {
		return r.Resent
	}
	return r.Start
}

// Latency is how long the probe took to be decided.
func (r ProbeResult) Latency() time.Duration { return time.Duration(r.End - r.Start) }

// HTTPProbe checks a service over HTTP: expected status, optional body text and latency bound.
type HTTPProbe struct {
	URL          string
	Method       string
	Status       int
	BodyContains string
	MaxLatency   time.Duration
	Interval     time.Duration
	Timeout      time.Duration
	// Fresh opens a new connection for every probe (a load balancer's health checker)
	// instead of reusing kept-alive ones (users' clients).
	Fresh  bool
	client *http.Client
}

// Run starts a probe every Interval on the shared open-loop schedule (OpenLoop) and
// hands each result to emit as it completes. It returns once ctx is done and every
// probe in flight has reported.
func (p *HTTPProbe) Run(ctx context.Context, clock Clock, emit func(ProbeResult)) {
	if p.client == nil {
		p.client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16, DisableCompression: true, DisableKeepAlives: p.Fresh}}
	}
	OpenLoop(ctx, p.Interval, func(seq int) { emit(p.once(ctx, clock, seq)) })
}

// once runs a single probe. A probe cut short by ctx ending still reports, as failed.
func (p *HTTPProbe) once(ctx context.Context, clock Clock, seq int) ProbeResult {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), p.Timeout)
	defer cancel()
	r := ProbeResult{Seq: seq, Start: clock.Now()}
	method := p.Method
	if method == "" {
		method = http.MethodGet
	}
	// Go's client sends a request again, on a new connection, when the server closed
	// the kept-alive one it went out on before answering (a release stopping): the
	// answer is then the second request's, and Resent says when that one went out.
	var conns, sent atomic.Int64
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn:      func(httptrace.GotConnInfo) { conns.Add(1) },
		WroteHeaders: func() { sent.Store(int64(clock.Now())) },
	})
	req, err := http.NewRequestWithContext(ctx, method, p.URL, nil)
	if err != nil {
		r.End, r.Err = clock.Now(), err.Error()
		return r
	}
	resp, err := p.client.Do(req)
	if conns.Load() > 1 {
		r.Resent = Offset(sent.Load())
	}
	if err != nil {
		r.End, r.Err = clock.Now(), shortErr(err)
		return r
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	r.End, r.Status = clock.Now(), resp.StatusCode
	switch {
	case err != nil:
		r.Err = "read body: " + shortErr(err)
	case resp.StatusCode != p.Status:
		r.Err = fmt.Sprintf("status %d, want %d", resp.StatusCode, p.Status)
	case p.BodyContains != "" && !strings.Contains(string(body), p.BodyContains):
		r.Err = fmt.Sprintf("body lacks %q", p.BodyContains)
	case p.MaxLatency > 0 && r.Latency() > p.MaxLatency:
		r.Err = fmt.Sprintf("latency %s over %s", r.Latency().Round(time.Millisecond), p.MaxLatency)
	default:
		r.OK = true
	}
	return r
}

// shortErr drops the method and URL Go's client puts in front of transport errors.
func shortErr(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}
