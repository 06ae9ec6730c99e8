package kubernetes

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	toxiclient "github.com/Shopify/toxiproxy/v2/client"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes"

	"github.com/drillhq/drill/internal/front"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
	"github.com/drillhq/drill/internal/stack/docker"
)

// k8sStack is one stack: a namespace of its own holding a Deployment and a Service per
// service, and the Toxiproxy Deployment and Service in front of them.
type k8sStack struct {
	r           *Runtime
	id          string
	ns          string
	labels      map[string]string
	annotations map[string]string
	im          images
	cfg         stack.UpConfig

	toxiClient *toxiclient.Client
	front      *front.Client // the switches in the Toxiproxy pod
	toxiIP     string
	services   map[string]*k8sService
	order      []*k8sService
	proxies    map[string]int // proxy name (a service's front proxy or a scenario proxy) → port
	env        map[string]string
	vars       map[string]string

	// life ends at Down: what runs in the background for the stack (drains) stops.
	life context.Context
	halt context.CancelFunc

	downMu sync.Mutex
}

var _ stack.Stack = (*k8sStack)(nil)

// Up implements stack.Runtime: it makes the stack's namespace, the Services (so every
// ClusterIP is known before any pod starts), the Toxiproxy Deployment and its proxies,
// each service's data claim, then deploys every service's release. On error the
// half-built stack is returned for Down.
func (r *Runtime) Up(ctx context.Context, spec scenario.Stack, opts ...stack.UpOption) (stack.Stack, error) {
	cfg := stack.NewUpConfig(opts...)
	seq := r.seq.Add(1)
	id := r.runID + "-" + strconv.FormatInt(seq, 10)
	st := &k8sStack{r: r, id: id, ns: r.prefix + "-" + id, cfg: cfg, services: map[string]*k8sService{}, proxies: map[string]int{}}
	st.life, st.halt = context.WithCancel(context.Background())
	st.labels, st.annotations = stackLabels(r, id, cfg.Labels)
	if err := st.up(ctx, spec); err != nil {
		return st, fmt.Errorf("start kubernetes stack %s: %w", st.ns, err)
	}
	return st, nil
}

func (st *k8sStack) up(ctx context.Context, spec scenario.Stack) error {
	im, err := st.r.imagesFor(ctx, spec)
	if err != nil {
		return err
	}
	st.im = im
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: st.ns, Labels: st.labels, Annotations: st.annotations}}
	if _, err := st.r.cs.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("create namespace: %w", err)
	}
	services, err := scenario.StartOrder(spec.Services)
	if err != nil {
		return err
	}
	names := map[string]string{}
	for i, svc := range services {
		s := &k8sService{st: st, spec: svc, name: objectName(svc.Name), replicas: 1, active: colourBlue}
		if other, dup := names[s.name]; dup {
			return fmt.Errorf("services %s and %s have the same object name %s: rename one", other, svc.Name, s.name)
		}
		names[s.name] = svc.Name
		st.services[svc.Name] = s
		st.order = append(st.order, s)
		st.proxies[svc.Name] = proxyPortBase + i
	}
	for i, p := range spec.Proxies {
		if _, dup := st.proxies[p.Name]; dup {
			return fmt.Errorf("proxy %q clashes with a service or another proxy", p.Name)
		}
		st.proxies[p.Name] = proxyPortBase + len(services) + i
	}
	if err := st.makeServices(ctx); err != nil {
		return err
	}
	if err := st.makeClaims(ctx); err != nil {
		return err
	}
	if len(spec.Proxies) > 0 {
		// A service may reach another through a scenario proxy from its first moment:
		// the proxies exist before any service starts.
		if err := st.startProxy(ctx, spec); err != nil {
			return err
		}
		return st.startAll(ctx)
	}
	// No service reaches another through the Toxiproxy (only drill's probes and
	// workload go through its front proxies, and only once Up returned), so the proxy's
	// pod and the services' pods start at once: one pod start's wait, not two.
	var proxyErr error
	var wg sync.WaitGroup
	wg.Go(func() { proxyErr = st.startProxy(ctx, spec) })
	err = st.startAll(ctx)
	wg.Wait()
	return errors.Join(proxyErr, err)
}

