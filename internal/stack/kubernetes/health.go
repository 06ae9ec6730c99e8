package kubernetes

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/drillhq/drill/internal/stack"
)

var _ stack.Healthier = (*k8sStack)(nil)

// healthTimeout bounds Healthy: a cluster that takes longer to answer is lost.
const healthTimeout = 5 * time.Second

// Healthy implements stack.Healthier: the apiserver answers /readyz and the nodes the
// stack's pods run on are Ready (a kubelet that stopped reporting leaves its pods'
// deploys, kills and revives undone), within five seconds. Otherwise the trial is an
// error, never a judged rollback.
func (st *k8sStack) Healthy(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()
	if err := ready(ctx, st.r.cs, st.r.cfg.Host); err != nil {
		return err
	}
	pods, err := st.r.cs.CoreV1().Pods(st.ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return fmt.Errorf("list pods of %s: %w", st.ns, err)
	}
	checked := map[string]bool{}
	for _, p := range pods.Items {
		if p.Spec.NodeName == "" || checked[p.Spec.NodeName] {
			continue
		}
		checked[p.Spec.NodeName] = true
		n, err := st.r.cs.CoreV1().Nodes().Get(ctx, p.Spec.NodeName, metav1.GetOptions{})
		if err != nil {
			return fmt.Errorf("read node %s: %w", p.Spec.NodeName, err)
		}
		if !nodeReady(n) {
			return fmt.Errorf("read node %s: not Ready (its kubelet stopped reporting)", n.Name)
		}
	}
	return nil
}

// nodeReady reports the node's Ready condition.
func nodeReady(n *corev1.Node) bool {
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}
