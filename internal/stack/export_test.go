package stack

// AcceptQueue exposes acceptQueue to the external specs: a spec waits until a
// connection sits in a frozen release's accept queue.
var AcceptQueue = acceptQueue

// InstanceAddr is the address of the process runtime's instance serving svc now,
// behind its switch.
func InstanceAddr(svc Service) string {
	s := svc.(*processService)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}
