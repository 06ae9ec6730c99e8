package scenario

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Validate checks a scenario built in Go (Parse validates what it parses). Problems are
// *Errors without file or line. Of opts, only the kinds other packages own that the
// format itself names (WithWorkloads) apply.
func (s *Scenario) Validate(opts ...ParseOption) error {
	var cfg parseConfig
	for _, o := range opts {
		o(&cfg)
	}
	p := &problems{}
	validate(s, p, func(string) int { return 0 }, &cfg)
	return p.err()
}

// validator checks one scenario, reporting each problem at the line of the key it is about.
type validator struct {
	dir  string // where files named beside the scenario are read ("" for the working directory)
	s    *Scenario
	p    *problems
	line func(path string) int
	cfg  *parseConfig // the kinds other packages own (a registered workload kind)
}

func (v *validator) errf(path, format string, args ...any) {
	v.p.addf(v.line(path), format, args...)
}

// validate checks everything a scenario must satisfy before a trial can run, except fault
// kinds and parameters, which the fault registry checks.
func validate(s *Scenario, p *problems, line func(string) int, cfg *parseConfig) {
	v := &validator{dir: cfg.dir, s: s, p: p, line: line, cfg: cfg}
	v.header()
	v.objectives()
	v.stack()
	v.workload()
	v.probes()
	v.limits()
	v.breakage()
	v.rollback()
	v.verify()
	v.control()
	v.compare()
	v.forecast()
}

// control checks the control trials, the false-positive objective and the warm-up's settle.
func (v *validator) control() {
	s := v.s
	if s.Settle < 0 || (s.Settle > 0 && s.Settle >= s.Warmup) {
		v.errf("settle", "settle %s must be at least 0 and shorter than warmup %s", s.Settle, s.Warmup)
	}
	if fp := s.Objectives.FalsePositiveRate; fp != nil {
		if !(*fp > 0 && *fp < 1) {
			v.errf("objectives.false_positive_rate", "objectives.false_positive_rate must be in (0, 1), got %g", *fp)
		}
		if s.Control == nil || s.Control.Trials == 0 {
			v.errf("objectives.false_positive_rate", "objectives.false_positive_rate needs control trials: add control: {trials: N}")
		}
	}
	c := s.Control
	if c == nil {
		return
	}
	if c.Trials < 1 || c.Trials > MaxTrials {
		v.errf("control.trials", "control.trials must be between 1 and %d, got %d", MaxTrials, c.Trials)
	}
	if c.Observe <= 0 {
		v.errf("control.observe", "control.observe must be greater than 0")
	}
	switch {
	case c.Release == "" || c.Release == ControlNone:
	case s.Change == nil:
		v.errf("control.release", "control.release %q needs a change to replace (without one, control trials make no change)", c.Release)
	default:
		if svc := s.service(s.Change.Service); svc != nil && svc.ReleaseNamed(c.Release) == nil {
			v.errf("control.release", "service %q has no release %q%s", svc.Name, c.Release, v.known(releaseNames(*svc)))
		}
	}
}

// forecast checks the delivery rates the forecast's annual downtime rests on.
func (v *validator) forecast() {
	f := v.s.Forecast
	if f == nil {
		return
	}
	if !(f.DeploysPerMonth > 0) || math.IsInf(f.DeploysPerMonth, 0) {
		v.errf("forecast.deploys_per_month", "forecast.deploys_per_month must be a positive number of deploys a month, got %g", f.DeploysPerMonth)
	}
	if !(f.ChangeFailureRate > 0 && f.ChangeFailureRate <= 1) {
		v.errf("forecast.change_failure_rate", "forecast.change_failure_rate must be in (0, 1] (a share of deploys, 0.05 for 5%%), got %g", f.ChangeFailureRate)
	}
	if f.FailedOutage <= 0 {
		v.errf("forecast.failed_outage", "forecast.failed_outage must be greater than 0 (default %s)", Duration(DefaultFailedOutage))
	}
}

