package measure

import (
	"context"
	"math"
	"sync"
	"time"
)

// Prober is a steady-state probe of any kind (HTTP, TCP, exec, Prometheus): it probes
// on an open-loop schedule and hands every result to emit as it completes, returning
// once ctx is done and every probe in flight has reported.
type Prober interface {
	Run(ctx context.Context, clock Clock, emit func(ProbeResult))
}

// FirstSampler is a prober whose source answers only some time after the stack is up
// (a Prometheus server before its first scrape of a fresh target). The trial calls
// FirstSample before its clock starts and the warm-up begins, and states the wait.
type FirstSampler interface {
	// FirstSample returns once the source answers the probe's own query, or an error
	// when ctx ends first.
	FirstSample(ctx context.Context) error
}

// Pacer is an open-loop schedule as a pure function (vegeta's model): given the time
// elapsed since the schedule began and how many operations were issued so far, it says
// how long to wait before the next one is due (0 when it is due or overdue), or stop
// when the schedule has ended. Being pure, a schedule is tested without sleeping.
type Pacer interface {
	Pace(elapsed time.Duration, hits uint64) (wait time.Duration, stop bool)
}

// ConstantPacer schedules operation n at n/Rate seconds after the start (the first at
// once). An operation that falls behind stays due: a late loop catches up by issuing
// what is overdue at once, so no tick is ever dropped.
type ConstantPacer struct {
	// Rate is the operations per second asked for; it must be greater than 0.
	Rate float64
}

// Due is when operation n is scheduled, from the start.
func (p ConstantPacer) Due(n uint64) time.Duration {
	return time.Duration(float64(n) * float64(time.Second) / p.Rate)
}

// Pace implements Pacer: it never stops (the caller's context ends the schedule).
func (p ConstantPacer) Pace(elapsed time.Duration, hits uint64) (time.Duration, bool) {
	if due := p.Due(hits); due > elapsed {
		return due - elapsed, false
	}
	return 0, false
}

// dueBy is how many operations were scheduled at or before elapsed.
func (p ConstantPacer) dueBy(elapsed time.Duration) int {
	return int(elapsed.Seconds()*p.Rate) + 1
}

// OnScheduleTolerance is the least lateness an operation may start with and still count
// as issued on schedule: the runtime's and the kernel's timers are not finer on a busy
// machine.
const OnScheduleTolerance = time.Millisecond

// Tolerance is how late after its scheduled time an operation may start and still
// count as issued on schedule: within its own slot (before the next one is due), and
// never less than OnScheduleTolerance. Within it the load keeps its order and spacing.
func (p ConstantPacer) Tolerance() time.Duration {
	return max(OnScheduleTolerance, p.Due(1))
}

// MinOnSchedule is the share of the scheduled operations that must be issued on
// schedule for a load to be faithful; below it the load fell short of what was asked
// and reports say so.
const MinOnSchedule = 0.99

// Load is what an open-loop schedule achieved against what it was asked: how many
// operations fell due before it stopped, how many started, and how many started within
// OnScheduleTolerance of their scheduled time. An open-loop client that silently issues
// fewer operations than it claims under-reports load exactly when load matters: Load
// makes the shortfall a figure.
type Load struct {
	// AskedRate and AchievedRate are operations per second: asked, and started over the
	// schedule's window.
	AskedRate    float64 `json:"asked_per_s"`
	AchievedRate float64 `json:"achieved_per_s"`
	// Window is how long the schedule ran, from its start until it was stopped.
	Window Offset `json:"window_ms"`
	// Due counts the operations scheduled within the window; Issued those started;
	// OnSchedule those started at most Tolerance after their scheduled time
	// (ConstantPacer.Tolerance).
	Due        int    `json:"due"`
	Issued     int    `json:"issued"`
	OnSchedule int    `json:"on_schedule"`
	Tolerance  Offset `json:"tolerance_ms"`
	// MaxLate is the latest an operation started after its scheduled time.
	MaxLate Offset `json:"max_late_ms"`
}

