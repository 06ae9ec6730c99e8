package kubernetes

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/retry"

	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
	"github.com/drillhq/drill/internal/stack/docker"
)

// k8sService is one service: a Deployment per colour (blue: <name>; green, once a
// blue-green deploy made it: <name>-green) behind the Service <name>, whose selector
// names the active colour.
type k8sService struct {
	st        *k8sStack
	spec      scenario.Service
	name      string // object name
	replicas  int32
	clusterIP string
	endpoint  string // the front proxy at the Toxiproxy's ClusterIP
	// switchAddr is the service's switch on the proxy pod's loopback, between its
	// proxies and its ClusterIP.
	switchAddr string
	claim      string
	dataDir    string // the data volume's path on the node ("" when not a host path)
	ownData    bool   // the data volume is on a path drill was given

	op       sync.Mutex // serialises lifecycle operations
	mu       sync.Mutex // guards the fields below
	release  string
	active   string // colour the Service selects
	standby  string // colour of the previous release standing by ("" none)
	standbyR string
	draining sync.WaitGroup
}

var (
	_ stack.Service    = (*k8sService)(nil)
	_ stack.Controller = (*k8sService)(nil)
	_ stack.Reviver    = (*k8sService)(nil)
	_ stack.Stopper    = (*k8sService)(nil)
	_ stack.Flipper    = (*k8sService)(nil)
	_ stack.DataKeeper = (*k8sService)(nil)
)

// Endpoint implements stack.Service: the service's front proxy, at the Toxiproxy
// Service's ClusterIP.
func (s *k8sService) Endpoint() string { return s.endpoint }

// Release implements stack.Service.
func (s *k8sService) Release() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.release
}

// DataDir implements stack.DataKeeper: the node path of the service's data volume (a
// host path on a local cluster); the same across kills, restarts and deploys.
func (s *k8sService) DataDir() string { return s.dataDir }

// deployment is the name of the colour's Deployment.
func (s *k8sService) deployment(colour string) string {
	if colour == colourGreen {
		return s.name + "-" + colourGreen
	}
	return s.name
}

func (s *k8sService) colours() (active, standby string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.active, s.standby
}

func other(colour string) string {
	if colour == colourBlue {
		return colourGreen
	}
	return colourBlue
}

// timeout bounds a deploy: the service's start_timeout, else startTimeout.
func (s *k8sService) timeout() time.Duration {
	if t := s.spec.StartTimeout.D(); t > 0 {
		return t
	}
	return startTimeout
}

// Deploy implements stack.Service. start-first and recreate change the active colour's
// Deployment (a RollingUpdate with maxUnavailable 0 and maxSurge 1, or Recreate); going
// back to a release an older ReplicaSet ran puts that ReplicaSet's template back (what
// kubectl rollout undo does). blue-green rolls the release out on the other colour, flips
// the Service's selector to it and leaves the previous colour running. Deploy returns
// once the Service sends only to the new pods and answers at its ClusterIP. Cancelling
// ctx before that puts the previous template back (a rollout abort).
func (s *k8sService) Deploy(ctx context.Context, release string, opts ...stack.DeployOption) error {
	s.op.Lock()
	defer s.op.Unlock()
	cfg := stack.NewDeployConfig(s.spec, opts)
	rel, err := stack.FindRelease(s.spec, release)
	if err != nil {
		return fmt.Errorf("deploy %s: %w", s.spec.Name, err)
	}
	if err := s.deploy(ctx, rel, cfg); err != nil {
		return fmt.Errorf("deploy %s %s: %w", s.spec.Name, release, err)
	}
	return nil
}

