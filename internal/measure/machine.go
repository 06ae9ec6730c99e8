package measure

import (
	"fmt"
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Machine is the condition of the machine drill measured on at one moment: how busy it
// was (the load averages), how many CPUs drill could use, and the CPU time the
// hypervisor had stolen so far. drill's own timing error grows with all three, so a
// report states them at the start and the end of its run. What the system does not
// expose (no /proc) stays zero and Known says so.
type Machine struct {
	At   time.Time `json:"at"`
	CPUs int       `json:"cpus"`
	// Load1, Load5 and Load15 are the kernel's 1-, 5- and 15-minute load averages.
	Load1  float64 `json:"load1"`
	Load5  float64 `json:"load5"`
	Load15 float64 `json:"load15"`
	// StealTicks and TotalTicks are the CPU time stolen by the hypervisor and all CPU
	// time, summed over CPUs since boot (USER_HZ ticks of /proc/stat): two readings give
	// the share stolen between them (StealShare).
	StealTicks uint64 `json:"steal_ticks,omitempty"`
	TotalTicks uint64 `json:"total_ticks,omitempty"`
	// Known is false when the load averages could not be read.
	Known bool `json:"known"`
}

// ReadMachine reads the machine's condition now (Linux's /proc/loadavg and /proc/stat;
// elsewhere only the CPU count).
func ReadMachine() Machine {
	m := Machine{At: time.Now().UTC(), CPUs: runtime.NumCPU()}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		m.Load1, m.Load5, m.Load15, m.Known = ParseLoadavg(string(b))
	}
	if b, err := os.ReadFile("/proc/stat"); err == nil {
		m.StealTicks, m.TotalTicks, _ = ParseStat(string(b))
	}
	return m
}

// ParseLoadavg reads the three load averages of /proc/loadavg ("0.52 0.58 0.59 1/467
// 12345"); ok is false when the text does not start with three finite, non-negative numbers.
func ParseLoadavg(s string) (l1, l5, l15 float64, ok bool) {
	f := strings.Fields(s)
	if len(f) < 3 {
		return 0, 0, 0, false
	}
	var v [3]float64
	for i := range v {
		x, err := strconv.ParseFloat(f[i], 64)
		if err != nil || !(x >= 0) || math.IsInf(x, 1) {
			return 0, 0, 0, false
		}
		v[i] = x
	}
	return v[0], v[1], v[2], true
}

// ParseStat reads the aggregate "cpu" line of /proc/stat: the ticks stolen (its eighth
// field) and the total of its first eight (user, nice, system, idle, iowait, irq,
// softirq, steal; guest time is already counted in user). ok is false without such a
// line, or when its total overflows.
func ParseStat(s string) (steal, total uint64, ok bool) {
	for line := range strings.Lines(s) {
		f := strings.Fields(line)
		if len(f) < 9 || f[0] != "cpu" {
			continue
		}
		for i := 1; i <= 8; i++ {
			x, err := strconv.ParseUint(f[i], 10, 64)
			if err != nil || total+x < total {
				return 0, 0, false
			}
			total += x
			if i == 8 {
				steal = x
			}
		}
		return steal, total, true
	}
	return 0, 0, false
}

// StealShare is the share of the CPU time between start and m that the hypervisor
// stole (0 when unknown).
func (m Machine) StealShare(start Machine) float64 {
	if m.TotalTicks <= start.TotalTicks || m.StealTicks < start.StealTicks {
		return 0
	}
	return float64(m.StealTicks-start.StealTicks) / float64(m.TotalTicks-start.TotalTicks)
}

// String renders the condition as a report states it ("load 11.87 13.02 14.42 on 2 CPUs").
func (m Machine) String() string {
	if !m.Known {
		return fmt.Sprintf("load unknown on %d CPUs", m.CPUs)
	}
	return fmt.Sprintf("load %.2f %.2f %.2f on %d CPUs", m.Load1, m.Load5, m.Load15, m.CPUs)
}
