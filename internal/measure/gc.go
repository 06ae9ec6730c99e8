package measure

import (
	"os"
	"runtime/debug"
)

// Collector settings of a process that generates load (drill's CLI): the open-loop
// workload allocates for every request, and at Go's default (a collection each time the
// heap doubles, a few times a second at 5,000 writes/s on a small heap) collections
// delay the goroutines that start operations past their slots. Measured here
// (bench/README.md): at 5,000/s the share started within 1 ms of schedule rose from
// 94–96 % to 99.0–99.7 %, and from 71–73 % to 92 % at 10,000/s. The memory limit keeps
// the larger heap bounded: past it the collector works as hard as it must.
const (
	gcPercent   = 400
	memoryLimit = 160 << 20
)

// TuneGC applies those settings unless the environment sets GOGC or GOMEMLIMIT. It is
// for a program's main (a library must not change its host's collector).
func TuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}
