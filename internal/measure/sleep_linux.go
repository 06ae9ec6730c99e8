package measure

import (
	"errors"
	"os"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// preciseTimer sleeps a goroutine with the kernel's high-resolution timer (a timerfd
// waited on through the runtime's network poller): the goroutine parks and its
// processor runs other goroutines meanwhile, unlike a nanosleep, which holds the
// processor for the whole sleep; and it wakes within microseconds, unlike the runtime's
// own timers, which round a sleep shorter than a millisecond up to one on an idle
// machine. Arming and reading the timer are raw system calls (they never block), so a
// sleep costs the runtime no thread hand-off: at 10,000 operations/s the pacer's own
// sleeping would otherwise take as much CPU as the requests it paces.
type preciseTimer struct {
	f   *os.File
	raw syscall.RawConn
	fd  int // f's descriptor, kept apart: File.Fd would make f blocking
}

// newPreciseTimer returns a timer for one goroutine's use, or nil where the kernel
// refuses one (the runtime's timer then serves).
func newPreciseTimer() *preciseTimer {
	fd, err := unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_NONBLOCK|unix.TFD_CLOEXEC)
	if err != nil {
		return nil
	}
	f := os.NewFile(uintptr(fd), "drill-pacer-timer")
	raw, err := f.SyscallConn()
	if err != nil {
		_ = f.Close()
		return nil
	}
	return &preciseTimer{f: f, raw: raw, fd: fd}
}

// sleep parks the calling goroutine for d. It wakes on whichever comes first: the
// kernel's timer, through the poller (precise while a processor is idle: one waits in
// the poller), or the runtime's own timer as the read's deadline (checked at every
// switch of goroutines, so precise while every processor is busy and the poller is
// seldom asked, up to 10 ms later).
func (t *preciseTimer) sleep(d time.Duration) {
	if t == nil || !t.arm(d) {
		time.Sleep(d)
		return
	}
	if err := t.f.SetReadDeadline(time.Now().Add(d)); err != nil {
		time.Sleep(d)
		return
	}
	var expirations uint64
	err := t.raw.Read(func(fd uintptr) bool {
		_, _, errno := syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(&expirations)), 8)
		return errno != syscall.EAGAIN
	})
	if err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
		time.Sleep(d)
	}
}

// arm sets the timer to expire once, d from now.
func (t *preciseTimer) arm(d time.Duration) bool {
	spec := unix.ItimerSpec{Value: unix.NsecToTimespec(max(int64(d), 1))}
	_, _, errno := syscall.RawSyscall6(syscall.SYS_TIMERFD_SETTIME, uintptr(t.fd), 0,
		uintptr(unsafe.Pointer(&spec)), 0, 0, 0)
	return errno == 0
}

// close releases the timer's descriptor.
func (t *preciseTimer) close() {
	if t != nil {
		_ = t.f.Close()
	}
}
