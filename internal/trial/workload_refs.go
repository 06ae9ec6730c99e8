package trial

import (
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/drillhq/drill/internal/scenario"
)

// refRE matches the references a workload's connection may hold: ${ENDPOINT_<SERVICE>}
// (where drill reaches the service: its front proxy) and ${env:NAME} (an environment
// variable of drill's process, read when a trial starts, so a password stays out of the
// scenario file).
var refRE = regexp.MustCompile(`\$\{([^}]*)\}`)

// envRefRE is the name an ${env:NAME} reference may give.
var envRefRE = regexp.MustCompile(`^env:([A-Za-z_][A-Za-z0-9_]*)$`)

// expandRefs replaces the references of text: endpoint(service) for ${ENDPOINT_<SERVICE>}
// of the stack's services, the variable's value for ${env:NAME}. A reference to no
// service, an unset variable or any other ${...} is an error.
func expandRefs(text string, services []string, endpoint func(service string) (string, error)) (string, error) {
	var err error
	out := refRE.ReplaceAllStringFunc(text, func(ref string) string {
		name := ref[2 : len(ref)-1]
		if m := envRefRE.FindStringSubmatch(name); m != nil {
			v, ok := os.LookupEnv(m[1])
			if !ok && err == nil {
				err = fmt.Errorf("${%s}: environment variable %s is not set", name, m[1])
			}
			return v
		}
		for _, svc := range services {
			if name == scenario.EndpointVar(svc) {
				addr, e := endpoint(svc)
				if e != nil && err == nil {
					err = e
				}
				return addr
			}
		}
		if err == nil {
			err = fmt.Errorf("%s: not a reference drill knows (${ENDPOINT_<SERVICE>} or ${env:NAME})", ref)
		}
		return ref
	})
	return out, err
}

// checkRefs reports the references of the key at path that would not expand.
func checkRefs(c scenario.WorkloadChecker, path, text string) {
	var services []string
	for _, svc := range c.Scenario().Stack.Services {
		services = append(services, svc.Name)
	}
	for _, m := range refRE.FindAllStringSubmatch(text, -1) {
		ok := envRefRE.MatchString(m[1])
		for _, svc := range services {
			ok = ok || m[1] == scenario.EndpointVar(svc)
		}
		if !ok {
			c.Errf(path, "%s: %s is not a reference drill knows: ${ENDPOINT_<SERVICE>} (services: %s) or ${env:NAME}",
				path, m[0], strings.Join(services, ", "))
		}
	}
}
