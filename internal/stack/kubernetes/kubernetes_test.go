package kubernetes_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/drillhq/drill/fixtures/ledger/truth"

	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
	"github.com/drillhq/drill/internal/stack/docker"
	"github.com/drillhq/drill/internal/stack/kubernetes"
	"github.com/drillhq/drill/internal/stack/stacktest"
	"github.com/drillhq/drill/internal/testenv"
	"github.com/drillhq/drill/internal/testenv/kubeenv"
)

// setup skips without a cluster, builds the fixture binaries once for the container and
// returns a runtime.
func setup(ctx context.Context) *kubernetes.Runtime {
	GinkgoHelper()
	kubeenv.Available()
	dir, err := testenv.TempDir()
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(os.RemoveAll, dir)
	prev, had := os.LookupEnv("DRILL_FIXTURE_DIR")
	DeferCleanup(func() {
		if had {
			os.Setenv("DRILL_FIXTURE_DIR", prev)
		} else {
			os.Unsetenv("DRILL_FIXTURE_DIR")
		}
	})
	bctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	Expect(testenv.BuildFixtures(bctx, dir)).To(Succeed())
	return kubeenv.Runtime()
}

// namespaces lists the namespaces of the runtime's run.
func namespaces(ctx context.Context, rt *kubernetes.Runtime) []string {
	GinkgoHelper()
	list, err := rt.Client().CoreV1().Namespaces().List(ctx, metav1.ListOptions{LabelSelector: docker.LabelRun + "=" + rt.RunID()})
	Expect(err).NotTo(HaveOccurred())
	var names []string
	for _, ns := range list.Items {
		names = append(names, ns.Name)
	}
	return names
}

type namespaced interface{ Namespace() string }

func deployment(ctx context.Context, rt *kubernetes.Runtime, ns, name string) *appsv1.Deployment {
	GinkgoHelper()
	d, err := rt.Client().AppsV1().Deployments(ns).Get(ctx, name, metav1.GetOptions{})
	Expect(err).NotTo(HaveOccurred())
	return d
}

func post(ep, path, body string) int {
	GinkgoHelper()
	c := &http.Client{Timeout: 3 * time.Second}
	resp, err := c.Post("http://"+ep+path, "application/json", strings.NewReader(body))
	Expect(err).NotTo(HaveOccurred())
	resp.Body.Close()
	return resp.StatusCode
}

// podIPs are the addresses of the service's pods that are not stopping.
func podIPs(ctx context.Context, rt *kubernetes.Runtime, ns string) []string {
	GinkgoHelper()
	pods, err := rt.Client().CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: docker.LabelService + "=ledger"})
	Expect(err).NotTo(HaveOccurred())
	var ips []string
	for _, p := range pods.Items {
		if p.DeletionTimestamp == nil && p.Status.PodIP != "" {
			ips = append(ips, p.Status.PodIP)
		}
	}
	return ips
}

// podCount is how many pods of the service there are, stopping or not.
func podCount(ctx context.Context, rt *kubernetes.Runtime, ns string) int {
	GinkgoHelper()
	pods, err := rt.Client().CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: docker.LabelService + "=ledger"})
	Expect(err).NotTo(HaveOccurred())
	return len(pods.Items)
}

// anyPod reports whether a pod of the service with one of the addresses is left.
func anyPod(ctx context.Context, rt *kubernetes.Runtime, ns string, ips []string) bool {
	GinkgoHelper()
	pods, err := rt.Client().CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: docker.LabelService + "=ledger"})
	Expect(err).NotTo(HaveOccurred())
	for _, p := range pods.Items {
		if slices.Contains(ips, p.Status.PodIP) {
			return true
		}
	}
	return false
}

