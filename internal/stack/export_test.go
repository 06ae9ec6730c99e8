package stack

// DockerService is a value of the docker runtime's Service type, for the spec that holds
// its declared capabilities to what its services implement.
var DockerService Service = (*dockerService)(nil)