func (s *k8sService) deploy(ctx context.Context, rel scenario.Release, cfg stack.DeployConfig) error {
	active, _ := s.colours()
	target := active
	if cfg.Strategy == scenario.StrategyBlueGreen && s.Release() != "" {
		target = other(active)
	}
	tmpl, err := s.templateFor(ctx, rel, target)
	if err != nil {
		return err
	}
	name := s.deployment(target)
	since := time.Now()
	prev, existed, err := s.apply(ctx, name, tmpl, cfg.Strategy)
	if err != nil {
		return err
	}
	if existed && cfg.Strategy == scenario.StrategyRecreate && target == active {
		cfg.Step(stack.StepStopping, "")
	}
	var marks liveMarks
	live := func() {
		if !marks.switched {
			marks.switched = true
			cfg.Step(stack.StepSwitched, rel.Name)
		}
	}
	hooks := s.hooks(cfg, rel, existed, target == active, &marks, live)
	flipped := false
	hash, err := s.st.waitRollout(ctx, name, s.timeout(), hooks)
	if err == nil {
		if !marks.ready {
			cfg.Step(stack.StepReady, rel.Name)
		}
		sel := with(selectorOf(s.name, target), labelHash, hash)
		if target != active {
			flipped = true
			err = s.flip(ctx, target, sel, live)
		} else if err = s.waitServed(ctx, sel, since, s.timeout(), live); err == nil && existed {
			err = s.renew(ctx)
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			err = errors.Join(err, s.abort(ctx, target, prev, flipped))
		}
		return err
	}
	s.mu.Lock()
	previous := s.release
	s.release, s.active = rel.Name, target
	if target != active {
		s.standby, s.standbyR = active, previous
	}
	s.mu.Unlock()
	live()
	if existed && cfg.Strategy != scenario.StrategyRecreate && target == active {
		old := selectorString(selectorOf(s.name, target)) + "," + labelHash + "!=" + hash
		s.drainLater(cfg, func(ctx context.Context) error { return s.st.waitGone(ctx, old, downTimeout) })
	}
	return nil
}

// flip points the Service at the pods of sel (a colour's), waits until it sends to them
// alone, and then closes the connections the service's switch accepted before: a
// Service moves new connections only, and each established one would stay on the old
// colour's pods, which keep running, for as long as its client keeps it alive (a
// keep-alive client would never reach the new colour). So drill's front door closes
// them once quiet, as the docker runtime's switch does at a flip (stack.FlipQuiet,
// stack.FlipDrain), and as a router in front of a real blue-green pair would. live is
// called when kube-proxy first sends to the new pods.
func (s *k8sService) flip(ctx context.Context, colour string, sel map[string]string, live func()) error {
	since := time.Now()
	if err := s.selectColour(ctx, colour); err != nil {
		return err
	}
	if err := s.waitServed(ctx, sel, since, s.timeout(), live); err != nil {
		return err
	}
	return s.renew(ctx)
}

// renew closes, once quiet, the connections the service's switch accepted before now
// (stack.FlipQuiet, stack.FlipDrain): called once kube-proxy sends new connections to
// the new pods alone, it moves the clients kept alive on the old ones there too, as
// the docker runtime's switch and stopping the old release do. A leaving pod keeps
// serving through its preStop drain, so a client left on it would otherwise see the
// new release up to drainSeconds after one that connected anew.
func (s *k8sService) renew(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := s.st.front.Renew(ctx, s.spec.Name, stack.FlipQuiet, stack.FlipDrain); err != nil {
		return fmt.Errorf("close the connections open on %s before the deploy: %w", s.spec.Name, err)
	}
	return nil
}

// liveMarks records which of a deploy's steps its rollout hooks have marked already.
type liveMarks struct{ ready, switched bool }

// hooks are the rollout hooks of a deploy: a recreate marks the old release drained
// when its pods are gone; in place (start-first, recreate) the release takes traffic as
// soon as its first pod is a ready endpoint that kube-proxy sends to, before the rollout
// ends: that is when the deploy is live. A blue-green release takes it at the flip, so
// it gets no newReady hook.
func (s *k8sService) hooks(cfg stack.DeployConfig, rel scenario.Release, existed, inPlace bool, marks *liveMarks, live func()) rolloutHooks {
	var hooks rolloutHooks
	if cfg.Strategy == scenario.StrategyRecreate && existed {
		hooks.oldGone = func() { cfg.Step(stack.StepDrained, "") }
	}
	if !inPlace {
		return hooks
	}
	hooks.newReady = func(ctx context.Context, ips map[string]bool) {
		if !marks.ready {
			marks.ready = true
			cfg.Step(stack.StepReady, rel.Name)
		}
		if !marks.switched {
			if some, _, known := nftSends(ctx, s.st.ns, s.name, ips); some || !known {
				live()
			}
		}
	}
	return hooks
}