// imagesFor is what Prepare resolved, or (a stack started without Prepare) resolves now.
func (r *Runtime) imagesFor(ctx context.Context, spec scenario.Stack) (images, error) {
	r.imagesMu.Lock()
	im := r.images
	r.imagesMu.Unlock()
	complete := im.Toxiproxy != ""
	for _, svc := range spec.Services {
		for _, rel := range svc.Releases {
			if _, err := im.Image(svc.Name, rel.Name); err != nil {
				complete = false
			}
		}
	}
	if complete {
		return im, nil
	}
	if err := r.Prepare(ctx, spec); err != nil {
		return images{}, err
	}
	r.imagesMu.Lock()
	defer r.imagesMu.Unlock()
	return r.images, nil
}

// meta is the ObjectMeta of an object of the stack named name.
func (st *k8sStack) meta(name string, kv ...string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Namespace: st.ns, Labels: with(st.labels, kv...)}
}

// makeServices creates every service's Service (selecting its blue Deployment's pods) and
// the Toxiproxy's, and sets the wiring: DRILL_ENDPOINT_<SERVICE> (its ClusterIP: direct,
// following its deploys, as a client in the cluster reaches it) and DRILL_PROXY_<NAME>.
func (st *k8sStack) makeServices(ctx context.Context) error {
	st.env, st.vars = map[string]string{}, map[string]string{}
	for _, s := range st.order {
		svc := &corev1.Service{
			ObjectMeta: st.meta(s.name, docker.LabelService, s.name),
			Spec: corev1.ServiceSpec{
				Selector: map[string]string{docker.LabelService: s.name, labelColour: colourBlue},
				Ports:    []corev1.ServicePort{{Name: "service", Port: int32(s.spec.Port), TargetPort: intstr.FromInt32(int32(s.spec.Port))}},
			},
		}
		made, err := st.r.cs.CoreV1().Services(st.ns).Create(ctx, svc, metav1.CreateOptions{})
		if err != nil {
			return fmt.Errorf("create service %s: %w", s.spec.Name, err)
		}
		s.clusterIP = made.Spec.ClusterIP
		direct := net.JoinHostPort(s.clusterIP, strconv.Itoa(s.spec.Port))
		st.env[stack.EnvName(stack.EndpointEnvPrefix, s.spec.Name)] = direct
		st.vars[stack.EnvName(stack.VarEndpointPrefix, s.spec.Name)] = direct
	}
	ports := []corev1.ServicePort{{Name: "api", Port: proxyAPIPort, TargetPort: intstr.FromInt32(proxyAPIPort)}}
	for _, port := range sortedPorts(st.proxies) {
		ports = append(ports, corev1.ServicePort{Name: "p" + strconv.Itoa(port), Port: int32(port), TargetPort: intstr.FromInt32(int32(port))})
	}
	svc := &corev1.Service{
		ObjectMeta: st.meta(proxyName, docker.LabelService, proxyName),
		Spec:       corev1.ServiceSpec{Selector: map[string]string{docker.LabelService: proxyName}, Ports: ports},
	}
	made, err := st.r.cs.CoreV1().Services(st.ns).Create(ctx, svc, metav1.CreateOptions{})
	if err != nil {
		return fmt.Errorf("create service %s: %w", proxyName, err)
	}
	st.toxiIP = made.Spec.ClusterIP
	for name, port := range st.proxies {
		if _, isService := st.services[name]; isService {
			continue
		}
		addr := net.JoinHostPort(st.toxiIP, strconv.Itoa(port))
		st.env[stack.EnvName(stack.ProxyEnvPrefix, name)] = addr
		st.vars[stack.EnvName(stack.VarProxyPrefix, name)] = addr
	}
	for _, s := range st.order {
		s.endpoint = net.JoinHostPort(st.toxiIP, strconv.Itoa(st.proxies[s.spec.Name]))
	}
	return nil
}

