package scenario

import (
	"fmt"
	"unicode/utf8"
)

// NameMaxLen bounds a name's length: a DNS label's 63, so a name fits a Kubernetes
// object, a container and a file name as it is.
const NameMaxLen = 63

// namePattern is CheckName's character set as a JSON Schema pattern.
const namePattern = "^[A-Za-z0-9][A-Za-z0-9._-]*$"

// NameChars describes the characters a name may hold, for messages and the docs.
const NameChars = "letters A-Z a-z, digits, '.', '_' and '-', starting with a letter or digit"

// CheckName says why name cannot identify a scenario, service, proxy, release or step
// ("" when it can). Names become parts of file names, container and namespace names and
// environment variable names, so they are identifiers: ASCII letters, digits, '.', '_'
// and '-', starting with a letter or digit (no "..", no '/', no NUL, no shell syntax),
// at most NameMaxLen long.
func CheckName(name string) string {
	if name == "" {
		return "is empty"
	}
	if len(name) > NameMaxLen {
		return fmt.Sprintf("is %d bytes long: at most %d", len(name), NameMaxLen)
	}
	for i, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case r == '.' || r == '_' || r == '-':
			if i == 0 {
				return fmt.Sprintf("starts with %q: a name starts with a letter or digit", r)
			}
		default:
			return fmt.Sprintf("holds %s at byte %d: a name holds only %s", describeRune(r), i, NameChars)
		}
	}
	return ""
}

// describeRune names a character for a one-line message, printable or not.
func describeRune(r rune) string {
	if r == utf8.RuneError {
		return "an invalid UTF-8 byte"
	}
	return fmt.Sprintf("%q", r)
}

// quoteName quotes a name for a message, cut to a readable length.
func quoteName(name string) string {
	const show = 40
	if len(name) > show {
		return fmt.Sprintf("%q…", name[:show])
	}
	return fmt.Sprintf("%q", name)
}

// name reports a name at path that is not an identifier (an empty one is reported by
// the caller, as required).
func (v *validator) name(path, what, name string) bool {
	if name == "" {
		return true
	}
	if why := CheckName(name); why != "" {
		v.errf(path, "%s name %s %s (rename it)", what, quoteName(name), why)
		return false
	}
	return true
}
