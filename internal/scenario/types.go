// Package scenario defines drill's scenario file format: the stack to start, the change
// or faults that break it, the rollback plan that should save it, the objectives it is
// judged against, and a pure Plan of one trial's timeline.
package scenario

import "time"

// FormatVersion is the scenario file format this build reads.
const FormatVersion = 1

// Scenario is one scenario file, decoded and with defaults applied.
type Scenario struct {
	// Version is the file format version; must equal FormatVersion.
	Version int `yaml:"version" json:"version"`
	// Name identifies the scenario in results and reports. A name is an identifier: letters, digits, '.', '_' and '-', starting with a letter or digit, at most 63 bytes.
	Name string `yaml:"name" json:"name"`
	// Description says in prose what the drill rehearses.
	Description string `yaml:"description,omitempty" json:"description,omitempty"`
	// Labels are free-form key/values carried into results (team, service, tier).
	Labels map[string]string `yaml:"labels,omitempty" json:"labels,omitempty"`

	// Objectives are what the organisation promises: RTO, RPO and success rate, judged at a
	// quantile and confidence.
	Objectives Objectives `yaml:"objectives" json:"objectives"`
	// Trials is how many independent trials a run makes by default.
	Trials int `yaml:"trials" json:"trials"`
	// Seed drives every random choice of a run; 0 means "pick one and record it".
	Seed int64 `yaml:"seed,omitempty" json:"seed,omitempty"`

	// Stack is the service stack each trial starts from scratch.
	Stack Stack `yaml:"stack" json:"stack"`
	// Workload is the traffic that runs through the trial; its history measures lost writes.
	Workload Workload `yaml:"workload" json:"workload"`
	// Probes are the steady-state checks that define impact and recovery.
	Probes Probes `yaml:"probes" json:"probes"`
	// Warmup is how long steady state must hold, with the workload running, before the
	// change: every probe passes, and at least recover_after of them are answered (those
	// still in flight when it ends are waited for, up to one probe timeout).
	Warmup Duration `yaml:"warmup" json:"warmup"`
	// Settle is the start of the warm-up whose probes are not judged (a metric not yet scraped, a cache warming): every probe started after it must pass, and at least recover_after of them. At most the warm-up.
	Settle Duration `yaml:"settle,omitempty" json:"settle,omitempty"`
	// Control interleaves control trials: the same procedure with a good release (or no change). A trigger that fires in one is a false positive.
	Control *Control `yaml:"control,omitempty" json:"control,omitempty"`
	// Change is the release deployed at t_fault; optional when Faults are given.
	Change *Change `yaml:"change,omitempty" json:"change,omitempty"`
	// Faults are injected at offsets from t_fault; optional when Change is given.
	Faults []Fault `yaml:"faults,omitempty" json:"faults,omitempty"`
	// Rollback is the plan that should restore service: a mechanism fired by a trigger.
	Rollback Rollback `yaml:"rollback" json:"rollback"`
	// Verify is what is checked after recovery.
	Verify Verify `yaml:"verify" json:"verify"`
	// Compare lists rollback plans that drill compare runs against the same defect, trials interleaved; drill run uses rollback.trigger alone.
	Compare *Compare `yaml:"compare,omitempty" json:"compare,omitempty"`
	// Forecast is the team's delivery, from which the readiness forecast costs a year of bad releases in expected downtime (unset: the forecast states no annual downtime).
	Forecast *Forecast `yaml:"forecast,omitempty" json:"forecast,omitempty"`

	workloadInfo WorkloadInfo // what the workload kind said of the workload when parsed or validated
}

// Compare is the set of rollback plans drill compare measures side by side: each plan's trigger replaces rollback.trigger, everything else (stack, change, faults, mechanism) is the same.
type Compare struct {
	// Plans are the plans compared, at least two, each with a unique name.
	Plans []RollbackPlan `yaml:"plans" json:"plans"`
}

// Forecast is how often the team deploys and how many deploys fail, as DORA's delivery metrics define them.
type Forecast struct {
	// DeploysPerMonth is the deployment frequency: production deploys a month.
	DeploysPerMonth float64 `yaml:"deploys_per_month" json:"deploys_per_month"`
	// ChangeFailureRate is the share of deploys that cause a failure in production needing remediation, in (0, 1].
	ChangeFailureRate float64 `yaml:"change_failure_rate" json:"change_failure_rate"`
	// FailedOutage is the outage counted for a bad release the rollback does not recover (the time to a forward fix).
	FailedOutage Duration `yaml:"failed_outage,omitempty" json:"failed_outage,omitempty"`
}

