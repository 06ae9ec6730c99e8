// Command etcd is the test cluster's etcd, built from the Go module proxy: etcd's own
// main module carries replace directives, so go install cannot build it directly.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
