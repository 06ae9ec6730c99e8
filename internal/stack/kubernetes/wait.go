package kubernetes

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/drillhq/drill/internal/stack/docker"
)

// waitRollout waits until the Deployment name runs its template's ReplicaSet with every
// replica ready and every pod of an older one deleted or being deleted (stopping: the
// Service no longer sends to it), and returns that ReplicaSet's pod-template-hash.
// hooks say how it goes. A pod of the new ReplicaSet that cannot start ends the wait
// early, with its reason.
func (st *k8sStack) waitRollout(ctx context.Context, name string, timeout time.Duration, hooks rolloutHooks) (string, error) {
	oldGone := hooks.oldGone
	var (
		hash string
		last string
	)
	err := poll(ctx, timeout, func(ctx context.Context) (bool, error) {
		d, err := st.r.cs.AppsV1().Deployments(st.ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, fmt.Errorf("read deployment %s: %w", name, err)
		}
		want := int32(1)
		if d.Spec.Replicas != nil {
			want = *d.Spec.Replicas
		}
		rs, err := st.currentReplicaSet(ctx, d)
		if err != nil || rs == nil {
			last = "no ReplicaSet of the current template yet"
			return false, err
		}
		hash = rs.Labels[labelHash]
		pods, err := st.r.cs.CoreV1().Pods(st.ns).List(ctx, metav1.ListOptions{LabelSelector: labels.SelectorFromSet(d.Spec.Selector.MatchLabels).String()})
		if err != nil {
			return false, fmt.Errorf("list pods of %s: %w", name, err)
		}
		var ready, old, live int32
		ips := map[string]bool{}
		for _, p := range pods.Items {
			if p.Labels[labelHash] != hash {
				old++
				if p.DeletionTimestamp == nil {
					live++
				}
				continue
			}
			if p.DeletionTimestamp == nil && podReady(&p) {
				ready++
				ips[p.Status.PodIP] = true
			}
			if why := podFailing(&p); why != "" {
				return false, fmt.Errorf("pod %s of %s: %s", p.Name, name, why)
			}
		}
		if old == 0 && oldGone != nil {
			oldGone()
			oldGone = nil
		}
		if ready > 0 && hooks.newReady != nil {
			hooks.newReady(ctx, ips)
		}
		last = fmt.Sprintf("%d of %d pods of the new release ready, %d older pods running", ready, want, live)
		return d.Status.ObservedGeneration >= d.Generation && ready == want && live == 0 && (hooks.oldGone == nil || old == 0), nil
	})
	if err != nil {
		return "", fmt.Errorf("roll out %s (%s): %w", name, last, err)
	}
	return hash, nil
}

// currentReplicaSet is the ReplicaSet of d's current revision (nil when the controller has
// not made it yet).
func (st *k8sStack) currentReplicaSet(ctx context.Context, d *appsv1.Deployment) (*appsv1.ReplicaSet, error) {
	rev := d.Annotations[annotationRevision]
	if rev == "" || d.Status.ObservedGeneration < d.Generation {
		return nil, nil
	}
	sets, err := st.replicaSets(ctx, d)
	if err != nil {
		return nil, err
	}
	for i := range sets {
		if sets[i].Annotations[annotationRevision] == rev {
			return &sets[i], nil
		}
	}
	return nil, nil
}

// replicaSets are the ReplicaSets d owns.
func (st *k8sStack) replicaSets(ctx context.Context, d *appsv1.Deployment) ([]appsv1.ReplicaSet, error) {
	list, err := st.r.cs.AppsV1().ReplicaSets(st.ns).List(ctx, metav1.ListOptions{LabelSelector: labels.SelectorFromSet(d.Spec.Selector.MatchLabels).String()})
	if err != nil {
		return nil, fmt.Errorf("list replica sets of %s: %w", d.Name, err)
	}
	var out []appsv1.ReplicaSet
	for _, rs := range list.Items {
		for _, o := range rs.OwnerReferences {
			if o.UID == d.UID {
				out = append(out, rs)
			}
		}
	}
	return out, nil
}

func podReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// podFailing says why a pod cannot become ready by itself (an image the node lacks, a
// container that keeps crashing), or "".
func podFailing(p *corev1.Pod) string {
	for _, c := range p.Status.ContainerStatuses {
		if w := c.State.Waiting; w != nil {
			switch w.Reason {
			case "ErrImageNeverPull", "ErrImagePull", "ImagePullBackOff", "InvalidImageName", "CreateContainerConfigError", "CreateContainerError":
				return w.Reason + ": " + w.Message
			case "CrashLoopBackOff":
				if c.RestartCount >= 3 {
					return fmt.Sprintf("%s after %d restarts", w.Reason, c.RestartCount)
				}
			}
		}
	}
	return ""
}

