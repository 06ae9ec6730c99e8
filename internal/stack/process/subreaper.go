package process

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/drillhq/drill/internal/fixture"
)

// Kills reach a service's tree by parent pid (proctree.go). A process that double-forks
// (its parent exits) would be reparented to init and leave that tree, so the process
// runtime makes each service's own process a child subreaper (prctl
// PR_SET_CHILD_SUBREAPER): its orphaned descendants are reparented to it instead, and stay
// in the tree that kill, pause and stop walk. The flag survives execve, so drill's
// fixtures set it themselves at start (BecomeSubreaper) and a command service is started
// through the drill binary's hidden ExecCommand, which sets it and execs the command in
// place: the service's pid is the one drill started, as the ledger's ground truth records.
// A spare ExecCommand process, started ahead, keeps that detour out of the time a start
// takes (spare.go).
//
// What still escapes the tree: a process started on the service's behalf by something
// outside it (systemd, another daemon); a child the service's own process makes with
// CLONE_PARENT (a sibling, not a descendant); the orphans of a service whose own process
// exited before drill signalled it (a crash: they go to init, or to drill's nearest
// subreaper ancestor; drill does not make itself one, as it would then have to reap the
// orphans of everything it starts, a library user's test binary included); and, in a
// graceful stop, a process forked after drill last read the tree that outlives the
// service's process. The instance's cgroup (cgroup.go), where the machine has one, holds
// all of these but the first. Where the drill binary cannot be found (a library user's
// test binary without $DRILL_FIXTURE_DIR) a command service is started directly, and
// where prctl fails (a kernel before 3.4, or a sandbox that forbids it) it runs without
// the flag: in both cases a double-forked process escapes the tree, as it did before, and
// only the cgroup, if any, still holds it.

// ExecCommand is the hidden subcommand of the drill binary that starts a command
// service as a child subreaper. Either
//
//	drill service-exec [-uid U -gid G] [-cgroup DIR] -- PATH ARGV0 [ARG...]
//
// sets the flag, joins the cgroup at DIR and takes the service's user (U:G, supplementary
// groups cleared) when given, and execs PATH with ARGV0 ARG... and its own environment; or
//
//	drill service-exec -wait
//
// (a spare, spare.go) waits for an execSpec in JSON on its stdin and does the same with
// the spec's directory, environment and output file.
const ExecCommand = "service-exec"

// execSpec is what ExecCommand execs, and how.
type execSpec struct {
	// Path is the executable; Argv its arguments, Argv[0] included.
	Path string   `json:"path"`
	Argv []string `json:"argv"`
	// Env replaces the environment when not nil.
	Env []string `json:"env,omitempty"`
	// Dir is the working directory ("": unchanged).
	Dir string `json:"dir,omitempty"`
	// Log, when set, receives stdout and stderr (appended; stdin becomes /dev/null).
	Log string `json:"log,omitempty"`
	// User, when set, is the uid and gid to run as.
	User *[2]uint32 `json:"user,omitempty"`
	// Cgroup, when set, is the cgroup directory to join before the command runs.
	Cgroup string `json:"cgroup,omitempty"`
}

// BecomeSubreaper makes the calling process a child subreaper: processes orphaned below it
// are reparented to it, not to init. It is not inherited by fork and survives execve.
func BecomeSubreaper() error {
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("become child subreaper: %w", err)
	}
	return nil
}

// ExecMain runs ExecCommand with args (what follows the subcommand's name). It returns
// only on failure; on success the command has replaced the process.
func ExecMain(args []string) error {
	// Per-thread settings (the parent-death signal) must be on the thread that execs.
	runtime.LockOSThread()
	ppid := os.Getppid()
	var spec execSpec
	if len(args) == 1 && args[0] == "-wait" {
		if err := json.NewDecoder(os.Stdin).Decode(&spec); err != nil {
			return fmt.Errorf("read exec spec: %w", err)
		}
		if len(spec.Argv) == 0 {
			return errors.New("read exec spec: no argv")
		}
	} else {
		var err error
		if spec, err = parseExecArgs(args); err != nil {
			return err
		}
	}
	return spec.exec(ppid)
}

