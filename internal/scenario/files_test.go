package scenario_test

import (
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/trial"
)

// withFiles is the reference scenario with files on the service and on release v2.
func withFiles(service, release string) string {
	doc := edit(reference(), "      health: /healthz\n", "      health: /healthz\n      files:\n"+service)
	return edit(doc, "        - name: v2\n", "        - name: v2\n          files:\n"+release)
}

var _ = Describe("files of a service", func() {
	It("merges a release's files over the service's, by path, in order", func() {
		sc, err := scenario.Parse("t.yaml", []byte(withFiles(
			"        - {path: app.conf, content: \"port ${PORT}\"}\n        - {path: extra/x.txt, content: x, mode: \"0600\"}\n",
			"            - {path: app.conf, content: broken}\n            - {path: new.txt, content: n}\n")),
			scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		svc := sc.Stack.Services[0]
		Expect(svc.FilesFor(*svc.ReleaseNamed("v1"))).To(HaveExactElements(
			HaveField("Content", "port ${PORT}"), HaveField("Path", "extra/x.txt"),
		))
		files := svc.FilesFor(*svc.ReleaseNamed("v2"))
		Expect(files).To(HaveLen(3))
		Expect(files[0].Content).To(Equal("broken"), "v2's app.conf replaces the service's")
		Expect(files[1].FileMode()).To(Equal(os.FileMode(0o600)))
		Expect(files[2].Path).To(Equal("new.txt"))
	})

	It("reads from: a file beside the scenario file", func() {
		dir := GinkgoT().TempDir()
		Expect(os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte("listen ${PORT};\n"), 0o644)).To(Succeed())
		sc, err := scenario.Parse(filepath.Join(dir, "t.yaml"), []byte(withFiles("        - {path: nginx.conf, from: nginx.conf}\n", "            - {path: x, content: x}\n")),
			scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		Expect(sc.Stack.Services[0].Files[0].Content).To(Equal("listen ${PORT};\n"))
		Expect(sc.Validate(scenario.WithWorkloads(trial.NewWorkloadRegistry()))).To(Succeed(), "validating again keeps the content read")
	})

	DescribeTable("rejects a file at its line",
		func(service string, line int, msg string) {
			e := firstError(withFiles(service, "            - {path: ok.txt, content: x}\n"))
			Expect(e.Msg).To(ContainSubstring(msg))
			Expect(e.Line).To(Equal(line))
		},
		Entry("path leaving the data dir", "        - {path: ../etc/passwd, content: x}\n", 13, `files[0].path "../etc/passwd" must be a clean relative path`),
		Entry("absolute path", "        - {path: /etc/passwd, content: x}\n", 13, `must be a clean relative path`),
		Entry("unclean path", "        - {path: a//b, content: x}\n", 13, `must be a clean relative path`),
		Entry("repeated path", "        - {path: a, content: x}\n        - {path: a, content: y}\n", 14, `files[1].path "a" is repeated`),
		Entry("neither content nor from", "        - {path: a}\n", 13, `needs exactly one of content and from`),
		Entry("both content and from", "        - {path: a, content: x, from: y}\n", 13, `needs exactly one of content and from`),
		Entry("from missing", "        - {path: a, from: no-such-file}\n", 13, `files[0].from: open no-such-file`),
		Entry("mode not octal", "        - {path: a, content: x, mode: rw}\n", 13, `files[0].mode "rw" must be octal permission bits`),
	)

	It("takes Debian packages on a command service only", func() {
		e := firstError(edit(reference(), "      health: /healthz\n", "      health: /healthz\n      packages: [nginx-light]\n"))
		Expect(e.Msg).To(ContainSubstring("packages applies to a service with command only"))
		Expect(e.Line).To(Equal(12))
	})
})
