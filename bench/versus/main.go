// Command versus measures drill's HTTP workload against vegeta's, the open-loop load
// generator drill's pacer is modelled on, in the same window and against the same
// server: interleaved pairs (drill, then vegeta) at the same rate, first on a quiet
// machine, then with CPU hogs it starts itself. Each client runs in a process of its
// own (this program again for drill, vegeta's own binary, a Go tool dependency of
// drill's module), so each one's memory is its own; the server is this program again.
// Per run it counts what was due, what started within the pacer's tolerance of its
// slot, what was answered and what was acknowledged (2xx), and the client's peak RSS;
// per pair the ratio drill / vegeta. It prints the Markdown rows bench/README.md keeps,
// with the machine's load, CPU count and date.
//
//	go run ./bench/versus --rate 5000 --duration 5s --pairs 3 --hogs 2
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// roleEnv makes this program one of the benchmark's children: the server, a CPU hog or
// drill's client (role.go).
const roleEnv = "DRILL_VERSUS_ROLE"

func main() {
	if role := os.Getenv(roleEnv); role != "" {
		os.Exit(child(role))
	}
	os.Exit(run())
}

// config is what the flags set.
type config struct {
	rate     float64
	duration time.Duration
	timeout  time.Duration
	pairs    int
	hogs     int
	vegeta   string
}

func run() int {
	var cfg config
	flag.Float64Var(&cfg.rate, "rate", 5000, "writes per second both clients are asked for")
	flag.DurationVar(&cfg.duration, "duration", 5*time.Second, "how long each client runs")
	flag.DurationVar(&cfg.timeout, "timeout", time.Second, "request timeout of both clients (drill's default workload timeout)")
	flag.IntVar(&cfg.pairs, "pairs", 3, "pairs (drill, then vegeta) per condition")
	flag.IntVar(&cfg.hogs, "hogs", 2, "CPU hogs (busy loops in processes of their own) of the loaded condition; 0: quiet only")
	flag.StringVar(&cfg.vegeta, "vegeta", "", "vegeta binary (default: go tool -n vegeta, the version drill's go.mod pins)")
	flag.Parse()
	if cfg.rate <= 0 || cfg.duration <= 0 || cfg.timeout <= 0 || cfg.pairs < 1 || cfg.hogs < 0 {
		fmt.Fprintln(os.Stderr, "versus: --rate, --duration, --timeout and --pairs must be greater than 0, --hogs at least 0")
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := bench(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "versus:", err)
		return 1
	}
	return 0
}
