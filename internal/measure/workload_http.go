package measure

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"text/template"
	"time"
)

// HTTPRequest is one request of an HTTP workload, against the service's endpoint.
type HTTPRequest struct {
	// Method defaults to POST for setup and writes, GET for the read.
	Method string
	// Path, header values and Body of a write are text/template texts over WriteData;
	// setup and read requests are sent as written.
	Path    string
	Headers map[string]string
	Body    string
}

// WriteData is what a write's templates see: {{.ID}}, {{.Seq}}, {{.Value}}.
type WriteData struct {
	// ID is the write's unique id ("w-<tag>-<seq>", tag random per workload): the body
	// must carry it and the read must return it, since lost writes are found by id.
	ID string
	// Seq numbers the writes from 1 in schedule order.
	Seq int
	// Value is a seeded random integer in [1, 1000000] (recorded as the op's Value).
	Value int64
}

// HTTPWorkloadSpec describes a generic HTTP workload: setup requests, one templated
// write issued open loop at Rate, and one read that lists the ids the service holds.
type HTTPWorkloadSpec struct {
	// Endpoint is host:port of the service (its front proxy).
	Endpoint string
	Rate     float64
	// Timeout after which a write's outcome is unknown.
	Timeout time.Duration
	// Setup requests run once, in order, before the trial; each must answer 2xx.
	Setup []HTTPRequest
	Write HTTPRequest
	// Success lists the statuses that acknowledge a write; any other status is a
	// failed write. That assumes the service applies nothing it refused.
	Success []int
	Read    HTTPRequest
	// IDs is the JSONPath (CompileJSONPath's subset) of the ids in the read's body.
	IDs string
	// Rand draws the id tag and the values' seed; seeded by the run for reproducibility.
	Rand *rand.Rand
}

// HTTPWorkload drives any HTTP service that stores client-id'd writes and can list
// them, so users measure lost writes on their own service without writing Go.
// Outcomes are classified like Ledger's: acknowledged on a Success status, failed on
// any other status or when the request certainly never left (dial errors), unknown on
// every other transport error or timeout (never guessed).
type HTTPWorkload struct {
	spec    HTTPWorkloadSpec
	path    *template.Template
	body    *template.Template
	headers map[string]*template.Template
	ids     JSONPath
	writes  writeIDs
	client  *pool
}

// NewHTTPWorkload compiles the write's templates and the read's path, and tries the
// templates once on sample data so a misspelled placeholder fails here, not per write.
func NewHTTPWorkload(spec HTTPWorkloadSpec) (*HTTPWorkload, error) {
	if spec.Rate <= 0 || spec.Timeout <= 0 {
		return nil, fmt.Errorf("new http workload: rate and timeout must be greater than 0")
	}
	if spec.Rand == nil {
		spec.Rand = rand.New(rand.NewPCG(1, 2))
	}
	w := &HTTPWorkload{spec: spec, headers: map[string]*template.Template{},
		client: newPool(spec.Rate)}
	w.writes = newWriteIDs(spec.Rand)
	var err error
	parse := func(name, text string) *template.Template {
		if err != nil {
			return nil
		}
		var t *template.Template
		if t, err = w.writes.parseWriteTemplate(name, text); err != nil {
			err = fmt.Errorf("new http workload: %w", err)
		}
		return t
	}
	w.path = parse("path", spec.Write.Path)
	w.body = parse("body", spec.Write.Body)
	for k, v := range spec.Write.Headers {
		w.headers[k] = parse("header "+k, v)
	}
	if err != nil {
		return nil, err
	}
	if spec.Read.Path != "" {
		if w.ids, err = CompileJSONPath(spec.IDs); err != nil {
			return nil, fmt.Errorf("new http workload: read ids: %w", err)
		}
	}
	return w, nil
}

// Prefix is the start of every id this workload writes ("w-<tag>-").
func (w *HTTPWorkload) Prefix() string { return w.writes.prefix }

