// Package outpath joins the names drill writes files under (a scenario's, a service's,
// a release's) to the directory they must stay in, and proves they do: every path drill
// writes under --out or its temp dir comes from Join, so a name that slipped past
// validation (a Go caller's scenario, a future field) can never write outside it.
package outpath

import (
	"fmt"
	"path/filepath"
	"strings"
)

// Join joins elems to root like filepath.Join, and returns an error unless each element
// is local (not absolute, no "..", not empty, no NUL) and the result lies strictly
// under root.
func Join(root string, elems ...string) (string, error) {
	for _, e := range elems {
		if !filepath.IsLocal(e) || strings.ContainsRune(e, 0) {
			return "", fmt.Errorf("join path under %s: %q would leave it or is not a file name", root, e)
		}
	}
	p := filepath.Join(append([]string{root}, elems...)...)
	rel, err := filepath.Rel(filepath.Clean(root), p)
	if err != nil || rel == "." || !filepath.IsLocal(rel) {
		return "", fmt.Errorf("join path under %s: %q is not inside it", root, p)
	}
	return p, nil
}

// File joins one file name made of a name and a suffix under root (see Join): the name's
// separators and ".." are refused, never cleaned away.
func File(root, name string) (string, error) {
	if strings.ContainsAny(name, `/\`) {
		return "", fmt.Errorf("join path under %s: %q holds a path separator", root, name)
	}
	return Join(root, name)
}
