// Package kubeenv gives Ginkgo specs the kubernetes runtime against a cluster that
// answers (KUBECONFIG, e.g. the project's own from make k8s), or skips them, saying why.
package kubeenv

import (
	"context"
	"os"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/stack/kubernetes"
)

// Available skips the calling spec unless KUBECONFIG names a cluster whose apiserver
// answers /readyz within 5 s and DRILL_K8S_CONTAINERD names the containerd socket into
// which drill loads its images (the project's cluster: source <(tools/k8s/cluster.sh env)).
func Available() {
	ginkgo.GinkgoHelper()
	if os.Getenv("KUBECONFIG") == "" {
		ginkgo.Skip("no Kubernetes cluster: KUBECONFIG is not set (make k8s, then source <(tools/k8s/cluster.sh env))")
	}
	if os.Getenv(kubernetes.EnvContainerd) == "" {
		ginkgo.Skip("no Kubernetes cluster to load drill's images into: " + kubernetes.EnvContainerd + " is not set (source <(tools/k8s/cluster.sh env))")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := kubernetes.Available(ctx); err != nil {
		ginkgo.Skip("Kubernetes cluster not available: " + err.Error())
	}
}

// Runtime returns a kubernetes runtime, closed when the calling spec (or container)
// ends, so the images it loaded into the cluster go with it; or skips the spec as
// Available does.
func Runtime(opts ...kubernetes.Option) *kubernetes.Runtime {
	ginkgo.GinkgoHelper()
	Available()
	r, err := kubernetes.New(opts...)
	gomega.Expect(err).NotTo(gomega.HaveOccurred())
	ginkgo.DeferCleanup(r.Close)
	return r
}

// Slower adapts a spec's scenario (the ledger fixture's, with health /version and a
// rollback timeout of 10s) to what a cluster's deploys take: a pod is scheduled, started
// and probed once a second, so its start and the rollback get 60 s.
func Slower(doc string) string {
	doc = strings.ReplaceAll(doc, "      health: /version\n", "      health: /version\n      start_timeout: 60s\n")
	return strings.ReplaceAll(doc, "  timeout: 10s\n", "  timeout: 60s\n")
}
