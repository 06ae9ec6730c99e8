package report

import (
	"fmt"

	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/trial"
)

// noteLoad counts a judged trial's workload Load: one that fell short of its schedule
// is a finding (the trial ran under a lighter or later load than the scenario states),
// and the worst one is kept for the report.
func (s *Summary) noteLoad(l *measure.Load) {
	if l == nil {
		return
	}
	s.LoadTrials++
	if !l.Shortfall() {
		return
	}
	s.LoadShortfalls++
	if s.WorstLoad == nil || l.OnScheduleShare() < s.WorstLoad.OnScheduleShare() {
		w := *l
		s.WorstLoad = &w
	}
}

// loadFinding is the report's sentence about workload shortfalls, "" when every trial
// issued its writes on schedule.
func loadFinding(s Summary) string {
	if s.LoadShortfalls == 0 || s.WorstLoad == nil {
		return ""
	}
	w := s.WorstLoad
	return fmt.Sprintf("Load shortfall: in %d of %d trials the workload issued fewer than %g%% of its writes within %s of their schedule "+
		"(worst: %s; asked %.0f/s, issued %.0f/s, %d of %d due never issued, latest start %s): "+
		"those trials ran under a lighter or later load than the scenario states.",
		s.LoadShortfalls, s.LoadTrials, measure.MinOnSchedule*100, w.Tolerance, onSchedule(*w), w.AskedRate, w.AchievedRate,
		w.Due-w.Issued, w.Due, w.MaxLate)
}

// loadNote is a trial's table note about its load, "" when it kept its schedule.
func loadNote(t trial.Result) string {
	if t.Load == nil || !t.Load.Shortfall() {
		return ""
	}
	return "load short: " + onSchedule(*t.Load)
}

func onSchedule(l measure.Load) string {
	return fmt.Sprintf("%.1f%% on schedule", 100*l.OnScheduleShare())
}
