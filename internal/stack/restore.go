package stack

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// snapshotDir is where the n-th snapshot of the data directory dir goes: beside it, so
// it goes with the stack's data root.
func snapshotDir(dir string, n int) string {
	return fmt.Sprintf("%s.snapshot-%d", dir, n)
}

// ReplaceDir makes dst hold exactly what src holds (files, directories, modes, owners).
func ReplaceDir(src, dst string) error {
	entries, err := os.ReadDir(dst)
	if err != nil {
		return fmt.Errorf("restore data: %w", err)
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(dst, e.Name())); err != nil {
			return fmt.Errorf("restore data: %w", err)
		}
	}
	if err := copyTree(src, dst); err != nil {
		return fmt.Errorf("restore data: %w", err)
	}
	return nil
}

// copyTree copies the tree under src into dst (which exists), keeping modes and owners.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil || rel == "." {
			return err
		}
		to := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			err = os.Mkdir(to, info.Mode().Perm())
		case info.Mode().IsRegular():
			err = copyFile(path, to, info.Mode().Perm())
		default:
			return nil // sockets, pipes, links: not data
		}
		if err != nil {
			return err
		}
		if st, ok := info.Sys().(*syscall.Stat_t); ok {
			_ = os.Lchown(to, int(st.Uid), int(st.Gid))
		}
		return nil
	})
}

func copyFile(src, dst string, mode fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// TakeSnapshot copies dir into its n-th snapshot directory and returns it.
func TakeSnapshot(dir string, n int) (string, error) {
	snap := snapshotDir(dir, n)
	st, err := os.Stat(dir)
	if err != nil {
		return "", fmt.Errorf("snapshot data: %w", err)
	}
	if err := os.Mkdir(snap, st.Mode().Perm()); err != nil {
		return "", fmt.Errorf("snapshot data: %w", err)
	}
	if err := copyTree(dir, snap); err != nil {
		return "", fmt.Errorf("snapshot data: %w", err)
	}
	return snap, nil
}
