package kubernetes

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
	"github.com/drillhq/drill/internal/stack/docker"
)

// drainSeconds is the preStop sleep of every service container. A pod that is leaving
// (a rolling update's old pod, a scale down) is taken out of its Service's endpoints at
// once, but each node's kube-proxy stops sending new connections to it only at its next
// sync (at most a second apart, later on a busy node); were it sent SIGTERM at once, a
// connection routed to it meanwhile would be refused: a failure no client of a
// well-configured Deployment sees, which drill would then have caused. The sleep keeps
// it serving until then; SIGTERM, and with it the end of its keep-alive connections,
// comes after.
const drainSeconds = 2

// deploymentStrategy maps a deploy strategy to the Deployment's: recreate stops the old
// pods first; start-first (and each colour of blue-green) is a rolling update that keeps
// every old pod until a new one is ready.
func deploymentStrategy(strategy string) appsv1.DeploymentStrategy {
	if strategy == scenario.StrategyRecreate {
		return appsv1.DeploymentStrategy{Type: appsv1.RecreateDeploymentStrategyType}
	}
	zero, one := intstr.FromInt32(0), intstr.FromInt32(1)
	return appsv1.DeploymentStrategy{Type: appsv1.RollingUpdateDeploymentStrategyType,
		RollingUpdate: &appsv1.RollingUpdateDeployment{MaxUnavailable: &zero, MaxSurge: &one}}
}

// createDeployment creates the Deployment name selecting pods labelled selector.
func (st *k8sStack) createDeployment(ctx context.Context, name string, selector map[string]string, tmpl corev1.PodTemplateSpec, strategy string, replicas int32) error {
	d := &appsv1.Deployment{
		ObjectMeta: st.meta(name, docker.LabelService, selector[docker.LabelService]),
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: selector},
			Template: tmpl,
			Strategy: deploymentStrategy(strategy),
		},
	}
	if _, err := st.r.cs.AppsV1().Deployments(st.ns).Create(ctx, d, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("create deployment %s: %w", name, err)
	}
	return nil
}

// makeClaims gives every service a PersistentVolumeClaim for its data: on a volume of the
// cluster's default StorageClass, or (the stack's data dir was given, a local cluster) a
// PersistentVolume of its own on <data dir>/<service> on the node.
func (st *k8sStack) makeClaims(ctx context.Context) error {
	for _, s := range st.order {
		s.claim = "data-" + s.name
		pvc := &corev1.PersistentVolumeClaim{
			ObjectMeta: st.meta(s.claim, docker.LabelService, s.name),
			Spec: corev1.PersistentVolumeClaimSpec{
				AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
				Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")}},
			},
		}
		if st.cfg.DataDir != "" {
			dir, err := stack.ServiceDataDir(st.cfg.DataDir, s.spec.Name)
			if err != nil {
				return err
			}
			pv := &corev1.PersistentVolume{
				ObjectMeta: metav1.ObjectMeta{Name: st.ns + "-" + s.name, Labels: with(st.labels, docker.LabelService, s.name)},
				Spec: corev1.PersistentVolumeSpec{
					Capacity:                      corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")},
					AccessModes:                   []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
					PersistentVolumeReclaimPolicy: corev1.PersistentVolumeReclaimRetain,
					StorageClassName:              "",
					PersistentVolumeSource:        corev1.PersistentVolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: dir}},
					ClaimRef:                      &corev1.ObjectReference{Namespace: st.ns, Name: s.claim},
				},
			}
			if _, err := st.r.cs.CoreV1().PersistentVolumes().Create(ctx, pv, metav1.CreateOptions{}); err != nil {
				return fmt.Errorf("create persistent volume for %s: %w", s.spec.Name, err)
			}
			pvc.Spec.StorageClassName = ptr("")
			pvc.Spec.VolumeName = pv.Name
			s.dataDir, s.ownData = dir, true
		}
		if _, err := st.r.cs.CoreV1().PersistentVolumeClaims(st.ns).Create(ctx, pvc, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("create data claim of %s: %w", s.spec.Name, err)
		}
	}
	for _, s := range st.order {
		if err := s.waitClaim(ctx); err != nil {
			return err
		}
	}
	return nil
}

