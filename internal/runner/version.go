package runner

import (
	"runtime/debug"
	"strings"
	"sync"
)

// Version is drill's version as a release build stamps it (make build: -ldflags
// "-X github.com/drillhq/drill/internal/runner.Version=..."); "dev" when not stamped.
var Version = "dev"

// modulePath is drill's module, found in the build info of drill itself or of a
// program that imports it.
const modulePath = "github.com/drillhq/drill"

// DrillVersion is the version every result records and drill version prints: the
// stamped Version, or else what the Go toolchain recorded in the binary (go install
// and go build, README's install paths): the module's version, or for a build from a
// checkout its VCS revision (Go ≥ 1.24 makes that a pseudo-version), marked dirty when
// the tree had changes.
var DrillVersion = sync.OnceValue(func() string {
	if Version != "dev" {
		return Version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return Version
	}
	return fromBuildInfo(bi)
})

// fromBuildInfo is drill's version as bi records it ("dev" when it records none).
func fromBuildInfo(bi *debug.BuildInfo) string {
	mod := &bi.Main
	if mod.Path != modulePath {
		mod = nil
		for _, d := range bi.Deps {
			if d.Path == modulePath {
				mod = d
				if d.Replace != nil {
					mod = d.Replace
				}
				break
			}
		}
		if mod == nil {
			return Version
		}
		return orDev(mod.Version) // a dependency: its module version is all there is
	}
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	v := orDev(mod.Version)
	if v == "dev" && rev != "" { // a checkout's build without a module version
		v = "devel+" + rev[:min(12, len(rev))]
	}
	if modified == "true" && !strings.HasSuffix(v, "+dirty") && !strings.HasSuffix(v, "-dirty") {
		v += "-dirty"
	}
	return v
}

// orDev is v, or "dev" for the toolchain's "(devel)" and an empty version.
func orDev(v string) string {
	if v == "" || v == "(devel)" {
		return "dev"
	}
	return v
}
