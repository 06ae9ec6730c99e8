package scenario

import (
	"fmt"
	"slices"
	"strings"
)

// readiness checks that a service has exactly one readiness check, of exactly one kind,
// and a known stop signal.
func (v *validator) readiness(svc Service, path string) {
	if svc.StopSignal != "" && !slices.Contains(StopSignals, svc.StopSignal) {
		v.errf(path+".stop_signal", "unknown stop_signal %q%s", svc.StopSignal, v.known(StopSignals))
	}
	switch {
	case svc.Health != "" && svc.Ready != nil:
		v.errf(path+".ready", "service %q sets both health and ready: keep one (health: /path is ready: {http: {path: /path}})", svc.Name)
		return
	case svc.Ready == nil:
		if !strings.HasPrefix(svc.Health, "/") {
			v.errf(path+".health", "%s.health must be an HTTP path starting with \"/\", got %q (or set ready: {tcp: {}}, {exec: [...]} or {log: TEXT} for a service that does not speak HTTP)", path, svc.Health)
		}
		return
	}
	r, rp := svc.Ready, path+".ready"
	n := 0
	for _, set := range []bool{r.HTTP != nil, r.TCP != nil, len(r.Exec) > 0, r.Log != "", r.Kind != ""} {
		if set {
			n++
		}
	}
	if n != 1 {
		v.errf(rp, "%s must set exactly one of http, tcp, exec, log and kind (it sets %d)", rp, n)
		return
	}
	if len(r.Params) > 0 && r.Kind == "" {
		v.errf(rp+".params", "%s.params configures a registered readiness kind: set kind too, or drop params", rp)
	}
	port := func(p int, key string) {
		if p < 0 || p > 65535 {
			v.errf(key, "%s must be between 1 and 65535, got %d", key, p)
		}
	}
	switch {
	case r.HTTP != nil:
		if !strings.HasPrefix(r.HTTP.Path, "/") {
			v.errf(rp+".http.path", "%s.http.path must be an HTTP path starting with \"/\", got %q", rp, r.HTTP.Path)
		}
		if s := r.HTTP.Status; s != 0 && (s < 100 || s > 599) {
			v.errf(rp+".http.status", "%s.http.status must be an HTTP status (100-599), got %d", rp, s)
		}
		port(r.HTTP.Port, rp+".http.port")
	case r.TCP != nil:
		port(r.TCP.Port, rp+".tcp.port")
	case len(r.Exec) > 0:
		if strings.TrimSpace(r.Exec[0]) == "" {
			v.errf(rp+".exec", "%s.exec[0] must name a program", rp)
		}
	}
}

// dependencies checks depends_on: known services, not the service itself, no cycle.
func (v *validator) dependencies() {
	svcs := v.s.Stack.Services
	for i, svc := range svcs {
		for j, dep := range svc.DependsOn {
			key := fmt.Sprintf("stack.services[%d].depends_on[%d]", i, j)
			switch {
			case dep == svc.Name:
				v.errf(key, "service %q depends on itself", svc.Name)
			case v.s.service(dep) == nil:
				v.errf(key, "service %q depends on %q, which is not a service%s", svc.Name, dep, v.known(v.serviceNames()))
			}
		}
	}
	if _, err := StartOrder(svcs); err != nil {
		v.errf("stack.services", "%v", err)
	}
}