// RollbackPlan is one rollback plan of a comparison: a name and its trigger (automated, manual or hybrid, with the trigger's alert keys and params).
type RollbackPlan struct {
	// Name identifies the plan in the comparison's tables and charts and names its raw records file. A name is an identifier: letters, digits, '.', '_' and '-', starting with a letter or digit, at most 63 bytes.
	Name string `yaml:"name" json:"name"`
	// Trigger is the plan's trigger; window, min_samples and failure_limit default as rollback.trigger's do.
	Trigger Trigger `yaml:"trigger" json:"trigger"`
}

// WithPlan returns a copy of the scenario whose rollback trigger is plan's: what one plan of a comparison runs.
func (s *Scenario) WithPlan(plan RollbackPlan) *Scenario {
	c := *s
	c.Rollback.Trigger = plan.Trigger
	return &c
}

// Objectives are what the organisation promises: drill measures capabilities against them.
type Objectives struct {
	// RTO is the recovery time objective: RTC at Quantile must not exceed it.
	RTO Duration `yaml:"rto" json:"rto"`
	// RPO is the recovery point objective: RPC must not exceed it (0: no acknowledged write may be lost).
	RPO Duration `yaml:"rpo" json:"rpo"`
	// SuccessRate is the fraction of trials whose rollback must recover (0..1].
	SuccessRate float64 `yaml:"success_rate" json:"success_rate"`
	// Quantile of RTC compared with RTO, e.g. 0.9.
	Quantile float64 `yaml:"quantile" json:"quantile"`
	// Confidence of the bounds used for verdicts, e.g. 0.95.
	Confidence float64 `yaml:"confidence" json:"confidence"`
	// FalsePositiveRate is the highest acceptable rate of control trials whose trigger fired (needs control trials; unset: not judged).
	FalsePositiveRate *float64 `yaml:"false_positive_rate,omitempty" json:"false_positive_rate,omitempty"`
}

// Control describes the control trials of a run.
type Control struct {
	// Trials is how many control trials a run interleaves with the scenario's trials.
	Trials int `yaml:"trials" json:"trials"`
	// Release is what a control trial deploys instead of the change's release: a good release of the change's service (default: the one running before the change, deployed again), or "none" for no change at all.
	Release string `yaml:"release,omitempty" json:"release,omitempty"`
	// Observe is how long a control trial watches for the trigger after the change went live (default: 4 trigger windows, at least 1s).
	Observe Duration `yaml:"observe,omitempty" json:"observe,omitempty"`
}

// Values of Fault.From.
const (
	FromChange   = "change"
	FromRollback = "rollback"
)

// ControlNone is the control release that deploys nothing.
const ControlNone = "none"

// Stack is the service stack a trial starts from scratch.
type Stack struct {
	// Compose is a compose file (a path relative to the scenario file) whose services make the stack: image, environment, the first port (ports, else expose), healthcheck (its test becomes an exec readiness check), depends_on, stop_signal and user are read from it, and a service named drill-fixture-NAME is drill's fixture NAME, built locally. Services then lists only what drill adds to a compose service of the same name (releases, release, health or ready, strategy); a volume must be mounted at /data, where drill keeps the service's data.
	Compose string `yaml:"compose,omitempty" json:"compose,omitempty"`
	// ComposeProfiles are the compose profiles whose services join the stack, as docker compose --profile does; services in no profile always do.
	ComposeProfiles []string `yaml:"compose_profiles,omitempty" json:"compose_profiles,omitempty"`
	// Services of the stack; at least one (with compose, those the compose file gives count).
	Services []Service `yaml:"services" json:"services"`
	// Proxies put Toxiproxy between a client (drill or another service) and a service.
	// Every service also gets a front proxy named after it, which drill's probes and workload use.
	Proxies []Proxy `yaml:"proxies,omitempty" json:"proxies,omitempty"`
	// Reuse keeps each worker's stack from one trial to the next instead of starting a new one: after a trial that ended clean (recovered or a quiet control, no error), the stack is reset to what starting it makes (initial releases in new units, data emptied, switches and proxies as new, no toxics, no connections) and verified so before the next trial; a reset that cannot prove it is replaced by a new stack, which the trial's record says. Off by default: what a service keeps outside its data directory (memory, a cache, a file elsewhere) is gone with its stopped unit, but drill cannot check it. Runtimes: docker, process.
	Reuse bool `yaml:"reuse,omitempty" json:"reuse,omitempty"`
}

