package kubernetes

// Service is a value of the runtime's service type, for the declared-capabilities spec.
var Service = &k8sService{}

// ChainEndpoints exposes the parse of kube-proxy's nftables rules to the specs.
var ChainEndpoints = chainEndpoints
