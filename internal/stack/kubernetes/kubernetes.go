// Package kubernetes is the kubernetes runtime: each stack (one trial) in a namespace of
// its own, each service a Deployment behind a Service with a Toxiproxy Deployment in
// front, driven through client-go (no kubectl). Releases are pod templates, readiness
// checks readinessProbes, deploy strategies what Kubernetes does (start-first: a
// RollingUpdate with maxUnavailable 0, recreate: Recreate, blue-green: two Deployments
// behind one Service whose selector flips). drill reaches every Service at its ClusterIP,
// as a client in the cluster does: the cluster's Service network must be routable from
// where drill runs (a local cluster through kube-proxy, or drill in a pod). Nothing rides
// the apiserver's port-forward.
package kubernetes

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/klog/v2"

	"github.com/drillhq/drill/internal/stack"
)

// Environment variables that configure the runtime; the flags (flags.go) win over them.
const (
	// EnvContext names the kubeconfig context to use (default: the current one).
	EnvContext = "DRILL_KUBE_CONTEXT"
	// EnvNamespacePrefix starts the name of every namespace drill makes (default "drill").
	EnvNamespacePrefix = "DRILL_KUBE_NAMESPACE_PREFIX"
	// EnvContainerd is the socket of the local cluster's containerd, into which Prepare
	// loads the images drill builds (fixtures, proxy): a cluster without a registry.
	EnvContainerd = "DRILL_K8S_CONTAINERD"
)

const (
	defaultPrefix = "drill"
	// pollInterval is how often the runtime reads the state of what it waits for.
	pollInterval = 50 * time.Millisecond
	// startTimeout bounds a deploy when the service declares no start_timeout.
	startTimeout = 90 * time.Second
	// downTimeout bounds a stack's teardown: the namespace deleted and gone.
	downTimeout = 90 * time.Second
	// stopGrace is the pods' terminationGracePeriodSeconds: SIGTERM, then SIGKILL.
	stopGrace = 10
)

// Runtime starts stacks in namespaces of a Kubernetes cluster.
type Runtime struct {
	cfg      *rest.Config
	cs       kubernetes.Interface
	prefix   string
	runID    string
	pid      int
	host     string
	seq      atomic.Int64
	imagesMu sync.Mutex
	images   images // set by Prepare
	claimed  bool   // Prepare claimed images in the cluster's containerd: Close lets go
	podNS    string // the namespace of the pod drill runs in, if it does (pod.go)
}

// Option configures New.
type Option func(*Runtime) error

// WithRunID sets the run id every object is labelled with; by default New makes one.
func WithRunID(id string) Option {
	return func(r *Runtime) error {
		if id == "" {
			return errors.New("set run id: empty")
		}
		r.runID = id
		return nil
	}
}

// WithNamespacePrefix starts every namespace name with prefix instead of "drill" (or
// DRILL_KUBE_NAMESPACE_PREFIX).
func WithNamespacePrefix(prefix string) Option {
	return func(r *Runtime) error {
		if prefix == "" || len(prefix) > 20 || sanitize(prefix) != prefix {
			return fmt.Errorf("set namespace prefix %q: want 1-20 lowercase letters, digits or '-'", prefix)
		}
		r.prefix = prefix
		return nil
	}
}

// New loads the cluster's configuration (kubeconfig from --kubeconfig, KUBECONFIG or
// ~/.kube/config, context --kube-context or DRILL_KUBE_CONTEXT; in a pod without a
// kubeconfig, the pod's service account)
// and makes a client. It does not talk to the cluster: Available does.
func New(opts ...Option) (*Runtime, error) {
	r := &Runtime{prefix: defaultPrefix, pid: os.Getpid()}
	if _, _, p := configured(); p != "" {
		if err := WithNamespacePrefix(p)(r); err != nil {
			return nil, fmt.Errorf("read namespace prefix (--%s or %s): %w", FlagNamespacePrefix, EnvNamespacePrefix, err)
		}
	}
	for _, o := range opts {
		if err := o(r); err != nil {
			return nil, err
		}
	}
	if r.runID == "" {
		b := make([]byte, 6)
		_, _ = rand.Read(b)
		r.runID = hex.EncodeToString(b)
	}
	host, err := os.Hostname()
	if err != nil {
		return nil, fmt.Errorf("read hostname: %w", err)
	}
	r.host = hostLabel(host)
	if r.cfg, err = restConfig(); err != nil {
		return nil, err
	}
	if r.cfg.BearerTokenFile == inClusterTokenFile {
		r.podNS = podNamespace(host)
	}
	if r.cs, err = kubernetes.NewForConfig(r.cfg); err != nil {
		return nil, fmt.Errorf("make kubernetes client: %w", err)
	}
	return r, nil
}

