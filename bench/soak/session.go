package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// exitWait bounds how long drill may take to exit after a signal before the run counts
// as hung (and is killed so the soak can go on).
const exitWait = 90 * time.Second

// proc is one drill process started by the soak.
type proc struct {
	cmd    *exec.Cmd
	tag    string // DRILL_SOAK_TAG=..., inherited by every process drill starts
	exited chan struct{}
	err    error
}

// start runs drill with args, its $TMPDIR in the working directory and a tag of its own
// in its environment, in a process group of its own (a signal is sent to drill alone,
// as a supervisor's kill would).
func (s *soak) start(name string, args ...string) (*proc, error) {
	log, err := os.Create(filepath.Join(s.work, "logs", name+".log"))
	if err != nil {
		return nil, fmt.Errorf("make log: %w", err)
	}
	p := &proc{tag: "DRILL_SOAK_TAG=" + strconv.FormatUint(s.cfg.seed, 10) + "-" + name, exited: make(chan struct{})}
	p.cmd = exec.Command(s.cfg.drill, args...)
	p.cmd.Dir = s.work
	p.cmd.Env = append(os.Environ(), "TMPDIR="+filepath.Join(s.work, "tmp"), p.tag)
	p.cmd.Stdout, p.cmd.Stderr = log, log
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := p.cmd.Start(); err != nil {
		log.Close()
		return nil, fmt.Errorf("start drill: %w", err)
	}
	go func() {
		p.err = p.cmd.Wait()
		log.Close()
		close(p.exited)
	}()
	return p, nil
}

// code is the exit code, -1 when killed by a signal.
func (p *proc) code() int { return p.cmd.ProcessState.ExitCode() }

// wait waits up to d for the process to exit and reports whether it did.
func (p *proc) wait(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-p.exited:
		return true
	case <-t.C:
		return false
	}
}

func (s *soak) runArgs(rt string, trials int) []string {
	return []string{"run", s.cfg.scenario, "--trials", strconv.Itoa(trials), "--runtime", rt, "--out", "out", "--seed", "7"}
}

// calibrate runs drill uninterrupted on rt twice (the first run may build images) and
// returns the shorter wall time: delays are drawn as fractions of it, so signals land in
// every phase of a run.
func (s *soak) calibrate(ctx context.Context, rt string) (time.Duration, error) {
	first, err := s.calibrateOnce(ctx, rt, "warm")
	if err != nil {
		return 0, err
	}
	second, err := s.calibrateOnce(ctx, rt, "timed")
	return min(first, second), err // the shorter: a slow one was slowed by something else
}

func (s *soak) calibrateOnce(ctx context.Context, rt, name string) (time.Duration, error) {
	t0 := time.Now()
	p, err := s.start("calibrate-"+rt+"-"+name, s.runArgs(rt, s.cfg.trials)...)
	if err != nil {
		return 0, err
	}
	if !p.wait(10 * time.Minute) {
		_ = p.cmd.Process.Kill()
		<-p.exited
		return 0, fmt.Errorf("calibrate %s: drill did not finish in 10 minutes", rt)
	}
	d := time.Since(t0)
	if c := p.code(); c != 0 && c != 1 && c != 3 {
		return d, fmt.Errorf("calibrate %s: drill exited %d (see %s)", rt, c, filepath.Join(s.work, "logs", "calibrate-"+rt+"-"+name+".log"))
	}
	c, err := s.counter.count(ctx, p.cmd.Process.Pid, p.tag)
	if err != nil {
		return d, err
	}
	if c.total() != 0 {
		return d, fmt.Errorf("calibrate %s: an uninterrupted run left %s: %v", rt, c, c.Names)
	}
	return d, nil
}

// record is what one interrupted run did and left.
type record struct {
	planned
	n          int
	pid        int
	delay      time.Duration
	signalled  bool          // false: drill had exited before the signal was due
	exitAfter  time.Duration // signal → exit
	code       int
	hung       bool
	afterKill  census // SIGKILL: what the kill left, before the cleanup
	left       census // after exit (SIGINT/SIGTERM) or after the cleanup (SIGKILL): must be empty
	cleanupErr error
}