// OnScheduleShare is the share of the due operations issued on schedule (1 when none
// was due).
func (l Load) OnScheduleShare() float64 {
	if l.Due == 0 {
		return 1
	}
	return float64(l.OnSchedule) / float64(l.Due)
}

// Shortfall tells whether fewer than MinOnSchedule of the due operations were issued
// on schedule: the load the trial ran under was lighter or later than asked.
func (l Load) Shortfall() bool { return l.OnScheduleShare() < MinOnSchedule }

// OpenLoop calls op(seq) for seq = 0, 1, 2, ... at interval apart, the first at once.
// Operation n starts at its scheduled time n×interval whatever the earlier ones do:
// each runs on a goroutine no other operation holds, so a slow one never delays the
// schedule (a stalled service shows as latency and failures, never as missing
// samples), and a loop woken late issues every overdue operation at once rather than
// dropping ticks. It stops starting operations when ctx is done, returns once every
// started one has returned, and reports the Load it achieved.
func OpenLoop(ctx context.Context, interval time.Duration, op func(seq int)) Load {
	return Paced(ctx, ConstantPacer{Rate: float64(time.Second) / float64(interval)}, op)
}

// Paced runs op on p's schedule, as OpenLoop describes.
func Paced(ctx context.Context, p ConstantPacer, op func(seq int)) Load {
	return PacedWorkers(ctx, p, 0, op)
}

// MaxWorkers is the bound a workload's schedule runs under (PacedWorkers): every
// operation ends within its timeout, so on schedule no more than rate×timeout are ever
// in flight, and the bound only bites when drill's own client fell behind and would
// otherwise issue every overdue operation at once (a machine too busy: measured, up to
// 157 MB of goroutines each holding a request). Never below 64.
func MaxWorkers(rate float64, timeout time.Duration) int {
	return max(64, int(math.Ceil(rate*timeout.Seconds())))
}

// preWorkers is how many workers PacedWorkers starts before the schedule begins: enough
// for the operations of the first warmLatency, so the schedule's start spawns none.
func preWorkers(p ConstantPacer, maxWorkers int) int {
	n := max(8, int(p.Rate*warmLatency.Seconds()))
	if maxWorkers > 0 {
		n = min(n, maxWorkers)
	}
	return n
}

