//go:build !linux

package measure

import "time"

// preciseThread does nothing where the thread's timer slack cannot be set.
func preciseThread() (restore func()) { return func() {} }

// preciseSleep sleeps d on the runtime's timer, the best this platform offers here.
func preciseSleep(d time.Duration) { time.Sleep(d) }
