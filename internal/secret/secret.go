// Package secret resolves the secret references a scenario may write in a hook's url and
// argv and in a service's env and argv, ${env:NAME} (a variable of drill's environment)
// and ${file:PATH} (a file's content, its trailing newline cut), and keeps what they
// resolve to out of everything drill records: the recorded form of a string is Mask's
// (each reference as ***), a URL's is RedactURL's (userinfo and query values as ***),
// and a Masker replaces resolved values in text that came back from outside (a hook's
// output, an error naming the URL it called).
package secret

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
)

// Shown is what a secret is recorded as.
const Shown = "***"

// refRE matches one reference: ${env:NAME} or ${file:PATH}.
var refRE = regexp.MustCompile(`\$\{(env|file):([^}]*)\}`)

// queryValueRE matches a query parameter's value, for a URL that does not parse.
var queryValueRE = regexp.MustCompile(`([?&;][^=&;#]*=)[^&;#]*`)

// envNameRE is a variable name a reference may read.
var envNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// HasRef reports whether s holds a reference.
func HasRef(s string) bool { return refRE.MatchString(s) }

// Mask is s as drill records it: every reference replaced by ***.
func Mask(s string) string { return refRE.ReplaceAllString(s, Shown) }

// Check reports the first reference of s that does not resolve now (a variable not set,
// a file not readable, a malformed name), so that a run refuses before anything starts.
func Check(s string) error {
	_, err := Resolve(s)
	return err
}

// Resolve returns s with every reference replaced by its value, read now.
func Resolve(s string) (string, error) {
	var first error
	out := refRE.ReplaceAllStringFunc(s, func(ref string) string {
		v, err := lookup(ref)
		if err != nil && first == nil {
			first = err
		}
		return v
	})
	return out, first
}

// Values are the values of s's references, read now (for a Masker).
func Values(s string) []string {
	var vs []string
	for _, ref := range refRE.FindAllString(s, -1) {
		if v, err := lookup(ref); err == nil && v != "" {
			vs = append(vs, v)
		}
	}
	return vs
}

func lookup(ref string) (string, error) {
	m := refRE.FindStringSubmatch(ref)
	kind, name := m[1], m[2]
	switch kind {
	case "env":
		if !envNameRE.MatchString(name) {
			return "", fmt.Errorf("resolve secret %s: %q is not a variable name", Mask(ref), name)
		}
		v, ok := os.LookupEnv(name)
		if !ok {
			return "", fmt.Errorf("resolve secret ${env:%s}: the variable is not set in drill's environment", name)
		}
		return v, nil
	default: // file
		if name == "" {
			return "", errors.New("resolve secret ${file:}: no path")
		}
		b, err := os.ReadFile(name)
		if err != nil {
			return "", fmt.Errorf("resolve secret ${file:%s}: %w", name, err)
		}
		return strings.TrimRight(string(b), "\r\n"), nil
	}
}

// RedactURL is a URL as drill records it: references masked, the userinfo's password (or
// a lone user, often a token) and every query value replaced by ***. Text that does not
// parse as a URL is returned masked, with anything between "://" and "@" hidden.
func RedactURL(raw string) string {
	s := Mask(raw)
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" {
		if i := strings.Index(s, "://"); i >= 0 {
			if j := strings.LastIndexByte(s[i+3:], '@'); j >= 0 {
				s = s[:i+3] + Shown + s[i+3+j:]
			}
		}
		if q := strings.IndexByte(s, '?'); q >= 0 {
			s = s[:q] + queryValueRE.ReplaceAllString(s[q:], "${1}"+Shown)
		}
		return s
	}
	if u.User != nil {
		if _, hasPass := u.User.Password(); hasPass {
			u.User = url.UserPassword(u.User.Username(), Shown)
		} else {
			u.User = url.User(Shown)
		}
	}
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			q[k] = []string{Shown}
		}
		u.RawQuery = q.Encode()
	}
	out := u.String()
	return strings.ReplaceAll(strings.ReplaceAll(out, url.QueryEscape(Shown), Shown), url.PathEscape(Shown), Shown)
}

// URLValues are the parts of a URL that RedactURL hides and that are long enough to be
// secrets (4 bytes or more): its password, a lone user, its query values. A Masker
// learns them so that an error naming the URL it called does not show them.
func URLValues(raw string) []string {
	u, err := url.Parse(raw)
	if err != nil {
		return nil
	}
	var vs []string
	if u.User != nil {
		if p, ok := u.User.Password(); ok {
			vs = append(vs, p)
		} else {
			vs = append(vs, u.User.Username())
		}
	}
	for _, values := range u.Query() {
		vs = append(vs, values...)
	}
	var out []string
	for _, v := range vs {
		if len(v) >= 4 {
			out = append(out, v, url.QueryEscape(v))
		}
	}
	return out
}

// Masker replaces known secret values in text that came back from outside drill.
type Masker struct{ values []string }

// Add makes m mask each of values (an empty value is ignored).
func (m *Masker) Add(values ...string) {
	for _, v := range values {
		if v != "" {
			m.values = append(m.values, v)
		}
	}
}

// Text is s with every known value replaced by ***.
func (m *Masker) Text(s string) string {
	for _, v := range m.values {
		s = strings.ReplaceAll(s, v, Shown)
	}
	return s
}

// Err is err with its text masked (nil stays nil); errors.Is and As still see err.
func (m *Masker) Err(err error) error {
	if err == nil {
		return nil
	}
	return maskedError{err: err, text: m.Text(err.Error())}
}

type maskedError struct {
	err  error
	text string
}

func (e maskedError) Error() string { return e.text }
func (e maskedError) Unwrap() error { return e.err }
