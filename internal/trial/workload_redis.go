package trial

import (
	"fmt"
	"strings"

	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/params"
	"github.com/drillhq/drill/internal/scenario"
)

// WorkloadRedis is workload.kind redis.
const WorkloadRedis = "redis"

// redisWorkload is workload.kind redis: the user's own write command against Redis
// (go-redis), read back by the user's own command listing ids after recovery.
type redisWorkload struct {
	// URL is the connection, redis://[user:pass@]host:port[/db]; ${ENDPOINT_<SERVICE>} is
	// the service's front proxy, ${env:NAME} an environment variable.
	URL string `param:"url,required"`
	// Setup are commands run once before each trial.
	Setup []string `param:"setup"`
	// Write is one write's command, its arguments templates over {{.ID}}, {{.Seq}}, {{.Value}}.
	Write string `param:"write,required"`
	// Read is the command whose reply lists the ids Redis holds (e.g. SMEMBERS orders).
	Read string `param:"read,required"`
	// MaxConns bounds the client's pool (default 16), as the team's application's would.
	MaxConns int `param:"max_conns"`
}

// newRedisWorkload decodes workload.params strictly.
func newRedisWorkload(p map[string]any) (WorkloadKind, error) {
	w := &redisWorkload{}
	if err := params.Decode("workload", WorkloadRedis, p, w); err != nil {
		return nil, err
	}
	return w, nil
}

// Workload connects to the URL with its references expanded.
func (k *redisWorkload) Workload(w scenario.Workload, env WorkloadEnv) (measure.Workload, error) {
	url, err := env.Expand(k.URL)
	if err != nil {
		return nil, fmt.Errorf("workload redis: url: %w", err)
	}
	wl, err := measure.NewRedisWorkload(measure.RedisWorkloadSpec{URL: url, Rate: w.Rate, Timeout: w.Timeout.D(),
		Setup: k.Setup, Write: k.Write, Read: k.Read, MaxConns: k.MaxConns, Rand: env.Rand})
	if err != nil {
		return nil, maskSecrets(k.URL, err)
	}
	return wl, nil
}

// Default fills the rate and timeout.
func (*redisWorkload) Default(w *scenario.Workload, unset func(string, bool) bool) {
	scenario.DefaultTraffic(w, unset)
}

// Check checks the rate, timeout, the URL's scheme and references, and the write's templates.
func (k *redisWorkload) Check(w scenario.Workload, c scenario.WorkloadChecker) {
	c.Unused(w, "workload.kind "+WorkloadHTTP, "setup", "write", "read")
	c.Unused(w, "workload.kind "+WorkloadLedger, "accounts")
	c.Traffic(w, w.Service != "")
	if !strings.HasPrefix(k.URL, "redis://") && !strings.HasPrefix(k.URL, "rediss://") {
		c.Errf("workload.params.url", "workload.params.url must start with redis:// or rediss://, e.g. redis://${ENDPOINT_CACHE}/0")
	}
	checkRefs(c, "workload.params.url", k.URL)
	for _, arg := range strings.Fields(k.Write) {
		c.Template("workload.params.write", arg)
	}
	if !strings.Contains(k.Write, ".ID") {
		c.Errf("workload.params.write", "workload.params.write must write {{.ID}}: lost writes are found by that id in the final read, e.g. SADD orders {{.ID}}")
	}
	if len(strings.Fields(k.Read)) == 0 {
		c.Errf("workload.params.read", "workload.params.read must be a command listing the ids, e.g. SMEMBERS orders")
	}
}

// Info describes the commands.
func (k *redisWorkload) Info(w scenario.Workload) scenario.WorkloadInfo {
	return scenario.WorkloadInfo{
		Start:         fmt.Sprintf("redis workload at %g op/s: %s (timeout %s)", w.Rate, oneLine(k.Write), w.Timeout),
		FinalRead:     fmt.Sprintf("final read %s: lost acknowledged writes give RPC", oneLine(k.Read)),
		ReadByDefault: true,
	}
}
