package scenario

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
)

// FilesFor are the files a release of svc starts with: the service's, each replaced by
// the release's file of the same path, then the release's other files, in order.
func (svc Service) FilesFor(rel Release) []File {
	out := make([]File, 0, len(svc.Files)+len(rel.Files))
	byPath := map[string]int{}
	for _, f := range svc.Files {
		byPath[f.Path] = len(out)
		out = append(out, f)
	}
	for _, f := range rel.Files {
		if i, ok := byPath[f.Path]; ok {
			out[i] = f
			continue
		}
		out = append(out, f)
	}
	return out
}

// FileMode is the file's permission bits (0644 unless Mode says otherwise).
func (f File) FileMode() os.FileMode {
	if m, err := strconv.ParseUint(f.Mode, 8, 32); err == nil && f.Mode != "" {
		return os.FileMode(m) & os.ModePerm
	}
	return 0o644
}

// debianPackageRE is a Debian package name (Debian Policy 5.6.1).
var debianPackageRE = regexp.MustCompile(`^[a-z0-9][a-z0-9+.-]+$`)

// files checks a service's or a release's files at path ("stack.services[0].files"),
// reading each from file beside the scenario (dir) into its content.
func (v *validator) files(path string, files []File) {
	seen := map[string]bool{}
	for i := range files {
		f := &files[i]
		at := fmt.Sprintf("%s[%d]", path, i)
		switch clean := filepath.Clean(f.Path); {
		case f.Path == "" || !filepath.IsLocal(f.Path) || clean != f.Path:
			v.errf(at+".path", "%s.path %q must be a clean relative path inside the service's data directory, e.g. nginx.conf or conf/app.ini", at, f.Path)
		case seen[f.Path]:
			v.errf(at+".path", "%s.path %q is repeated", at, f.Path)
		}
		seen[f.Path] = true
		if f.Mode != "" {
			if m, err := strconv.ParseUint(f.Mode, 8, 32); err != nil || m > 0o777 {
				v.errf(at+".mode", "%s.mode %q must be octal permission bits, e.g. \"0644\" or \"0755\"", at, f.Mode)
			}
		}
		switch {
		case f.loaded:
		case (f.Content == "") == (f.From == ""):
			v.errf(at, "%s needs exactly one of content and from (a file beside the scenario)", at)
		case f.From != "":
			b, err := os.ReadFile(filepath.Join(v.dir, f.From))
			if err != nil {
				v.errf(at+".from", "%s.from: %v", at, err)
				continue
			}
			f.Content, f.loaded = string(b), true
		}
	}
}

// packages checks the Debian packages a command service adds to drill's image.
func (v *validator) packages(svc Service, path string) {
	if len(svc.Packages) == 0 {
		return
	}
	if len(svc.Command) == 0 {
		v.errf(path+".packages", "%s.packages applies to a service with command only (it runs in drill's Debian image on docker)", path)
	}
	for i, p := range svc.Packages {
		if !debianPackageRE.MatchString(p) {
			v.errf(fmt.Sprintf("%s.packages[%d]", path, i), "%s.packages[%d] %q is not a Debian package name (lower case letters, digits, +, - and .)", path, i, p)
		}
	}
}

// serviceFiles checks the files and packages of a service and its releases.
func (v *validator) serviceFiles(svc Service, path string) {
	if svc.IsExternal() {
		if len(svc.Files) > 0 || len(svc.Packages) > 0 {
			v.errf(path, "%s: files and packages apply to services drill starts, not to an external one", path)
		}
		return
	}
	v.packages(svc, path)
	v.files(path+".files", svc.Files) // the slices share svc's arrays: content read from files stays
	for j, r := range svc.Releases {
		v.files(fmt.Sprintf("%s.releases[%d].files", path, j), r.Files)
	}
}
