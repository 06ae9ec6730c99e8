package trial

import (
	"fmt"
	"strings"

	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/params"
	"github.com/drillhq/drill/internal/scenario"
)

// WorkloadSQL is workload.kind sql.
const WorkloadSQL = "sql"

// sqlWorkload is workload.kind sql: writes to the user's own table in PostgreSQL (pgx)
// or MySQL (go-sql-driver), read back by the user's own query after recovery.
type sqlWorkload struct {
	// DSN is the connection, postgres://... or mysql://...; ${ENDPOINT_<SERVICE>} is the
	// service's front proxy, ${env:NAME} an environment variable, read when a trial starts.
	DSN string `param:"dsn,required"`
	// Setup are statements run once before each trial (e.g. CREATE TABLE IF NOT EXISTS).
	Setup []string `param:"setup"`
	// Write is the statement of one write, a template over {{.ID}}, {{.Seq}}, {{.Value}}.
	Write string `param:"write,required"`
	// Read is the query whose first column lists the ids the table holds.
	Read string `param:"read,required"`
	// MaxConns bounds the client's pool (default 16), as the team's application's would.
	MaxConns int `param:"max_conns"`
}

// newSQLWorkload decodes workload.params strictly.
func newSQLWorkload(p map[string]any) (WorkloadKind, error) {
	w := &sqlWorkload{}
	if err := params.Decode("workload", WorkloadSQL, p, w); err != nil {
		return nil, err
	}
	return w, nil
}

// Workload connects to the DSN with its references expanded.
func (k *sqlWorkload) Workload(w scenario.Workload, env WorkloadEnv) (measure.Workload, error) {
	dsn, err := env.Expand(k.DSN)
	if err != nil {
		return nil, fmt.Errorf("workload sql: dsn: %w", err)
	}
	wl, err := measure.NewSQLWorkload(measure.SQLWorkloadSpec{DSN: dsn, Rate: w.Rate, Timeout: w.Timeout.D(),
		Setup: k.Setup, Write: k.Write, Read: k.Read, MaxConns: k.MaxConns, Rand: env.Rand})
	if err != nil {
		return nil, maskSecrets(k.DSN, err)
	}
	return wl, nil
}

// Default fills the rate and timeout.
func (*sqlWorkload) Default(w *scenario.Workload, unset func(string, bool) bool) {
	scenario.DefaultTraffic(w, unset)
}

// Check checks the rate, timeout, the DSN's scheme and references, and the write's template.
func (k *sqlWorkload) Check(w scenario.Workload, c scenario.WorkloadChecker) {
	c.Unused(w, "workload.kind "+WorkloadHTTP, "setup", "write", "read")
	c.Unused(w, "workload.kind "+WorkloadLedger, "accounts")
	c.Traffic(w, w.Service != "")
	scheme, _, _ := strings.Cut(k.DSN, "://")
	if scheme != "postgres" && scheme != "postgresql" && scheme != "mysql" {
		c.Errf("workload.params.dsn", "workload.params.dsn must start with postgres://, postgresql:// or mysql://, e.g. postgres://drill@${ENDPOINT_DB}/drill?sslmode=disable")
	}
	checkRefs(c, "workload.params.dsn", k.DSN)
	c.Template("workload.params.write", k.Write)
	if !strings.Contains(k.Write, ".ID") {
		c.Errf("workload.params.write", "workload.params.write must write {{.ID}}: lost writes are found by that id in the final read")
	}
}

// Info describes the statement and the query.
func (k *sqlWorkload) Info(w scenario.Workload) scenario.WorkloadInfo {
	return scenario.WorkloadInfo{
		Start:         fmt.Sprintf("sql workload at %g op/s: %s (timeout %s)", w.Rate, oneLine(k.Write), w.Timeout),
		FinalRead:     fmt.Sprintf("final read %s (ids in its first column): lost acknowledged writes give RPC", oneLine(k.Read)),
		ReadByDefault: true,
	}
}

// oneLine is s on one line, its runs of white space one space.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
