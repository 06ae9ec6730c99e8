package trial

import (
	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/scenario"
)

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