// Service is one service of the stack and the releases it can run.
type Service struct {
	// Name of the service, unique among services and proxies. A name is an identifier: letters, digits, '.', '_' and '-', starting with a letter or digit, at most 63 bytes.
	Name string `yaml:"name" json:"name"`
	// Fixture names one of drill's own demo services (fixtures/NAME), built locally.
	Fixture string `yaml:"fixture,omitempty" json:"fixture,omitempty"`
	// Image is a container image the engine has or can pull (docker runtime).
	Image string `yaml:"image,omitempty" json:"image,omitempty"`
	// External is the endpoint of a service drill did not start and never starts or stops (a running staging service): "host:port" or an http:// URL whose host and port drill fronts with its proxy. Such a service has no releases (the change and the rollback are the team's own hook steps); a stack with one runs on the external runtime.
	External string `yaml:"external,omitempty" json:"external,omitempty"`
	// Command is the argv of a service that is neither a fixture nor an image: the process runtime runs it on drill's host, the docker runtime in the local Debian image make images builds (the same packages).
	Command []string `yaml:"command,omitempty" json:"command,omitempty"`
	// Port is the TCP port the service listens on (inside its container, or the port
	// the process runtime passes it as PORT).
	Port int `yaml:"port" json:"port"`
	// Env is the environment of every release of this service.
	Env map[string]string `yaml:"env,omitempty" json:"env,omitempty"`
	// Health is the HTTP path that answers 2xx once the service is ready: the readiness check of every start and deploy (a release is routed traffic only once it passes). Shorthand for ready: {http: {path: PATH}}; exactly one of health and ready is set.
	Health string `yaml:"health,omitempty" json:"health,omitempty"`
	// Ready is the readiness check of every start and deploy of the service when it is not an HTTP path on the service port: a release is routed traffic only once it passes. Exactly one of health and ready is set.
	Ready *Ready `yaml:"ready,omitempty" json:"ready,omitempty"`
	// User runs the service as this user, a name or uid[:gid] (a database refuses to run as root). The process runtime needs root for it and gives the user the service's data directory; the docker runtime sets the container's user.
	User string `yaml:"user,omitempty" json:"user,omitempty"`
	// StopSignal is the signal that asks the service to stop gracefully (default SIGTERM), e.g. SIGINT for PostgreSQL's fast shutdown: its SIGTERM waits for every client to disconnect. Past the stop grace the whole service is killed.
	StopSignal string `yaml:"stop_signal,omitempty" json:"stop_signal,omitempty"`
	// DependsOn lists the services that must be ready before this one starts; teardown stops them after it.
	DependsOn []string `yaml:"depends_on,omitempty" json:"depends_on,omitempty"`
	// Strategy is how a new release of the service is deployed (the change and every redeploy): "start-first" (default: the new release starts beside the old one on its own address, becomes ready by the health check, the front switch moves new connections to it, and the old one drains and stops; no gap) "recreate" (stop, then start: the gap is the change's own downtime, reported apart from the defect's), or "blue-green" (start-first, but the previous release keeps running idle behind the switch, for the blue-green mechanism to flip back to).
	Strategy string `yaml:"strategy,omitempty" json:"strategy,omitempty"`
	// StartTimeout bounds how long a start or redeploy may take to become ready.
	StartTimeout Duration `yaml:"start_timeout,omitempty" json:"start_timeout,omitempty"`
	// Files are written into the service's data directory before each start of every release (its configuration); a release's own files replace these by path.
	Files []File `yaml:"files,omitempty" json:"files,omitempty"`
	// Packages are Debian packages the docker runtime adds to drill's Debian image for this command service (e.g. nginx-light): drill images builds the extended image once, cached by its package list.
	Packages []string `yaml:"packages,omitempty" json:"packages,omitempty"`
	// Release is the release running before the change.
	Release string `yaml:"release" json:"release"`
	// Releases are the versions this service can run.
	Releases []Release `yaml:"releases" json:"releases"`
}

