package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/drillhq/drill/internal/measure"
)

// child runs this program as one of the benchmark's children and returns its exit code.
// Every child ends when its standard input closes, so none outlives the benchmark.
func child(role string) int {
	switch role {
	case "serve":
		return serve()
	case "hog":
		return hog()
	case "drill":
		return drillClient(os.Args[1:])
	}
	fmt.Fprintf(os.Stderr, "versus: unknown role %q\n", role)
	return 2
}

// serve answers every request with 200 once it read the body, on loopback, and prints
// its address: the same server for both clients.
func serve() int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "versus: listen:", err)
		return 1
	}
	fmt.Println(ln.Addr().String())
	go func() {
		_ = http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
		}))
	}()
	_, _ = io.Copy(io.Discard, os.Stdin)
	return 0
}

// hog keeps one core busy, as `yes > /dev/null` does, until its stdin closes.
func hog() int {
	runtime.GOMAXPROCS(1)
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
	x := uint64(0)
	for {
		x = x*6364136223846793005 + 1442695040888963407
	}
}

// clientResult is what one client's run gives, as counted from its own records.
type clientResult struct {
	Due        int     `json:"due"`
	OnSchedule int     `json:"on_schedule"`
	Issued     int     `json:"issued"`
	Answered   int     `json:"answered"`
	Acked      int     `json:"acked"`
	MaxLateMs  float64 `json:"max_late_ms"`
	RSSBytes   int64   `json:"-"` // from the parent's rusage of the child
}

// drillClient runs drill's HTTP workload (measure.HTTPWorkload, as a scenario's http
// workload runs it, with the collector set as drill's CLI sets it) against --addr and
// prints its clientResult as JSON.
func drillClient(args []string) int {
	fs := flag.NewFlagSet("drill client", flag.ContinueOnError)
	addr := fs.String("addr", "", "server host:port")
	rate := fs.Float64("rate", 5000, "writes per second")
	duration := fs.Duration("duration", 5*time.Second, "schedule window")
	timeout := fs.Duration("timeout", time.Second, "write timeout")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	measure.TuneGC()
	success := make([]int, 0, 100)
	for s := 200; s < 300; s++ {
		success = append(success, s)
	}
	w, err := measure.NewHTTPWorkload(measure.HTTPWorkloadSpec{Endpoint: *addr, Rate: *rate, Timeout: *timeout,
		Write: measure.HTTPRequest{Path: "/w", Body: `{"id":"{{.ID}}"}`}, Success: success,
		Rand: rand.New(rand.NewPCG(1, 2))})
	if err != nil {
		fmt.Fprintln(os.Stderr, "versus:", err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), *duration)
	defer cancel()
	h := &measure.History{}
	w.Run(ctx, measure.NewClock(), h)
	l := h.Load()
	r := clientResult{Due: l.Due, OnSchedule: l.OnSchedule, Issued: l.Issued, MaxLateMs: l.MaxLate.Ms()}
	for _, op := range h.Ops() {
		switch {
		case op.Outcome == measure.OK:
			r.Acked++
			r.Answered++
		case strings.HasPrefix(op.Err, "status "): // an answer that was not a 2xx
			r.Answered++
		}
	}
	if err := json.NewEncoder(os.Stdout).Encode(r); err != nil {
		fmt.Fprintln(os.Stderr, "versus:", err)
		return 1
	}
	return 0
}
