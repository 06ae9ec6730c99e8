package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"

	"github.com/drillhq/drill/internal/measure"
)

// bench runs the pairs of both conditions and prints them.
func bench(ctx context.Context, cfg config) error {
	if cfg.vegeta == "" {
		var err error
		if cfg.vegeta, err = vegetaPath(ctx); err != nil {
			return err
		}
	}
	dir, err := os.MkdirTemp("", "drill-versus-")
	if err != nil {
		return fmt.Errorf("make work dir: %w", err)
	}
	defer os.RemoveAll(dir)
	server, addr, err := startChild(ctx, "serve")
	if err != nil {
		return err
	}
	defer server.stop()
	start := measure.ReadMachine()
	fmt.Printf("drill's HTTP workload vs vegeta, %g writes/s for %s each, timeout %s, %d pairs per condition, one net/http server (%s)\n",
		cfg.rate, cfg.duration, cfg.timeout, cfg.pairs, addr)
	fmt.Printf("%s UTC, %s (GOMAXPROCS %d per process), vegeta %s\n\n", start.At.Format("2006-01-02 15:04"), start, start.CPUs, cfg.vegeta)
	fmt.Println("| condition | pair | load 1m | due | on schedule drill / vegeta | answered drill / vegeta | 2xx drill / vegeta | RSS MB drill / vegeta | × on schedule | × answered | × 2xx |") // × : drill's share of its due / vegeta's
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|")
	conditions := []int{0}
	if cfg.hogs > 0 {
		conditions = append(conditions, cfg.hogs)
	}
	for _, hogs := range conditions {
		if err := condition(ctx, cfg, dir, addr, hogs); err != nil {
			return err
		}
	}
	fmt.Println("\non schedule: started within max(1 ms, 1/rate) of its slot; answered: an HTTP status within the timeout; 2xx: acknowledged;")
	fmt.Println("×: drill's count over its due divided by vegeta's count over its due (each window ends when its own schedule saw the end)")
	end := measure.ReadMachine()
	fmt.Printf("\nmachine at the end: %s, %.1f%% stolen over the run\n", end, 100*end.StealShare(start))
	return nil
}

// condition runs cfg.pairs pairs with hogs CPU hogs running, and stops the hogs.
func condition(ctx context.Context, cfg config, dir, addr string, hogs int) error {
	name := "quiet"
	if hogs > 0 {
		name = fmt.Sprintf("%d CPU hogs", hogs)
	}
	for range hogs {
		h, _, err := startChild(ctx, "hog")
		if err != nil {
			return err
		}
		defer h.stop()
	}
	for i := range cfg.pairs {
		d, err := drillRun(ctx, cfg, addr)
		if err != nil {
			return err
		}
		v, err := vegetaRun(ctx, cfg, dir, addr)
		if err != nil {
			return err
		}
		load := measure.ReadMachine()
		fmt.Printf("| %s | %d | %.2f | %d / %d | %d / %d | %d / %d | %d / %d | %.0f / %.0f | %s | %s | %s |\n",
			name, i+1, load.Load1, d.Due, v.Due, d.OnSchedule, v.OnSchedule, d.Answered, v.Answered, d.Acked, v.Acked,
			float64(d.RSSBytes)/1e6, float64(v.RSSBytes)/1e6,
			ratio(d.OnSchedule, d.Due, v.OnSchedule, v.Due), ratio(d.Answered, d.Due, v.Answered, v.Due),
			ratio(d.Acked, d.Due, v.Acked, v.Due))
	}
	return nil
}

// ratio is drill's share of its due operations over vegeta's, as "1.02×" ("–" when
// vegeta's is 0): each client's window ends when its own schedule noticed the end, so
// their due counts differ by a few; shares compare what each did with what it was due.
func ratio(drill, drillDue, vegeta, vegetaDue int) string {
	if vegeta == 0 || drillDue == 0 {
		return "–"
	}
	return fmt.Sprintf("%.3f×", float64(drill)/float64(drillDue)/(float64(vegeta)/float64(vegetaDue)))
}

// drillRun runs drill's client in a process of its own and reads its counts.
func drillRun(ctx context.Context, cfg config, addr string) (clientResult, error) {
	self, err := os.Executable()
	if err != nil {
		return clientResult{}, fmt.Errorf("find own binary: %w", err)
	}
	cmd := exec.CommandContext(ctx, self, "--addr", addr, "--rate", strconv.FormatFloat(cfg.rate, 'f', -1, 64),
		"--duration", cfg.duration.String(), "--timeout", cfg.timeout.String())
	cmd.Env = append(os.Environ(), roleEnv+"=drill")
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return clientResult{}, fmt.Errorf("run drill's client: %w", err)
	}
	var r clientResult
	if err := json.Unmarshal(out, &r); err != nil {
		return clientResult{}, fmt.Errorf("read drill's client counts: %w", err)
	}
	r.RSSBytes = maxRSS(cmd)
	return r, nil
}

// maxRSS is a finished child's peak resident set (Linux reports it in KiB).
func maxRSS(cmd *exec.Cmd) int64 {
	if u, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		return u.Maxrss * 1024
	}
	return 0
}

// proc is a child that runs until its stdin closes.
type proc struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
}

// startChild starts this program in role and returns it with the first line it
// printed (the server's address; hogs print nothing and are not waited for).
func startChild(ctx context.Context, role string) (*proc, string, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, "", fmt.Errorf("find own binary: %w", err)
	}
	cmd := exec.CommandContext(ctx, self)
	cmd.Env = append(os.Environ(), roleEnv+"="+role)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, "", fmt.Errorf("start %s: %w", role, err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, "", fmt.Errorf("start %s: %w", role, err)
	}
	if err := cmd.Start(); err != nil {
		return nil, "", fmt.Errorf("start %s: %w", role, err)
	}
	p := &proc{cmd: cmd, stdin: stdin}
	if role != "serve" {
		return p, "", nil
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		p.stop()
		return nil, "", fmt.Errorf("start server: %w", err)
	}
	return p, line[:len(line)-1], nil
}

// stop closes the child's stdin, then kills it if it has not exited within a second.
func (p *proc) stop() {
	_ = p.stdin.Close()
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Second):
		_ = p.cmd.Process.Kill()
		<-done
	}
}