// exec replaces the process with the spec's command, as a subreaper; ppid is the parent
// (drill) that must still be alive.
func (s execSpec) exec(ppid int) error {
	if s.Log != "" {
		if err := redirect(s.Log); err != nil {
			return err
		}
	}
	if s.Dir != "" {
		if err := os.Chdir(s.Dir); err != nil {
			return fmt.Errorf("enter directory: %w", err)
		}
	}
	if err := BecomeSubreaper(); err != nil {
		fmt.Fprintf(os.Stderr, "drill %s: %v: processes that leave this service's tree will escape its kills\n", ExecCommand, err)
	}
	if s.Cgroup != "" {
		if err := (&cgroup{dir: s.Cgroup}).join(os.Getpid()); err != nil {
			fmt.Fprintf(os.Stderr, "drill %s: %v: processes that leave this service's tree may escape its kills\n", ExecCommand, err)
		}
	}
	if s.User != nil {
		if err := syscall.Setgroups([]int{}); err != nil {
			return fmt.Errorf("clear supplementary groups: %w", err)
		}
		if err := syscall.Setgid(int(s.User[1])); err != nil {
			return fmt.Errorf("set group %d: %w", s.User[1], err)
		}
		if err := syscall.Setuid(int(s.User[0])); err != nil {
			return fmt.Errorf("set user %d: %w", s.User[0], err)
		}
	}
	// A change of user clears the parent-death signal, and it belongs to one thread: set it
	// again here, and give up when drill died meanwhile.
	if err := unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(syscall.SIGKILL), 0, 0, 0); err != nil {
		return fmt.Errorf("set parent-death signal: %w", err)
	}
	if os.Getppid() != ppid {
		return errors.New("start service: drill exited")
	}
	env := s.Env
	if env == nil {
		env = os.Environ()
	}
	if err := syscall.Exec(s.Path, s.Argv, env); err != nil {
		return fmt.Errorf("exec %s: %w", s.Path, err)
	}
	return nil
}

// redirect points stdout and stderr at the file at path (appending) and stdin at /dev/null.
func redirect(path string) error {
	out, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("open output file: %w", err)
	}
	defer out.Close()
	null, err := os.Open(os.DevNull)
	if err != nil {
		return fmt.Errorf("open %s: %w", os.DevNull, err)
	}
	defer null.Close()
	for fd, f := range []*os.File{null, out, out} {
		if err := unix.Dup3(int(f.Fd()), fd, 0); err != nil {
			return fmt.Errorf("redirect fd %d: %w", fd, err)
		}
	}
	return nil
}

// parseExecArgs reads ExecCommand's arguments: -uid and -gid (when given, the user to
// run as), -cgroup, then -- PATH ARGV0 ARG....
func parseExecArgs(args []string) (execSpec, error) {
	var spec execSpec
	for len(args) > 0 && args[0] != "--" {
		if len(args) < 2 {
			return spec, fmt.Errorf("read %s arguments: %s needs a value", ExecCommand, args[0])
		}
		flag, value := args[0], args[1]
		args = args[2:]
		if flag == "-cgroup" {
			spec.Cgroup = value
			continue
		}
		n, err := strconv.ParseUint(value, 10, 32)
		if err != nil {
			return spec, fmt.Errorf("read %s arguments: %s %q: %w", ExecCommand, flag, value, err)
		}
		if spec.User == nil {
			spec.User = &[2]uint32{uint32(os.Getuid()), uint32(os.Getgid())}
		}
		switch flag {
		case "-uid":
			spec.User[0] = uint32(n)
		case "-gid":
			spec.User[1] = uint32(n)
		default:
			return spec, fmt.Errorf("read %s arguments: unknown flag %s", ExecCommand, flag)
		}
	}
	if len(args) < 3 {
		return spec, fmt.Errorf("read %s arguments: want -- PATH ARGV0 [ARG...]", ExecCommand)
	}
	spec.Path, spec.Argv = args[1], args[2:]
	return spec, nil
}

// drillBinary is the drill binary that can run ExecCommand ("": none, a library user's
// test binary without $DRILL_FIXTURE_DIR).
func drillBinary() string {
	p, err := fixture.Locate(fixture.ProxyServer) // any hosted program: its Path is drill
	if err != nil {
		return ""
	}
	return p.Path
}

// resolve finds argv[0] as exec.Command would, in drill's $PATH; a path with a slash
// stays as it is (a relative one is relative to the service's directory).
func resolve(name string) (string, error) {
	if strings.Contains(name, "/") {
		return name, nil
	}
	return exec.LookPath(name)
}

// shimArgv is the argv that starts spec through ExecCommand of the drill binary, which
// takes spec's user itself.
func shimArgv(drill string, spec execSpec) []string {
	argv := []string{drill, ExecCommand}
	if spec.User != nil {
		argv = append(argv, "-uid", strconv.FormatUint(uint64(spec.User[0]), 10), "-gid", strconv.FormatUint(uint64(spec.User[1]), 10))
	}
	if spec.Cgroup != "" {
		argv = append(argv, "-cgroup", spec.Cgroup)
	}
	argv = append(argv, "--", spec.Path)
	return append(argv, spec.Argv...)
}
