package scenario

import (
	"regexp"
	"strings"
)

// endpointRefRE matches ${ENDPOINT_<SERVICE>} in a text a service's address is put into
// (the Prometheus probe's URL).
var endpointRefRE = regexp.MustCompile(`\$\{ENDPOINT_([A-Za-z0-9_]+)\}`)

// EndpointVar is the variable that names a service's address, ENDPOINT_ followed by the
// service name upper-cased with every character other than a letter or digit as "_".
func EndpointVar(service string) string {
	return "ENDPOINT_" + strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			return r
		}
		return '_'
	}, service)
}

// ExpandEndpoints replaces every ${ENDPOINT_<SERVICE>} in text by addr(service) for the
// services of the stack; a reference to no service is left as written (validation
// reports it). addr is where drill reaches the service: its front proxy.
func (s Stack) ExpandEndpoints(text string, addr func(service string) string) string {
	return endpointRefRE.ReplaceAllStringFunc(text, func(ref string) string {
		for _, svc := range s.Services {
			if "${"+EndpointVar(svc.Name)+"}" == ref {
				return addr(svc.Name)
			}
		}
		return ref
	})
}

// unknownEndpointRefs lists the ${ENDPOINT_X} references of text that name no service.
func (s Stack) unknownEndpointRefs(text string) []string {
	var out []string
	for _, ref := range endpointRefRE.FindAllString(text, -1) {
		if s.ExpandEndpoints(ref, func(string) string { return "" }) == ref {
			out = append(out, ref)
		}
	}
	return out
}
