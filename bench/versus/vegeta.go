package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/drillhq/drill/internal/measure"
)

// vegetaPath is the vegeta binary drill's go.mod pins as a tool (`go tool -n` builds it
// once into Go's cache and prints where).
func vegetaPath(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "tool", "-n", "vegeta").Output()
	if err != nil {
		return "", fmt.Errorf("build vegeta (go tool -n vegeta, from drill's module): %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}

// vegetaRun attacks addr with vegeta at cfg's rate for cfg's duration with the same
// write and timeout as drill's client, its workers bounded as drill's are
// (measure.MaxWorkers), everything else vegeta's defaults, and counts its results.
func vegetaRun(ctx context.Context, cfg config, dir, addr string) (clientResult, error) {
	body := filepath.Join(dir, "body.json")
	targets := filepath.Join(dir, "targets.txt")
	results := filepath.Join(dir, "results.bin")
	// The same size as drill's writes ({"id":"w-<tag>-<seq>"}, a seq of 4–5 digits).
	if err := os.WriteFile(body, []byte(`{"id":"w-5f3a9c-12345"}`), 0o600); err != nil {
		return clientResult{}, fmt.Errorf("write vegeta body: %w", err)
	}
	target := fmt.Sprintf("POST http://%s/w\nContent-Type: application/json\n@%s\n", addr, body)
	if err := os.WriteFile(targets, []byte(target), 0o600); err != nil {
		return clientResult{}, fmt.Errorf("write vegeta targets: %w", err)
	}
	attack := exec.CommandContext(ctx, cfg.vegeta, "attack", "-targets", targets, "-output", results,
		"-rate", strconv.FormatFloat(cfg.rate, 'f', -1, 64)+"/s", "-duration", cfg.duration.String(),
		"-timeout", cfg.timeout.String(), "-max-workers", strconv.Itoa(measure.MaxWorkers(cfg.rate, cfg.timeout)))
	var stderr bytes.Buffer
	attack.Stderr = &stderr
	if err := attack.Run(); err != nil {
		return clientResult{}, fmt.Errorf("run vegeta attack: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	rss := maxRSS(attack)
	encode := exec.CommandContext(ctx, cfg.vegeta, "encode", "-to", "csv", results)
	out, err := encode.Output()
	if err != nil {
		return clientResult{}, fmt.Errorf("run vegeta encode: %w", err)
	}
	r, err := countVegeta(bytes.NewReader(out), cfg.rate, cfg.duration)
	r.RSSBytes = rss
	return r, err
}

// countVegeta counts vegeta's CSV results as drill counts its own: due is what the
// schedule held over the window (as measure.ConstantPacer counts it), on schedule what
// started within the pacer's tolerance (max(1 ms, 1/rate)) of its slot, answered what
// got an HTTP status, acknowledged a 2xx. A result's timestamp is when its request
// started and its seq its place in the schedule; the attack's own start is not
// recorded, so slots count from the first request's start (in vegeta's favour by that
// request's own delay, microseconds).
func countVegeta(in io.Reader, rate float64, window time.Duration) (clientResult, error) {
	rd := csv.NewReader(in)
	rd.FieldsPerRecord = 12
	rows, err := rd.ReadAll()
	if err != nil {
		return clientResult{}, fmt.Errorf("read vegeta results: %w", err)
	}
	p := measure.ConstantPacer{Rate: rate}
	tolerance := p.Tolerance()
	r := clientResult{Due: int(window.Seconds()*rate) + 1, Issued: len(rows)}
	type hit struct {
		ts   int64
		code int
		seq  uint64
	}
	hits := make([]hit, len(rows))
	var first int64 // the first request's start: timestamps are ordered as seqs are
	for i, row := range rows {
		ts, err1 := strconv.ParseInt(row[0], 10, 64)
		code, err2 := strconv.Atoi(row[1])
		seq, err3 := strconv.ParseUint(row[8], 10, 64)
		if err1 != nil || err2 != nil || err3 != nil {
			return clientResult{}, fmt.Errorf("read vegeta results: row %d: %q", i+1, row[:3])
		}
		hits[i] = hit{ts, code, seq}
		if i == 0 || ts < first {
			first = ts
		}
	}
	for _, h := range hits {
		late := time.Duration(h.ts-first) - p.Due(h.seq)
		if h.seq < uint64(r.Due) && late <= tolerance {
			r.OnSchedule++
		}
		r.MaxLateMs = max(r.MaxLateMs, float64(late)/float64(time.Millisecond))
		if h.code != 0 {
			r.Answered++
		}
		if h.code >= 200 && h.code <= 299 {
			r.Acked++
		}
	}
	return r, nil
}
