package docker

import (
	"debug/elf"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
)

// imageFile is one file of a FROM scratch image: its path in the image and on the host.
type imageFile struct {
	dst, src string
}

// imageDrillPath is where the drill binary sits in every image drill builds.
const imageDrillPath = "/drill"

// imageRootfs lists the files an image needs to run the binary bin. A static binary
// (CGO_ENABLED=0, as "make build" gives) needs only itself. A dynamically linked one
// (what plain "go build" or "go install" gives when cgo is on) also needs its ELF
// interpreter and the shared libraries it loads: they are copied from the host to the
// same paths, and libDirs lists their directories for LD_LIBRARY_PATH. Copying them
// keeps "go install" users on the docker runtime working without a rebuild.
func imageRootfs(bin string) (files []imageFile, libDirs []string, err error) {
	files = []imageFile{{dst: imageDrillPath, src: bin}}
	f, err := elf.Open(bin)
	if err != nil {
		return nil, nil, fmt.Errorf("read executable %s: %w (drill's images need a Linux ELF binary)", bin, err)
	}
	defer f.Close()
	interp, err := elfInterpreter(f)
	if err != nil || interp == "" {
		return files, nil, err
	}
	files = append(files, imageFile{dst: interp, src: interp})
	dirs := elfSearchDirs(interp)
	seen := map[string]bool{}
	var libs []string
	if err := elfNeeded(f, dirs, seen, &libs); err != nil {
		return nil, nil, fmt.Errorf("resolve shared libraries of %s: %w (or build drill static: CGO_ENABLED=0 go build ./cmd/drill)", bin, err)
	}
	dirSet := map[string]bool{}
	for _, l := range libs {
		if l == interp {
			continue
		}
		files = append(files, imageFile{dst: l, src: l})
		dirSet[filepath.Dir(l)] = true
	}
	for d := range dirSet {
		libDirs = append(libDirs, d)
	}
	sort.Strings(libDirs)
	return files, libDirs, nil
}

// elfInterpreter returns the PT_INTERP path of f, or "" for a static binary.
func elfInterpreter(f *elf.File) (string, error) {
	for _, p := range f.Progs {
		if p.Type != elf.PT_INTERP {
			continue
		}
		b := make([]byte, p.Filesz)
		if _, err := p.ReadAt(b, 0); err != nil {
			return "", fmt.Errorf("read ELF interpreter: %w", err)
		}
		return strings.TrimRight(string(b), "\x00"), nil
	}
	return "", nil
}

// elfNeeded appends to libs the host path of every library f needs, transitively.
func elfNeeded(f *elf.File, dirs []string, seen map[string]bool, libs *[]string) error {
	names, err := f.ImportedLibraries()
	if err != nil {
		return err
	}
	for _, n := range names {
		if seen[n] {
			continue
		}
		seen[n] = true
		p, err := elfFind(n, dirs)
		if err != nil {
			return err
		}
		*libs = append(*libs, p)
		lf, err := elf.Open(p)
		if err != nil {
			return fmt.Errorf("read %s: %w", p, err)
		}
		err = elfNeeded(lf, dirs, seen, libs)
		lf.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// elfFind looks a library name up in dirs, as the dynamic loader would.
func elfFind(name string, dirs []string) (string, error) {
	if filepath.IsAbs(name) {
		return name, nil
	}
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	return "", errors.New("library " + name + " not found in " + strings.Join(dirs, ":"))
}

// elfSearchDirs is where the loader looks: the interpreter's own directory first, then
// the multiarch and plain system directories.
func elfSearchDirs(interp string) []string {
	var dirs []string
	if real, err := filepath.EvalSymlinks(interp); err == nil {
		dirs = append(dirs, filepath.Dir(real))
	}
	triple := map[string]string{"amd64": "x86_64-linux-gnu", "arm64": "aarch64-linux-gnu"}[runtime.GOARCH]
	if triple != "" {
		dirs = append(dirs, "/lib/"+triple, "/usr/lib/"+triple)
	}
	return append(dirs, "/lib64", "/usr/lib64", "/lib", "/usr/lib")
}
