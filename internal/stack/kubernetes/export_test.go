package kubernetes

// Service is a value of the runtime's service type, for the declared-capabilities spec.
var Service = &k8sService{}