// waitClaim waits until the service's claim is bound and notes the volume's path on the
// node, when it is a host path (a local cluster): the service's DataDir.
func (s *k8sService) waitClaim(ctx context.Context) error {
	cs := s.st.r.cs
	var volume string
	err := poll(ctx, startTimeout, func(ctx context.Context) (bool, error) {
		pvc, err := cs.CoreV1().PersistentVolumeClaims(s.st.ns).Get(ctx, s.claim, metav1.GetOptions{})
		if err != nil {
			return false, fmt.Errorf("read data claim of %s: %w", s.spec.Name, err)
		}
		volume = pvc.Spec.VolumeName
		return pvc.Status.Phase == corev1.ClaimBound, nil
	})
	if err != nil {
		return fmt.Errorf("bind data claim of %s (does the cluster have a default StorageClass?): %w", s.spec.Name, err)
	}
	if s.dataDir != "" {
		return nil
	}
	pv, err := cs.CoreV1().PersistentVolumes().Get(ctx, volume, metav1.GetOptions{})
	if err != nil {
		return fmt.Errorf("read data volume of %s: %w", s.spec.Name, err)
	}
	if pv.Spec.HostPath != nil {
		s.dataDir = pv.Spec.HostPath.Path
	}
	return nil
}

// template is the pod template of release rel in the given colour: the release's image,
// the wiring variables, the data claim at /data, the readiness check as the
// container's readinessProbe, and a preStop sleep of drainSeconds: a leaving pod keeps
// serving until the Service's kube-proxies no longer send new connections to it, as a
// well-configured Deployment does (see drainSeconds).
func (s *k8sService) template(rel scenario.Release, colour string) (corev1.PodTemplateSpec, error) {
	ref, err := s.st.im.Image(s.spec.Name, rel.Name)
	if err != nil {
		return corev1.PodTemplateSpec{}, err
	}
	if s.spec.StopSignal != "" {
		return corev1.PodTemplateSpec{}, fmt.Errorf("service %s: stop_signal is not carried out by the kubernetes runtime (pods stop with SIGTERM): leave it out", s.spec.Name)
	}
	port := strconv.Itoa(s.spec.Port)
	vars := stack.MergeEnv(s.st.vars, map[string]string{"HOST": "0.0.0.0", "PORT": port, "DATA_DIR": dataMount})
	ready := s.spec.Readiness()
	if hp := ready.HealthPort(s.spec.Port); hp != 0 {
		vars["HEALTH_PORT"] = strconv.Itoa(hp)
	}
	env := stack.ExpandEnv(stack.MergeEnv(s.st.env, map[string]string{"DATA_DIR": dataMount}, s.spec.Env, rel.Env), vars)
	env["HOST"], env["PORT"] = "0.0.0.0", port
	if s.spec.Fixture != "" {
		env["LEDGER_RELEASE"], env["LEDGER_DATA"] = rel.Name, dataMount
	}
	probe, err := readinessProbe(ready, s.spec.Port, vars)
	if err != nil {
		return corev1.PodTemplateSpec{}, fmt.Errorf("service %s: %w", s.spec.Name, err)
	}
	sec, err := s.securityContext()
	if err != nil {
		return corev1.PodTemplateSpec{}, err
	}
	pull := corev1.PullIfNotPresent
	if s.st.im.local[ref] {
		pull = corev1.PullNever
	}
	ctr := corev1.Container{
		Name:            "service",
		Image:           ref,
		ImagePullPolicy: pull,
		Env:             envVars(env),
		Ports:           []corev1.ContainerPort{{ContainerPort: int32(s.spec.Port)}},
		ReadinessProbe:  probe,
		Lifecycle:       &corev1.Lifecycle{PreStop: &corev1.LifecycleHandler{Sleep: &corev1.SleepAction{Seconds: drainSeconds}}},
		VolumeMounts:    []corev1.VolumeMount{{Name: "data", MountPath: dataMount}},
		SecurityContext: sec,
	}
	return corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{
			Labels:      with(s.st.labels, docker.LabelService, s.name, labelColour, colour, labelRelease, sanitize(rel.Name)),
			Annotations: map[string]string{annotationRelease: rel.Name},
		},
		Spec: corev1.PodSpec{
			TerminationGracePeriodSeconds: ptr(int64(stopGrace)),
			Containers:                    []corev1.Container{ctr},
			Volumes: []corev1.Volume{{Name: "data", VolumeSource: corev1.VolumeSource{
				PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: s.claim}}}},
		},
	}, nil
}