// templateFor is the pod template of rel in colour: the template of the newest older
// ReplicaSet of that colour's Deployment that ran rel (a rollout undo), else a new one.
func (s *k8sService) templateFor(ctx context.Context, rel scenario.Release, colour string) (corev1.PodTemplateSpec, error) {
	fresh, err := s.template(rel, colour)
	if err != nil {
		return fresh, err
	}
	d, err := s.st.r.cs.AppsV1().Deployments(s.st.ns).Get(ctx, s.deployment(colour), metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return fresh, nil
	}
	if err != nil {
		return fresh, fmt.Errorf("read deployment %s: %w", s.deployment(colour), err)
	}
	sets, err := s.st.replicaSets(ctx, d)
	if err != nil {
		return fresh, err
	}
	var best *appsv1.ReplicaSet
	bestRev := -1
	for i := range sets {
		rs := &sets[i]
		rev, _ := strconv.Atoi(rs.Annotations[annotationRevision])
		if rs.Spec.Template.Annotations[annotationRelease] == rel.Name && rev > bestRev {
			best, bestRev = rs, rev
		}
	}
	if best == nil {
		return fresh, nil
	}
	tmpl := *best.Spec.Template.DeepCopy()
	delete(tmpl.Labels, labelHash)
	return tmpl, nil
}

// apply sets the Deployment name to tmpl and the service's replicas with strategy
// (creating it the first time), and returns the template it had.
func (s *k8sService) apply(ctx context.Context, name string, tmpl corev1.PodTemplateSpec, strategy string) (*corev1.PodTemplateSpec, bool, error) {
	deployments := s.st.r.cs.AppsV1().Deployments(s.st.ns)
	var prev *corev1.PodTemplateSpec
	existed := true
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		d, err := deployments.Get(ctx, name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			existed = false
			sel := selectorOf(s.name, tmpl.Labels[labelColour])
			return s.st.createDeployment(ctx, name, sel, tmpl, strategy, s.replicas)
		}
		if err != nil {
			return err
		}
		prev = d.Spec.Template.DeepCopy()
		d.Spec.Template = tmpl
		d.Spec.Strategy = deploymentStrategy(strategy)
		d.Spec.Replicas = ptr(s.replicas)
		_, err = deployments.Update(ctx, d, metav1.UpdateOptions{})
		return err
	})
	if err != nil {
		return nil, false, fmt.Errorf("update deployment %s: %w", name, err)
	}
	return prev, existed, nil
}

// abort undoes a deploy to the colour target whose ctx ended before it was done, even
// though ctx ended, and returns once the Service sends to what ran before alone, as a
// rollout undo does. In place, the template the deploy replaced (prev) goes back: the
// previous ReplicaSet scales up again (with a new pod, if the rolling update had begun
// stopping its old one) and the new one down. A blue-green deploy that had flipped the
// Service flips it back to the previous colour; one that had not leaves it alone (the
// new colour never took traffic). A Deployment the deploy created (prev nil) had nothing
// before it.
func (s *k8sService) abort(ctx context.Context, target string, prev *corev1.PodTemplateSpec, flipped bool) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.timeout())
	defer cancel()
	active, _ := s.colours()
	name := s.deployment(target)
	if target != active {
		if !flipped {
			return nil
		}
		if err := s.flip(ctx, active, selectorOf(s.name, active), nil); err != nil {
			return fmt.Errorf("abort deploy of %s: flip back: %w", name, err)
		}
		return nil
	}
	if prev == nil {
		return nil
	}
	since := time.Now()
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		d, err := s.st.r.cs.AppsV1().Deployments(s.st.ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		d.Spec.Template = *prev
		_, err = s.st.r.cs.AppsV1().Deployments(s.st.ns).Update(ctx, d, metav1.UpdateOptions{})
		return err
	})
	if err != nil {
		return fmt.Errorf("abort rollout of %s: %w", name, err)
	}
	hash, err := s.st.waitRollout(ctx, name, s.timeout(), rolloutHooks{})
	if err != nil {
		return fmt.Errorf("abort rollout of %s: %w", name, err)
	}
	if err := s.waitServed(ctx, with(selectorOf(s.name, active), labelHash, hash), since, s.timeout(), nil); err != nil {
		return fmt.Errorf("abort rollout of %s: %w", name, err)
	}
	return s.renew(ctx)
}

// selectColour points the Service at the colour's pods.
func (s *k8sService) selectColour(ctx context.Context, colour string) error {
	patch := fmt.Sprintf(`{"spec":{"selector":{%q:%q,%q:%q}}}`, docker.LabelService, s.name, labelColour, colour)
	if _, err := s.st.r.cs.CoreV1().Services(s.st.ns).Patch(ctx, s.name, types.MergePatchType, []byte(patch), metav1.PatchOptions{}); err != nil {
		return fmt.Errorf("point service %s at %s: %w", s.spec.Name, colour, err)
	}
	return nil
}

