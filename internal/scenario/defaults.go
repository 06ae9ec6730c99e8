package scenario

import (
	"fmt"
	"time"
)

// Defaults of the scenario format, applied to keys a file leaves unset.
const (
	DefaultTrials            = 5
	DefaultQuantile          = 0.9
	DefaultConfidence        = 0.95
	DefaultSuccessRate       = 1.0
	DefaultProbeInterval     = 25 * time.Millisecond
	DefaultProbeTimeout      = 500 * time.Millisecond
	DefaultRecoverAfter      = 3
	DefaultHTTPMethod        = "GET"
	DefaultHTTPStatus        = 200
	DefaultWarmup            = time.Second
	DefaultWorkloadRate      = 50.0
	DefaultWorkloadAccounts  = 10
	DefaultWorkloadTimeout   = time.Second
	DefaultRollbackTimeout   = 30 * time.Second
	DefaultTriggerWindow     = 250 * time.Millisecond
	DefaultTriggerFailures   = 1
	DefaultTriggerMinSamples = 3
	DefaultStartTimeout      = 15 * time.Second
	DefaultWriteMethod       = "POST"
	// The linearizable workload's and the user-defined checks' defaults.
	DefaultLinearizableClients = 4
	DefaultLinearizableKeys    = 8
	DefaultLinearizableRate    = 50.0
	DefaultLinearizableTimeout = 10 * time.Second
	DefaultCheckTimeout        = 10 * time.Second
	// DefaultFailedOutage is the outage the forecast counts for a bad release the
	// rollback does not recover: the time to a forward fix, a stated assumption.
	DefaultFailedOutage = 4 * time.Hour
)

// DefaultWriteSuccess are the statuses that acknowledge an http workload's write by default.
var DefaultWriteSuccess = []int{200, 201, 204}

// ApplyDefaults fills every zero-valued defaulted field, for scenarios built in Go rather
// than parsed (Parse applies defaults itself and tells "unset" from "written as 0", so
// that "trials: 0" is an error rather than 5). Verify.FinalRead is left as it is: a bool
// cannot say "unset", so Go callers choose it themselves. Of opts, WithWorkloads applies:
// the workload kind's own defaults.
func (s *Scenario) ApplyDefaults(opts ...ParseOption) {
	var cfg parseConfig
	for _, o := range opts {
		o(&cfg)
	}
	applyDefaults(s, nil, &cfg)
}

// unsetFunc reports whether the key at path is unset: not written in the file or, for a
// scenario built in Go (no file to ask), zero-valued (the zero argument).
type unsetFunc func(path string, zero bool) bool

// applyDefaults fills unset keys. isSet says whether a key path was written in the file;
// nil means "unset is zero".
func applyDefaults(s *Scenario, isSet func(path string) bool, cfg *parseConfig) {
	unset := func(path string, zero bool) bool {
		if isSet == nil {
			return zero
		}
		return !isSet(path)
	}
	if unset("trials", s.Trials == 0) {
		s.Trials = DefaultTrials
	}
	objectivesDefaults(&s.Objectives, unset)
	for i := range s.Stack.Services {
		svc := &s.Stack.Services[i]
		if unset(fmt.Sprintf("stack.services[%d].start_timeout", i), svc.StartTimeout == 0) {
			svc.StartTimeout = Duration(DefaultStartTimeout)
		}
	}
	probeDefaults(s, unset)
	if unset("warmup", s.Warmup == 0) {
		s.Warmup = Duration(DefaultWarmup)
	}
	workloadDefaults(s, unset, isSet, cfg)
	verifyDefaults(&s.Verify, unset)
	rollbackDefaults(s, unset)
	tr := &s.Rollback.Trigger
	triggerDefaults(tr, "rollback.trigger", unset)
	if cmp := s.Compare; cmp != nil {
		for i := range cmp.Plans {
			triggerDefaults(&cmp.Plans[i].Trigger, fmt.Sprintf("compare.plans[%d].trigger", i), unset)
		}
	}
	if f := s.Forecast; f != nil && unset("forecast.failed_outage", f.FailedOutage == 0) {
		f.FailedOutage = Duration(DefaultFailedOutage)
	}
	if c := s.Control; c != nil && unset("control.observe", c.Observe == 0) {
		c.Observe = Duration(max(time.Second, 4*tr.Window.D()))
	}
}

