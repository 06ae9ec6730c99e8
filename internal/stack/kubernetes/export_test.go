package kubernetes

import (
	"context"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// Service is a value of the runtime's service type, for the declared-capabilities spec.
var Service = &k8sService{}

// ChainEndpoints exposes the parse of kube-proxy's nftables rules to the specs.
var ChainEndpoints = chainEndpoints

// Unreachable is a copy of the stack st whose runtime talks to an apiserver address
// nothing listens on: a cluster lost, for the Healthier spec.
func Unreachable(st any) interface {
	Healthy(context.Context) error
} {
	cfg := rest.CopyConfig(st.(*k8sStack).r.cfg)
	cfg.Host = "https://127.0.0.1:1"
	return &k8sStack{ns: st.(*k8sStack).ns, r: &Runtime{cfg: cfg, cs: kubernetes.NewForConfigOrDie(cfg)}}
}

// SetDownBound shortens Down's bound for a spec; the returned func puts it back.
func SetDownBound(d time.Duration) func() {
	prev := downBound
	downBound = d
	return func() { downBound = prev }
}

// NftEndpoints exposes the pod addresses kube-proxy's rules send a Service to.
var NftEndpoints = nftEndpoints