func (v *validator) header() {
	s := v.s
	switch {
	case s.Version == 0:
		v.errf("", "version is required: add \"version: %d\"", FormatVersion)
	case s.Version != FormatVersion:
		v.errf("version", "unsupported version %d: this drill reads version %d", s.Version, FormatVersion)
	}
	if strings.TrimSpace(s.Name) == "" {
		v.errf("", "name is required")
	} else {
		v.name("name", "scenario", s.Name)
	}
	if s.Trials < 1 {
		v.errf("trials", "trials must be at least 1, got %d", s.Trials)
	}
	if s.Trials > MaxTrials {
		v.errf("trials", "trials must be at most %d, got %d: more belongs in several runs, which drill report aggregates", MaxTrials, s.Trials)
	}
}

// MaxTrials bounds a run's trials. 1000 is past every bound the statistics need (the
// sample max bounds p99 at 95% from n = 299, p99.5 from n = 598; a success rate's 95%
// interval is then about 1 point wide) and, at the reference scenarios' 2–10 s a trial,
// already one to three hours of a machine: a run longer than that is a mistake, or
// several runs that drill report aggregates.
const MaxTrials = 1000

func (v *validator) objectives() {
	o := v.s.Objectives
	if o.RTO <= 0 {
		v.errf("objectives.rto", "objectives.rto is required and must be greater than 0")
	}
	if o.RPO < 0 {
		v.errf("objectives.rpo", "objectives.rpo must not be negative")
	}
	if !(o.Quantile > 0 && o.Quantile < 1) {
		v.errf("objectives.quantile", "objectives.quantile must be between 0 and 1 (exclusive), got %g", o.Quantile)
	}
	if !(o.Confidence > 0 && o.Confidence < 1) {
		v.errf("objectives.confidence", "objectives.confidence must be between 0 and 1 (exclusive), got %g", o.Confidence)
	}
	if !(o.SuccessRate > 0 && o.SuccessRate <= 1) {
		v.errf("objectives.success_rate", "objectives.success_rate must be in (0, 1], got %g", o.SuccessRate)
	}
}

func (v *validator) stack() {
	s := v.s
	if len(s.Stack.Services) == 0 {
		v.errf("stack", "stack.services must list at least one service")
	}
	if len(s.Stack.ComposeProfiles) > 0 && s.Stack.Compose == "" {
		v.errf("stack.compose_profiles", "stack.compose_profiles enables profiles of a compose file: set stack.compose")
	}
	seen := map[string]string{}
	for i, svc := range s.Stack.Services {
		path := fmt.Sprintf("stack.services[%d]", i)
		v.unique(seen, svc.Name, path, "service")
		v.service(svc, path)
		v.serviceFiles(svc, path)
	}
	v.dependencies()
	for i, px := range s.Stack.Proxies {
		path := fmt.Sprintf("stack.proxies[%d]", i)
		v.unique(seen, px.Name, path, "proxy")
		switch {
		case px.Upstream == "":
			v.errf(path, "%s.upstream is required: the service the proxy fronts", path)
		case s.service(px.Upstream) == nil:
			v.errf(path+".upstream", "%s.upstream %q is not a service%s", path, px.Upstream, v.known(v.serviceNames()))
		}
	}
}

// unique reports an empty or repeated name among services and proxies (they share one
// namespace: every service also has a front proxy named after it).
func (v *validator) unique(seen map[string]string, name, path, what string) {
	if strings.TrimSpace(name) == "" {
		v.errf(path, "%s.name is required", path)
		return
	}
	if !v.name(path+".name", what, name) {
		return
	}
	if prev, dup := seen[name]; dup {
		v.errf(path+".name", "%s name %q is already used by %s", what, name, prev)
		return
	}
	seen[name] = path
}

func (v *validator) service(svc Service, path string) {
	n := 0
	for _, set := range []bool{svc.Fixture != "", svc.Image != "", len(svc.Command) > 0, svc.External != ""} {
		if set {
			n++
		}
	}
	if n != 1 {
		v.errf(path, "service %q must set exactly one of fixture, image, command or external (it sets %d)", svc.Name, n)
	}
	if svc.IsExternal() {
		v.external(svc, path)
		v.readiness(svc, path)
		return
	}
	if svc.Fixture != "" && !slices.Contains(Fixtures, svc.Fixture) {
		v.errf(path+".fixture", "unknown fixture %q%s", svc.Fixture, v.known(Fixtures))
	}
	if svc.Port < 1 || svc.Port > 65535 {
		v.errf(path+".port", "%s.port must be between 1 and 65535, got %d", path, svc.Port)
	}
	v.readiness(svc, path)
	if svc.Strategy != "" && !slices.Contains(Strategies, svc.Strategy) {
		v.errf(path+".strategy", "unknown strategy %q%s", svc.Strategy, v.known(Strategies))
	}
	if svc.StartTimeout <= 0 {
		v.errf(path+".start_timeout", "%s.start_timeout must be greater than 0", path)
	}
	v.secretRefs(path, svc.Env, svc.Command)
	v.releases(svc, path)
}