// File is a file drill writes into a service's data directory before the service starts (docker: the same directory, mounted at the container's data dir), so configuration is part of the scenario and a bad configuration is a release. Its content expands ${PORT}, ${HOST}, ${DATA_DIR}, ${ENDPOINT_<SERVICE>} and ${PROXY_<NAME>} as the service's argv does, with the values of the instance it is written for.
type File struct {
	// Path of the file inside the data directory: relative, without "..".
	Path string `yaml:"path" json:"path"`
	// Content of the file. Exactly one of content and from is set.
	Content string `yaml:"content,omitempty" json:"content,omitempty"`
	// From is a file beside the scenario file whose text is the content.
	From string `yaml:"from,omitempty" json:"from,omitempty"`
	// Mode is the file's permission bits, e.g. "0755" for a script (default "0644").
	Mode string `yaml:"mode,omitempty" json:"mode,omitempty"`

	loaded bool // Content was read from From
}

// Ready is a service's readiness check: exactly one of http, tcp, exec, log and kind is set. It is polled until it passes or start_timeout runs out, on every start, restart and deploy.
type Ready struct {
	// HTTP passes when a GET answers the expected status.
	HTTP *ReadyHTTP `yaml:"http,omitempty" json:"http,omitempty"`
	// TCP passes when a TCP connection opens.
	TCP *ReadyTCP `yaml:"tcp,omitempty" json:"tcp,omitempty"`
	// Exec is an argv that exits 0 once the service is ready (e.g. pg_isready, redis-cli ping); the process runtime runs it on drill's host with the instance's environment and ${PORT}-style expansion, the docker runtime inside the container.
	Exec []string `yaml:"exec,omitempty" json:"exec,omitempty"`
	// Log is text the service prints (stdout or stderr) once it is ready, e.g. "ready to accept connections".
	Log string `yaml:"log,omitempty" json:"log,omitempty"`
	// Kind is a readiness kind the program running drill registered (drill.WithReadiness), configured by params.
	Kind string `yaml:"kind,omitempty" json:"kind,omitempty"`
	// Params are the parameters of the readiness kind named by kind; the kind checks them.
	Params map[string]any `yaml:"params,omitempty" json:"params,omitempty"`
}

// ReadyHTTP is an HTTP readiness check.
type ReadyHTTP struct {
	// Path of the GET request.
	Path string `yaml:"path" json:"path"`
	// Port of the check when it is not the service's port (a health or admin port). The docker runtime checks this container port; the process runtime gives each instance a free port for it, in HEALTH_PORT and ${HEALTH_PORT}.
	Port int `yaml:"port,omitempty" json:"port,omitempty"`
	// Status is the expected status (default: any 2xx).
	Status int `yaml:"status,omitempty" json:"status,omitempty"`
}

// ReadyTCP is a TCP readiness check.
type ReadyTCP struct {
	// Port to connect to when it is not the service's port; on the process runtime a free port of each instance, in HEALTH_PORT and ${HEALTH_PORT}.
	Port int `yaml:"port,omitempty" json:"port,omitempty"`
}

// Release is one version of a service: what differs from the service's defaults.
type Release struct {
	// Name of the release, unique within its service (e.g. v1). A name is an identifier: letters, digits, '.', '_' and '-', starting with a letter or digit, at most 63 bytes.
	Name string `yaml:"name" json:"name"`
	// Image overrides the service image for this release (docker runtime).
	Image string `yaml:"image,omitempty" json:"image,omitempty"`
	// Command overrides the service command for this release.
	Command []string `yaml:"command,omitempty" json:"command,omitempty"`
	// Env is merged over the service's Env.
	Env map[string]string `yaml:"env,omitempty" json:"env,omitempty"`
	// Files replace the service's files of the same path, and add others, for this release (a bad configuration is a release).
	Files []File `yaml:"files,omitempty" json:"files,omitempty"`
	// Compose is a compose override file (relative to the scenario file, with stack.compose only) that makes this release: its service of the same name, merged over the stack's compose file as compose merges overrides, gives the release's image (when it differs) and the environment that differs.
	Compose string `yaml:"compose,omitempty" json:"compose,omitempty"`
}