// objectivesDefaults fills the objectives' quantile, confidence and success rate.
func objectivesDefaults(o *Objectives, unset unsetFunc) {
	if unset("objectives.quantile", o.Quantile == 0) {
		o.Quantile = DefaultQuantile
	}
	if unset("objectives.confidence", o.Confidence == 0) {
		o.Confidence = DefaultConfidence
	}
	if unset("objectives.success_rate", o.SuccessRate == 0) {
		o.SuccessRate = DefaultSuccessRate
	}
}

// probeDefaults fills the probes' timing and the http probe's request; an http probe's
// path defaults to the readiness path of its service when that is served on the
// service's own port.
func probeDefaults(s *Scenario, unset unsetFunc) {
	pr := &s.Probes
	if unset("probes.interval", pr.Interval == 0) {
		pr.Interval = Duration(DefaultProbeInterval)
	}
	if unset("probes.timeout", pr.Timeout == 0) {
		pr.Timeout = Duration(DefaultProbeTimeout)
	}
	if unset("probes.recover_after", pr.RecoverAfter == 0) {
		pr.RecoverAfter = DefaultRecoverAfter
	}
	h := pr.HTTP
	if h == nil {
		return
	}
	if unset("probes.http.method", h.Method == "") {
		h.Method = DefaultHTTPMethod
	}
	if unset("probes.http.status", h.Status == 0) {
		h.Status = DefaultHTTPStatus
	}
	if unset("probes.http.connection", h.Connection == "") {
		h.Connection = ConnectionKeepAlive
	}
	if unset("probes.http.path", h.Path == "") {
		if svc := s.service(h.Service); svc != nil {
			if r := svc.Readiness(); r.HTTP != nil && r.HealthPort(svc.Port) == 0 {
				h.Path = r.HTTP.Path
			}
		}
	}
}

// rollbackDefaults fills the rollback's timeout and the service its mechanism and a
// multi-step change act on: the changed service, or the only one of the stack.
func rollbackDefaults(s *Scenario, unset unsetFunc) {
	rb := &s.Rollback
	if unset("rollback.timeout", rb.Timeout == 0) {
		rb.Timeout = Duration(DefaultRollbackTimeout)
	}
	if unset("rollback.mechanism.service", rb.Mechanism.Service == "") && s.Change != nil {
		rb.Mechanism.Service = s.Change.Service
	}
	if !s.MultiStep() || len(s.Stack.Services) != 1 {
		return
	}
	for i := range s.Change.Steps {
		if st := &s.Change.Steps[i]; unset(fmt.Sprintf("change.steps[%d].service", i), st.Service == "") {
			st.Service = s.Stack.Services[0].Name
		}
	}
	if m := &rb.Mechanism; m.Kind != "" && m.Service == "" {
		m.Service = s.Stack.Services[0].Name
	}
}

// verifyDefaults fills the linearizable workload's settings and the checks' timeouts.
func verifyDefaults(v *Verify, unset unsetFunc) {
	if l := v.Linearizable; l != nil {
		if unset("verify.linearizable.clients", l.Clients == 0) {
			l.Clients = DefaultLinearizableClients
		}
		if unset("verify.linearizable.keys", l.Keys == 0) {
			l.Keys = DefaultLinearizableKeys
		}
		if unset("verify.linearizable.rate", l.Rate == 0) {
			l.Rate = DefaultLinearizableRate
		}
		if unset("verify.linearizable.timeout", l.Timeout == 0) {
			l.Timeout = Duration(DefaultLinearizableTimeout)
		}
	}
	for i := range v.Checks {
		if c := &v.Checks[i]; unset(fmt.Sprintf("verify.checks[%d].timeout", i), c.Timeout == 0) {
			c.Timeout = Duration(DefaultCheckTimeout)
		}
	}
}

// triggerDefaults fills a trigger's unset alert keys (at path) with their defaults.
func triggerDefaults(tr *Trigger, path string, unset unsetFunc) {
	if unset(path+".window", tr.Window == 0) {
		tr.Window = Duration(DefaultTriggerWindow)
	}
	if unset(path+".failure_limit", tr.FailureLimit == 0) {
		tr.FailureLimit = DefaultTriggerFailures
	}
	if unset(path+".min_samples", tr.MinSamples == 0) {
		tr.MinSamples = DefaultTriggerMinSamples
	}
}