// releases checks a service's release list and the release it runs before the change.
func (v *validator) releases(svc Service, path string) {
	names := map[string]bool{}
	for j, r := range svc.Releases {
		v.release(svc, r, fmt.Sprintf("%s.releases[%d]", path, j), names)
	}
	switch {
	case len(svc.Releases) == 0 && svc.Release != "":
		v.errf(path+".release", "service %q runs release %q but lists no releases", svc.Name, svc.Release)
	case len(svc.Releases) > 0 && svc.Release == "":
		v.errf(path, "%s.release is required: the release running before the change%s", path, v.known(releaseNames(svc)))
	case len(svc.Releases) > 0 && svc.ReleaseNamed(svc.Release) == nil:
		v.errf(path+".release", "service %q has no release %q%s", svc.Name, svc.Release, v.known(releaseNames(svc)))
	}
}

// release checks one release of svc at rp; names holds the release names seen so far.
func (v *validator) release(svc Service, r Release, rp string, names map[string]bool) {
	v.secretRefs(rp, r.Env, r.Command)
	switch {
	case strings.TrimSpace(r.Name) == "":
		v.errf(rp, "%s.name is required", rp)
	case !v.name(rp+".name", "release", r.Name):
	case names[r.Name]:
		v.errf(rp+".name", "release name %q is repeated in service %q", r.Name, svc.Name)
	}
	names[r.Name] = true
	if r.Image != "" && svc.Image == "" {
		v.errf(rp+".image", "release %q sets image but service %q is not image-based", r.Name, svc.Name)
	}
	if r.Compose != "" && v.s.Stack.Compose == "" {
		v.errf(rp+".compose", "release %q names a compose override file but the stack has no compose file: set stack.compose", r.Name)
	}
	if len(r.Command) > 0 && len(svc.Command) == 0 {
		v.errf(rp+".command", "release %q sets command but service %q is not command-based", r.Name, svc.Name)
	}
}

// probeKind checks that the probes set exactly one probe: one of the built-in keys or a
// registered kind (probes.kind, whose params only go with it).
func (v *validator) probeKind(pr Probes) {
	switch kinds := pr.Kinds(); len(kinds) {
	case 0:
		v.errf("probes", "probes needs one probe: set exactly one of %s (or kind: a registered probe kind)", strings.Join(ProbeKinds, ", "))
	case 1:
	default:
		at := "probes." + kinds[1]
		if pr.Registered != "" && len(kinds) == 2 {
			at = "probes.kind"
		}
		v.errf(at, "probes sets %s: set exactly one of %s (or kind)", strings.Join(kinds, " and "), strings.Join(ProbeKinds, ", "))
	}
	if pr.Registered == "" && len(pr.Params) > 0 {
		v.errf("probes.params", "probes.params are a registered probe kind's: set probes.kind too")
	}
}

// ref checks that path names an existing service. With no service at all it says
// nothing: stack() reports that once, rather than every reference after it.
func (v *validator) ref(path, name string) {
	switch {
	case len(v.s.Stack.Services) == 0:
	case name == "":
		v.errf(path, "%s is required: the name of a service%s", path, v.known(v.serviceNames()))
	case v.s.service(name) == nil:
		v.errf(path, "%s %q is not a service%s", path, name, v.known(v.serviceNames()))
	}
}

var httpMethods = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

