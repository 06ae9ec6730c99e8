// Command pause is the test cluster's pod sandbox: the process that holds a pod's
// namespaces while its containers come and go. It is the project's own, built FROM
// scratch (tools/k8s/pause/Dockerfile) and imported into the cluster's containerd by
// tools/k8s/cluster.sh, so the cluster needs no registry. As the pod's first process it
// reaps the zombies of a shared PID namespace and exits 0 on SIGINT or SIGTERM.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	signals := make(chan os.Signal, 8)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for s := range signals {
		if s != syscall.SIGCHLD {
			os.Exit(0)
		}
		reap()
	}
}

// reap waits for every exited child without blocking, so none stays a zombie.
func reap() {
	for {
		pid, err := syscall.Wait4(-1, nil, syscall.WNOHANG, nil)
		if pid <= 0 || err != nil {
			return
		}
	}
}
