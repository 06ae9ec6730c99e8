package kubernetes

import (
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/drillhq/drill/internal/stack/docker"
)

// Labels of the kubernetes runtime, besides docker's scheme (dev.drill, dev.drill.run,
// dev.drill.pid, dev.drill.host, dev.drill.stack, dev.drill.service), which every
// namespace and cluster-scoped object drill makes carries too.
const (
	// labelColour is the colour of a service's Deployment: blue (the first) or green
	// (the second of a blue-green service); the Service selects one.
	labelColour = "dev.drill.colour"
	// labelRelease is the release a pod runs (as a label value: see sanitize).
	labelRelease = "dev.drill.release"
	// annotationRelease is the release a pod template runs, as the scenario names it.
	annotationRelease = "dev.drill/release"
	// annotationRestarted is changed by Restart, as kubectl rollout restart does.
	annotationRestarted = "kubectl.kubernetes.io/restartedAt"
	// annotationRevision is the Deployment controller's revision of a ReplicaSet.
	annotationRevision = "deployment.kubernetes.io/revision"
	// labelHash is the Deployment controller's label of a ReplicaSet's pods.
	labelHash = "pod-template-hash"
)

const (
	colourBlue  = "blue"
	colourGreen = "green"
	// proxyName is the Deployment and Service of the stack's Toxiproxy.
	proxyName = "toxiproxy"
	// proxyAPIPort is Toxiproxy's API port in its pod.
	proxyAPIPort = 8474
	// proxyPortBase is the first proxy listen port in the Toxiproxy pod.
	proxyPortBase = 20000
	// switchPortBase is the first switch port, on the Toxiproxy pod's loopback.
	switchPortBase = 30000
	// dataMount is where a service's data volume is mounted.
	dataMount = "/data"
)

// sanitize makes s a DNS-1123 label (lowercase letters, digits and '-', at most 63
// characters, starting and ending with an alphanumeric), which object names and label
// values accept.
func sanitize(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	out := strings.Trim(b.String(), "-")
	if len(out) > 63 {
		out = strings.Trim(out[:63], "-")
	}
	if out == "" {
		return "x"
	}
	return out
}

// hostLabel is the host name as a label value: as it is when valid (as docker's labels
// carry it), else sanitized.
func hostLabel(host string) string {
	if len(validation.IsValidLabelValue(host)) == 0 {
		return host
	}
	return sanitize(host)
}

// objectName is a service's name as a Kubernetes object name (a DNS-1035 label: it starts
// with a letter), short enough for its second colour's Deployment ("<name>-green").
func objectName(service string) string {
	n := sanitize(service)
	if n[0] < 'a' || n[0] > 'z' {
		n = "s-" + n
	}
	if len(n) > 50 {
		n = strings.Trim(n[:50], "-")
	}
	return n
}

// stackLabels are the labels of a stack's namespace and of every object it makes: drill's
// ownership labels, then the caller's whose values are valid label values (the others go
// to annotations).
func stackLabels(r *Runtime, stackID string, extra map[string]string) (labels, annotations map[string]string) {
	labels, annotations = map[string]string{}, map[string]string{}
	for k, v := range extra {
		if len(validation.IsQualifiedName(k)) == 0 && len(validation.IsValidLabelValue(v)) == 0 {
			labels[k] = v
		} else {
			annotations[k] = v
		}
	}
	labels[docker.LabelDrill] = "true"
	labels[docker.LabelRun] = r.runID
	labels[docker.LabelPID] = strconv.Itoa(r.pid)
	labels[docker.LabelHost] = r.host
	labels[docker.LabelStack] = stackID
	if r.podNS != "" {
		labels[labelPodNamespace] = r.podNS
	}
	return labels, annotations
}

// with returns a copy of m with k set to v.
func with(m map[string]string, kv ...string) map[string]string {
	out := make(map[string]string, len(m)+len(kv)/2)
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}
