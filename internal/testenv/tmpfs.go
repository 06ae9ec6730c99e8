package testenv

import (
	"fmt"
	"os"
	"syscall"
)

// FullDisk mounts a tmpfs of size bytes at dir (made if missing): a real filesystem that
// runs out of space, for specs of what a full disk leaves behind. unmount removes it.
// It needs root (CAP_SYS_ADMIN); the error says so, for the spec to skip.
func FullDisk(dir string, size int) (unmount func(), err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, fmt.Sprintf("size=%d", size)); err != nil {
		return nil, fmt.Errorf("mount a %d-byte tmpfs at %s (needs root): %w", size, dir, err)
	}
	return func() { _ = syscall.Unmount(dir, syscall.MNT_DETACH) }, nil
}
