package trial_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/kinds"
	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
	"github.com/drillhq/drill/internal/stack/docker"
	"github.com/drillhq/drill/internal/stack/process"
	"github.com/drillhq/drill/internal/testenv/dockerenv"
	"github.com/drillhq/drill/internal/trial"
)

// heldBy is how a check asks each database, apart from drill, which ids it holds after
// the restart: psql's SELECT, redis-cli's SMEMBERS, through the service's front proxy.
var heldBy = map[string]string{
	"postgres-native-async.yaml": `psql -h "${DRILL_ENDPOINT_PG%:*}" -p "${DRILL_ENDPOINT_PG##*:}" -U postgres -tAc "select id from orders"`,
	"redis-native-snapshot.yaml": `redis-cli -h "${DRILL_ENDPOINT_REDIS%:*}" -p "${DRILL_ENDPOINT_REDIS##*:}" smembers orders`,
}

// idsWith are the ids of ops with the outcome.
func idsWith(ops []measure.Op, o measure.Outcome) []string {
	var out []string
	for _, op := range ops {
		if op.Outcome == o {
			out = append(out, op.ID)
		}
	}
	return out
}

// sorted is ids sorted, never nil.
func sorted(ids []string) []string {
	out := append([]string{}, ids...)
	slices.Sort(out)
	return out
}

// setMinus is a − b, sorted; setAnd is a ∩ b, sorted.
func setMinus(a, b []string) []string {
	return sorted(slices.DeleteFunc(slices.Clone(a), func(x string) bool { return slices.Contains(b, x) }))
}

func setAnd(a, b []string) []string {
	return sorted(slices.DeleteFunc(slices.Clone(a), func(x string) bool { return !slices.Contains(b, x) }))
}

// compareLost runs 5 trials of the reference scenario file on rt with a check that asks
// the database, apart from drill, what it holds after the restart, and checks trial by
// trial that drill's lost set is the acknowledged ids minus those.
func compareLost(ctx SpecContext, file string, rt stack.Runtime, data func() string) {
	sc := loadReference(file)
	client := strings.Fields(heldBy[file])[0]
	if _, err := exec.LookPath(client); err != nil {
		Skip(client + " is not installed: make deps installs Debian's postgresql and redis-server")
	}
	if p, ok := rt.(stack.Preparer); ok {
		if err := p.Prepare(ctx, sc.Stack); errors.Is(err, docker.ErrImageNotBuilt) {
			Skip(err.Error())
		}
	}
	out := GinkgoT().TempDir()
	sc.Verify.Checks = []scenario.VerifyCheck{{Name: "held", Timeout: scenario.Duration(10 * time.Second),
		Command: []string{"sh", "-c", heldBy[file] + ` > "` + out + `/held"`}}}
	Expect(sc.Validate(scenario.WithWorkloads(trial.NewWorkloadRegistry()))).To(Succeed())
	lostTotal := 0
	for i := 1; i <= 5; i++ {
		var opts []stack.UpOption
		if d := data(); d != "" {
			opts = append(opts, stack.WithDataDir(d))
		}
		res := trial.Run(ctx, trial.Config{Kinds: kinds.Default().Kinds, Scenario: sc, Runtime: rt, UpOptions: opts}, i, 17)
		if res.Outcome != trial.Recovered { // shown when the spec fails
			for _, p := range res.Probes {
				if !p.OK {
					GinkgoWriter.Printf("trial %d: failed probe #%d %v-%v: %s\n", i, p.Seq, p.Start, p.End, p.Err)
				}
			}
		}
		Expect(res.Outcome).To(Equal(trial.Recovered), "trial %d: %s", i, res.Error)
		Expect(res.Loss).NotTo(BeNil(), "trial %d", i)
		b, err := os.ReadFile(filepath.Join(out, "held"))
		Expect(err).NotTo(HaveOccurred(), "trial %d: the held check ran", i)
		held := strings.Fields(string(b))
		acked, unknown := idsWith(res.History, measure.OK), idsWith(res.History, measure.Unknown)
		Expect(acked).To(HaveLen(res.Loss.Acked), "trial %d", i)
		Expect(sorted(res.Loss.Lost)).To(Equal(setMinus(acked, held)),
			"trial %d: drill's lost set is, id for id, acknowledged minus what the database holds after the restart", i)
		Expect(sorted(res.Loss.Recovered)).To(Equal(setAnd(unknown, held)), "trial %d: recovered = unknown writes held", i)
		Expect(res.Loss.Unexpected).To(BeEmpty(), "trial %d", i)
		lostTotal += len(res.Loss.Lost)
		GinkgoWriter.Println(fmt.Sprintf("%s on %s, trial %d: acked %d, unknown %d, held %d, lost %d, recovered %d",
			file, rt.Name(), i, len(acked), len(unknown), len(held), len(res.Loss.Lost), len(res.Loss.Recovered)))
	}
	Expect(lostTotal).To(BeNumerically(">", 0), "the database loses acknowledged writes when killed: the comparison is not vacuous")
}

var _ = Describe("native workloads on the team's own database", Label("real-stack"), func() {
	for _, file := range []string{"postgres-native-async.yaml", "redis-native-snapshot.yaml"} {
		It("count, id for id, the acknowledged writes that "+file+"'s database lost over 5 trials on the process runtime", func(ctx SpecContext) {
			compareLost(ctx, file, process.New(), func() string { return GinkgoT().TempDir() })
		}, NodeTimeout(6*time.Minute))
		It("count, id for id, the acknowledged writes that "+file+"'s database lost over 5 trials on the docker runtime", Label("docker"), func(ctx SpecContext) {
			compareLost(ctx, file, dockerenv.Runtime(), func() string { return "" })
		}, NodeTimeout(8*time.Minute))
	}
})

var _ = Describe("a native workload's connection", func() {
	parse := func(dsn string) error {
		doc := `version: 1
name: refs
objectives: {rto: 5s}
stack:
  services:
    - {name: pg, command: [postgres], port: 5432, ready: {tcp: {}}, release: "15", releases: [{name: "15"}]}
workload:
  kind: sql
  params: {dsn: "` + dsn + `", write: "INSERT INTO t (id) VALUES ('{{.ID}}')", read: SELECT id FROM t}
probes: {tcp: {service: pg}}
faults: [{kind: kill, target: pg, at: 100ms}]
rollback:
  mechanism: {kind: redeploy, service: pg}
  trigger: {kind: automated, condition: "consecutive_failures >= 3"}
`
		_, err := scenario.Parse("refs.yaml", []byte(doc), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		return err
	}

	It("names a service's front proxy and secrets, refused at their line when they do not resolve", func() {
		GinkgoT().Setenv("DRILL_TEST_PGPASS", "s3cret")
		Expect(parse("postgres://app:${env:DRILL_TEST_PGPASS}@${ENDPOINT_PG}/app")).To(Succeed())
		Expect(parse("postgres://app:${env:DRILL_TEST_NOT_SET}@${ENDPOINT_PG}/app")).To(MatchError(And(
			ContainSubstring("refs.yaml:9:"), ContainSubstring("${env:DRILL_TEST_NOT_SET}: the variable is not set"))))
		Expect(parse("postgres://app@${ENDPOINT_DB}/app")).To(MatchError(ContainSubstring("${ENDPOINT_DB} is not a reference drill knows")))
		Expect(parse("redis://${ENDPOINT_PG}")).To(MatchError(ContainSubstring("must start with postgres://, postgresql:// or mysql://")))
	})
})
