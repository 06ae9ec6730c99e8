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
	project, err := loadProject(dir, st.ComposeProfiles, st.Compose)
	if err != nil {
		return nil, err
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
		if merged.Releases, err = composeReleases(dir, st.Compose, st.ComposeProfiles, c, merged.Releases); err != nil {
			return nil, err
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

// loadProject reads the compose files (relative to dir), later ones overriding earlier
// ones as compose merges them, with the services of profiles enabled.
func loadProject(dir string, profiles []string, files ...string) (*types.Project, error) {
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = f
		if !filepath.IsAbs(f) {
			paths[i] = filepath.Join(dir, f)
		}
	}
	what := strings.Join(files, " + ")
	opts, err := cli.NewProjectOptions(paths, cli.WithWorkingDirectory(filepath.Dir(paths[0])), cli.WithName("drill"), cli.WithOsEnv, cli.WithProfiles(profiles))
	if err != nil {
		return nil, fmt.Errorf("read compose file %s: %w", what, err)
	}
	project, err := opts.LoadProject(context.Background())
	if err != nil {
		return nil, fmt.Errorf("read compose file %s: %w", what, err)
	}
	return project, nil
}

// composeReleases fills each release written with an override file (Release.Compose):
// the base file merged with the override gives the service c as that release runs it,
// whose image (when it differs from c's) and changed environment become the release's.
// What the release writes itself wins.
func composeReleases(dir, base string, profiles []string, c types.ServiceConfig, releases []Release) ([]Release, error) {
	out := slices.Clone(releases)
	for i, r := range out {
		if r.Compose == "" {
			continue
		}
		project, err := loadProject(dir, profiles, base, r.Compose)
		if err != nil {
			return nil, err
		}
		o, ok := project.Services[c.Name]
		if !ok {
			return nil, fmt.Errorf("compose override %s of release %s: no service %q", r.Compose, r.Name, c.Name)
		}
		if o.Image != c.Image && r.Image == "" {
			if strings.HasPrefix(o.Image, ComposeFixturePrefix) || strings.HasPrefix(c.Image, ComposeFixturePrefix) {
				return nil, fmt.Errorf("compose override %s of release %s: changes the image of a drill fixture (%s to %s): a fixture's releases differ by environment", r.Compose, r.Name, c.Image, o.Image)
			}
			out[i].Image = o.Image
		}
		for k, v := range o.Environment {
			if base, set := c.Environment[k]; v == nil || (set && base != nil && *base == *v) {
				continue
			}
			if _, set := r.Env[k]; set {
				continue
			}
			if out[i].Env == nil {
				out[i].Env = map[string]string{}
			}
			out[i].Env[k] = *v
		}
	}
	return out, nil
}
