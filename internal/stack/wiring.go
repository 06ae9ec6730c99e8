package stack

import (
	"fmt"
	"strings"

	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/secret"
)

// EndpointEnvPrefix prefixes the variable every service gets for each service of its
// stack, holding the host:port at which it reaches that service directly, without the
// front proxy's faults (DRILL_ENDPOINT_<SERVICE>). On the process runtime that is the
// service's switch, which follows its deploys; on docker the same switch, in the proxy
// container on the stack network.
const EndpointEnvPrefix = "DRILL_ENDPOINT_"

// Wiring variables, written ${NAME} in a service's argv, env values and exec readiness
// check: PORT (where this instance listens), HEALTH_PORT (its readiness port, when apart),
// DATA_DIR (its data directory), HOST, ENDPOINT_<SERVICE> and PROXY_<NAME>.
const (
	VarEndpointPrefix = "ENDPOINT_"
	VarProxyPrefix    = "PROXY_"
)

// expand replaces every ${NAME} whose NAME is in vars by its value, every secret
// reference (${env:NAME}, ${file:PATH}) by what it resolves to now, and leaves every
// other byte as written (a $ of a shell script, an unknown ${X}) for the program to read.
func expand(s string, vars map[string]string) string {
	if !strings.Contains(s, "${") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			break
		}
		name := s[i+2 : i+j]
		v, ok := vars[name]
		if !ok {
			v = s[i : i+j+1]
			if r, err := secret.Resolve(v); err == nil { // ${env:NAME}, ${file:PATH}: checked by validation
				v = r
			}
		}
		b.WriteString(s[:i])
		b.WriteString(v)
		s = s[i+j+1:]
	}
	b.WriteString(s)
	return b.String()
}

// ExpandAll expands each element of argv.
func ExpandAll(argv []string, vars map[string]string) []string {
	out := make([]string, len(argv))
	for i, a := range argv {
		out[i] = expand(a, vars)
	}
	return out
}

// ExpandEnv expands every value of env.
func ExpandEnv(env, vars map[string]string) map[string]string {
	out := make(map[string]string, len(env))
	for k, v := range env {
		out[k] = expand(v, vars)
	}
	return out
}

// DataEnvPrefix prefixes the variable a verify check gets for each service with a data
// directory (DRILL_DATA_<SERVICE>): the host path of its data, to inspect what survived.
const DataEnvPrefix = "DRILL_DATA_"

// DataEnv is DRILL_DATA_<SERVICE>=path for every named service of st that keeps data
// (DataKeeper); services without one, or not in the stack, are left out.
func DataEnv(st Stack, services []string) []string {
	var env []string
	for _, name := range services {
		svc, err := st.Service(name)
		if err != nil {
			continue
		}
		if dk, ok := svc.(DataKeeper); ok {
			env = append(env, EnvName(DataEnvPrefix, name)+"="+dk.DataDir())
		}
	}
	return env
}

// FindRelease returns the release of spec called name.
func FindRelease(spec scenario.Service, name string) (scenario.Release, error) {
	for _, r := range spec.Releases {
		if r.Name == name {
			return r, nil
		}
	}
	return scenario.Release{}, fmt.Errorf("find release %q of %s: not declared", name, spec.Name)
}

// MergeEnv merges environment layers, later ones winning.
func MergeEnv(layers ...map[string]string) map[string]string {
	env := map[string]string{}
	for _, l := range layers {
		for k, v := range l {
			env[k] = v
		}
	}
	return env
}
