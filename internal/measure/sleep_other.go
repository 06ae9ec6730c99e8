//go:build !linux

package measure

import "time"

// preciseTimer is the runtime's timer where the kernel offers no timer descriptor.
type preciseTimer struct{}

func newPreciseTimer() *preciseTimer { return &preciseTimer{} }

// sleep parks the calling goroutine for d.
func (t *preciseTimer) sleep(d time.Duration) { time.Sleep(d) }

// close does nothing.
func (t *preciseTimer) close() {}