func (v *validator) probes() {
	pr := v.s.Probes
	if pr.Interval <= 0 {
		v.errf("probes.interval", "probes.interval must be greater than 0")
	}
	if pr.Timeout <= 0 {
		v.errf("probes.timeout", "probes.timeout must be greater than 0")
	}
	if pr.RecoverAfter < 1 {
		v.errf("probes.recover_after", "probes.recover_after must be at least 1, got %d", pr.RecoverAfter)
	}
	if rto := v.s.Objectives.RTO; pr.Interval > 0 && rto > 0 && pr.Interval >= rto {
		v.errf("probes.interval", "probes.interval %s must be shorter than objectives.rto %s: it bounds the timing error", pr.Interval, rto)
	}
	if rt := v.s.Rollback.Timeout; pr.Interval > 0 && rt > 0 && pr.Interval >= rt {
		v.errf("probes.interval", "probes.interval %s must be shorter than rollback.timeout %s", pr.Interval, rt)
	}
	v.probeKind(pr)
	if h := pr.HTTP; h != nil {
		v.ref("probes.http.service", h.Service)
		if !strings.HasPrefix(h.Path, "/") {
			v.errf("probes.http.path", "probes.http.path must start with \"/\", got %q", h.Path)
		}
		v.method("probes.http.method", h.Method)
		if h.Status < 100 || h.Status > 599 {
			v.errf("probes.http.status", "probes.http.status must be an HTTP status (100-599), got %d", h.Status)
		}
		if conns := []string{ConnectionKeepAlive, ConnectionFresh}; !slices.Contains(conns, h.Connection) {
			v.errf("probes.http.connection", "unknown probes.http.connection %q%s", h.Connection, v.known(conns))
		}
	}
	if t := pr.TCP; t != nil {
		v.ref("probes.tcp.service", t.Service)
	}
	if e := pr.Exec; e != nil && (len(e.Command) == 0 || strings.TrimSpace(e.Command[0]) == "") {
		v.errf("probes.exec", "probes.exec.command is required: the argv to run, e.g. [curl, -fsS, http://127.0.0.1:8080/healthz]")
	}
	if pm := pr.Prometheus; pm != nil {
		v.prometheus(pm)
	}
}

func (v *validator) method(path, m string) {
	if !slices.Contains(httpMethods, m) {
		v.errf(path, "unknown %s %q%s", path, m, v.known(httpMethods))
	}
}

func (v *validator) prometheus(pm *PrometheusProbe) {
	// A service of the stack may serve the metrics: ${ENDPOINT_<SERVICE>} is its address.
	for _, ref := range v.s.Stack.unknownEndpointRefs(pm.URL) {
		v.errf("probes.prometheus.url", "probes.prometheus.url names %s, which is no service of the stack%s", ref, v.known(v.serviceNames()))
	}
	concrete := v.s.Stack.ExpandEndpoints(pm.URL, func(string) string { return "127.0.0.1:1" })
	if u, err := url.Parse(concrete); pm.URL == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		v.errf("probes.prometheus.url", "probes.prometheus.url must be the Prometheus server's http(s) base URL, e.g. \"http://127.0.0.1:9090\" or \"http://${ENDPOINT_PROMETHEUS}\" for a service of the stack, got %q", pm.URL)
	}
	if strings.TrimSpace(pm.Query) == "" {
		v.errf("probes.prometheus", "probes.prometheus.query is required: a PromQL instant query returning one sample")
	}
	if strings.TrimSpace(pm.Condition) == "" {
		v.errf("probes.prometheus", "probes.prometheus.condition is required, e.g. \"value < 0.05\"")
	} else if _, err := CompileProbeCondition(pm.Condition); err != nil {
		v.errf("probes.prometheus.condition", "probes.prometheus.condition %q: %s (variable: value)", pm.Condition,
			oneLine(strings.TrimPrefix(err.Error(), "compile probe condition: ")))
	}
}

// breakage checks the change and the faults: at least one must break the stack.
func (v *validator) breakage() {
	s := v.s
	if s.Change == nil && len(s.Faults) == 0 {
		v.errf("", "a scenario needs a change or at least one fault: nothing would break")
	}
	if c := s.Change; c != nil && len(c.Steps) > 0 {
		v.changeSteps()
	} else if c != nil {
		v.ref("change.service", c.Service)
		if svc := s.service(c.Service); svc != nil {
			switch {
			case c.Release == "":
				v.errf("change", "change.release is required%s", v.known(releaseNames(*svc)))
			case svc.ReleaseNamed(c.Release) == nil:
				v.errf("change.release", "service %q has no release %q%s", svc.Name, c.Release, v.known(releaseNames(*svc)))
			case c.Release == svc.Release:
				v.errf("change.release", "change.release %q is already running on %q: the change changes nothing", c.Release, svc.Name)
			}
		}
	}
	targets := v.serviceNames()
	for _, px := range s.Stack.Proxies {
		targets = append(targets, px.Name)
	}
	for i, f := range s.Faults {
		path := fmt.Sprintf("faults[%d]", i)
		if f.Kind == "" {
			v.errf(path, "%s.kind is required", path)
		}
		if f.From != "" && f.From != FromChange && f.From != FromRollback {
			v.errf(path+".from", "%s.from must be %q or %q, got %q", path, FromChange, FromRollback, f.From)
		}
		switch {
		case f.Target == "":
			v.errf(path, "%s.target is required: a service or proxy%s", path, v.known(targets))
		case len(s.Stack.Services) == 0: // reported once by stack()
		case !slices.Contains(targets, f.Target):
			v.errf(path+".target", "%s.target %q is not a service or proxy%s", path, f.Target, v.known(targets))
		}
	}
}