// PacedWorkers runs op on p's schedule with at most maxWorkers operations at once
// (vegeta's -max-workers model; 0: no bound, as Paced). Workers are started before the
// schedule begins and grow on demand up to the bound; an operation that finds all of
// them busy at the bound waits for one, starting late (its lateness recorded in the
// Load, never hidden), so the memory and goroutines of a load that a service or the
// machine cannot keep up with stay bounded.
func PacedWorkers(ctx context.Context, p ConstantPacer, maxWorkers int, op func(seq int)) Load {
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		onTime  int
		maxLate time.Duration
	)
	// The last stretch before each operation is slept on the kernel's timer
	// (microseconds) rather than the runtime's, which rounds a sleep shorter than a
	// millisecond up to one, without holding a processor the operations need.
	precise := newPreciseTimer()
	defer precise.close()
	tolerance := p.Tolerance()
	var start time.Time // once the workers started ahead are up
	run := func(seq int, due time.Duration) {
		// Lateness is taken where the operation starts, not where it is scheduled to: an
		// operation waiting for a core is late too.
		late := time.Since(start) - due
		mu.Lock()
		if late <= tolerance {
			onTime++
		}
		maxLate = max(maxLate, late)
		mu.Unlock()
		op(seq)
	}
	// An operation goes to a goroutine that finished an earlier one and waits for
	// work, or to a new one when none is idle (up to maxWorkers): never queued behind a
	// slow operation, and without a new goroutine (and its stack growing) for each of
	// thousands a second.
	type job struct {
		seq int
		due time.Duration
	}
	jobs := make(chan job)
	worker := func(j job, first bool) {
		defer wg.Done()
		if first {
			run(j.seq, j.due)
		}
		for j := range jobs {
			run(j.seq, j.due)
		}
	}
	workers := preWorkers(p, maxWorkers)
	wg.Add(workers)
	for range workers {
		go worker(job{}, false)
	}
	// send hands j to an idle worker, or to a new one below the bound; at the bound it
	// waits for a worker (the operation starts late), false when ctx ended first.
	send := func(j job) bool {
		select {
		case jobs <- j:
			return true
		default:
		}
		if maxWorkers <= 0 || workers < maxWorkers {
			workers++
			wg.Add(1)
			go worker(j, true)
			return true
		}
		select {
		case jobs <- j:
			return true
		case <-ctx.Done():
			return false
		}
	}
	start = time.Now()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	issued := 0
	var stopped, woke time.Duration
	for hits := uint64(0); ; hits++ {
		wait, stop := p.Pace(time.Since(start), hits)
		if stop {
			stopped = time.Since(start)
			break
		}
		if wait > 0 {
			sleepUntil(ctx, timer, precise, start.Add(max(p.Due(hits), woke+minWake)))
			woke = time.Since(start)
		}
		if ctx.Err() != nil {
			stopped = time.Since(start)
			break
		}
		issued++
		if !send(job{seq: int(hits), due: p.Due(hits)}) { // ctx ended while it waited for a worker
			issued--
			stopped = time.Since(start)
			break
		}
	}
	close(jobs)
	wg.Wait()
	l := Load{AskedRate: p.Rate, Window: Offset(stopped), Due: max(p.dueBy(stopped), issued), Issued: issued,
		OnSchedule: onTime, Tolerance: Offset(tolerance), MaxLate: Offset(maxLate)}
	if stopped > 0 {
		l.AchievedRate = float64(issued) / stopped.Seconds()
	}
	return l
}

// coarseSlack is how early the runtime's timer wakes the loop before an operation is
// due (its resolution is a millisecond), the rest being slept precisely.
const coarseSlack = 2 * time.Millisecond

// minWake is the least time between two of the loop's wake-ups: a tenth of the
// on-schedule tolerance, so an operation left for the next wake-up starts at most that
// late (and its lateness is recorded). Every wake-up costs a timer, a park and a
// switch of goroutines: at 10,000/s, waking for each operation however late the
// previous wake-up was took 0.46 of a core on the pacer alone, 0.25 with this floor.
const minWake = OnScheduleTolerance / 10

// sleepUntil returns at due, or once ctx is done (at most coarseSlack later): a long
// wait on the runtime's timer, which ctx can interrupt, then the last stretch slept
// precisely.
func sleepUntil(ctx context.Context, timer *time.Timer, precise *preciseTimer, due time.Time) {
	if wait := time.Until(due); wait > coarseSlack {
		timer.Reset(wait - coarseSlack)
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
	}
	for wait := time.Until(due); wait > 0 && ctx.Err() == nil; wait = time.Until(due) {
		precise.sleep(wait)
	}
}

// probeLoop runs check on the open-loop schedule, each under its own timeout, and emits
// one result per check: passing when check returns nil. A check cut short by ctx ending
// still reports (it runs to its own timeout), so the last probes are never dropped.
func probeLoop(ctx context.Context, clock Clock, interval, timeout time.Duration, emit func(ProbeResult),
	check func(ctx context.Context) (status int, err error)) {
	OpenLoop(ctx, interval, func(seq int) {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
		defer cancel()
		r := ProbeResult{Seq: seq, Start: clock.Now()}
		status, err := check(cctx)
		r.End, r.Status = clock.Now(), status
		if err != nil {
			r.Err = err.Error()
		} else {
			r.OK = true
		}
		emit(r)
	})
}