// Proxy is a named Toxiproxy proxy in front of a service.
type Proxy struct {
	// Name of the proxy, unique among services and proxies; faults may target it. A name is an identifier: letters, digits, '.', '_' and '-', starting with a letter or digit, at most 63 bytes.
	Name string `yaml:"name" json:"name"`
	// Upstream is the service the proxy forwards to.
	Upstream string `yaml:"upstream" json:"upstream"`
}

// Workload is the traffic that runs through a trial and whose history measures data loss.
type Workload struct {
	// Kind is the workload protocol: "ledger" (fixtures/ledger transfers), "http" (any HTTP service, described by setup, write and read), "sql" (a PostgreSQL or MySQL table, described by params), "redis" (Redis commands, described by params), "none" or a kind the program running drill registered.
	Kind string `yaml:"kind" json:"kind"`
	// Service the workload sends its operations to, through its front proxy (required for
	// kinds ledger and http).
	Service string `yaml:"service,omitempty" json:"service,omitempty"`
	// Rate is the open-loop request rate in operations per second.
	Rate float64 `yaml:"rate,omitempty" json:"rate,omitempty"`
	// Accounts is how many ledger accounts transfers move money between.
	Accounts int `yaml:"accounts,omitempty" json:"accounts,omitempty"`
	// Timeout after which an operation's outcome is unknown.
	Timeout Duration `yaml:"timeout,omitempty" json:"timeout,omitempty"`
	// Setup are requests an http workload sends once, in order, before the trial; each must answer 2xx.
	Setup []WorkloadRequest `yaml:"setup,omitempty" json:"setup,omitempty"`
	// Write is the request an http workload sends at Rate: one write per operation.
	Write *WorkloadWrite `yaml:"write,omitempty" json:"write,omitempty"`
	// Read lists the ids the service holds, once after recovery (the final read of an http workload).
	Read *WorkloadRead `yaml:"read,omitempty" json:"read,omitempty"`
	// Params are the parameters of the workload kind (sql, redis, or a kind the program running drill registered with drill.WithWorkload); the kind checks them.
	Params map[string]any `yaml:"params,omitempty" json:"params,omitempty"`
}

// WorkloadRequest is one setup request of an http workload, sent as written.
type WorkloadRequest struct {
	// Method of the request (default POST).
	Method string `yaml:"method,omitempty" json:"method,omitempty"`
	// Path of the request on the workload service.
	Path string `yaml:"path" json:"path"`
	// Headers of the request (Content-Type defaults to application/json when there is a body).
	Headers map[string]string `yaml:"headers,omitempty" json:"headers,omitempty"`
	// Body of the request.
	Body string `yaml:"body,omitempty" json:"body,omitempty"`
}

// WorkloadWrite is the write of an http workload. Path, header values and body are Go text/template texts over {{.ID}} (the write's unique id, which the read must return), {{.Seq}} (1, 2, ...) and {{.Value}} (a seeded random integer).
type WorkloadWrite struct {
	// Method of the write (default POST).
	Method string `yaml:"method,omitempty" json:"method,omitempty"`
	// Path of the write, a template.
	Path string `yaml:"path" json:"path"`
	// Headers of the write; values are templates.
	Headers map[string]string `yaml:"headers,omitempty" json:"headers,omitempty"`
	// Body of the write, a template.
	Body string `yaml:"body,omitempty" json:"body,omitempty"`
	// Success lists the statuses that acknowledge the write; any other status is a failed write, which assumes the service applies nothing it refused. Transport errors: refused connections fail, anything else (timeouts, broken connections) is unknown.
	Success []int `yaml:"success,omitempty" json:"success,omitempty"`
}

// WorkloadRead is the final read of an http workload: one request whose JSON answer lists the ids the service holds.
type WorkloadRead struct {
	// Method of the read (default GET).
	Method string `yaml:"method,omitempty" json:"method,omitempty"`
	// Path of the read.
	Path string `yaml:"path" json:"path"`
	// Headers of the read.
	Headers map[string]string `yaml:"headers,omitempty" json:"headers,omitempty"`
	// IDs is where the ids are in the answer: a JSONPath subset of "$", ".key", "[*]" and "[N]", e.g. "$.ids" or "$.items[*].id".
	IDs string `yaml:"ids" json:"ids"`
}