// clients GETs path through ep every 10 ms on a fresh connection and on a kept-alive
// one (Go's transport, as drill's probes and most clients), until stop, and returns
// the requests that failed.
func clients(ep, path string) (stop func() []string) {
	var (
		mu     sync.Mutex
		failed []string
		wg     sync.WaitGroup
	)
	done := make(chan struct{})
	run := func(name string, c *http.Client) {
		defer wg.Done()
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			at := time.Now()
			resp, err := c.Get("http://" + ep + path)
			if err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					err = fmt.Errorf("status %d", resp.StatusCode)
				}
			}
			if err != nil {
				mu.Lock()
				failed = append(failed, fmt.Sprintf("%s %s: %v", at.Format("15:04:05.000"), name, err))
				mu.Unlock()
			}
		}
	}
	wg.Add(2)
	go run("fresh", &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}})
	go run("kept-alive", &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{}})
	return func() []string {
		close(done)
		wg.Wait()
		return failed
	}
}

// routedUntil watches kube-proxy's rules for the Service ns/ledger until stop, and
// returns the last time they sent it to any of ips.
func routedUntil(ns string, ips []string) (stop func() time.Time) {
	GinkgoHelper()
	_, known := kubernetes.NftEndpoints(context.Background(), ns, "ledger")
	if !known {
		Skip("kube-proxy's nftables rules cannot be read here (nft, as root, on the node)")
	}
	var last time.Time
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		for {
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
			}
			eps, _ := kubernetes.NftEndpoints(context.Background(), ns, "ledger")
			for _, ip := range eps {
				if slices.Contains(ips, ip) {
					last = time.Now()
				}
			}
		}
	}()
	return func() time.Time {
		close(done)
		<-finished
		return last
	}
}

