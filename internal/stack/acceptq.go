package stack

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// AcceptWait bounds how long a drain waits for an old instance to accept what was sent
// to it: a service that stopped accepting is stopped anyway.
const AcceptWait = 2 * time.Second

// AwaitAccepted waits until dialing reports no connection still being connected to an
// old instance and none waits in the accept queue of its listener on port (tables in
// netDir), or AcceptWait passed: a drain stops the instance only then. Dials are read
// first: one that completed is in the accept queue when that is read next.
func AwaitAccepted(ctx context.Context, dialing func(context.Context) int, netDir string, port int) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), AcceptWait)
	defer cancel()
	for ctx.Err() == nil {
		if dialing(ctx) == 0 {
			if queued, _ := AcceptQueue(netDir, port); queued == 0 {
				return
			}
		}
		time.Sleep(time.Millisecond)
	}
}

// SelfNet is the kernel's network tables of drill's own network namespace.
const SelfNet = "/proc/net"

// AcceptQueue is how many connections wait in the accept queue of the TCP socket
// listening on port in the network namespace whose tables are in netDir (SelfNet, or
// /proc/<pid>/net of a container's process): connected by the kernel, not yet accepted
// by the service. ok is false when no socket listens on port or netDir is unreadable.
func AcceptQueue(netDir string, port int) (n int, ok bool) {
	for _, table := range []string{netDir + "/tcp", netDir + "/tcp6"} {
		if q, found := listenQueue(table, port); found {
			n, ok = n+q, true
		}
	}
	return n, ok
}

// listenQueue reads one of the kernel's TCP tables. For a listening socket (state 0A)
// the rx_queue column is its accept queue's length.
func listenQueue(table string, port int) (n int, found bool) {
	f, err := os.Open(table)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	want := fmt.Sprintf(":%04X", port)
	for sc := bufio.NewScanner(f); sc.Scan(); {
		// sl local_address rem_address st tx_queue:rx_queue ...
		fields := strings.Fields(sc.Text())
		if len(fields) < 5 || fields[3] != "0A" || !strings.HasSuffix(fields[1], want) {
			continue
		}
		_, rx, _ := strings.Cut(fields[4], ":")
		q, err := strconv.ParseInt(rx, 16, 64)
		if err != nil {
			continue
		}
		n, found = n+int(q), true
	}
	return n, found
}
