package measure

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
)

// PrometheusProbe passes when an instant query to a Prometheus server returns a single
// sample whose value satisfies Condition: for staging stacks that already export
// metrics (error ratio, queue depth) and alert on them.
type PrometheusProbe struct {
	// URL is the Prometheus server's base URL ("http://127.0.0.1:9090"); the probe GETs
	// URL/api/v1/query.
	URL string
	// Query is the PromQL instant query; it must return one sample (a scalar, or a
	// vector of exactly one series).
	Query string
	// Condition is an expr-lang program over {value float64} returning a bool,
	// compiled by scenario.CompileProbeCondition.
	Condition *vm.Program
	Interval  time.Duration
	Timeout   time.Duration
	client    *http.Client
}

// Run probes on the shared open-loop schedule.
func (p *PrometheusProbe) Run(ctx context.Context, clock Clock, emit func(ProbeResult)) {
	if p.client == nil {
		p.client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4, DisableCompression: true}}
	}
	probeLoop(ctx, clock, p.Interval, p.Timeout, emit, p.check)
}

// promResponse is the envelope of the Prometheus HTTP API.
type promResponse struct {
	Status    string `json:"status"`
	ErrorType string `json:"errorType"`
	Error     string `json:"error"`
	Data      struct {
		ResultType string          `json:"resultType"`
		Result     json.RawMessage `json:"result"`
	} `json:"data"`
}

func (p *PrometheusProbe) check(ctx context.Context) (int, error) {
	status, v, err := p.query(ctx)
	if err != nil {
		return status, err
	}
	out, err := expr.Run(p.Condition, map[string]any{"value": v})
	if err != nil {
		return status, fmt.Errorf("evaluate condition: %w", err)
	}
	if ok, _ := out.(bool); !ok {
		return status, fmt.Errorf("condition %s does not hold at value %g", p.Condition.Source().String(), v)
	}
	return status, nil
}

// FirstSample returns once the server answers the probe's own query with one sample,
// whatever its value, asking every Interval (each ask bounded by Timeout); past ctx it
// returns the last answer's problem. A fresh Prometheus has no sample of a target until
// its first scrape: the trial waits here, before its clock starts, so the warm-up judges
// the service rather than the scrape schedule.
func (p *PrometheusProbe) FirstSample(ctx context.Context) error {
	if p.client == nil {
		p.client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4, DisableCompression: true}}
	}
	tick := time.NewTicker(p.Interval)
	defer tick.Stop()
	for {
		qctx, cancel := context.WithTimeout(ctx, p.Timeout)
		_, _, err := p.query(qctx)
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for the first sample of %q: %w", p.Query, err)
		case <-tick.C:
		}
	}
}

// query asks the server for the query's one sample.
func (p *PrometheusProbe) query(ctx context.Context) (int, float64, error) {
	u := strings.TrimRight(p.URL, "/") + "/api/v1/query?query=" + url.QueryEscape(p.Query)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, 0, err
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return 0, 0, errors.New(shortErr(err))
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if err != nil {
		return resp.StatusCode, 0, fmt.Errorf("read body: %s", shortErr(err))
	}
	var pr promResponse
	if err := json.Unmarshal(body, &pr); err != nil {
		return resp.StatusCode, 0, fmt.Errorf("status %d, not a Prometheus API answer: %v", resp.StatusCode, err)
	}
	if resp.StatusCode != http.StatusOK || pr.Status != "success" {
		return resp.StatusCode, 0, fmt.Errorf("query failed (status %d): %s: %s", resp.StatusCode, pr.ErrorType, pr.Error)
	}
	v, err := promValue(pr.Data.ResultType, pr.Data.Result)
	return resp.StatusCode, v, err
}

// promValue takes the one sample of a scalar or single-series vector result.
func promValue(resultType string, raw json.RawMessage) (float64, error) {
	var pair []any
	switch resultType {
	case "scalar":
		if err := json.Unmarshal(raw, &pair); err != nil {
			return 0, fmt.Errorf("decode scalar: %w", err)
		}
	case "vector":
		var series []struct {
			Value []any `json:"value"`
		}
		if err := json.Unmarshal(raw, &series); err != nil {
			return 0, fmt.Errorf("decode vector: %w", err)
		}
		if len(series) != 1 {
			return 0, fmt.Errorf("query returned %d series, want exactly 1 (aggregate it, e.g. sum(...))", len(series))
		}
		pair = series[0].Value
	default:
		return 0, fmt.Errorf("query returned a %s, want a scalar or a one-series vector", resultType)
	}
	if len(pair) != 2 {
		return 0, fmt.Errorf("malformed sample %v", pair)
	}
	s, ok := pair[1].(string)
	if !ok {
		return 0, fmt.Errorf("malformed sample value %v", pair[1])
	}
	v, err := strconv.ParseFloat(s, 64) // accepts "NaN", "+Inf", "-Inf" as Prometheus writes them
	if err != nil {
		return 0, fmt.Errorf("sample value %q: %w", s, err)
	}
	return v, nil
}