// soak calibrates each runtime, then runs the plan until done or out of budget.
func (s *soak) soak(ctx context.Context) (*results, error) {
	res := &results{start: time.Now(), calib: map[string]time.Duration{}}
	for _, rt := range s.runtimes {
		d, err := s.calibrate(ctx, rt)
		if err != nil {
			return res.fail(err), err
		}
		res.calib[rt] = d
		fmt.Printf("soak: an uninterrupted %s run of %d trials takes %s\n", rt, s.cfg.trials, d.Round(time.Millisecond))
	}
	// A run that ended before its signal was due is censused too, but does not count as
	// interrupted: the same runtime and signal are tried again, with a new delay.
	queue := s.plan()
	for i := 0; i < len(queue); i++ {
		x := queue[i]
		if time.Since(res.start) > s.cfg.budget {
			res.stopped = fmt.Sprintf("budget of %s spent after %d runs", s.cfg.budget, i)
			break
		}
		r, err := s.one(ctx, i+1, x, x.delay(res.calib[x.runtime]))
		if err != nil {
			return res.fail(err), err
		}
		res.runs = append(res.runs, r)
		fmt.Printf("soak: %3d %-7s %-7s after %6s (pid %d): %s\n", r.n, r.runtime, sigName(r.sig), r.delay.Round(time.Millisecond), r.pid, r.line())
		if r.left.total() != 0 {
			s.scrub(r)
		}
		if !r.signalled {
			x.frac = s.rng.Float64()
			queue = append(queue, x)
		}
	}
	return res.done(), nil
}

// one runs, interrupts and censuses run n.
func (s *soak) one(ctx context.Context, n int, x planned, delay time.Duration) (record, error) {
	r := record{planned: x, n: n, delay: delay}
	p, err := s.start(fmt.Sprintf("run-%03d", n), s.runArgs(x.runtime, s.cfg.trials)...)
	if err != nil {
		return r, err
	}
	timer := time.NewTimer(delay)
	select {
	case <-p.exited:
		timer.Stop()
	case <-timer.C:
		r.signalled = p.cmd.Process.Signal(x.sig) == nil
	}
	sent := time.Now()
	if !p.wait(exitWait) {
		r.hung = true
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
	r.exitAfter = time.Since(sent)
	r.code = p.code()
	pid := p.cmd.Process.Pid
	r.pid = pid
	if r.left, err = s.counter.count(ctx, pid, p.tag); err != nil {
		return r, err
	}
	if x.sig != syscall.SIGKILL || !r.signalled {
		return r, nil
	}
	r.afterKill = r.left
	switch x.cleanup {
	case "clean":
		c, err := s.start(fmt.Sprintf("run-%03d-clean", n), "clean", "--out", "out")
		if err != nil {
			return r, err
		}
		<-c.exited
		if c.err != nil {
			r.cleanupErr = fmt.Errorf("drill clean: %w", c.err)
		}
	default:
		c, err := s.start(fmt.Sprintf("run-%03d-next", n), s.runArgs(x.runtime, 1)...)
		if err != nil {
			return r, err
		}
		if !c.wait(5 * time.Minute) {
			_ = c.cmd.Process.Kill()
			<-c.exited
			r.cleanupErr = errors.New("next run did not finish in 5 minutes")
		} else if code := c.code(); code != 0 && code != 1 && code != 3 {
			r.cleanupErr = fmt.Errorf("next run exited %d", code)
		}
		// The next run's own leftovers count too (temp dirs are counted once: all of $TMPDIR).
		own, err := s.counter.count(ctx, c.cmd.Process.Pid, c.tag)
		if err != nil {
			return r, err
		}
		if r.left, err = s.counter.count(ctx, pid, p.tag); err != nil {
			return r, err
		}
		own.TempDirs, own.Files = 0, 0
		r.left = addCensus(r.left, own)
		return r, nil
	}
	if r.left, err = s.counter.count(ctx, pid, p.tag); err != nil {
		return r, err
	}
	return r, nil
}

// scrub removes what a run left so the runs after it start from nothing: the soak has
// already counted it as a failure.
func (s *soak) scrub(r record) {
	if c, err := s.start(fmt.Sprintf("run-%03d-scrub", r.n), "clean", "--all", "--out", "out"); err == nil {
		<-c.exited
	}
	for _, name := range r.left.Names {
		var pid int
		if _, err := fmt.Sscanf(name, "process %d", &pid); err == nil && pid > 0 {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	ents, _ := os.ReadDir(s.counter.tmpDir)
	for _, e := range ents {
		_ = os.RemoveAll(filepath.Join(s.counter.tmpDir, e.Name()))
	}
}

func addCensus(a, b census) census {
	return census{Containers: a.Containers + b.Containers, Networks: a.Networks + b.Networks,
		Processes: a.Processes + b.Processes, TempDirs: a.TempDirs + b.TempDirs, Files: a.Files + b.Files,
		Cgroups: a.Cgroups + b.Cgroups, Names: append(a.Names, b.Names...)}
}
