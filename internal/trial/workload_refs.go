package trial

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/secret"
)

// refRE matches a ${...} reference in a workload's connection.
var refRE = regexp.MustCompile(`\$\{([^}]*)\}`)

// expandRefs replaces the references a workload's connection may hold:
// ${ENDPOINT_<SERVICE>} of the stack's services by endpoint(service) (its front proxy),
// and the secret references ${env:NAME} and ${file:PATH} by their values, read now
// (internal/secret). Any other ${...} is an error.
func expandRefs(text string, services []string, endpoint func(service string) (string, error)) (string, error) {
	var err error
	out := refRE.ReplaceAllStringFunc(text, func(ref string) string {
		if secret.HasRef(ref) {
			return ref // resolved below, with the secret package's own rules
		}
		for _, svc := range services {
			if ref[2:len(ref)-1] == scenario.EndpointVar(svc) {
				addr, e := endpoint(svc)
				if e != nil && err == nil {
					err = e
				}
				return addr
			}
		}
		if err == nil {
			err = fmt.Errorf("%s: not a reference drill knows (${ENDPOINT_<SERVICE>}, ${env:NAME} or ${file:PATH})", ref)
		}
		return ref
	})
	if err != nil {
		return "", err
	}
	return secret.Resolve(out)
}

// checkRefs reports the references of the key at path that would not expand: a service
// the stack does not have, or a secret that does not resolve now (refused before
// anything starts, like a service's env).
func checkRefs(c scenario.WorkloadChecker, path, text string) {
	var services []string
	for _, svc := range c.Scenario().Stack.Services {
		services = append(services, svc.Name)
	}
	for _, m := range refRE.FindAllStringSubmatch(text, -1) {
		ok := secret.HasRef(m[0])
		for _, svc := range services {
			ok = ok || m[1] == scenario.EndpointVar(svc)
		}
		if !ok {
			c.Errf(path, "%s: %s is not a reference drill knows: ${ENDPOINT_<SERVICE>} (services: %s), ${env:NAME} or ${file:PATH}",
				path, m[0], strings.Join(services, ", "))
		}
	}
	if err := secret.Check(text); err != nil {
		c.Errf(path, "%s: %v", path, err)
	}
}

// maskSecrets is err with the values of conn's secret references, and the password of
// the URL they resolve into, replaced by *** (a connection string a driver quotes back).
func maskSecrets(conn string, err error) error {
	if err == nil {
		return nil
	}
	var m secret.Masker
	m.Add(secret.Values(conn)...)
	if resolved, rerr := secret.Resolve(conn); rerr == nil {
		m.Add(secret.URLValues(resolved)...)
	}
	return m.Err(err)
}