// waitServed waits until the service's Service sends to the pods matching selector only
// (every ready endpoint is one of them, and there is one), the node's kube-proxy has
// programmed what it learnt since the change began (since), and the ClusterIP answers
// the service's check: a rollout's end comes before the Service's endpoints follow it,
// and kube-proxy follows them up to a second later (its minimum sync period), while a
// blue-green flip's old colour answers as well as the new one. live, when not nil, is
// called once kube-proxy is seen sending to any of the new pods: the release takes
// traffic from then on.
func (s *k8sService) waitServed(ctx context.Context, selector map[string]string, since time.Time, timeout time.Duration, live func()) error {
	cs := s.st.r.cs
	sel := labels.SelectorFromSet(selector).String()
	var (
		last string
		ips  map[string]bool // the new pods' addresses
	)
	err := poll(ctx, timeout, func(ctx context.Context) (bool, error) {
		pods, err := cs.CoreV1().Pods(s.st.ns).List(ctx, metav1.ListOptions{LabelSelector: sel})
		if err != nil {
			return false, fmt.Errorf("list pods of %s: %w", s.spec.Name, err)
		}
		want := map[string]bool{}
		ips = map[string]bool{}
		for _, p := range pods.Items {
			want[p.Name] = true
			if p.Status.PodIP != "" {
				ips[p.Status.PodIP] = true
			}
		}
		slices, err := cs.DiscoveryV1().EndpointSlices(s.st.ns).List(ctx, metav1.ListOptions{LabelSelector: discoveryv1.LabelServiceName + "=" + s.name})
		if err != nil {
			return false, fmt.Errorf("list endpoints of %s: %w", s.spec.Name, err)
		}
		mine, others := 0, 0
		for _, sl := range slices.Items {
			for _, ep := range sl.Endpoints {
				if ep.Conditions.Ready == nil || !*ep.Conditions.Ready || ep.TargetRef == nil {
					continue
				}
				if want[ep.TargetRef.Name] {
					mine++
				} else {
					others++
				}
			}
		}
		last = fmt.Sprintf("%d endpoints of the new pods ready, %d others", mine, others)
		return mine > 0 && others == 0, nil
	})
	if err != nil {
		return fmt.Errorf("wait for the service %s to send to the new pods (%s): %w", s.spec.Name, last, err)
	}
	routed := func(ctx context.Context) (bool, error) {
		some, only, known := nftSends(ctx, s.st.ns, s.name, ips)
		if !known {
			return kubeProxySynced(ctx, since), nil
		}
		if some && live != nil {
			live()
		}
		return only, nil
	}
	if err := poll(ctx, timeout, routed); err != nil {
		return fmt.Errorf("wait for kube-proxy to send the service %s to the new pods: %w", s.spec.Name, err)
	}
	if err := s.waitAnswer(ctx, timeout); err != nil {
		return fmt.Errorf("wait for the service %s to answer at %s: %w", s.spec.Name, net.JoinHostPort(s.clusterIP, strconv.Itoa(s.spec.Port)), err)
	}
	return nil
}

// waitAnswer waits until the service answers at its ClusterIP: its HTTP check when that is
// on the service port, else a TCP connection.
func (s *k8sService) waitAnswer(ctx context.Context, timeout time.Duration) error {
	addr := net.JoinHostPort(s.clusterIP, strconv.Itoa(s.spec.Port))
	r := s.spec.Readiness()
	if r.HTTP != nil && (r.HTTP.Port == 0 || r.HTTP.Port == s.spec.Port) {
		return waitHTTP(ctx, "http://"+addr+r.HTTP.Path, timeout)
	}
	d := net.Dialer{Timeout: time.Second}
	return poll(ctx, timeout, func(ctx context.Context) (bool, error) {
		c, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return false, nil
		}
		c.Close()
		return true, nil
	})
}

// terminatingTimeout bounds how long Kill waits for the kubelet to take up a pod's
// deletion (measured on the test cluster: about half a second, its status cadence).
const terminatingTimeout = 10 * time.Second

// waitTerminating waits until the kubelet has taken up the deletion of each named pod:
// its status reports the generation the deletion set (status.observedGeneration), or,
// where the cluster does not report that, the pod is no longer Ready. Only then is a
// container that dies in it left dead: a kubelet that has not seen the deletion yet
// restarts it (restartPolicy Always), a start behind drill's back (seen on the test
// cluster in 3 of 7 runs of the lost-set accuracy spec, two kills each, when the SIGKILL
// followed the delete at once). A pod already gone counts.
func (st *k8sStack) waitTerminating(ctx context.Context, names []string, timeout time.Duration) error {
	pods := st.r.cs.CoreV1().Pods(st.ns)
	for _, name := range names {
		err := poll(ctx, timeout, func(ctx context.Context) (bool, error) {
			p, err := pods.Get(ctx, name, metav1.GetOptions{})
			if apierrors.IsNotFound(err) {
				return true, nil
			}
			if err != nil {
				return false, fmt.Errorf("read pod %s: %w", name, err)
			}
			if p.Status.ObservedGeneration > 0 {
				return p.Status.ObservedGeneration >= p.Generation, nil
			}
			for _, c := range p.Status.Conditions {
				if c.Type == corev1.PodReady {
					return c.Status != corev1.ConditionTrue, nil
				}
			}
			return false, nil
		})
		if err != nil {
			return fmt.Errorf("wait for the kubelet to take up the deletion of pod %s: %w", name, err)
		}
	}
	return nil
}

