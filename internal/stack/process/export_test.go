package process

import "github.com/drillhq/drill/internal/stack"

// InstanceAddr is the address of the process runtime's instance serving svc now,
// behind its switch.
func InstanceAddr(svc stack.Service) string {
	s := svc.(*processService)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

// Service is a value of the runtime's Service type, for the spec that holds its declared
// capabilities to what its services implement.
var Service stack.Service = (*processService)(nil)
