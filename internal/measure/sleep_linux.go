package measure

import (
	"syscall"
	"time"
)

const (
	prSetTimerSlack = 29 // prctl(2) PR_SET_TIMERSLACK
	prGetTimerSlack = 30 // prctl(2) PR_GET_TIMERSLACK
)

// preciseThread sets the calling (locked) thread's timer slack to 1 ns, so the kernel
// does not defer its wake-ups by the default 50 µs, and returns what restores it.
func preciseThread() (restore func()) {
	old, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prGetTimerSlack, 0, 0)
	if errno != 0 {
		return func() {}
	}
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prSetTimerSlack, 1, 0); errno != 0 {
		return func() {}
	}
	return func() { _, _, _ = syscall.RawSyscall(syscall.SYS_PRCTL, prSetTimerSlack, old, 0) }
}

// preciseSleep sleeps d on the kernel's high-resolution timer (nanosleep), blocking the
// calling thread; the runtime hands its processor to other goroutines meanwhile.
func preciseSleep(d time.Duration) {
	ts := syscall.NsecToTimespec(int64(d))
	_ = syscall.Nanosleep(&ts, nil) // an interrupted sleep is resumed by the caller's loop
}