var _ = Describe("Kubernetes runtime", Ordered, Label("kubernetes"), func() {
	var (
		rt      *kubernetes.Runtime
		st      stack.Stack
		svc     stack.Service
		ns      string
		dataDir string
	)

	BeforeAll(func(ctx SpecContext) {
		rt = setup(ctx)
		spec := stacktest.LedgerStack()
		Expect(rt.Prepare(ctx, spec)).To(Succeed())
		dataDir = GinkgoT().TempDir()
		var err error
		st, err = rt.Up(ctx, spec, stack.WithDataDir(dataDir),
			stack.WithLabels(map[string]string{"dev.drill.scenario": "unit test", "dev.drill.trial": "1"}))
		if st != nil {
			DeferCleanup(func(ctx SpecContext) { Expect(st.Down(ctx)).To(Succeed()) }, NodeTimeout(2*time.Minute))
		}
		Expect(err).NotTo(HaveOccurred())
		svc, err = st.Service("ledger")
		Expect(err).NotTo(HaveOccurred())
		ns = st.(namespaced).Namespace()
	}, NodeTimeout(5*time.Minute))

	It("starts the stack in a namespace of its own, labelled with drill's run labels", func(ctx SpecContext) {
		Expect(namespaces(ctx, rt)).To(ConsistOf(ns))
		n, err := rt.Client().CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred())
		Expect(n.Labels).To(HaveKeyWithValue(docker.LabelDrill, "true"))
		Expect(n.Labels).To(HaveKeyWithValue(docker.LabelPID, strconv.Itoa(os.Getpid())))
		Expect(n.Labels).To(HaveKeyWithValue("dev.drill.trial", "1"))
		Expect(n.Annotations).To(HaveKeyWithValue("dev.drill.scenario", "unit test"), "a value no label takes goes to an annotation")
		d := deployment(ctx, rt, ns, "ledger")
		Expect(d.Spec.Strategy.Type).To(Equal(appsv1.RollingUpdateDeploymentStrategyType))
		Expect(d.Spec.Strategy.RollingUpdate.MaxUnavailable.IntValue()).To(Equal(0))
		Expect(d.Spec.Strategy.RollingUpdate.MaxSurge.IntValue()).To(Equal(1))
		ctr := d.Spec.Template.Spec.Containers[0]
		Expect(ctr.ReadinessProbe.HTTPGet.Path).To(Equal("/healthz"))
		Expect(ctr.ImagePullPolicy).To(Equal(corev1.PullNever))
		var env []string
		for _, e := range ctr.Env {
			env = append(env, e.Name+"="+e.Value)
		}
		Expect(env).To(ContainElement(MatchRegexp(`^DRILL_ENDPOINT_LEDGER=10\.\d+\.\d+\.\d+:8080$`)))
		Expect(env).To(ContainElement(MatchRegexp(`^DRILL_PROXY_LEDGER_DB=10\.\d+\.\d+\.\d+:\d+$`)))
	})

	It("reaches the service through its front proxy at the proxy's ClusterIP, no port-forward", func() {
		Expect(stacktest.Healthy(svc.Endpoint())()).To(Succeed())
		Expect(stacktest.Release(svc.Endpoint())).To(Equal("v1"))
		proxies, err := st.Toxiproxy().Proxies()
		Expect(err).NotTo(HaveOccurred())
		Expect(proxies).To(HaveKey("ledger"))
		Expect(proxies).To(HaveKey("ledger-db"))
		Expect(proxies["ledger-db"].Upstream).To(Equal(proxies["ledger"].Upstream), "both forward to the service's switch, which forwards to its ClusterIP")
		Expect(proxies["ledger"].Upstream).To(MatchRegexp(`^127\.0\.0\.1:\d+$`))
	})

	It("deploys v2 by a rolling update and goes back to v1 by putting v1's ReplicaSet template back (rollout undo), keeping the data", func(ctx SpecContext) {
		Expect(post(svc.Endpoint(), "/accounts", `{"id":"keep","balance":42}`)).To(Equal(http.StatusCreated))
		var steps []string
		Expect(svc.Deploy(ctx, "v2", stack.WithSteps(func(s stack.DeployStep, _ string) { steps = append(steps, string(s)) }))).To(Succeed())
		Expect(svc.Release()).To(Equal("v2"))
		Expect(stacktest.Release(svc.Endpoint())).To(Equal("v2"), "Deploy returns once the Service answers from the new release")
		Expect(steps).To(HaveExactElements(string(stack.StepReady), string(stack.StepSwitched)))
		first := deployment(ctx, rt, ns, "ledger")

		Expect(svc.Deploy(ctx, "v1")).To(Succeed())
		Expect(stacktest.Release(svc.Endpoint())).To(Equal("v1"))
		sets, err := rt.Client().AppsV1().ReplicaSets(ns).List(ctx, metav1.ListOptions{LabelSelector: docker.LabelService + "=ledger"})
		Expect(err).NotTo(HaveOccurred())
		Expect(sets.Items).To(HaveLen(2), "the undo reused v1's ReplicaSet instead of making a third")
		Expect(deployment(ctx, rt, ns, "ledger").Generation).To(BeNumerically(">", first.Generation))

		code, body, err := stacktest.Probe(svc.Endpoint(), "/accounts/keep")
		Expect(err).NotTo(HaveOccurred())
		Expect(code).To(Equal(http.StatusOK))
		Expect(body).To(ContainSubstring(`"balance":42`))
		Expect(svc.(stack.DataKeeper).DataDir()).To(Equal(filepath.Join(dataDir, "ledger")))
		Expect(filepath.Join(dataDir, "ledger", "wal.log")).To(BeARegularFile())
	}, NodeTimeout(3*time.Minute))

	It("SIGKILLs the service's container, leaves it down until revived, and keeps the acknowledged data", func(ctx SpecContext) {
		// The previous release's pod, draining, would answer in its stead: kube-proxy
		// falls back to a terminating pod that still serves when no pod is ready.
		Eventually(func() int { return podCount(ctx, rt, ns) }).WithTimeout(30 * time.Second).Should(Equal(1))
		Expect(post(svc.Endpoint(), "/accounts", `{"id":"after-kill","balance":7}`)).To(Equal(http.StatusCreated))
		marked := false
		Expect(svc.(stack.Controller).Kill(stack.WithEffect(ctx, func() { marked = true }))).To(Succeed())
		Expect(marked).To(BeTrue())
		Eventually(stacktest.Healthy(svc.Endpoint())).WithTimeout(10 * time.Second).Should(HaveOccurred())
		Consistently(stacktest.Healthy(svc.Endpoint())).WithTimeout(3*time.Second).Should(HaveOccurred(), "nothing replaces the killed pod on its own")

		Expect(svc.(stack.Reviver).Revive(ctx)).To(Succeed())
		Expect(stacktest.Healthy(svc.Endpoint())()).To(Succeed())
		code, body, err := stacktest.Probe(svc.Endpoint(), "/accounts/after-kill")
		Expect(err).NotTo(HaveOccurred())
		Expect(code).To(Equal(http.StatusOK))
		Expect(body).To(ContainSubstring(`"balance":7`))
	}, NodeTimeout(3*time.Minute))

	It("keeps a leaving pod serving until kube-proxy no longer sends to it: a start-first deploy fails no request, fresh or kept alive", func(ctx SpecContext) {
		for _, rel := range []string{"v2", "v1"} {
			old := podIPs(ctx, rt, ns)
			Expect(old).NotTo(BeEmpty())
			began := time.Now()
			stopClients := clients(svc.Endpoint(), "/healthz")
			stopWatch := routedUntil(ns, old)
			Expect(svc.Deploy(ctx, rel)).To(Succeed())
			Eventually(func() bool { return anyPod(ctx, rt, ns, old) }).WithTimeout(30 * time.Second).Should(BeFalse())
			failed := stopClients()
			lastRouted := stopWatch()
			Expect(failed).To(BeEmpty(), "deploy of %s: requests that failed", rel)
			// The old release's own record: it got SIGTERM (and closed its kept-alive
			// connections) only once kube-proxy sent nothing new to it.
			events, err := truth.Read(filepath.Join(dataDir, "ledger", "truth.jsonl"))
			Expect(err).NotTo(HaveOccurred())
			var stops []truth.Event
			for _, e := range events {
				if e.Ev == truth.Stopping && e.T > began.UnixNano() {
					stops = append(stops, e)
				}
			}
			Expect(stops).To(HaveLen(1), "deploy of %s: the old release stopped once", rel)
			Expect(lastRouted.IsZero()).To(BeFalse(), "the watch saw kube-proxy send to the old pod before the deploy")
			Expect(time.Unix(0, stops[0].T)).To(BeTemporally(">", lastRouted), "deploy of %s: SIGTERM after kube-proxy's last rule for the old pod", rel)
		}
	}, NodeTimeout(3*time.Minute))

	It("aborts a rolling update whose context ends once the new pod is ready, and returns when the Service sends to the previous release alone", func(ctx SpecContext) {
		Expect(svc.Release()).To(Equal("v1"))
		actx, cancel := context.WithCancel(ctx)
		defer cancel()
		err := svc.Deploy(actx, "v2", stack.WithSteps(func(s stack.DeployStep, _ string) {
			if s == stack.StepReady {
				cancel()
			}
		}))
		Expect(err).To(MatchError(context.Canceled))
		Expect(svc.Release()).To(Equal("v1"))
		for range 20 {
			Expect(stacktest.Release(svc.Endpoint())).To(Equal("v1"), "every new connection reaches v1 once the abort returned")
		}
		Expect(podIPs(ctx, rt, ns)).To(HaveLen(1), "v2's pod is stopping")
		Expect(deployment(ctx, rt, ns, "ledger").Spec.Template.Annotations).To(HaveKeyWithValue("dev.drill/release", "v1"))
	}, NodeTimeout(3*time.Minute))

	It("restarts the service by a rollout restart", func(ctx SpecContext) {
		before := deployment(ctx, rt, ns, "ledger").Generation
		Expect(svc.(stack.Controller).Restart(ctx)).To(Succeed())
		Expect(stacktest.Healthy(svc.Endpoint())()).To(Succeed())
		Expect(deployment(ctx, rt, ns, "ledger").Generation).To(BeNumerically(">", before))
	}, NodeTimeout(3*time.Minute))

	It("deploys blue-green: v2 on the other colour, the Service's selector flips, and flips back, moving kept-alive clients too", func(ctx SpecContext) {
		// A client that keeps its connection alive, as drill's probes do: the Service
		// alone would leave it on the old colour for good.
		alive := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{}}
		release := func() string {
			resp, err := alive.Get("http://" + svc.Endpoint() + "/version")
			if err != nil {
				return err.Error()
			}
			defer resp.Body.Close()
			var v struct {
				Release string `json:"release"`
			}
			_ = json.NewDecoder(resp.Body).Decode(&v)
			return v.Release
		}
		Expect(release()).To(Equal("v1"))
		Expect(svc.Deploy(ctx, "v2", stack.WithStrategy(scenario.StrategyBlueGreen))).To(Succeed())
		Expect(stacktest.Release(svc.Endpoint())).To(Equal("v2"))
		Eventually(release).WithTimeout(time.Second).Should(Equal("v2"), "the kept-alive client reaches the new colour")
		green := deployment(ctx, rt, ns, "ledger-green")
		Expect(*green.Spec.Replicas).To(Equal(int32(1)))
		Expect(*deployment(ctx, rt, ns, "ledger").Spec.Replicas).To(Equal(int32(1)), "the previous colour stands by")

		Expect(svc.(stack.Flipper).FlipBack(ctx)).To(Succeed())
		Expect(svc.Release()).To(Equal("v1"))
		Expect(stacktest.Release(svc.Endpoint())).To(Equal("v1"))
		Eventually(release).WithTimeout(time.Second).Should(Equal("v1"))
		Eventually(func() int32 { return *deployment(ctx, rt, ns, "ledger-green").Spec.Replicas }).Should(Equal(int32(0)))
		Expect(svc.(stack.Flipper).FlipBack(ctx)).To(MatchError(ContainSubstring("no previous release")))
	}, NodeTimeout(3*time.Minute))

	It("stops the service, leaving it stopped", func(ctx SpecContext) {
		Expect(svc.(stack.Stopper).Stop(ctx)).To(Succeed())
		Expect(stacktest.Healthy(svc.Endpoint())()).To(HaveOccurred())
		Expect(svc.(stack.Reviver).Revive(ctx)).To(Succeed())
		Expect(stacktest.Healthy(svc.Endpoint())()).To(Succeed())
	}, NodeTimeout(3*time.Minute))

	It("is healthy while the apiserver answers and its node is Ready, and says which cluster it lost once not (the trial is then an error)", func(ctx SpecContext) {
		Expect(st.(stack.Healthier).Healthy(ctx)).To(Succeed())
		err := kubernetes.Unreachable(st).Healthy(ctx)
		Expect(err).To(MatchError(ContainSubstring("ask apiserver https://127.0.0.1:1 /readyz")))
	}, NodeTimeout(time.Minute))

	It("reports a namespace that outlives Down's bound, saying what holds it", func(ctx SpecContext) {
		const hold = "dev.drill/spec-hold"
		cms := rt.Client().CoreV1().ConfigMaps(ns)
		_, err := cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "held", Finalizers: []string{hold}}}, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func(ctx SpecContext) {
			_, err := cms.Patch(ctx, "held", types.MergePatchType, []byte(`{"metadata":{"finalizers":null}}`), metav1.PatchOptions{})
			Expect(err).NotTo(HaveOccurred())
		})
		restore := kubernetes.SetDownBound(15 * time.Second)
		defer restore()
		start := time.Now()
		err = st.Down(ctx)
		Expect(time.Since(start)).To(BeNumerically("<", 20*time.Second))
		Expect(err).To(MatchError(And(ContainSubstring("namespace "+ns+": still there after"), ContainSubstring(hold))))
	}, NodeTimeout(time.Minute))

	It("deletes the namespace at Down and waits until it is gone; a second Down is fine", func(ctx SpecContext) {
		Expect(st.Down(ctx)).To(Succeed())
		_, err := rt.Client().CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
		Expect(apierrors.IsNotFound(err)).To(BeTrue(), "namespace %s gone: %v", ns, err)
		pvs, err := rt.Client().CoreV1().PersistentVolumes().List(ctx, metav1.ListOptions{LabelSelector: docker.LabelRun + "=" + rt.RunID()})
		Expect(err).NotTo(HaveOccurred())
		Expect(pvs.Items).To(BeEmpty())
		Expect(st.Down(ctx)).To(Succeed())
	}, NodeTimeout(3*time.Minute))
})