// Probes are the steady-state checks that define impact and recovery.
type Probes struct {
	// Interval between probe starts; the resolution of every timing measure.
	Interval Duration `yaml:"interval" json:"interval"`
	// Timeout after which a probe fails.
	Timeout Duration `yaml:"timeout" json:"timeout"`
	// RecoverAfter is k: recovery is the first of k consecutive passing probes.
	RecoverAfter int `yaml:"recover_after" json:"recover_after"`
	// HTTP probes a service over HTTP. Exactly one of http, tcp, exec and prometheus is set.
	HTTP *HTTPProbe `yaml:"http,omitempty" json:"http,omitempty"`
	// TCP probes that a service accepts TCP connections.
	TCP *TCPProbe `yaml:"tcp,omitempty" json:"tcp,omitempty"`
	// Exec probes by running a command on drill's host.
	Exec *ExecProbe `yaml:"exec,omitempty" json:"exec,omitempty"`
	// Prometheus probes a metric of a Prometheus server.
	Prometheus *PrometheusProbe `yaml:"prometheus,omitempty" json:"prometheus,omitempty"`
	// Registered (written kind) is a probe kind the program running drill registered
	// (drill.WithProbe), set instead of http, tcp, exec or prometheus; the kind checks
	// its params.
	Registered string `yaml:"kind,omitempty" json:"kind,omitempty"`
	// Params are the parameters of the probe kind named by kind.
	Params map[string]any `yaml:"params,omitempty" json:"params,omitempty"`
}

// HTTPProbe passes when the service answers the request with the expected status in time.
type HTTPProbe struct {
	// Service the probe requests, through its front proxy.
	Service string `yaml:"service" json:"service"`
	// Method is the HTTP method of the probe request (default GET).
	Method string `yaml:"method,omitempty" json:"method,omitempty"`
	// Path is the HTTP path probed (default the service health path).
	Path string `yaml:"path" json:"path"`
	// Status is the expected HTTP status (default 200).
	Status int `yaml:"status,omitempty" json:"status,omitempty"`
	// BodyContains, when set, must appear in the response body.
	BodyContains string `yaml:"body_contains,omitempty" json:"body_contains,omitempty"`
	// MaxLatency, when set, fails a probe that answered slower.
	MaxLatency Duration `yaml:"max_latency,omitempty" json:"max_latency,omitempty"`
	// Connection is how probes reach the service: "keep-alive" (default) reuses
	// connections, as users' browsers and clients do, so a draining release answers them
	// until it closes them; "fresh" opens a new connection for every probe, as a load
	// balancer's health checker does.
	Connection string `yaml:"connection,omitempty" json:"connection,omitempty"`
}

// Probe connection models (HTTPProbe.Connection).
const (
	ConnectionKeepAlive = "keep-alive"
	ConnectionFresh     = "fresh"
)

// TCPProbe passes when a TCP connection to the service's front proxy opens within the timeout and is not closed at once (the proxy closes it when nothing serves behind it).
type TCPProbe struct {
	// Service the probe connects to, through its front proxy.
	Service string `yaml:"service" json:"service"`
}

// ExecProbe passes when the command exits 0 within the timeout. It runs on drill's host with DRILL_ENDPOINT_<SERVICE> (host:port of each service's front proxy, name upper-cased, "-" as "_") in its environment; on timeout its whole process group is killed.
type ExecProbe struct {
	// Command is the argv to run; the first element is looked up in PATH.
	Command []string `yaml:"command" json:"command"`
}

// PrometheusProbe passes when an instant query to a Prometheus server returns one sample whose value satisfies the condition: for staging stacks that already export metrics.
type PrometheusProbe struct {
	// URL is the Prometheus server's base URL, e.g. "http://127.0.0.1:9090", or "http://${ENDPOINT_<SERVICE>}" for a service of the stack (its front proxy); the probe GETs URL/api/v1/query.
	URL string `yaml:"url" json:"url"`
	// Query is the PromQL instant query; it must return a scalar or a vector of exactly one series.
	Query string `yaml:"query" json:"query"`
	// Condition is an expr-lang expression over value (the sample, a float) that holds when the probe passes, e.g. "value < 0.05".
	Condition string `yaml:"condition" json:"condition"`
}