// changeSteps checks a multi-step change: named steps, known services and releases,
// retries only where a step is idempotent.
func (v *validator) changeSteps() {
	s := v.s
	c := s.Change
	if c.Service != "" || c.Release != "" {
		v.errf("change", "change has steps and service/release: write the deploy as one of the steps")
	}
	names := map[string]bool{}
	running := map[string]string{}
	for _, svc := range s.Stack.Services {
		running[svc.Name] = svc.Release
	}
	for i, st := range c.Steps {
		path := fmt.Sprintf("change.steps[%d]", i)
		if v.name(path+".name", "step", st.Name) {
			v.uniqueName(path, st.Name, "step", names)
		}
		if st.Kind == "" {
			v.errf(path, "%s.kind is required: %q or a mechanism kind used as an action (call, hook, ...)", path, StepDeploy)
		}
		v.ref(path+".service", st.Service)
		v.retries(path, st.Idempotent, st.Retries)
		if st.Undo != nil {
			if st.Undo.Kind == "" {
				v.errf(path+".undo", "%s.undo.kind is required, e.g. redeploy", path)
			}
			if st.Undo.Service != "" {
				v.ref(path+".undo.service", st.Undo.Service)
			}
			v.retries(path+".undo", st.Undo.Idempotent, st.Undo.Retries)
		}
		if st.Kind != StepDeploy {
			if st.Release != "" {
				v.errf(path+".release", "%s.release is for deploy steps; a %q step takes params", path, st.Kind)
			}
			continue
		}
		if len(st.Params) > 0 {
			v.errf(path+".params", "%s: a deploy step takes a release, not params", path)
		}
		svc := s.service(st.Service)
		switch {
		case svc == nil:
		case st.Release == "":
			v.errf(path, "%s.release is required for a deploy step%s", path, v.known(releaseNames(*svc)))
		case svc.ReleaseNamed(st.Release) == nil:
			v.errf(path+".release", "service %q has no release %q%s", svc.Name, st.Release, v.known(releaseNames(*svc)))
		case st.Release == running[svc.Name]:
			v.errf(path+".release", "%s.release %q is already running on %q at that step: the step changes nothing", path, st.Release, svc.Name)
		default:
			running[svc.Name] = st.Release
		}
	}
	if ctl := s.Control; ctl != nil && ctl.Release != ControlNone {
		v.errf("control.release", "control trials of a multi-step change need control.release: none (a good version of every step is not defined)")
	}
}

// uniqueName checks that the item at path has a name no earlier one (of seen) has.
func (v *validator) uniqueName(path, name, what string, seen map[string]bool) {
	switch {
	case strings.TrimSpace(name) == "":
		v.errf(path, "%s.name is required", path)
	case seen[name]:
		v.errf(path+".name", "%s.name %q is used by an earlier %s: names must be unique", path, name, what)
	}
	seen[name] = true
}

// retries checks that only an idempotent step or mechanism is retried.
func (v *validator) retries(path string, idempotent bool, retries int) {
	switch {
	case retries < 0 || retries > MaxRetries:
		v.errf(path+".retries", "%s.retries must be between 0 and %d, got %d", path, MaxRetries, retries)
	case retries > 0 && !idempotent:
		v.errf(path+".retries", "%s.retries needs %s.idempotent: true: drill retries only what is declared safe to run twice", path, path)
	}
}

