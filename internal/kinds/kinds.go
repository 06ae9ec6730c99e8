// Package kinds builds the one value that holds every open set of kinds drill knows:
// faults, rollback mechanisms, triggers (the registries a trial builds its scenario
// from) and report formats. Default is the only place the built-in registries are
// constructed; drill passes the value down (drill.Options, runner.Config, trial.Config)
// and a library user adds kinds to it through drill's public options.
package kinds

import (
	"github.com/drillhq/drill/internal/inject"
	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/rollback"
	"github.com/drillhq/drill/internal/trial"
)

// Kinds holds every registry. The trial's own registries are embedded (Kinds.Kinds is
// what trial.Config.Kinds takes).
type Kinds struct {
	trial.Kinds
	// Formats are the report formats a run, a period and a comparison are written in.
	Formats *report.Formats
}

// Default returns a fresh value holding every built-in kind. Each call builds new
// registries, so what one caller registers never shows in another's.
func Default() *Kinds {
	return &Kinds{Kinds: trial.Kinds{
		Faults:     inject.NewRegistry(),
		Mechanisms: rollback.NewRegistry(),
		Triggers:   rollback.NewTriggerRegistry(),
		Probes:     trial.NewProbeRegistry(),
	}, Formats: defaultFormats()}
}

// defaultFormats holds the built-in report formats, in the order drill writes them.
func defaultFormats() *report.Formats {
	f := report.NewFormats()
	f.Register(report.JSONFormat{})
	f.Register(report.MarkdownFormat{})
	f.Register(report.HTMLFormat{})
	f.Register(report.JUnitFormat{})
	return f
}
