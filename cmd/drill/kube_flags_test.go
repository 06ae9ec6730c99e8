package main_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// kubeconfigFile writes a kubeconfig with the contexts named, each pointing at a server
// nothing listens on, and returns its path.
func kubeconfigFile(dir string, contexts ...string) string {
	GinkgoHelper()
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: https://127.0.0.1:1}\nusers:\n- name: u\n  user: {token: t}\ncontexts:\n")
	for _, c := range contexts {
		b.WriteString("- name: " + c + "\n  context: {cluster: c, user: u}\n")
	}
	b.WriteString("current-context: " + contexts[0] + "\n")
	path := filepath.Join(dir, "kubeconfig")
	Expect(os.WriteFile(path, []byte(b.String()), 0o600)).To(Succeed())
	return path
}

var _ = Describe("the kubernetes runtime's flags", func() {
	// runIn runs drill in dir with KUBECONFIG unset, so only the flags name a cluster.
	runIn := func(dir string, args ...string) (int, string, string) {
		GinkgoHelper()
		var stdout, stderr strings.Builder
		cmd := drill(dir, args...)
		cmd.Env = append(cmd.Env, "KUBECONFIG=", "DRILL_KUBE_CONTEXT=", "DRILL_KUBE_NAMESPACE_PREFIX=", "HOME="+dir)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		return exitCode(cmd.Run()), stdout.String(), stderr.String()
	}

	DescribeTable("a bad value is a config error: exit 2, one line naming the flag and the fix, before anything starts",
		func(cmd string, flags []string, want string) {
			dir := GinkgoT().TempDir()
			kubeconfigFile(dir, "staging")
			Expect(os.WriteFile(filepath.Join(dir, "not-a-kubeconfig"), []byte("just text\n"), 0o600)).To(Succeed())
			args := []string{cmd}
			switch cmd {
			case "run", "compare":
				args = append(args, quickScenario(dir, 1), "--out", "out")
			case "validate":
				args = append(args, quickScenario(dir, 1))
			}
			code, stdout, stderr := runIn(dir, append(args, flags...)...)
			Expect(code).To(Equal(2), stderr)
			Expect(stdout).To(BeEmpty())
			Expect(strings.Split(strings.TrimSpace(stderr), "\n")).To(HaveLen(1), stderr)
			Expect(stderr).To(ContainSubstring(want))
			Expect(filepath.Join(dir, "out")).NotTo(BeADirectory(), "nothing started")
		},
		Entry("run: a prefix no namespace can start with", "run", []string{"--runtime", "kubernetes", "--namespace-prefix", "Drill_"},
			`--namespace-prefix "Drill_": want 1-20 lowercase letters, digits or '-'`),
		Entry("run: a missing kubeconfig", "run", []string{"--runtime", "kubernetes", "--kubeconfig", "nope"},
			"--kubeconfig nope: no such file"),
		Entry("run: a file that is no kubeconfig", "run", []string{"--runtime", "kubernetes", "--kubeconfig", "not-a-kubeconfig"},
			"--kubeconfig not-a-kubeconfig: not a kubeconfig"),
		Entry("run: a context the kubeconfig lacks, naming those it has", "run", []string{"--runtime", "kubernetes", "--kubeconfig", "kubeconfig", "--kube-context", "prod"},
			"--kube-context prod: the kubeconfig (kubeconfig) has no such context: name one of staging"),
		Entry("run: a context and no kubeconfig at all", "run", []string{"--runtime", "kubernetes", "--kube-context", "prod"},
			"--kube-context prod: no kubeconfig with contexts at"),
		Entry("run: a kubernetes flag on another runtime", "run", []string{"--runtime", "process", "--kubeconfig", "kubeconfig"},
			"run: --kubeconfig is for --runtime kubernetes: add --runtime kubernetes or leave it out"),
		Entry("run: a kubernetes flag where auto never picks kubernetes", "run", []string{"--kube-context", "staging"},
			"run: --kube-context is for --runtime kubernetes"),
		Entry("compare", "compare", []string{"--runtime", "kubernetes", "--namespace-prefix", "-x-"},
			`compare: --namespace-prefix "-x-"`),
		Entry("validate", "validate", []string{"--runtime", "kubernetes", "--kubeconfig", "nope"},
			"validate: --kubeconfig nope: no such file"),
		Entry("validate without --runtime", "validate", []string{"--kubeconfig", "kubeconfig"},
			"validate: --kubeconfig is for --runtime kubernetes"),
		Entry("clean", "clean", []string{"--kube-context", "prod", "--kubeconfig", "kubeconfig"},
			"clean: --kube-context prod: the kubeconfig (kubeconfig) has no such context"),
	)

	It("wins over the environment: the cluster drill asks is the flags' kubeconfig and context", func() {
		dir := GinkgoT().TempDir()
		path := kubeconfigFile(dir, "staging", "other")
		// The environment names a context the flags' kubeconfig lacks, and a kubeconfig that is not one.
		var stdout, stderr strings.Builder
		cmd := drill(dir, "run", quickScenario(dir, 1), "--runtime", "kubernetes", "--kubeconfig", path, "--kube-context", "other", "--namespace-prefix", "staging", "--out", "out")
		cmd.Env = append(cmd.Env, "KUBECONFIG="+filepath.Join(dir, "nope"), "DRILL_KUBE_CONTEXT=prod", "DRILL_KUBE_NAMESPACE_PREFIX=BAD")
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		code := exitCode(cmd.Run())
		// The flags' cluster (127.0.0.1:1) does not answer: the runtime is unavailable,
		// an infrastructure error naming that server, not a config error about the environment.
		Expect(code).To(Equal(4), stderr.String())
		Expect(stderr.String()).To(ContainSubstring("127.0.0.1:1"))
		Expect(stderr.String()).NotTo(ContainSubstring("prod"))
	})

	It("lists the flags in run's, compare's, validate's and clean's help", func() {
		for _, c := range []string{"run", "compare", "validate", "clean"} {
			out, err := exec.Command(filepath.Join(binDir, "drill"), c, "--help").Output()
			Expect(err).NotTo(HaveOccurred(), c)
			for _, f := range []string{"kubeconfig", "kube-context", "namespace-prefix"} {
				Expect(string(out)).To(ContainSubstring("\n  -"+f), c)
			}
		}
	})
})
