package kubernetes_test

import (
	"io"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/klog/v2"

	"github.com/drillhq/drill/internal/stack/kubernetes"
)

var _ = Describe("client-go's own log", func() {
	It("stays out of drill's stderr once a runtime is made: drill reports the errors it gets itself", func() {
		dir := GinkgoT().TempDir()
		kubeconfig := filepath.Join(dir, "kubeconfig")
		Expect(os.WriteFile(kubeconfig, []byte("apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: https://127.0.0.1:1}\n"+
			"users:\n- name: u\n  user: {token: t}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n"), 0o600)).To(Succeed())
		GinkgoT().Setenv("KUBECONFIG", kubeconfig)
		_, err := kubernetes.New()
		Expect(err).NotTo(HaveOccurred())

		r, w, err := os.Pipe()
		Expect(err).NotTo(HaveOccurred())
		stderr := os.Stderr
		os.Stderr = w
		klog.Error("Unexpected error when reading response body: context canceled")
		klog.Flush()
		os.Stderr = stderr
		Expect(w.Close()).To(Succeed())
		out, err := io.ReadAll(r)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(out)).To(BeEmpty())
	})
})