// scale sets the replicas of the colour's Deployment.
func (s *k8sService) scale(ctx context.Context, colour string, n int32) error {
	patch := fmt.Sprintf(`{"spec":{"replicas":%d}}`, n)
	if _, err := s.st.r.cs.AppsV1().Deployments(s.st.ns).Patch(ctx, s.deployment(colour), types.MergePatchType, []byte(patch), metav1.PatchOptions{}); err != nil {
		return fmt.Errorf("scale %s to %d: %w", s.deployment(colour), n, err)
	}
	return nil
}

// FlipBack implements stack.Flipper: the Service selects the standing-by colour again,
// and the other one is scaled to zero once the Service no longer sends to it.
func (s *k8sService) FlipBack(ctx context.Context, opts ...stack.DeployOption) error {
	s.op.Lock()
	defer s.op.Unlock()
	cfg := stack.NewDeployConfig(s.spec, opts)
	active, standby := s.colours()
	if standby == "" {
		return fmt.Errorf("flip back %s: no previous release is standing by (deploy with strategy blue-green)", s.spec.Name)
	}
	if err := s.flip(ctx, standby, selectorOf(s.name, standby), nil); err != nil {
		return fmt.Errorf("flip back %s: %w", s.spec.Name, err)
	}
	s.mu.Lock()
	rel := s.standbyR
	s.release, s.active, s.standby, s.standbyR = rel, standby, "", ""
	s.mu.Unlock()
	cfg.Step(stack.StepSwitched, rel)
	s.drainLater(cfg, func(ctx context.Context) error {
		if err := s.scale(ctx, active, 0); err != nil {
			return err
		}
		return s.st.waitGone(ctx, selectorString(selectorOf(s.name, active)), downTimeout)
	})
	return nil
}

// Kill implements stack.Controller: SIGKILL to every container of the active colour's
// pods, through the node's containerd (DRILL_K8S_CONTAINERD): a pod delete, even with
// grace period 0, makes the kubelet send SIGTERM and wait at least 2 s, a graceful stop
// rather than a crash. Nothing may replace or restart them until the scenario says (a
// Revive, the rollback; the kubelet's own restart of a crashed container is what
// restart: after with delay 0 stands for), so the Deployment is scaled to zero and the
// pods are deleted first (the kubelet restarts no container of a pod being deleted, and
// theirs run their preStop drain meanwhile, still serving), then killed at once.
func (s *k8sService) Kill(ctx context.Context) error {
	s.op.Lock()
	defer s.op.Unlock()
	sock := os.Getenv(EnvContainerd)
	if sock == "" {
		return fmt.Errorf("kill %s: SIGKILL needs the node's containerd: set %s (a pod delete is a graceful stop)", s.spec.Name, EnvContainerd)
	}
	active, _ := s.colours()
	pods := s.st.r.cs.CoreV1().Pods(s.st.ns)
	list, err := pods.List(ctx, metav1.ListOptions{LabelSelector: selectorString(selectorOf(s.name, active))})
	if err != nil {
		return fmt.Errorf("kill %s: list pods: %w", s.spec.Name, err)
	}
	var ids []string
	for _, p := range list.Items {
		if p.DeletionTimestamp != nil {
			continue // an older release's pod, stopping already
		}
		for _, c := range p.Status.ContainerStatuses {
			if id, ok := strings.CutPrefix(c.ContainerID, "containerd://"); ok && c.State.Running != nil {
				ids = append(ids, id)
			}
		}
	}
	if len(ids) == 0 {
		return fmt.Errorf("kill %s: no running container", s.spec.Name)
	}
	if err := s.scale(ctx, active, 0); err != nil {
		return fmt.Errorf("kill %s: %w", s.spec.Name, err)
	}
	var names []string
	for _, p := range list.Items {
		if p.DeletionTimestamp == nil {
			if err := pods.Delete(ctx, p.Name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
				return fmt.Errorf("kill %s: delete pod %s: %w", s.spec.Name, p.Name, err)
			}
			names = append(names, p.Name)
		}
	}
	if err := s.st.waitTerminating(ctx, names, terminatingTimeout); err != nil {
		return fmt.Errorf("kill %s: %w", s.spec.Name, err)
	}
	for _, id := range ids {
		if _, err := (containerd{sock: sock}).ctr(ctx, "tasks", "kill", "--signal", "SIGKILL", id); err != nil {
			return fmt.Errorf("kill %s: SIGKILL container %s: %w", s.spec.Name, id, err)
		}
	}
	stack.MarkEffect(ctx)
	return nil
}

