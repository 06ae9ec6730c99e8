package stack

import "strings"

// EnvName is prefix followed by name upper-cased, every character other than a letter
// or a digit written "_": how drill names the variables that tell a program where a
// service or proxy listens (DRILL_ENDPOINT_<SERVICE>, DRILL_PROXY_<PROXY>).
func EnvName(prefix, name string) string {
	return prefix + strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			return r
		}
		return '_'
	}, name)
}

// ProxyEnvPrefix prefixes the variable every service gets for each scenario proxy,
// holding the host:port at which that service reaches the proxy: a service that calls
// another through a proxy reads DRILL_PROXY_<NAME> instead of the other's address.
const ProxyEnvPrefix = "DRILL_PROXY_"
