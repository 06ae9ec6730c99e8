package scenario

import (
	"fmt"
	"strings"
)

// Readiness is the service's readiness check: Ready when set, else the HTTP shorthand
// health (a GET of that path on the service port answering 2xx).
func (s Service) Readiness() Ready {
	if s.Ready != nil {
		return *s.Ready
	}
	return Ready{HTTP: &ReadyHTTP{Path: s.Health}}
}

// HealthPort is the port of the readiness check when it is apart from the service port
// (0 when the check uses the service port or no port at all).
func (r Ready) HealthPort(servicePort int) int {
	p := 0
	switch {
	case r.HTTP != nil:
		p = r.HTTP.Port
	case r.TCP != nil:
		p = r.TCP.Port
	}
	if p == servicePort {
		return 0
	}
	return p
}

// StopSignals are the signals a service may name as its stop_signal.
var StopSignals = []string{"SIGTERM", "SIGINT", "SIGQUIT", "SIGHUP", "SIGUSR1", "SIGUSR2"}

// Describe says in words when the check passes, for the plan and for errors.
func (r Ready) Describe() string {
	port := func(p int) string {
		if p == 0 {
			return "the service port"
		}
		return fmt.Sprintf("port %d", p)
	}
	switch {
	case r.HTTP != nil:
		status := "2xx"
		if r.HTTP.Status != 0 {
			status = fmt.Sprint(r.HTTP.Status)
		}
		return fmt.Sprintf("GET %s on %s answers %s", r.HTTP.Path, port(r.HTTP.Port), status)
	case r.TCP != nil:
		return "a TCP connection to " + port(r.TCP.Port) + " opens"
	case len(r.Exec) > 0:
		return fmt.Sprintf("%q exits 0", strings.Join(r.Exec, " "))
	case r.Log != "":
		return fmt.Sprintf("its output shows %q", r.Log)
	case r.Kind != "":
		return fmt.Sprintf("its readiness check %s passes", r.Kind)
	}
	return "it starts"
}

// StartOrder orders services so that each comes after those it depends on, otherwise
// keeping their declared order; teardown runs it backwards. Unknown dependencies are
// ignored here (validation reports them); a cycle is an error.
func StartOrder(svcs []Service) ([]Service, error) {
	index := map[string]int{}
	for i, s := range svcs {
		index[s.Name] = i
	}
	const (
		unseen = iota
		visiting
		done
	)
	state := make([]int, len(svcs))
	out := make([]Service, 0, len(svcs))
	var visit func(i int, chain []string) error
	visit = func(i int, chain []string) error {
		switch state[i] {
		case done:
			return nil
		case visiting:
			return fmt.Errorf("order services: depends_on makes a cycle %s: break it", strings.Join(append(chain, svcs[i].Name), " → "))
		}
		state[i] = visiting
		for _, dep := range svcs[i].DependsOn {
			if j, ok := index[dep]; ok && dep != svcs[i].Name {
				if err := visit(j, append(chain, svcs[i].Name)); err != nil {
					return err
				}
			}
		}
		state[i] = done
		out = append(out, svcs[i])
		return nil
	}
	for i := range svcs {
		if err := visit(i, nil); err != nil {
			return nil, err
		}
	}
	return out, nil
}
