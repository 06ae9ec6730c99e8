package scenario_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/trial"
)

// FuzzParse feeds arbitrary bytes to Parse: it must never panic, and every error must be
// a *scenario.Error whose text starts with a self-sufficient line.
func FuzzParse(f *testing.F) {
	for _, file := range []string{"testdata/bad-release.yaml", "testdata/full.yaml"} {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)/2])
	}
	for _, s := range []string{
		"", "version: 1", "rollbak: {}", "probes: {htpp: 1}", "warmup: 5", "warmup: -1s",
		"stack: {services: [{port: x}]}", "a: &a [*a]", "<<: {name: x}", "- 1\n- 2",
		"version: 1\n---\nname: x", "objectives: {rto: 5s", "\t\x00", "name: [1, {2: 3}]",
		"rollback: {trigger: {condition: 'error_rate >'}}", "labels: {? [a]: b}",
		"stack: {services: [{name: a, env: {X: [1]}}]}", "faults: [{params: {a: {b: c}}}]",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := scenario.Parse("f.yaml", data, scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		if err == nil {
			if s == nil {
				t.Fatal("nil scenario without error")
			}
			_ = s.Plan().String()
			return
		}
		var e *scenario.Error
		if !errors.As(err, &e) {
			t.Fatalf("error %T is not a *scenario.Error: %v", err, err)
		}
		first, _, _ := strings.Cut(err.Error(), "\n")
		if first != e.Error() || strings.Contains(e.Msg, "\n") || e.Msg == "" {
			t.Fatalf("first line %q is not the one-line error %q", first, e.Error())
		}
	})
}
