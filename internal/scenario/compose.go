package scenario

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

// ComposeFixturePrefix names, in a compose file, the image of one of drill's fixtures:
// image drill-fixture-NAME (any tag) runs fixture NAME, which drill builds locally.
const ComposeFixturePrefix = "drill-fixture-"

// composeDataMount is where a compose service's volume must be mounted: drill keeps
// each service's data there (its data directory, kept across kills and redeploys).
const composeDataMount = "/data"

// loadCompose reads the compose file of st (relative to dir, the scenario file's
// directory) with compose-go, the compose specification's own loader (interpolation,
// extends, includes), and returns st's services: each compose service, merged under
// the scenario's service of the same name in the scenario's order (so keys written in
// the scenario keep their lines), then the compose services the scenario does not name.
func loadCompose(st Stack, dir string) ([]Service, error) {
	path := st.Compose
	if !filepath.IsAbs(path) {
		path = filepath.Join(dir, path)
	}
	opts, err := cli.NewProjectOptions([]string{path}, cli.WithWorkingDirectory(filepath.Dir(path)), cli.WithName("drill"), cli.WithOsEnv)
	if err != nil {
		return nil, fmt.Errorf("read compose file %s: %w", st.Compose, err)
	}
	project, err := opts.LoadProject(context.Background())
	if err != nil {
		return nil, fmt.Errorf("read compose file %s: %w", st.Compose, err)
	}
	names := make([]string, 0, len(project.Services))
	for name := range project.Services {
		names = append(names, name)
	}
	slices.Sort(names)
	out := make([]Service, 0, len(names))
	used := map[string]bool{}
	for _, svc := range st.Services {
		c, ok := project.Services[svc.Name]
		if !ok {
			return nil, fmt.Errorf("compose file %s has no service %q (it has: %s)", st.Compose, svc.Name, strings.Join(names, ", "))
		}
		merged, err := fromCompose(svc, c)
		if err != nil {
			return nil, fmt.Errorf("compose file %s: %w", st.Compose, err)
		}
		out, used[svc.Name] = append(out, merged), true
	}
	for _, name := range names {
		if used[name] {
			continue
		}
		merged, err := fromCompose(Service{Name: name}, project.Services[name])
		if err != nil {
			return nil, fmt.Errorf("compose file %s: %w", st.Compose, err)
		}
		out = append(out, merged)
	}
	return out, nil
}

// fromCompose fills what svc (the scenario's additions) leaves unset from the compose
// service c; what drill cannot carry out of c is an error naming the key.
func fromCompose(svc Service, c types.ServiceConfig) (Service, error) {
	switch {
	case len(c.Command) > 0 || len(c.Entrypoint) > 0:
		return svc, fmt.Errorf("service %s: command and entrypoint are not carried out: bake them into the image", c.Name)
	case c.Build != nil && c.Image == "":
		return svc, fmt.Errorf("service %s: build is not carried out: build the image first (docker build -t NAME) and give image: NAME", c.Name)
	case c.Image == "":
		return svc, fmt.Errorf("service %s: no image", c.Name)
	}
	for _, v := range c.Volumes {
		if v.Target != composeDataMount {
			return svc, fmt.Errorf("service %s: volume at %s: mount it at %s, where drill keeps the service's data (its data directory, kept across kills and redeploys, removed with the trial)", c.Name, v.Target, composeDataMount)
		}
	}
	if svc.Fixture == "" && svc.Image == "" && len(svc.Command) == 0 && svc.External == "" {
		if name, ok := strings.CutPrefix(c.Image, ComposeFixturePrefix); ok {
			svc.Fixture, _, _ = strings.Cut(name, ":")
		} else {
			svc.Image = c.Image
		}
	}
	if svc.Port == 0 {
		port, err := composePort(c)
		if err != nil {
			return svc, err
		}
		svc.Port = port
	}
	for k, v := range c.Environment { // the scenario's env wins
		if _, set := svc.Env[k]; v != nil && !set {
			if svc.Env == nil {
				svc.Env = map[string]string{}
			}
			svc.Env[k] = *v
		}
	}
	if len(svc.DependsOn) == 0 {
		for dep := range c.DependsOn {
			svc.DependsOn = append(svc.DependsOn, dep)
		}
		slices.Sort(svc.DependsOn)
	}
	if svc.StopSignal == "" {
		svc.StopSignal = c.StopSignal
	}
	if svc.User == "" {
		svc.User = c.User
	}
	if svc.Health == "" && svc.Ready == nil {
		svc.Ready = composeReady(c.HealthCheck)
	}
	return svc, nil
}

// composePort is the service's port: the target of its first ports entry, else its
// first expose.
func composePort(c types.ServiceConfig) (int, error) {
	if len(c.Ports) > 0 {
		return int(c.Ports[0].Target), nil
	}
	if len(c.Expose) > 0 {
		p, err := strconv.Atoi(strings.Split(c.Expose[0], "/")[0])
		if err != nil {
			return 0, fmt.Errorf("service %s: expose %q: %w", c.Name, c.Expose[0], err)
		}
		return p, nil
	}
	return 0, fmt.Errorf("service %s: no port: give ports or expose (the port drill fronts with its proxy)", c.Name)
}

// composeReady is the readiness check of a compose healthcheck: its test run in the
// container (CMD: the argv, CMD-SHELL: through sh -c), or a TCP connection to the
// service port without one.
func composeReady(h *types.HealthCheckConfig) *Ready {
	if h == nil || h.Disable || len(h.Test) == 0 {
		return &Ready{TCP: &ReadyTCP{}}
	}
	switch h.Test[0] {
	case "CMD":
		return &Ready{Exec: slices.Clone(h.Test[1:])}
	case "CMD-SHELL":
		return &Ready{Exec: []string{"sh", "-c", strings.Join(h.Test[1:], " ")}}
	}
	return &Ready{TCP: &ReadyTCP{}} // NONE
}
