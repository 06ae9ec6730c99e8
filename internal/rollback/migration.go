package rollback

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/drillhq/drill/internal/params"
	"github.com/drillhq/drill/internal/scenario"
)

// Migration rolls back a change that migrated the service's storage schema up: it runs
// the down step (an HTTP call to the service, through its front proxy), then redeploys
// the release that ran before the change, which may refuse data newer than its code. A
// plan without a down step, or whose down step fails, is a failed rollback whose error
// names the step: drill never papers over it.
type Migration struct {
	// DownPath is the down step's path on the service, e.g. /schema; empty: the plan has
	// no down step (the drill then shows what that costs).
	DownPath string `param:"down_path"`
	// DownMethod of the down step's call (default PUT).
	DownMethod string `param:"down_method"`
	// DownBody of the call, e.g. {"data_schema": 1}.
	DownBody string `param:"down_body"`
	// DownStatus the service must answer (default: any 2xx).
	DownStatus int `param:"down_status"`
	// Timeout bounds the down step (default 30s).
	Timeout time.Duration `param:"timeout"`
	// Redeploy is the deploy that follows (params release, strategy).
	Redeploy
}

func buildMigration(p map[string]any) (Mechanism, error) {
	m := Migration{DownMethod: http.MethodPut, Timeout: 30 * time.Second}
	if err := decodeParams("migration", p, &m); err != nil {
		return nil, err
	}
	if m.DownPath != "" && !strings.HasPrefix(m.DownPath, "/") {
		return nil, params.Errorf("down_path", "mechanism %q: parameter \"down_path\" must start with \"/\", got %q", "migration", m.DownPath)
	}
	if m.Strategy != "" && !slices.Contains(scenario.Strategies, m.Strategy) {
		return nil, params.Errorf("strategy", "mechanism %q: parameter \"strategy\" must be one of %s, got %q",
			"migration", strings.Join(scenario.Strategies, ", "), m.Strategy)
	}
	if err := checkCall("migration", m.DownMethod, m.DownStatus, m.Timeout); err != nil {
		return nil, err
	}
	return m, nil
}

// Describe implements Describer.
func (m Migration) Describe(t Target) string {
	down := "no down step"
	if m.DownPath != "" {
		down = "down step " + m.DownMethod + " " + m.DownPath
	}
	return fmt.Sprintf("migration %s: %s, then %s", t.Service, down, m.Redeploy.Describe(t))
}

// Rollback implements Mechanism: the down step (step "migrated_down"), then the redeploy
// and its steps.
func (m Migration) Rollback(ctx context.Context, t Target) error {
	svc, err := t.service("migration")
	if err != nil {
		return err
	}
	if m.DownPath == "" {
		t.step("no_down_step", "the plan declares no down migration")
	} else {
		cctx, cancel := context.WithTimeout(ctx, m.Timeout)
		var out capped
		req := request{method: m.DownMethod, url: "http://" + svc.Endpoint() + m.DownPath, body: m.DownBody,
			contentType: "application/json", status: m.DownStatus}
		status, err := req.do(cctx, operatorClient, &out)
		cancel()
		out.flush(t.Output)
		if err != nil {
			return fmt.Errorf("migration %s: step down (%s %s): %w", t.Service, m.DownMethod, m.DownPath, err)
		}
		t.step("migrated_down", fmt.Sprintf("%s %s: %d", m.DownMethod, m.DownPath, status))
	}
	if err := m.Redeploy.Rollback(ctx, t); err != nil {
		return fmt.Errorf("migration %s: step redeploy: %w", t.Service, err)
	}
	return nil
}