// waitGone waits until no pod matching the label selector is left.
func (st *k8sStack) waitGone(ctx context.Context, sel string, timeout time.Duration) error {
	return poll(ctx, timeout, func(ctx context.Context) (bool, error) {
		pods, err := st.r.cs.CoreV1().Pods(st.ns).List(ctx, metav1.ListOptions{LabelSelector: sel})
		if err != nil {
			return false, fmt.Errorf("list pods: %w", err)
		}
		return len(pods.Items) == 0, nil
	})
}

// selectorOf is the pod selector of one colour of service name.
func selectorOf(name, colour string) map[string]string {
	return map[string]string{docker.LabelService: name, labelColour: colour}
}

// selectorString is a label selector matching every label of set.
func selectorString(set map[string]string) string {
	return labels.SelectorFromSet(set).String()
}

// kubeProxyMetrics is kube-proxy's metrics endpoint on the node drill runs on, when it
// runs on one (a local cluster such as the project's own).
const kubeProxyMetrics = "http://127.0.0.1:10249/metrics"

// kubeProxySynced reports whether the node's kube-proxy has received a change since
// (its IPv4 last queued sync) and programmed everything it received (its last sync is
// no older). Where no kube-proxy answers on loopback (drill runs on no node) there is
// nothing to wait for. A change kube-proxy has not received at all yet cannot be seen
// here: the EndpointSlices checked before bound that window to its watch's delay.
func kubeProxySynced(ctx context.Context, since time.Time) bool {
	ctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, kubeProxyMetrics, nil)
	if err != nil {
		return true
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return true
	}
	defer resp.Body.Close()
	queued, synced := -1.0, -1.0
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		name, value, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil {
			continue
		}
		switch name {
		case `kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds{ip_family="IPv4"}`:
			queued = v
		case `kubeproxy_sync_proxy_rules_last_timestamp_seconds{ip_family="IPv4"}`:
			synced = v
		}
	}
	if queued < 0 || synced < 0 {
		return true // not a kube-proxy we can read
	}
	at := float64(since.UnixNano()) / 1e9
	return queued >= at && synced >= queued
}

// endpointIPRE finds a pod address in a kube-proxy nftables service chain: a lone
// endpoint's "dnat to IP:port", several endpoints' "numgen random mod N map { 0 : IP .
// port, ... }", or older endpoint chains' names ("...__IP/port").
var endpointIPRE = regexp.MustCompile(`__(\d+\.\d+\.\d+\.\d+)/\d+|(\d+\.\d+\.\d+\.\d+)(?::\d+| \. \d+)`)

// nftSends reports whether the node's kube-proxy (nftables mode, this host: a local
// cluster, drill as root) sends the Service ns/name to any address in want (the new
// release takes traffic) and to those only, from its rules themselves; known is false
// where they cannot be read here.
func nftSends(ctx context.Context, ns, name string, want map[string]bool) (some, only, known bool) {
	ips, known := nftEndpoints(ctx, ns, name)
	only = len(ips) > 0
	for _, ip := range ips {
		some = some || want[ip]
		only = only && want[ip]
	}
	return some, only, known
}

// nftEndpoints are the pod addresses kube-proxy's nftables rules send the Service ns/name
// to; known is false where the rules cannot be read here.
func nftEndpoints(ctx context.Context, ns, name string) (ips []string, known bool) {
	out, err := exec.CommandContext(ctx, "nft", "list", "table", "ip", "kube-proxy").Output()
	if err != nil {
		return nil, false
	}
	return chainEndpoints(string(out), ns, name), true
}

// chainEndpoints are the pod addresses in the service chains of ns/name in table, the
// text of nft list table ip kube-proxy.
func chainEndpoints(table, ns, name string) (ips []string) {
	marker := "-" + ns + "/" + name + "/tcp/"
	in := false
	for _, line := range strings.Split(table, "\n") {
		t := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(t, "chain service-") && strings.Contains(t, marker):
			in = true
			continue
		case in && t == "}":
			in = false
			continue
		case !in:
			continue
		}
		for _, m := range endpointIPRE.FindAllStringSubmatch(t, -1) {
			ips = append(ips, m[1]+m[2])
		}
	}
	return ips
}

// rolloutHooks are told how a rollout goes, from waitRollout's polls.
type rolloutHooks struct {
	// oldGone is called once no pod of an older ReplicaSet is left at all.
	oldGone func()
	// newReady is called at each poll that finds pods of the new ReplicaSet ready, with
	// their addresses.
	newReady func(ctx context.Context, ips map[string]bool)
}