func sortedPorts(m map[string]int) []int {
	ports := make([]int, 0, len(m))
	for _, p := range m {
		ports = append(ports, p)
	}
	for i := range ports {
		for j := i + 1; j < len(ports); j++ {
			if ports[j] < ports[i] {
				ports[i], ports[j] = ports[j], ports[i]
			}
		}
	}
	return ports
}

// startProxy runs drill's proxy server (Toxiproxy's API) as a Deployment, waits until its
// API answers at its ClusterIP, and makes every service's front proxy (upstream: the
// service's ClusterIP) and the scenario's proxies.
func (st *k8sStack) startProxy(ctx context.Context, spec scenario.Stack) error {
	labels := map[string]string{docker.LabelService: proxyName}
	tmpl := corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: with(st.labels, docker.LabelService, proxyName)},
		Spec: corev1.PodSpec{
			TerminationGracePeriodSeconds: ptr(int64(1)),
			Containers: []corev1.Container{{
				Name:            proxyName,
				Image:           st.im.Toxiproxy,
				ImagePullPolicy: corev1.PullNever,
				Args:            []string{"-host=0.0.0.0", "-port=" + strconv.Itoa(proxyAPIPort)},
				ReadinessProbe: &corev1.Probe{
					ProbeHandler:  corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/version", Port: intstr.FromInt32(proxyAPIPort)}},
					PeriodSeconds: 1, TimeoutSeconds: 1, FailureThreshold: 3,
				},
			}},
		},
	}
	if err := st.createDeployment(ctx, proxyName, labels, tmpl, scenario.StrategyStartFirst, 1); err != nil {
		return fmt.Errorf("start toxiproxy: %w", err)
	}
	if _, err := st.waitRollout(ctx, proxyName, startTimeout, rolloutHooks{}); err != nil {
		return fmt.Errorf("start toxiproxy: %w", err)
	}
	api := "http://" + net.JoinHostPort(st.toxiIP, strconv.Itoa(proxyAPIPort))
	if err := waitHTTP(ctx, api+"/version", startTimeout); err != nil {
		return fmt.Errorf("start toxiproxy: its API at the ClusterIP (is the cluster's Service network routable from here?): %w", err)
	}
	st.toxiClient = toxiclient.NewClient(api)
	// Toxiproxy dials a proxy's upstream inside its accept loop, and a connection to a
	// ClusterIP whose pod just died can hang: conntrack pins its SYN retries to the dead
	// pod. So each proxy forwards to a switch of its service on the proxy pod's loopback
	// (package front), which dials every connection on its own, with a timeout; the
	// switch forwards to the service's ClusterIP, which follows its deploys.
	st.front = front.NewClient(api)
	for i, s := range st.order {
		s.switchAddr = "127.0.0.1:" + strconv.Itoa(switchPortBase+i)
		if _, err := st.front.Create(ctx, s.spec.Name, s.switchAddr, net.JoinHostPort(s.clusterIP, strconv.Itoa(s.spec.Port))); err != nil {
			return fmt.Errorf("create switch of %s: %w", s.spec.Name, err)
		}
	}
	create := func(name string, up *k8sService) error {
		listen := "0.0.0.0:" + strconv.Itoa(st.proxies[name])
		if _, err := st.toxiClient.CreateProxy(name, listen, up.switchAddr); err != nil {
			return fmt.Errorf("create proxy %s: %w", name, err)
		}
		return nil
	}
	for _, s := range st.order {
		if err := create(s.spec.Name, s); err != nil {
			return err
		}
	}
	for _, p := range spec.Proxies {
		up, ok := st.services[p.Upstream]
		if !ok {
			return fmt.Errorf("create proxy %s: unknown upstream service %q", p.Name, p.Upstream)
		}
		if err := create(p.Name, up); err != nil {
			return err
		}
	}
	return nil
}

