package report

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Period is a half-open UTC time span [Start, End) that a period report covers; runs
// belong to it by their Started time. Compliance asks per calendar quarter, so a
// quarter is the usual period and its predecessor is the previous quarter.
type Period struct {
	// Label names the period in reports: "2026Q4" or "2026-10-01 – 2026-12-31".
	Label string    `json:"label"`
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Quarter is set for calendar quarters so Previous steps by a quarter, not by days.
	Quarter bool `json:"quarter"`
}

var quarterRE = regexp.MustCompile(`^(\d{4})[Qq]([1-4])$`)

// ParseQuarter reads a UTC calendar quarter written "2026Q4".
func ParseQuarter(s string) (Period, error) {
	m := quarterRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return Period{}, fmt.Errorf("parse quarter %q: want YYYYQn with n in 1..4, e.g. 2026Q4", s)
	}
	year, _ := strconv.Atoi(m[1])
	q, _ := strconv.Atoi(m[2])
	return quarterPeriod(year, q), nil
}

// QuarterOf is the UTC calendar quarter that contains t.
func QuarterOf(t time.Time) Period {
	t = t.UTC()
	return quarterPeriod(t.Year(), (int(t.Month())-1)/3+1)
}

func quarterPeriod(year, q int) Period {
	start := time.Date(year, time.Month(3*(q-1)+1), 1, 0, 0, 0, 0, time.UTC)
	return Period{Label: fmt.Sprintf("%04dQ%d", year, q), Start: start, End: start.AddDate(0, 3, 0), Quarter: true}
}

// ParseRange reads an inclusive range of UTC dates written YYYY-MM-DD: runs started on
// the until day are in it.
func ParseRange(since, until string) (Period, error) {
	s, err := time.Parse(time.DateOnly, strings.TrimSpace(since))
	if err != nil {
		return Period{}, fmt.Errorf("parse --since %q: want a date YYYY-MM-DD", since)
	}
	u, err := time.Parse(time.DateOnly, strings.TrimSpace(until))
	if err != nil {
		return Period{}, fmt.Errorf("parse --until %q: want a date YYYY-MM-DD", until)
	}
	if u.Before(s) {
		return Period{}, fmt.Errorf("parse period: --until %s is before --since %s", until, since)
	}
	return rangePeriod(s, u.AddDate(0, 0, 1)), nil
}

// rangePeriod labels [start, end) by its inclusive first and last day.
func rangePeriod(start, end time.Time) Period {
	last := end.Add(-time.Nanosecond)
	label := start.Format(time.DateOnly) + " – " + last.Format(time.DateOnly)
	return Period{Label: label, Start: start.UTC(), End: end.UTC()}
}

// Previous is the period of the same length immediately before p; for a calendar
// quarter, the previous calendar quarter (quarters differ by a day or two).
func (p Period) Previous() Period {
	if p.Quarter {
		y, q := p.Start.Year(), (int(p.Start.Month())-1)/3+1
		if q == 1 {
			return quarterPeriod(y-1, 4)
		}
		return quarterPeriod(y, q-1)
	}
	return rangePeriod(p.Start.Add(-p.End.Sub(p.Start)), p.Start)
}

// Contains reports whether t falls in [Start, End).
func (p Period) Contains(t time.Time) bool {
	return !t.Before(p.Start) && t.Before(p.End)
}

// Span renders the period's inclusive days, "2026-10-01 – 2026-12-31".
func (p Period) Span() string {
	return p.Start.Format(time.DateOnly) + " – " + p.End.Add(-time.Nanosecond).UTC().Format(time.DateOnly)
}

// FileLabel is the label made safe for a file name: "2026Q4", "2026-10-01_2026-12-31".
func (p Period) FileLabel() string {
	if p.Quarter {
		return p.Label
	}
	return p.Start.Format(time.DateOnly) + "_" + p.End.Add(-time.Nanosecond).UTC().Format(time.DateOnly)
}

// SelectRuns returns the runs whose Started time falls in p, in their given order.
func SelectRuns(runs []*Results, p Period) []*Results {
	var out []*Results
	for _, r := range runs {
		if r != nil && p.Contains(r.Started) {
			out = append(out, r)
		}
	}
	return out
}
