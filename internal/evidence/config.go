package evidence

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/scenario"
)

// Test types a pack states (NIST SP 800-84's exercise types, as drill runs them).
const (
	TestSimulation     = "simulation"
	TestGameDay        = "game-day"
	TestLiveSwitchover = "live-switchover"
)

// Config is what a regime asks and drill cannot know: who and what the tests are of,
// who took part and who approved, and the systems in scope with their digests.
type Config struct {
	Organisation string   `yaml:"organisation"`
	System       string   `yaml:"system"`
	BIARef       string   `yaml:"bia_ref"`
	TestType     string   `yaml:"test_type"`
	Approver     *Person  `yaml:"approver"`
	Participants []Person `yaml:"participants"`
	// Scope lists the images or binaries of the systems tested, each with its digest.
	Scope []ConfigScope `yaml:"scope"`
	// Owner is the default owner of a new finding.
	Owner string `yaml:"owner"`
	// Forecast is the team's delivery rates (deploys a month, change-failure rate, a
	// failed rollback's outage) for the forecasts' annual downtime; it overrides the
	// scenarios' own forecast sections.
	Forecast *scenario.Forecast `yaml:"forecast"`
}

// ConfigScope is one system in scope.
type ConfigScope struct {
	Name   string `yaml:"name"`
	Digest string `yaml:"digest"`
}

// ReadConfig reads an evidence config strictly: an unknown key is an error at its line.
func ReadConfig(path string) (Config, error) {
	var c Config
	b, err := os.ReadFile(path)
	if err != nil {
		return c, fmt.Errorf("read evidence config: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return c, fmt.Errorf("read evidence config %s: %w", path, err)
	}
	if c.TestType != "" && !slices.Contains([]string{TestSimulation, TestGameDay, TestLiveSwitchover}, c.TestType) {
		return c, fmt.Errorf("read evidence config %s: test_type %q: use %s, %s or %s", path, c.TestType, TestSimulation, TestGameDay, TestLiveSwitchover)
	}
	if c.Forecast != nil {
		if err := report.RateOf(c.Forecast, report.SourceConfig).Check(); err != nil {
			return c, fmt.Errorf("read evidence config %s: forecast: %w (deploys_per_month > 0, change_failure_rate in (0, 1], failed_outage > 0)", path, err)
		}
	}
	for i, s := range c.Scope {
		if s.Name == "" || s.Digest == "" {
			return c, fmt.Errorf("read evidence config %s: scope[%d] needs a name and a digest (sha256:...)", path, i)
		}
	}
	return c, nil
}