// Setup sends the setup requests in order; each must answer 2xx.
func (w *HTTPWorkload) Setup(ctx context.Context) error {
	for i, r := range w.spec.Setup {
		method := cmp.Or(r.Method, http.MethodPost)
		status, _, err := w.do(ctx, method, r.Path, r.Headers, r.Body)
		if err != nil {
			return fmt.Errorf("setup request %d (%s %s): %s", i+1, method, r.Path, shortErr(err))
		}
		if status < 200 || status > 299 {
			return fmt.Errorf("setup request %d (%s %s): status %d", i+1, method, r.Path, status)
		}
	}
	return nil
}

// Run issues writes on the shared open-loop schedule (one every 1/Rate) and records
// each in h, then the Load the schedule achieved. It stops issuing when ctx ends and
// returns once every write completed.
func (w *HTTPWorkload) Run(ctx context.Context, clock Clock, h *History) {
	w.client.warm(ctx, w.spec.Endpoint)
	defer w.client.release()
	h.SetLoad(PacedWorkers(ctx, ConstantPacer{Rate: w.spec.Rate}, MaxWorkers(w.spec.Rate, w.spec.Timeout), func(seq int) {
		h.Add(w.write(ctx, clock, seq+1))
	}))
}

func (w *HTTPWorkload) write(ctx context.Context, clock Clock, seq int) Op {
	d := w.writes.data(seq)
	op := Op{ID: d.ID, Value: d.Value, Invoke: clock.Now()}
	path, body, headers, err := w.render(d)
	if err != nil {
		op.Complete, op.Outcome, op.Err = clock.Now(), Fail, err.Error()
		return op
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), w.spec.Timeout)
	defer cancel()
	status, _, err := w.do(ctx, cmp.Or(w.spec.Write.Method, http.MethodPost), path, headers, body)
	op.Complete = clock.Now()
	// Documented assumption: the service applies nothing it answers otherwise.
	success := func(s int) bool { return slices.Contains(w.spec.Success, s) }
	op.Outcome, op.Err = outcomeOf(status, err, success, func(int) bool { return true })
	return op
}

func (w *HTTPWorkload) render(d WriteData) (path, body string, headers map[string]string, err error) {
	exec := func(t *template.Template) string {
		var b strings.Builder
		if err == nil {
			err = t.Execute(&b, d)
		}
		return b.String()
	}
	path, body = exec(w.path), exec(w.body)
	headers = make(map[string]string, len(w.headers))
	for k, t := range w.headers {
		headers[k] = exec(t)
	}
	if err != nil {
		err = fmt.Errorf("render write: %w", err)
	}
	return path, body, headers, err
}

// FinalRead sends the read and returns the ids its body holds at the IDs path that
// this workload wrote (prefix "w-<tag>-"): a shared service's other data, and earlier
// trials' writes, are not this trial's to judge.
func (w *HTTPWorkload) FinalRead(ctx context.Context) ([]string, error) {
	r := w.spec.Read
	method := cmp.Or(r.Method, http.MethodGet)
	status, body, err := w.do(ctx, method, r.Path, r.Headers, r.Body)
	if err != nil {
		return nil, fmt.Errorf("read back %s %s: %w", method, r.Path, err)
	}
	if status < 200 || status > 299 {
		return nil, fmt.Errorf("read back %s %s: status %d", method, r.Path, status)
	}
	all, err := w.ids.Strings(body)
	if err != nil {
		return nil, fmt.Errorf("read back %s %s: %w", method, r.Path, err)
	}
	return w.writes.own(all), nil
}

func (w *HTTPWorkload) do(ctx context.Context, method, path string, headers map[string]string, body string) (int, []byte, error) {
	var rd io.Reader
	if body != "" {
		rd = bytes.NewReader([]byte(body))
	}
	req, err := http.NewRequestWithContext(ctx, method, "http://"+w.spec.Endpoint+path, rd)
	if err != nil {
		return 0, nil, err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	return resp.StatusCode, out, err
}
