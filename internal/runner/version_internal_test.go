package runner

import (
	"runtime/debug"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("drill's version when the build does not stamp one", func() {
	setting := func(kv ...string) []debug.BuildSetting {
		var out []debug.BuildSetting
		for i := 0; i+1 < len(kv); i += 2 {
			out = append(out, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return out
	}
	main := func(version string, kv ...string) *debug.BuildInfo {
		return &debug.BuildInfo{Main: debug.Module{Path: modulePath, Version: version}, Settings: setting(kv...)}
	}
	DescribeTable("comes from the build info Go records",
		func(bi *debug.BuildInfo, want string) { Expect(fromBuildInfo(bi)).To(Equal(want)) },
		Entry("go install module@v1.4.0", main("v1.4.0"), "v1.4.0"),
		Entry("go build in a clean checkout", main("v0.0.0-20261207053822-a6b2c92a91de", "vcs.revision", "a6b2c92a91de0df0", "vcs.modified", "false"),
			"v0.0.0-20261207053822-a6b2c92a91de"),
		Entry("go build in a dirty checkout (Go marks it)", main("v0.0.0-20261207053822-a6b2c92a91de+dirty", "vcs.revision", "a6b2c92a91de0df0", "vcs.modified", "true"),
			"v0.0.0-20261207053822-a6b2c92a91de+dirty"),
		Entry("an older toolchain's checkout build", main("(devel)", "vcs.revision", "a6b2c92a91de0df022125d41dc6da56ecc587ff4", "vcs.modified", "true"),
			"devel+a6b2c92a91de-dirty"),
		Entry("no VCS information", main("(devel)"), "dev"),
		Entry("a program that imports drill", &debug.BuildInfo{Main: debug.Module{Path: "example.com/ci"},
			Deps: []*debug.Module{{Path: "golang.org/x/mod", Version: "v0.1.0"}, {Path: modulePath, Version: "v1.5.2"}}}, "v1.5.2"),
		Entry("a program that replaces drill", &debug.BuildInfo{Main: debug.Module{Path: "example.com/ci"},
			Deps: []*debug.Module{{Path: modulePath, Version: "v1.5.2", Replace: &debug.Module{Path: "../drill", Version: ""}}}}, "dev"),
	)

	It("is what this test binary records, and the stamp when there is one", func() {
		bi, ok := debug.ReadBuildInfo()
		Expect(ok).To(BeTrue())
		Expect(DrillVersion()).To(Equal(fromBuildInfo(bi)))
		Expect(DrillVersion()).NotTo(BeEmpty())
	})
})
