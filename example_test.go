package drill_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/drillhq/drill"
)

// A scenario file is decoded strictly: a misspelled key is an error naming its line
// and the key that was probably meant.
func ExampleParse() {
	_, err := drill.Parse("typo.yaml", []byte(`version: 1
name: typo
objectives: {rto: 5s}
trails: 3
`))
	fmt.Println(err)
	// Output: typo.yaml:4: unknown key "trails" in scenario (did you mean "trials"?)
}

// Options check their arguments: Run reports every one that does not apply, before it
// starts anything.
func ExampleWithTrials() {
	sc, err := drill.Load("scenarios/bad-release.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = drill.Run(context.Background(), sc, drill.WithTrials(-3))
	fmt.Println(err)
	// Output: run drill: with trials -3: must be from 1 to 1000
}

// A scenario can be built in Go: Check fills the defaults a file would get and
// validates it.
func ExampleCheck() {
	sc := &drill.Scenario{
		Version:    1,
		Name:       "built-in-go",
		Objectives: drill.ScenarioObjectives{RTO: drill.Duration(2 * time.Second)},
		Stack: drill.Stack{Services: []drill.Service{{
			Name: "ledger", Fixture: "ledger", Port: 8080, Health: "/version", Release: "v1",
			Releases: []drill.Release{{Name: "v1"}, {Name: "v2", Env: map[string]string{"LEDGER_DEFECT": "errors"}}},
		}}},
		Probes:   drill.Probes{HTTP: &drill.HTTPProbe{Service: "ledger", Path: "/healthz"}},
		Change:   &drill.Change{Service: "ledger", Release: "v2"},
		Rollback: drill.Rollback{Mechanism: drill.Mechanism{Kind: "redeploy", Service: "ledger"}, Trigger: drill.Trigger{Kind: "automated", Condition: "error_rate > 0.5"}},
	}
	fmt.Println(drill.Check(sc), sc.Trials)
	// Output: <nil> 5
}

// Verdicts are three-valued; the zero value is no verdict, never a pass.
func ExampleVerdict() {
	fmt.Println(drill.Pass, drill.Inconclusive, drill.Fail, drill.Verdict(0))
	// Output: pass inconclusive fail no verdict
}

// Run a drill and print its Markdown summary (the output depends on the machine).
func ExampleRun() {
	sc, err := drill.Load("scenarios/bad-release.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := drill.Run(context.Background(), sc, drill.WithTrials(3), drill.WithRuntime("process"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Headline(), res.RTO.Reason)
	_ = res.Render(os.Stdout, drill.Markdown)
}
