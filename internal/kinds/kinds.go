// Package kinds builds the one value that holds every open set of kinds drill knows:
// faults, rollback mechanisms, triggers, probes, workloads and readiness checks (the registries a trial
// builds its scenario from, trial.Kinds) and report formats. Default is the only place
// the built-in registries are constructed; drill passes the value down (its options,
// runner.Config.Kinds, trial.Config.Kinds) and a library user adds kinds to it through
// drill's public options (WithFault, WithMechanism, WithTrigger, WithProbe,
// WithWorkload, WithReadiness, WithFormat).
//
// Adding a built-in kind is one file and one Register line:
//   - fault: internal/inject/<kind>.go, registered in inject.NewRegistry;
//   - mechanism or trigger: internal/rollback/<kind>.go, registered in
//     rollback.NewRegistry or rollback.NewTriggerRegistry;
//   - probe: internal/trial/probe_<kind>.go, registered in trial.NewProbeRegistry (the
//     built-in http, tcp, exec and prometheus probes are set by their own keys of
//     probes; a program's probe kind is named by probes.kind, drill.WithProbe);
//   - workload: internal/trial/workload_<kind>.go, registered in
//     trial.NewWorkloadRegistry (the built-in ledger, http and none are configured by
//     the format's own workload keys, which internal/scenario checks; a program's kind
//     is configured by workload.params, drill.WithWorkload);
//   - readiness check: internal/readiness/<kind>.go, registered in
//     readiness.NewRegistry (the built-in http, tcp, exec and log are set by their own
//     keys of a service's ready; a program's kind is named by ready.kind,
//     drill.WithReadiness);
//   - report format: internal/report/format_<name>.go (a report.Renderer), registered
//     in defaultFormats below.
package kinds

import (
	"github.com/drillhq/drill/internal/inject"
	"github.com/drillhq/drill/internal/readiness"
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
		Workloads:  trial.NewWorkloadRegistry(),
		Readiness:  readiness.NewRegistry(),
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