// securityContext runs the container as the service's user ("uid" or "uid:gid"), or a
// fixture on a data dir drill was given as drill's own user (the files it writes there
// belong to whoever runs drill, as on docker).
func (s *k8sService) securityContext() (*corev1.SecurityContext, error) {
	user := s.spec.User
	if user == "" && s.spec.Fixture != "" && s.ownData {
		user = strconv.Itoa(os.Getuid()) + ":" + strconv.Itoa(os.Getgid())
	}
	if user == "" {
		return nil, nil
	}
	u, g, hasGroup := strings.Cut(user, ":")
	uid, err := strconv.ParseInt(u, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("service %s: user %q: the kubernetes runtime takes a numeric uid or uid:gid", s.spec.Name, user)
	}
	sc := &corev1.SecurityContext{RunAsUser: &uid}
	if hasGroup {
		gid, err := strconv.ParseInt(g, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("service %s: user %q: the kubernetes runtime takes a numeric uid or uid:gid", s.spec.Name, user)
		}
		sc.RunAsGroup = &gid
	}
	return sc, nil
}

// readinessProbe is readiness check r as a probe the kubelet runs every second (its
// shortest period); one failure takes the pod out of its Service, as drill's front switch
// would stop sending to a dead instance.
func readinessProbe(r scenario.Ready, servicePort int, vars map[string]string) (*corev1.Probe, error) {
	port := func(p int) intstr.IntOrString {
		if p == 0 {
			p = servicePort
		}
		return intstr.FromInt32(int32(p))
	}
	probe := &corev1.Probe{PeriodSeconds: 1, TimeoutSeconds: 1, FailureThreshold: 1, SuccessThreshold: 1}
	switch {
	case r.HTTP != nil:
		if r.HTTP.Status != 0 && (r.HTTP.Status < 200 || r.HTTP.Status > 399) {
			return nil, fmt.Errorf("readiness status %d: a readinessProbe passes on 200-399 only", r.HTTP.Status)
		}
		probe.HTTPGet = &corev1.HTTPGetAction{Path: r.HTTP.Path, Port: port(r.HTTP.Port)}
	case r.TCP != nil:
		probe.TCPSocket = &corev1.TCPSocketAction{Port: port(r.TCP.Port)}
	case len(r.Exec) > 0:
		probe.Exec = &corev1.ExecAction{Command: stack.ExpandAll(r.Exec, vars)}
	case r.Kind != "":
		return nil, fmt.Errorf("readiness kind %q has no readinessProbe on the kubernetes runtime: use an http, tcp or exec check", r.Kind)
	default:
		return nil, fmt.Errorf("readiness by a log line (ready.log) has no readinessProbe: use an http, tcp or exec check")
	}
	return probe, nil
}

// envVars is env as the container's variables, sorted by name.
func envVars(env map[string]string) []corev1.EnvVar {
	out := make([]corev1.EnvVar, 0, len(env))
	for k, v := range env {
		out = append(out, corev1.EnvVar{Name: k, Value: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