// restConfig is the kubeconfig's (--kubeconfig, else KUBECONFIG, else ~/.kube/config;
// context --kube-context, else DRILL_KUBE_CONTEXT, else the current one), or the pod's
// own when drill runs in a pod without a kubeconfig.
func restConfig() (*rest.Config, error) {
	kubeconfig, kubeContext, _ := configured()
	rules := loadingRules(kubeconfig)
	overrides := &clientcmd.ConfigOverrides{CurrentContext: kubeContext}
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, overrides)
	cfg, err := cc.ClientConfig()
	if err == nil {
		return tune(cfg), nil
	}
	if kubeconfig == "" && os.Getenv("KUBECONFIG") == "" && os.Getenv("KUBERNETES_SERVICE_HOST") != "" {
		if in, ierr := rest.InClusterConfig(); ierr == nil {
			return tune(in), nil
		}
	}
	return nil, fmt.Errorf("load kubeconfig (%s, context %q): %w", kubeconfigName(rules), kubeContext, err)
}

// inClusterTokenFile is the service account token a pod's in-cluster config reads.
const inClusterTokenFile = "/var/run/secrets/kubernetes.io/serviceaccount/token"

// tune lifts client-go's default rate limit (5 requests/s), which would pace drill's
// waits rather than the cluster.
func tune(cfg *rest.Config) *rest.Config {
	cfg.QPS, cfg.Burst = 100, 200
	quietClient.Do(func() {
		// client-go also logs through klog, to stderr, e.g. "Unexpected error when reading
		// response body: context canceled" when drill aborts a wait on purpose: drill
		// reports every error a call returns in its own words, so those lines are noise
		// in a run's output (and a CronJob's log).
		klog.SetLogger(logr.Discard())
	})
	return cfg
}

// quietClient silences client-go's klog output once per process.
var quietClient sync.Once

// Name implements stack.Runtime.
func (*Runtime) Name() string { return "kubernetes" }

// RunID is the run id this runtime labels every object with.
func (r *Runtime) RunID() string { return r.runID }

// Client is the runtime's client of the cluster.
func (r *Runtime) Client() kubernetes.Interface { return r.cs }

// Available returns nil when a kubeconfig (or the pod's service account) loads and the
// apiserver answers /readyz, within ctx.
func Available(ctx context.Context) error {
	cfg, err := restConfig()
	if err != nil {
		return err
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return fmt.Errorf("make kubernetes client: %w", err)
	}
	return ready(ctx, cs, cfg.Host)
}

// ready asks the apiserver's /readyz.
func ready(ctx context.Context, cs kubernetes.Interface, host string) error {
	body, err := cs.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
	if err != nil {
		return fmt.Errorf("ask apiserver %s /readyz: %w", host, err)
	}
	if string(body) != "ok" {
		return fmt.Errorf("ask apiserver %s /readyz: %q", host, body)
	}
	return nil
}

// Registration registers the kubernetes runtime, which auto never picks: a cluster is
// chosen by name (--runtime kubernetes).
func Registration() stack.Registration {
	return stack.Registration{
		Name:        (*Runtime)(nil).Name(),
		Description: "services as Deployments and Services in a namespace per trial (KUBECONFIG), Toxiproxy in a pod in front",
		New: func(ctx context.Context) (stack.Runtime, []string, error) {
			r, err := New()
			if err != nil {
				return nil, nil, err
			}
			var notes []string
			removed, err := r.clean(ctx, stack.CleanConfig{})
			switch {
			case err != nil:
				notes = append(notes, fmt.Sprintf("warning: clean leftovers of dead runs: %v", err))
			case len(removed.Namespaces) > 0 || len(removed.LoadedImages) > 0:
				notes = append(notes, "removed leftovers of dead drill runs: "+strconv.Itoa(len(removed.Namespaces))+" namespaces, "+
					strconv.Itoa(len(removed.LoadedImages))+" images loaded into the cluster")
			}
			return r, notes, nil
		},
		Available: Available,
		Flags:     defineFlags,
		ByName:    true,
		Clean:     Clean,
		Capabilities: stack.Capabilities{stack.CapProxy, stack.CapKill, stack.CapRestart, stack.CapStop, stack.CapRevive,
			stack.CapDataDir, stack.CapFlip, stack.CapExec, stack.CapImage, stack.CapFixture, stack.CapDeploy},
	}
}
