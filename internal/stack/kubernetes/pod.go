package kubernetes

import (
	"context"
	"os"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/drillhq/drill/internal/stack/docker"
)

// labelPodNamespace, on what a drill running in a pod makes, is the pod's namespace; its
// host label (docker.LabelHost) is then the pod's name. A pod that is gone, or whose
// containers have all ended, holds no live drill: what it made is a dead drill's
// wherever drill clean runs, as a dead pid's is on its own host. A CronJob's next pod
// has another name, so without this nothing would ever sweep what a killed one left.
const labelPodNamespace = "dev.drill.pod-namespace"

// serviceAccountNamespace is where Kubernetes mounts the pod's namespace.
const serviceAccountNamespace = "/var/run/secrets/kubernetes.io/serviceaccount/namespace"

// podNamespace is the namespace of the pod drill runs in when it uses the pod's service
// account and its host name is the pod's (Kubernetes' default), else "".
func podNamespace(host string) string {
	b, err := os.ReadFile(serviceAccountNamespace)
	ns := strings.TrimSpace(string(b))
	if err != nil || ns == "" || len(validation.IsValidLabelValue(host)) > 0 {
		return ""
	}
	return ns
}

// withPods makes keep also drop what a drill in a pod made once that pod holds no live
// drill (gone, or Succeeded or Failed). It asks the cluster once per pod; when it cannot
// tell, it keeps.
func (r *Runtime) withPods(ctx context.Context, keep func(map[string]string) bool) func(map[string]string) bool {
	ended := map[string]bool{}
	return func(labels map[string]string) bool {
		ns, name := labels[labelPodNamespace], labels[docker.LabelHost]
		if !keep(labels) || ns == "" || name == r.host {
			return keep(labels)
		}
		key := ns + "/" + name
		if e, ok := ended[key]; ok {
			return !e
		}
		pods, err := r.cs.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{FieldSelector: "metadata.name=" + name})
		e := err == nil && (len(pods.Items) == 0 || podEnded(pods.Items[0]))
		ended[key] = e
		return !e
	}
}

// podEnded reports whether every container of the pod has ended for good.
func podEnded(p corev1.Pod) bool {
	return p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed
}
