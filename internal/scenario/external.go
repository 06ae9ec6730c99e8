package scenario

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// ExternalAddr is the host:port of an external service's endpoint (Service.External):
// the endpoint itself when it is host:port, else the http:// URL's host and port (80
// when it names none). It is where drill's front proxy forwards.
func (s Service) ExternalAddr() (string, error) {
	e := strings.TrimSpace(s.External)
	if e == "" {
		return "", fmt.Errorf("service %q is not external", s.Name)
	}
	if !strings.Contains(e, "://") {
		return checkHostPort(e)
	}
	u, err := url.Parse(e)
	if err != nil {
		return "", fmt.Errorf("parse endpoint %q: %w", e, err)
	}
	port := u.Port()
	switch {
	case u.Scheme != "http":
		return "", fmt.Errorf("endpoint %q: want host:port or an http:// URL (drill's probes and workloads speak plain HTTP through its proxy; give a TLS service's host:port and probe it with tcp)", e)
	case u.Hostname() == "":
		return "", fmt.Errorf("endpoint %q names no host", e)
	case port == "":
		port = "80"
	}
	return checkHostPort(net.JoinHostPort(u.Hostname(), port))
}

// checkHostPort returns hp when it is host:port with a port between 1 and 65535.
func checkHostPort(hp string) (string, error) {
	host, port, err := net.SplitHostPort(hp)
	if err != nil {
		return "", fmt.Errorf("endpoint %q: want host:port or an http:// URL", hp)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 || host == "" {
		return "", fmt.Errorf("endpoint %q: want host:port with a port between 1 and 65535", hp)
	}
	return hp, nil
}

// IsExternal reports whether the service runs outside drill (Service.External).
func (s Service) IsExternal() bool { return s.External != "" }

// HasExternal reports whether any service of the stack is external: such a stack runs
// on the external runtime.
func (s Stack) HasExternal() bool {
	for _, svc := range s.Services {
		if svc.IsExternal() {
			return true
		}
	}
	return false
}

// external checks what an external service may set: its endpoint, its readiness check
// (asked of the endpoint) and a release name for the reports; whatever would start,
// configure or deploy it is drill's to do, which it never does for such a service.
func (v *validator) external(svc Service, path string) {
	if _, err := svc.ExternalAddr(); err != nil {
		v.errf(path+".external", "%s.external: %v", path, err)
	}
	keys := []string{"port", "env", "user", "stop_signal", "strategy", "releases"}
	for i, set := range []bool{svc.Port != 0, len(svc.Env) > 0, svc.User != "", svc.StopSignal != "", svc.Strategy != "", len(svc.Releases) > 0} {
		if key := keys[i]; set {
			v.errf(path+"."+key, "%s.%s does not apply to an external service (drill never starts, stops or deploys it: the change and the rollback are hook steps); remove it", path, key)
		}
	}
	if r := svc.Ready; r != nil && ((r.HTTP != nil && r.HTTP.Port != 0) || (r.TCP != nil && r.TCP.Port != 0) || r.Log != "" || len(r.Exec) > 0) {
		v.errf(path+".ready", "%s.ready of an external service is asked of its endpoint: http or tcp, without a port", path)
	}
}
