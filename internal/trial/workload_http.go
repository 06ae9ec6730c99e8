package trial

import (
	"fmt"
	"slices"
	"strings"

	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/scenario"
)

// WorkloadHTTP is workload.kind http.
const WorkloadHTTP = "http"

// httpWorkload is workload.kind http: any HTTP service, driven by the scenario's setup,
// write and read requests.
type httpWorkload struct{}

// Workload sends the workload's write at its rate and reads the ids back after recovery.
func (httpWorkload) Workload(w scenario.Workload, env WorkloadEnv) (measure.Workload, error) {
	ep, err := env.Endpoint(w.Service)
	if err != nil {
		return nil, err
	}
	spec := measure.HTTPWorkloadSpec{Endpoint: ep, Rate: w.Rate, Timeout: w.Timeout.D(), Rand: env.Rand}
	for _, r := range w.Setup {
		spec.Setup = append(spec.Setup, measure.HTTPRequest{Method: r.Method, Path: r.Path, Headers: r.Headers, Body: r.Body})
	}
	if wr := w.Write; wr != nil {
		spec.Write = measure.HTTPRequest{Method: wr.Method, Path: wr.Path, Headers: wr.Headers, Body: wr.Body}
		spec.Success = wr.Success
	}
	if rd := w.Read; rd != nil {
		spec.Read = measure.HTTPRequest{Method: rd.Method, Path: rd.Path, Headers: rd.Headers}
		spec.IDs = rd.IDs
	}
	h, err := measure.NewHTTPWorkload(spec)
	if err != nil {
		return nil, err
	}
	return h, nil
}

// Default fills the rate, timeout, methods and success statuses.
func (httpWorkload) Default(w *scenario.Workload, unset func(string, bool) bool) {
	scenario.DefaultTraffic(w, unset)
	for i := range w.Setup {
		if r := &w.Setup[i]; unset(fmt.Sprintf("workload.setup[%d].method", i), r.Method == "") {
			r.Method = scenario.DefaultWriteMethod
		}
	}
	if wr := w.Write; wr != nil {
		if unset("workload.write.method", wr.Method == "") {
			wr.Method = scenario.DefaultWriteMethod
		}
		if unset("workload.write.success", len(wr.Success) == 0) {
			wr.Success = slices.Clone(scenario.DefaultWriteSuccess)
		}
	}
	if rd := w.Read; rd != nil && unset("workload.read.method", rd.Method == "") {
		rd.Method = scenario.DefaultHTTPMethod
	}
}

// Check checks the setup, write and read requests.
func (httpWorkload) Check(w scenario.Workload, c scenario.WorkloadChecker) {
	c.Unused(w, "workload.kind "+WorkloadLedger, "accounts")
	c.Unused(w, "the workload kinds configured by params", "params")
	c.Traffic(w, true)
	for i, r := range w.Setup {
		p := fmt.Sprintf("workload.setup[%d]", i)
		c.Method(p+".method", r.Method)
		c.HTTPPath(p+".path", r.Path)
	}
	if wr := w.Write; wr == nil {
		c.Errf("workload", "workload.write is required for workload.kind %s: the request each operation sends, e.g. {method: POST, path: /items, body: '{\"id\":\"{{.ID}}\"}'}", WorkloadHTTP)
	} else {
		checkHTTPWrite(wr, c)
	}
	rd := w.Read
	if rd == nil {
		if c.Scenario().Verify.FinalRead {
			c.Errf("workload", "workload.read is required when verify.final_read is true: the request listing the ids the service holds, e.g. {path: /items, ids: \"$.items[*].id\"}")
		}
		return
	}
	c.Method("workload.read.method", rd.Method)
	c.HTTPPath("workload.read.path", rd.Path)
	c.IDPath("workload.read.ids", rd.IDs)
}

// checkHTTPWrite checks the write's method, templates, id and success statuses.
func checkHTTPWrite(wr *scenario.WorkloadWrite, c scenario.WorkloadChecker) {
	c.Method("workload.write.method", wr.Method)
	c.HTTPPath("workload.write.path", wr.Path)
	c.Template("workload.write.path", wr.Path)
	c.Template("workload.write.body", wr.Body)
	for k, h := range wr.Headers {
		c.Template("workload.write.headers."+k, h)
	}
	all := wr.Path + wr.Body
	for _, h := range wr.Headers {
		all += h
	}
	if !strings.Contains(all, ".ID") {
		c.Errf("workload.write", "workload.write must send {{.ID}} in its path, body or a header: lost writes are found by that id in the final read")
	}
	if len(wr.Success) == 0 {
		c.Errf("workload.write.success", "workload.write.success must list at least one HTTP status that acknowledges a write")
	}
	for _, st := range wr.Success {
		if st < 100 || st > 599 {
			c.Errf("workload.write.success", "workload.write.success must hold HTTP statuses (100-599), got %d", st)
		}
	}
}

// Info describes the write and the final read request.
func (httpWorkload) Info(w scenario.Workload) scenario.WorkloadInfo {
	write := "no write"
	if w.Write != nil {
		write = w.Write.Method + " " + w.Write.Path
	}
	setup := ""
	if n := len(w.Setup); n > 0 {
		setup = fmt.Sprintf(", after %d setup request(s)", n)
	}
	read := "final read: lost acknowledged writes give RPC"
	if rd := w.Read; rd != nil {
		read = fmt.Sprintf("final read %s %s (ids at %s): lost acknowledged writes give RPC", rd.Method, rd.Path, rd.IDs)
	}
	return scenario.WorkloadInfo{
		Start:         fmt.Sprintf("http workload on %s at %g op/s: %s (timeout %s%s)", w.Service, w.Rate, write, w.Timeout, setup),
		FinalRead:     read,
		ReadByDefault: true,
	}
}
