package process

import (
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Ports the process runtime hands to services come from below the kernel's ephemeral
// range. A port found by listening on :0 and closing is in that range, and the kernel
// soon gives it to an outgoing connection (the workload and the probes open many): the
// service, binding it a moment later, then fails with "address already in use", an
// outage drill itself would have caused. Below the range only a listener asking for
// that very port competes; handed remembers the ports given out lately so that two
// instances of one drill never get the same one.
var ports = struct {
	sync.Mutex
	handed map[int]time.Time
}{handed: map[int]time.Time{}}

// portMemory is how long a handed port is not handed again.
const portMemory = 2 * time.Minute

// freePort returns a port of 127.0.0.1 nobody listens on, below the ephemeral range.
func freePort() (int, error) {
	lo, hi := servicePorts()
	ports.Lock()
	defer ports.Unlock()
	now := time.Now()
	if len(ports.handed) > (hi-lo)/4 {
		for p, at := range ports.handed {
			if now.Sub(at) > portMemory {
				delete(ports.handed, p)
			}
		}
	}
	for range 256 {
		p := lo + rand.IntN(hi-lo+1)
		if at, ok := ports.handed[p]; ok && now.Sub(at) < portMemory {
			continue
		}
		ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
		if err != nil {
			continue // in use
		}
		_ = ln.Close()
		ports.handed[p] = now
		return p, nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0") // a machine whose low ports are all taken
	if err != nil {
		return 0, fmt.Errorf("find free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// servicePorts is the range freePort draws from: the 12,768 ports below the kernel's
// ephemeral range (net.ipv4.ip_local_port_range), 20000–32767 where it is Linux's
// default or cannot be read.
func servicePorts() (lo, hi int) {
	lo, hi = 20000, 32767
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return lo, hi
	}
	f := strings.Fields(string(b))
	if len(f) != 2 {
		return lo, hi
	}
	if first, err := strconv.Atoi(f[0]); err == nil && first > 2048 {
		hi = first - 1
		lo = max(1024, hi-12767)
	}
	return lo, hi
}