func (v *validator) rollback() {
	rb := v.s.Rollback
	m := rb.Mechanism
	switch {
	case m.Kind == "" && v.s.MultiStep():
		if m.Service != "" || len(m.Params) > 0 {
			v.errf("rollback.mechanism", "rollback.mechanism.kind is required, or leave rollback.mechanism out: the change's steps are undone in reverse order")
		}
		if len(v.s.RollbackSteps()) == 0 {
			v.errf("change.steps", "no change step is undone: give a step an undo mechanism, or give rollback.mechanism")
		}
	case m.Kind == "": // the kind itself is the mechanism registry's (WithMechanismCheck)
		v.errf("rollback.mechanism", "rollback.mechanism.kind is required, e.g. redeploy")
	default:
		v.ref("rollback.mechanism.service", m.Service)
		v.retries("rollback.mechanism", m.Idempotent, m.Retries)
		if v.s.MultiStep() {
			for i, st := range v.s.Change.Steps {
				if st.Undo != nil {
					v.errf(fmt.Sprintf("change.steps[%d].undo", i), "change.steps[%d].undo and rollback.mechanism: give one rollback, the steps' undos (run in reverse order) or one mechanism", i)
				}
			}
		}
	}
	if rb.Timeout <= 0 {
		v.errf("rollback.timeout", "rollback.timeout must be greater than 0")
	}
	v.trigger("rollback.trigger", rb.Trigger)
}

// trigger checks a trigger's alert (at path: rollback.trigger or a compared plan's); its
// kind and params are the trigger registry's (WithTriggerCheck).
func (v *validator) trigger(path string, t Trigger) {
	if t.Kind == "" { // the kind itself is the trigger registry's (WithTriggerCheck)
		v.errf(path, "%s.kind is required%s", path, v.known(TriggerKinds))
	}
	if strings.TrimSpace(t.Condition) == "" {
		v.errf(path, "%s.condition is required, e.g. \"error_rate > 0.5\"", path)
	} else if _, err := CompileCondition(t.Condition); err != nil {
		v.errf(path+".condition", "%s.condition %q: %s (variables: %s)", path, t.Condition, oneLine(strings.TrimPrefix(err.Error(), "compile trigger condition: ")), strings.Join(triggerVarNames(), ", "))
	}
	if t.Window <= 0 {
		v.errf(path+".window", "%s.window must be greater than 0", path)
	}
	if t.MinSamples < 1 {
		v.errf(path+".min_samples", "%s.min_samples must be at least 1, got %d", path, t.MinSamples)
	}
	if t.FailureLimit < 1 {
		v.errf(path+".failure_limit", "%s.failure_limit must be at least 1, got %d", path, t.FailureLimit)
	}
	if iv := v.s.Probes.Interval; iv > 0 && t.Window > 0 && t.MinSamples >= 1 &&
		time.Duration(t.Window) < time.Duration(iv)*time.Duration(t.MinSamples) {
		v.errf(path+".window", "%s.window %s holds fewer than min_samples %d probes at probes.interval %s: the trigger could never fire",
			path, t.Window, t.MinSamples, iv)
	}
}

// compare checks the compared plans: at least two, named uniquely, each trigger valid.
func (v *validator) compare() {
	c := v.s.Compare
	if c == nil {
		return
	}
	if len(c.Plans) < 2 {
		v.errf("compare.plans", "compare.plans needs at least two plans to compare, got %d", len(c.Plans))
	}
	seen := map[string]bool{}
	for i, p := range c.Plans {
		path := fmt.Sprintf("compare.plans[%d]", i)
		if v.name(path+".name", "plan", p.Name) { // it names the plan's raw records file
			v.uniqueName(path, p.Name, "plan", seen)
		}
		v.trigger(path+".trigger", p.Trigger)
	}
}

func (v *validator) serviceNames() []string {
	names := make([]string, 0, len(v.s.Stack.Services))
	for _, svc := range v.s.Stack.Services {
		names = append(names, svc.Name)
	}
	return names
}

func releaseNames(svc Service) []string {
	names := make([]string, 0, len(svc.Releases))
	for _, r := range svc.Releases {
		names = append(names, r.Name)
	}
	return names
}

// known renders " (one of: a, b)" for messages, or "" when there is nothing to list.
func (v *validator) known(names []string) string {
	if len(names) == 0 {
		return ""
	}
	return " (one of: " + strings.Join(names, ", ") + ")"
}

func triggerVarNames() []string {
	names := make([]string, 0, len(TriggerEnv()))
	for k := range TriggerEnv() {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}