// startAll deploys every service's release: one after the other in depends_on order when
// any service depends on another, else all at once.
func (st *k8sStack) startAll(ctx context.Context) error {
	specs := make([]scenario.Service, len(st.order))
	for i, s := range st.order {
		specs[i] = s.spec
	}
	return stack.DeployAll(ctx, st.order, specs)
}

// waitHTTP waits until GET url answers 2xx, within timeout.
func waitHTTP(ctx context.Context, url string, timeout time.Duration) error {
	c := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	return poll(ctx, timeout, func(ctx context.Context) (bool, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return false, err
		}
		resp, err := c.Do(req)
		if err != nil {
			return false, nil
		}
		resp.Body.Close()
		return resp.StatusCode/100 == 2, nil
	})
}

// poll calls cond every pollInterval until it returns true or an error, ctx ends, or
// timeout passes (an error saying what was last seen, when cond keeps one).
func poll(ctx context.Context, timeout time.Duration, cond func(context.Context) (bool, error)) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	t := time.NewTicker(pollInterval)
	defer t.Stop()
	for {
		ok, err := cond(ctx)
		switch {
		case err != nil:
			return err
		case ok:
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait %s: %w", timeout, ctx.Err())
		case <-t.C:
		}
	}
}

// Service implements stack.Stack.
func (st *k8sStack) Service(name string) (stack.Service, error) {
	s, ok := st.services[name]
	if !ok {
		return nil, fmt.Errorf("find service %q: not in the stack", name)
	}
	return s, nil
}

// Toxiproxy implements stack.Stack.
func (st *k8sStack) Toxiproxy() *toxiclient.Client { return st.toxiClient }

// Namespace is the stack's namespace.
func (st *k8sStack) Namespace() string { return st.ns }

// ProxyEndpoint is the ClusterIP:port where drill reaches the named proxy.
func (st *k8sStack) ProxyEndpoint(name string) (string, error) {
	port, ok := st.proxies[name]
	if !ok {
		return "", fmt.Errorf("find proxy %q: not in the stack", name)
	}
	return net.JoinHostPort(st.toxiIP, strconv.Itoa(port)), nil
}

// Down implements stack.Stack: it ends the stack's drains, keeps the pods' output (with
// an output dir), deletes the namespace and the stack's PersistentVolumes and waits
// until the namespace is gone, downTimeout at most: past it, the error says what the
// namespace still holds. It works after ctx is cancelled and is safe to call again.
func (st *k8sStack) Down(ctx context.Context) error {
	st.downMu.Lock()
	defer st.downMu.Unlock()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), downBound)
	defer cancel()
	st.halt()
	for _, s := range st.order {
		s.draining.Wait()
	}
	st.keepLogs(ctx)
	errs := []error{deleteNamespace(ctx, st.r.cs, st.ns)}
	errs = append(errs, deletePVs(ctx, st.r.cs, docker.LabelStack+"="+st.id))
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("stop kubernetes stack %s: %w", st.ns, err)
	}
	return nil
}

// keepLogs writes the output of every pod of the stack's services to the output dir
// (<service>.<pod>.<release>.log): pods that deploys already replaced are gone with theirs.
func (st *k8sStack) keepLogs(ctx context.Context) {
	if st.cfg.OutputDir == "" {
		return
	}
	for _, s := range st.order {
		pods, err := st.r.cs.CoreV1().Pods(st.ns).List(ctx, metav1.ListOptions{LabelSelector: docker.LabelService + "=" + s.name})
		if err != nil {
			continue
		}
		for _, p := range pods.Items {
			b, err := st.r.cs.CoreV1().Pods(st.ns).GetLogs(p.Name, &corev1.PodLogOptions{}).DoRaw(ctx)
			if err != nil {
				continue
			}
			name := fmt.Sprintf("%s.%s.%s.log", s.spec.Name, p.Name, p.Annotations[annotationRelease])
			_ = os.WriteFile(filepath.Join(st.cfg.OutputDir, name), b, 0o644)
		}
	}
}

