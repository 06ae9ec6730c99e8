package scenario

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/drillhq/drill/internal/secret"
)

// stepName names the i-th step, or t_fault before the first.
func stepName(steps []ChangeStep, i int) string {
	if i < 0 {
		return "t_fault"
	}
	return steps[i].Name
}

// releasesBefore returns, for each change step, the release its service runs when the
// step starts: the declared release, then what earlier deploy steps deployed.
func releasesBefore(s *Scenario, steps []ChangeStep) []string {
	running := map[string]string{}
	for _, svc := range s.Stack.Services {
		running[svc.Name] = svc.Release
	}
	out := make([]string, len(steps))
	for i, c := range steps {
		out[i] = running[c.Service]
		if c.Kind == StepDeploy {
			running[c.Service] = c.Release
		}
	}
	return out
}

// strategyText says how a service deploys.
func strategyText(svc *Service) string {
	if svc != nil && svc.Strategy == StrategyRecreate {
		return "recreate (stop, then start: its gap is the change's own downtime, reported apart)"
	}
	return "start-first (the new release starts beside the old one and takes traffic once ready; no gap)"
}

func describeService(svc Service) string {
	var what string
	switch {
	case svc.Fixture != "":
		what = "fixture " + svc.Fixture
	case svc.Image != "":
		what = "image " + svc.Image
	default:
		what = "command " + strings.Join(svc.Command, " ")
	}
	if len(svc.Packages) > 0 {
		what += " (docker: in drill's Debian image with " + strings.Join(svc.Packages, ", ") + ", built by drill images)"
	}
	if svc.Release != "" {
		what += ", release " + svc.Release
	}
	if rel := svc.ReleaseNamed(svc.Release); rel != nil {
		if files := svc.FilesFor(*rel); len(files) > 0 {
			paths := make([]string, len(files))
			for i, f := range files {
				paths[i] = f.Path
			}
			what += ", files " + strings.Join(paths, ", ") + " written into its data dir first"
		}
	}
	return fmt.Sprintf("%s [%s]", svc.Name, what)
}

func portText(port int) string { return fmt.Sprintf("port %d", port) }

// mechanismText says what a rollback mechanism does; before, when not empty, is the
// release its service ran before the change step it undoes.
func mechanismText(s *Scenario, m Mechanism, before string) string {
	if m.Kind != MechanismRedeploy {
		return fmt.Sprintf("%s %s%s", m.Kind, m.Service, paramsText(m.Params))
	}
	prev := "its release before the change"
	if svc := s.service(m.Service); svc != nil && svc.Release != "" {
		prev = "release " + svc.Release
	}
	if before != "" {
		prev = "release " + before
	}
	if r, ok := m.Params["release"].(string); ok && r != "" {
		prev = "release " + r
	}
	strategy := StrategyStartFirst
	if svc := s.service(m.Service); svc != nil && svc.Strategy != "" {
		strategy = svc.Strategy
	}
	if st, ok := m.Params["strategy"].(string); ok && st != "" {
		strategy = st
	}
	return fmt.Sprintf("redeploy %s with %s (%s)", m.Service, prev, strategy)
}

// urlLikeRE matches a param value that is a URL (a scheme, then ://).
var urlLikeRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*://`)

// paramsText describes a kind's params as the plan prints them: secrets (references,
// a URL's userinfo and query values) as ***, like every record of them.
func paramsText(params map[string]any) string {
	if len(params) == 0 {
		return ""
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(params)) {
		v := fmt.Sprintf("%v", params[k])
		if urlLikeRE.MatchString(v) {
			v = secret.RedactURL(v)
		}
		parts = append(parts, k+"="+secret.Mask(v))
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// probeText describes the steady-state probe.
func probeText(pr Probes) string {
	switch {
	case pr.HTTP != nil:
		s := fmt.Sprintf("%s %s on %s, expect %d", pr.HTTP.Method, pr.HTTP.Path, pr.HTTP.Service, pr.HTTP.Status)
		if pr.HTTP.Connection == ConnectionFresh {
			s += ", a new connection each"
		}
		return s
	case pr.TCP != nil:
		return "TCP connect to " + pr.TCP.Service
	case pr.Exec != nil:
		return fmt.Sprintf("exec %q, expect exit 0", strings.Join(pr.Exec.Command, " "))
	case pr.Prometheus != nil:
		return fmt.Sprintf("Prometheus query %q at %s, pass when %s", pr.Prometheus.Query, pr.Prometheus.URL, pr.Prometheus.Condition)
	}
	return "no probe"
}

// triggerParamsText describes a trigger's params like paramsText, its checkpoints one
// by one: "checkpoints: assess (model=fixed, decision=1m); ...".
func triggerParamsText(params map[string]any) string {
	cps, ok := params["checkpoints"].([]any)
	if !ok {
		return paramsText(params)
	}
	rest := maps.Clone(params)
	delete(rest, "checkpoints")
	var parts []string
	for _, c := range cps {
		m, ok := c.(map[string]any)
		if !ok {
			return paramsText(params)
		}
		role := fmt.Sprint(m["role"])
		m = maps.Clone(m)
		delete(m, "role")
		parts = append(parts, role+paramsText(m))
	}
	text := strings.TrimSuffix(paramsText(rest), ")")
	if text == "" {
		text = " ("
	} else {
		text += "; "
	}
	return text + "checkpoints: " + strings.Join(parts, ", ") + ")"
}