var _ = Describe("Kubernetes cleanup", Label("kubernetes"), func() {
	It("deletes the namespaces of a dead drill process, and leaves a live one's", func(ctx SpecContext) {
		rt := kubeenv.Runtime()
		host, err := os.Hostname()
		Expect(err).NotTo(HaveOccurred())
		mk := func(name string, pid int) {
			ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{
				docker.LabelDrill: "true", docker.LabelRun: rt.RunID(), docker.LabelPID: strconv.Itoa(pid), docker.LabelHost: host}}}
			_, err := rt.Client().CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{})
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(func(ctx SpecContext) {
				_ = rt.Client().CoreV1().Namespaces().Delete(ctx, name, metav1.DeleteOptions{})
			})
		}
		dead := "drill-" + rt.RunID() + "-dead"
		live := "drill-" + rt.RunID() + "-live"
		mk(dead, stacktest.DeadPID())
		mk(live, os.Getppid())
		removed, err := kubernetes.Clean(ctx, stack.CleanRun(rt.RunID()))
		Expect(err).NotTo(HaveOccurred())
		Expect(removed.Namespaces).To(Equal([]string{dead}))
		Expect(namespaces(ctx, rt)).To(Equal([]string{live}))
	}, NodeTimeout(2*time.Minute))

	It("deletes what a drill in a pod made once the pod is gone, wherever it runs, and leaves a running pod's", func(ctx SpecContext) {
		rt := kubeenv.Runtime()
		cs := rt.Client()
		// A running pod, as the CronJob's drill pod is while it runs: the cluster's own pause image.
		nodes, err := cs.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
		Expect(err).NotTo(HaveOccurred())
		pause := ""
		for _, img := range nodes.Items[0].Status.Images {
			for _, n := range img.Names {
				if strings.HasPrefix(n, "docker.io/drill-k8s/pause:") {
					pause = n
				}
			}
		}
		Expect(pause).NotTo(BeEmpty(), "the test cluster's pause image")
		podNS := "pods-" + rt.RunID()
		_, err = cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: podNS}}, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func(ctx SpecContext) { _ = cs.CoreV1().Namespaces().Delete(ctx, podNS, metav1.DeleteOptions{}) })
		pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "drill-job-alive"}, Spec: corev1.PodSpec{
			Containers: []corev1.Container{{Name: "drill", Image: pause, ImagePullPolicy: corev1.PullNever}}}}
		_, err = cs.CoreV1().Pods(podNS).Create(ctx, pod, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		Eventually(func() corev1.PodPhase {
			p, err := cs.CoreV1().Pods(podNS).Get(ctx, pod.Name, metav1.GetOptions{})
			Expect(err).NotTo(HaveOccurred())
			return p.Status.Phase
		}).WithTimeout(time.Minute).Should(Equal(corev1.PodRunning))

		// Namespaces as drills in pods label them: the host label is the pod's name, and
		// the pid (1 in a container) means nothing on this host.
		mk := func(name, podName string) {
			ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{
				docker.LabelDrill: "true", docker.LabelRun: rt.RunID(), docker.LabelPID: "1", docker.LabelHost: podName,
				"dev.drill.pod-namespace": podNS}}}
			_, err := cs.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{})
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(func(ctx SpecContext) { _ = cs.CoreV1().Namespaces().Delete(ctx, name, metav1.DeleteOptions{}) })
		}
		gone := "drill-" + rt.RunID() + "-podgone"
		alive := "drill-" + rt.RunID() + "-podalive"
		mk(gone, "drill-job-gone")
		mk(alive, pod.Name)
		removed, err := kubernetes.Clean(ctx, stack.CleanRun(rt.RunID()))
		Expect(err).NotTo(HaveOccurred())
		Expect(removed.Namespaces).To(Equal([]string{gone}))
		Expect(namespaces(ctx, rt)).To(Equal([]string{alive}))
	}, NodeTimeout(3*time.Minute))
})