// downBound is Down's bound, downTimeout (a variable for the specs).
var downBound = downTimeout

// deleteNamespace deletes ns and waits until it is gone (its pods stopped, its claims'
// volumes released), as long as ctx lasts; past that, the error says what it still holds.
func deleteNamespace(ctx context.Context, cs kubernetes.Interface, ns string) error {
	start := time.Now()
	err := cs.CoreV1().Namespaces().Delete(ctx, ns, metav1.DeleteOptions{PropagationPolicy: ptr(metav1.DeletePropagationBackground)})
	switch {
	case apierrors.IsNotFound(err):
		return nil
	case apierrors.IsConflict(err):
		// Terminating already (an earlier Down, or drill clean): wait for it.
	case err != nil:
		return fmt.Errorf("delete namespace %s: %w", ns, err)
	}
	// Nothing is measured any more: the pods go at once (grace 0, no preStop drain), and
	// then the claims, whose protection finalizer goes with the pods using them. The
	// namespace controller's first pass (5 s after the deletion, its fixed grace) then
	// finds nothing left to wait for; otherwise it waits out each pod's drain and grace
	// and requeues itself by its estimates (16 s a trial on the test cluster, against 6).
	// The namespace is terminating, so no controller can make new pods; the kubelet stops
	// their containers.
	now := metav1.DeleteOptions{GracePeriodSeconds: ptr(int64(0))}
	if err := cs.CoreV1().Pods(ns).DeleteCollection(ctx, now, metav1.ListOptions{}); err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("delete pods of namespace %s: %w", ns, err)
	}
	if err := cs.CoreV1().PersistentVolumeClaims(ns).DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{}); err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("delete claims of namespace %s: %w", ns, err)
	}
	err = poll(ctx, downTimeout, func(ctx context.Context) (bool, error) {
		_, err := cs.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return true, nil
		}
		return false, nil
	})
	if err != nil {
		return fmt.Errorf("delete namespace %s: still there after %s%s: %w", ns, time.Since(start).Round(time.Second), remaining(cs, ns), err)
	}
	return nil
}

// remaining is what Kubernetes says keeps the terminating namespace ns (its conditions
// that hold: content left, finalizers left, deletions that failed), as " (...)", or "".
func remaining(cs kubernetes.Interface, ns string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	n, err := cs.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
	if err != nil {
		return ""
	}
	var why []string
	for _, c := range n.Status.Conditions {
		if c.Status == corev1.ConditionTrue && c.Message != "" {
			why = append(why, c.Message)
		}
	}
	if len(why) == 0 {
		return ""
	}
	return " (" + strings.Join(why, "; ") + ")"
}

// deletePVs deletes the PersistentVolumes drill made (for data dirs on a path it was
// given) that match selector.
func deletePVs(ctx context.Context, cs kubernetes.Interface, selector string) error {
	pvs, err := cs.CoreV1().PersistentVolumes().List(ctx, metav1.ListOptions{LabelSelector: selector})
	if err != nil {
		return fmt.Errorf("list persistent volumes: %w", err)
	}
	var errs []error
	for _, pv := range pvs.Items {
		if err := cs.CoreV1().PersistentVolumes().Delete(ctx, pv.Name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			errs = append(errs, fmt.Errorf("delete persistent volume %s: %w", pv.Name, err))
		}
	}
	if len(pvs.Items) > 0 && len(errs) == 0 {
		// A volume goes once its claim has (its protection finalizer): wait for it.
		err := poll(ctx, downTimeout, func(ctx context.Context) (bool, error) {
			left, err := cs.CoreV1().PersistentVolumes().List(ctx, metav1.ListOptions{LabelSelector: selector})
			return err == nil && len(left.Items) == 0, nil
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("delete persistent volumes %s: not gone: %w", selector, err))
		}
	}
	return errors.Join(errs...)
}

func ptr[T any](v T) *T { return &v }
