package stack

import "strconv"

// AcceptQueue exposes acceptQueue to the external specs: a spec waits until a
// connection sits in a frozen release's accept queue.
func AcceptQueue(port int) (int, bool) { return acceptQueue(selfNet, port) }

// AcceptQueueOf is acceptQueue in the network namespace of process pid.
func AcceptQueueOf(pid, port int) (int, bool) {
	return acceptQueue("/proc/"+strconv.Itoa(pid)+"/net", port)
}

// InstanceAddr is the address of the process runtime's instance serving svc now,
// behind its switch.
func InstanceAddr(svc Service) string {
	s := svc.(*processService)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

// ProcessService and DockerService are values of the runtimes' Service types, for the
// spec that holds each runtime's declared capabilities to what its services implement.
var (
	ProcessService Service = (*processService)(nil)
	DockerService  Service = (*dockerService)(nil)
)