// Restart implements stack.Controller: a rollout restart (the pod template's restartedAt
// annotation changes, so the Deployment replaces every pod by its strategy), with the
// service's replicas, and a wait until the Service answers from the new pods alone;
// then the clients kept alive on the old pods move there too (renew), as at a deploy.
func (s *k8sService) Restart(ctx context.Context) error {
	s.op.Lock()
	defer s.op.Unlock()
	active, _ := s.colours()
	name := s.deployment(active)
	deployments := s.st.r.cs.AppsV1().Deployments(s.st.ns)
	since := time.Now()
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		d, err := deployments.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		if d.Spec.Template.Annotations == nil {
			d.Spec.Template.Annotations = map[string]string{}
		}
		d.Spec.Template.Annotations[annotationRestarted] = time.Now().UTC().Format(time.RFC3339Nano)
		d.Spec.Replicas = ptr(s.replicas)
		_, err = deployments.Update(ctx, d, metav1.UpdateOptions{})
		return err
	})
	if err != nil {
		return fmt.Errorf("restart %s: %w", s.spec.Name, err)
	}
	if err := s.awaitBack(ctx, "restart", active, since); err != nil {
		return err
	}
	return s.renew(ctx)
}

// awaitBack waits until the colour's Deployment, changed at since, is rolled out and the
// Service answers from it.
func (s *k8sService) awaitBack(ctx context.Context, what, colour string, since time.Time) error {
	hash, err := s.st.waitRollout(ctx, s.deployment(colour), s.timeout(), rolloutHooks{})
	if err != nil {
		return fmt.Errorf("%s %s: %w", what, s.spec.Name, err)
	}
	if err := s.waitServed(ctx, with(selectorOf(s.name, colour), labelHash, hash), since, s.timeout(), nil); err != nil {
		return fmt.Errorf("%s %s: %w", what, s.spec.Name, err)
	}
	return nil
}

// Revive implements stack.Reviver: a killed or stopped service (its Deployment at zero
// replicas) is scaled back, as a supervisor starts it again; a running one is left alone.
func (s *k8sService) Revive(ctx context.Context) error {
	s.op.Lock()
	defer s.op.Unlock()
	active, _ := s.colours()
	d, err := s.st.r.cs.AppsV1().Deployments(s.st.ns).Get(ctx, s.deployment(active), metav1.GetOptions{})
	if err != nil {
		return fmt.Errorf("revive %s: %w", s.spec.Name, err)
	}
	if d.Spec.Replicas != nil && *d.Spec.Replicas > 0 {
		return nil
	}
	since := time.Now()
	if err := s.scale(ctx, active, s.replicas); err != nil {
		return fmt.Errorf("revive %s: %w", s.spec.Name, err)
	}
	return s.awaitBack(ctx, "revive", active, since)
}

// Stop implements stack.Stopper: the active Deployment is scaled to zero, its pods stop
// gracefully (SIGTERM, then SIGKILL after the grace period), and Stop returns once they
// are gone.
func (s *k8sService) Stop(ctx context.Context) error {
	s.op.Lock()
	defer s.op.Unlock()
	active, _ := s.colours()
	if err := s.scale(ctx, active, 0); err != nil {
		return fmt.Errorf("stop %s: %w", s.spec.Name, err)
	}
	stack.MarkEffect(ctx)
	if err := s.st.waitGone(ctx, selectorString(selectorOf(s.name, active)), time.Duration(stopGrace+30)*time.Second); err != nil {
		return fmt.Errorf("stop %s: %w", s.spec.Name, err)
	}
	return nil
}

// drainLater reports StepDrained once drain (what stops the old release's pods and waits
// until they are gone) returns nil, in the background. Down ends it: it deletes every
// pod anyway, and a drain's preStop sleep would only hold the teardown up.
func (s *k8sService) drainLater(cfg stack.DeployConfig, drain func(context.Context) error) {
	s.draining.Add(1)
	go func() {
		defer s.draining.Done()
		ctx, cancel := context.WithTimeout(s.st.life, downTimeout)
		defer cancel()
		if drain(ctx) == nil {
			cfg.Step(stack.StepDrained, "")
		}
	}()
}