// Change is a deployment of another release: the bad release a rollback must undo.
type Change struct {
	// Service that gets the new release.
	Service string `yaml:"service,omitempty" json:"service,omitempty"`
	// Release deployed at t_fault; must be one of the service releases and not the running
	// one.
	Release string `yaml:"release,omitempty" json:"release,omitempty"`
	// Steps make the change several steps run in order (migrate, deploy, flag on), instead of service and release; the rollback undoes the steps that ran, in reverse order, each its own event and duration.
	Steps []ChangeStep `yaml:"steps,omitempty" json:"steps,omitempty"`
}

// ChangeStep is one step of a multi-step change.
type ChangeStep struct {
	// Name identifies the step on the timeline and in the report. A name is an identifier: letters, digits, '.', '_' and '-', starting with a letter or digit, at most 63 bytes.
	Name string `yaml:"name" json:"name"`
	// Kind is "deploy" (Release of Service) or a rollback mechanism's kind used as an action (call, hook, feature-flag, ...).
	Kind string `yaml:"kind" json:"kind"`
	// Service the step acts on (default: the only service).
	Service string `yaml:"service,omitempty" json:"service,omitempty"`
	// Release is what a deploy step deploys.
	Release string `yaml:"release,omitempty" json:"release,omitempty"`
	// Params are the action's typed parameters (as the mechanism of that kind takes them).
	Params map[string]any `yaml:"params,omitempty" json:"params,omitempty"`
	// Idempotent declares the step safe to run twice: only then is a failed attempt retried.
	Idempotent bool `yaml:"idempotent,omitempty" json:"idempotent,omitempty"`
	// Retries is how many times a failed attempt is retried (needs idempotent: true).
	Retries int `yaml:"retries,omitempty" json:"retries,omitempty"`
	// Undo is the mechanism that undoes the step in the rollback; a deploy step's default is a redeploy of the release it replaced; other steps without one are left as they are.
	Undo *Mechanism `yaml:"undo,omitempty" json:"undo,omitempty"`
}

// Fault is one fault injected at an offset after t_fault and reverted at its end.
type Fault struct {
	// Kind names a registered fault (latency, kill, pause, ...).
	Kind string `yaml:"kind" json:"kind"`
	// Target is the proxy or service the fault acts on.
	Target string `yaml:"target" json:"target"`
	// At is the offset from t_fault (or from t_trigger, with from: rollback) at which the fault is applied.
	At Duration `yaml:"at,omitempty" json:"at,omitempty"`
	// For is how long the fault lasts; 0 means until the rollback (from: rollback: until the trial ends).
	For Duration `yaml:"for,omitempty" json:"for,omitempty"`
	// From is what At counts from: "change" (default, t_fault) or "rollback" (t_trigger): degraded conditions while the rollback runs, where rollbacks fail.
	From string `yaml:"from,omitempty" json:"from,omitempty"`
	// Params are the kind's typed parameters, checked strictly by the kind.
	Params map[string]any `yaml:"params,omitempty" json:"params,omitempty"`
}

// Rollback is the plan that should restore service: a mechanism fired by a trigger.
type Rollback struct {
	// Mechanism is how the rollback restores service.
	Mechanism Mechanism `yaml:"mechanism,omitempty" json:"mechanism,omitempty"`
	// Trigger decides when the rollback starts.
	Trigger Trigger `yaml:"trigger" json:"trigger"`
	// Timeout bounds the wait for recovery after the trigger; a trial past it did not recover.
	Timeout Duration `yaml:"timeout" json:"timeout"`
	// WaitForChange makes a trigger that fires while the change is still deploying wait for that deploy to finish before the rollback acts (its own phase, not part of TTM); by default the in-flight deploy is aborted, as Argo Rollouts' abort does.
	WaitForChange bool `yaml:"wait_for_change,omitempty" json:"wait_for_change,omitempty"`
}

// Mechanism is how the rollback restores service.
type Mechanism struct {
	// Kind names a registered mechanism (redeploy, restart, hook, feature-flag, ...).
	Kind string `yaml:"kind" json:"kind"`
	// Service the mechanism acts on (default the change service).
	Service string `yaml:"service,omitempty" json:"service,omitempty"`
	// Params are the kind's typed parameters, checked strictly by the kind.
	Params map[string]any `yaml:"params,omitempty" json:"params,omitempty"`
	// Idempotent declares the mechanism safe to run twice: only then is a failed attempt retried.
	Idempotent bool `yaml:"idempotent,omitempty" json:"idempotent,omitempty"`
	// Retries is how many times a failed attempt is retried (needs idempotent: true).
	Retries int `yaml:"retries,omitempty" json:"retries,omitempty"`
}

// Trigger decides when the rollback starts.
type Trigger struct {
	// Kind names a registered trigger, the rollback plan: automated (the condition starts the rollback), manual (a modelled human decision follows the alert) or hybrid (an approval gate follows it).
	Kind string `yaml:"kind" json:"kind"`
	// Condition is an expr-lang expression over the probe window, e.g. "error_rate > 0.5".
	Condition string `yaml:"condition" json:"condition"`
	// Window is the span of recent probes the condition sees.
	Window Duration `yaml:"window" json:"window"`
	// MinSamples is how many probes the window must hold before the condition is evaluated.
	MinSamples int `yaml:"min_samples,omitempty" json:"min_samples,omitempty"`
	// FailureLimit is how many consecutive evaluations must hold before the trigger fires.
	FailureLimit int `yaml:"failure_limit,omitempty" json:"failure_limit,omitempty"`
	// Params are the kind's typed parameters (manual: the decision model, compression, checkpoints; hybrid: the gate), checked strictly by the kind. Condition, window, min_samples and failure_limit are the alert of every kind.
	Params map[string]any `yaml:"params,omitempty" json:"params,omitempty"`
}

// Verify is what is checked after recovery.
type Verify struct {
	// FinalRead reads back every write at the end of the trial to measure lost writes.
	FinalRead bool `yaml:"final_read" json:"final_read"`
	// Linearizable runs a key-value register workload through the whole trial and checks its history with porcupine after recovery.
	Linearizable *Linearizable `yaml:"linearizable,omitempty" json:"linearizable,omitempty"`
	// Idempotent runs the rollback a second time once the service recovered and checks that it changed nothing: the running release, the data's schema, and the data (every write read back, the ledger's balances).
	Idempotent bool `yaml:"idempotent,omitempty" json:"idempotent,omitempty"`
	// Checks are user-defined checks, run once after recovery; each is a finding beside drill's own.
	Checks []VerifyCheck `yaml:"checks,omitempty" json:"checks,omitempty"`
}

// Linearizable is a key-value register workload against a ledger fixture service's /kv API: each operation reads or writes (a unique value) one key as one of the clients, on an open-loop schedule seeded by the trial. Past the timeout the finding is unknown, never pass.
type Linearizable struct {
	// Service is the ledger fixture service whose PUT and GET /kv/{key} API the workload drives, through its front proxy.
	Service string `yaml:"service" json:"service"`
	// Clients is how many concurrent clients take turns; a client still busy with its previous operation skips its turn.
	Clients int `yaml:"clients,omitempty" json:"clients,omitempty"`
	// Keys is how many keys the workload uses, one register each.
	Keys int `yaml:"keys,omitempty" json:"keys,omitempty"`
	// Rate is the open-loop operation rate of all clients together, in operations per second.
	Rate float64 `yaml:"rate,omitempty" json:"rate,omitempty"`
	// Timeout is porcupine's budget for checking the history; keys it leaves undecided make the finding unknown.
	Timeout Duration `yaml:"timeout,omitempty" json:"timeout,omitempty"`
}

// VerifyCheck is a user-defined check: an HTTP endpoint of a service (GET answering 2xx with JSON {"pass":bool,"message":"..."}) or a command on drill's host (exit 0 passes; the first line of its output is the message). No verdict within the timeout is unknown.
type VerifyCheck struct {
	// Name identifies the check's finding; unique among the checks.
	Name string `yaml:"name" json:"name"`
	// Service whose front proxy an HTTP check requests; set with path.
	Service string `yaml:"service,omitempty" json:"service,omitempty"`
	// Path of an HTTP check on the service. Exactly one of path and command is set.
	Path string `yaml:"path,omitempty" json:"path,omitempty"`
	// Command is the argv of a command check, run with DRILL_ENDPOINT_<SERVICE> (host:port of each service's front proxy) in its environment; on timeout its whole process group is killed.
	Command []string `yaml:"command,omitempty" json:"command,omitempty"`
	// Timeout bounds the check.
	Timeout Duration `yaml:"timeout,omitempty" json:"timeout,omitempty"`
}

// Duration is a time.Duration written as "250ms", "5s" in scenario files.
type Duration time.Duration

// D returns the duration as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }
