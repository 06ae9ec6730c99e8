package docker

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/build"
	"github.com/moby/moby/api/types/jsonstream"
	"github.com/moby/moby/client"

	"github.com/drillhq/drill/internal/fixture"
	"github.com/drillhq/drill/internal/scenario"
)

// ToxiproxyRepo names the local images the docker runtime runs its proxy server from
// (Toxiproxy's API, served by "drill proxy-server"). Each is built FROM scratch out of
// the drill binary, so no registry is ever needed, and tagged with that binary's hash,
// as the fixtures are: two drill builds on one engine each run their own proxy image
// and never retag one back and forth (ToxiproxyRef).
const ToxiproxyRepo = "drill-toxiproxy"

// imageFixturePrefix starts the repository name of every fixture image.
const imageFixturePrefix = "drill-fixture-"

// Images names the image each release of a stack runs, and the Toxiproxy image.
type Images struct {
	// Toxiproxy is the Toxiproxy server image.
	Toxiproxy string
	// Releases maps a service name to its release names and the image each runs.
	Releases map[string]map[string]string
}

// Image returns the image the named release of the named service runs.
func (im Images) Image(service, release string) (string, error) {
	ref, ok := im.Releases[service][release]
	if !ok {
		return "", fmt.Errorf("find image of %s release %q: not resolved", service, release)
	}
	return ref, nil
}

// ImageOption configures EnsureImages.
type ImageOption func(*imageConfig)

type imageConfig struct {
	cli       client.APIClient
	buildBase bool      // build the command services' Debian image when missing
	log       io.Writer // progress of long builds
}

// WithImageClient makes EnsureImages use cli instead of connecting on its own.
func WithImageClient(cli client.APIClient) ImageOption {
	return func(c *imageConfig) { c.cli = cli }
}

// WithBaseBuild makes EnsureImages build the image of services with a command
// (DebianImage: debootstrap, then docker import; minutes, once) when the engine lacks
// it, and report its progress to log. Without it a missing one is an ErrImageNotBuilt.
func WithBaseBuild(log io.Writer) ImageOption {
	return func(c *imageConfig) {
		c.buildBase = true
		if log != nil {
			c.log = log
		}
	}
}

// EnsureImages makes sure the engine holds every image spec needs: it builds the
// proxy image and one image per fixture out of the drill binary (a fixture image is
// tagged with a hash of that binary, so a rebuilt drill gets a new tag) when missing, and checks (pulling once if needed)
// images a scenario names. Images are build caches shared by runs: they carry no run label.
func EnsureImages(ctx context.Context, spec scenario.Stack, opts ...ImageOption) (Images, error) {
	cfg := imageConfig{log: io.Discard}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.cli == nil {
		cli, err := dockerConnect(ctx)
		if err != nil {
			return Images{}, err
		}
		defer cli.Close()
		cfg.cli = cli
	}
	return imageEnsure(ctx, cfg.cli, spec, cfg)
}

func imageEnsure(ctx context.Context, cli client.APIClient, spec scenario.Stack, cfg imageConfig) (Images, error) {
	im := Images{Releases: map[string]map[string]string{}}
	var err error
	if im.Toxiproxy, err = imageEnsureToxiproxy(ctx, cli); err != nil {
		return im, err
	}
	fixtures := map[string]string{} // fixture name → image, built at most once per call
	checked := map[string]bool{}    // user images already found
	debian := map[string]string{}   // recipe hash → the command services' image, checked at most once
	base := func(svc scenario.Service) (string, error) {
		r := DebianImageFor(svc)
		if ref, ok := debian[r.Hash()]; ok {
			return ref, nil
		}
		ref, err := imageEnsureDebian(ctx, cli, cfg, r)
		if err == nil {
			debian[r.Hash()] = ref
		}
		return ref, err
	}
	for _, svc := range spec.Services {
		im.Releases[svc.Name] = map[string]string{}
		for _, rel := range svc.Releases {
			ref, err := imageForRelease(ctx, cli, svc, rel, fixtures, checked, base)
			if err != nil {
				return im, err
			}
			im.Releases[svc.Name][rel.Name] = ref
		}
	}
	return im, nil
}

// imageForRelease resolves one release: its own image, else the service's, else the
// fixture's, else (a command) the Debian image the command runs in, with the service's packages.
func imageForRelease(ctx context.Context, cli client.APIClient, svc scenario.Service, rel scenario.Release, fixtures map[string]string, checked map[string]bool, base func(scenario.Service) (string, error)) (string, error) {
	ref := rel.Image
	if ref == "" {
		ref = svc.Image
	}
	if ref != "" {
		if !checked[ref] {
			if err := imageEnsureUser(ctx, cli, ref); err != nil {
				return "", err
			}
			checked[ref] = true
		}
		return ref, nil
	}
	if svc.Fixture == "" {
		if len(rel.Command) > 0 || len(svc.Command) > 0 {
			return base(svc)
		}
		return "", fmt.Errorf("resolve image of %s release %q: the docker runtime needs an image, a fixture or a command", svc.Name, rel.Name)
	}
	if ref, ok := fixtures[svc.Fixture]; ok {
		return ref, nil
	}
	ref, err := imageEnsureFixture(ctx, cli, svc.Fixture)
	if err != nil {
		return "", err
	}
	fixtures[svc.Fixture] = ref
	return ref, nil
}

// FixtureRef is the image this drill binary runs the named fixture from,
// drill-fixture-<name>:<binary hash>, named without asking any engine (a drill in a pod
// finds it in the cluster under that name).
func FixtureRef(name string) (string, error) {
	_, ref, err := fixtureProgram(name)
	return ref, err
}

// fixtureProgram is the program a fixture image runs and the image's ref.
func fixtureProgram(name string) (prog fixture.Program, ref string, err error) {
	if prog, err = fixture.Locate(name); err != nil {
		return prog, "", fmt.Errorf("name fixture image %s: %w", name, err)
	}
	sum, err := imageFileHash(prog.Path)
	if err != nil {
		return prog, "", fmt.Errorf("name fixture image %s: %w", name, err)
	}
	return prog, imageFixturePrefix + name + ":" + sum, nil
}

// imageEnsureFixture builds drill-fixture-<name>:<hash> unless present: the drill binary
// (tagged with its hash, so a rebuilt drill gets a new tag) running "fixture NAME".
func imageEnsureFixture(ctx context.Context, cli client.APIClient, name string) (string, error) {
	prog, ref, err := fixtureProgram(name)
	if err != nil {
		return "", fmt.Errorf("build fixture image %s: %w", name, err)
	}
	sum := strings.TrimPrefix(ref, imageFixturePrefix+name+":")
	if ok, err := imageExists(ctx, cli, ref); err != nil || ok {
		return ref, err
	}
	return ref, imageBuild(ctx, cli, ref, name, sum, prog, "")
}

// ToxiproxyRef is this drill binary's proxy image: drill-toxiproxy:<binary hash>.
func ToxiproxyRef() (string, error) {
	_, ref, err := toxiproxyProgram()
	return ref, err
}

// toxiproxyProgram is the program the proxy image runs and the image's ref, tagged with
// the hash of that program's binary.
func toxiproxyProgram() (prog fixture.Program, ref string, err error) {
	if prog, err = fixture.Locate(fixture.ProxyServer); err != nil {
		return prog, "", fmt.Errorf("name proxy image: %w", err)
	}
	sum, err := imageFileHash(prog.Path)
	if err != nil {
		return prog, "", fmt.Errorf("name proxy image: %w", err)
	}
	return prog, ToxiproxyRepo + ":" + sum, nil
}

// imageEnsureToxiproxy builds this binary's proxy image (the drill binary running
// "proxy-server", tagged with its hash) unless the engine holds it, and returns its ref.
func imageEnsureToxiproxy(ctx context.Context, cli client.APIClient) (string, error) {
	prog, ref, err := toxiproxyProgram()
	if err != nil {
		return "", fmt.Errorf("build proxy image: %w", err)
	}
	if ok, err := imageExists(ctx, cli, ref); err != nil || ok {
		return ref, err
	}
	cmd := fmt.Sprintf("EXPOSE %d\nCMD [\"-host=0.0.0.0\", \"-port=%d\"]\n", dockerToxiproxyAPIPort, dockerToxiproxyAPIPort)
	return ref, imageBuild(ctx, cli, ref, fixture.ProxyServer, strings.TrimPrefix(ref, ToxiproxyRepo+":"), prog, cmd)
}

// imageBinaryLabel records on each image the hash of the drill binary inside it.
const imageBinaryLabel = "dev.drill.binary"

// imageBuild builds ref FROM scratch out of the drill binary (and, when it is dynamically
// linked, its loader and libraries) with prog's arguments as the entrypoint. The build
// context is streamed from the host files: nothing else of the host goes to the engine.
func imageBuild(ctx context.Context, cli client.APIClient, ref, name, sum string, prog fixture.Program, extra string) error {
	files, libDirs, err := imageRootfs(prog.Path)
	if err != nil {
		return fmt.Errorf("build image %s: %w", ref, err)
	}
	entry, err := json.Marshal(append([]string{imageDrillPath}, prog.Args...))
	if err != nil {
		return fmt.Errorf("build image %s: %w", ref, err)
	}
	dockerfile := "FROM scratch\nCOPY rootfs/ /\n"
	if len(libDirs) > 0 {
		dockerfile += "ENV LD_LIBRARY_PATH=" + strings.Join(libDirs, ":") + "\n"
	}
	dockerfile += "ENTRYPOINT " + string(entry) + "\n" + extra
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(imageTar(pw, dockerfile, files)) }()
	defer pr.Close()
	res, err := cli.ImageBuild(ctx, pr, client.ImageBuildOptions{
		Tags:        []string{ref},
		Dockerfile:  "Dockerfile",
		Remove:      true,
		ForceRemove: true,
		Version:     build.BuilderV1, // the classic builder handles FROM scratch offline
		Labels:      map[string]string{"dev.drill.image": name, imageBinaryLabel: sum},
	})
	if err != nil {
		return fmt.Errorf("build image %s: %w", ref, err)
	}
	defer res.Body.Close()
	if err := imageReadStream(res.Body); err != nil {
		return fmt.Errorf("build image %s: %w", ref, err)
	}
	return nil
}

// imageEnsureUser checks a scenario-named image, pulling it once when the engine lacks it.
func imageEnsureUser(ctx context.Context, cli client.APIClient, ref string) error {
	if ok, err := imageExists(ctx, cli, ref); err != nil || ok {
		return err
	}
	pullErr := imagePull(ctx, cli, ref)
	if pullErr == nil {
		if ok, err := imageExists(ctx, cli, ref); err != nil || ok {
			return err
		}
		pullErr = errors.New("engine reported success but has no such image")
	}
	return fmt.Errorf("image %q not found locally and could not be pulled: build it (docker build -t %s …) or load it (docker load): %w", ref, ref, pullErr)
}

func imagePull(ctx context.Context, cli client.APIClient, ref string) error {
	res, err := cli.ImagePull(ctx, ref, client.ImagePullOptions{})
	if err != nil {
		return err
	}
	defer res.Close()
	return res.Wait(ctx)
}

// imageExists reports whether the engine holds ref.
func imageExists(ctx context.Context, cli client.APIClient, ref string) (bool, error) {
	_, err := cli.ImageInspect(ctx, ref)
	switch {
	case err == nil:
		return true, nil
	case cerrdefs.IsNotFound(err):
		return false, nil
	}
	return false, fmt.Errorf("inspect image %s: %w", ref, err)
}

// imageReadStream drains a build's JSON message stream and returns the first error it reports.
func imageReadStream(r io.Reader) error {
	dec := json.NewDecoder(r)
	var last string
	for {
		var m jsonstream.Message
		if err := dec.Decode(&m); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("read build output: %w", err)
		}
		if m.Error != nil {
			return fmt.Errorf("%s (after: %s)", m.Error.Message, strings.TrimSpace(last))
		}
		if m.Stream != "" {
			last = m.Stream
		}
	}
}

// imageTar writes the build context as a tar stream: the Dockerfile and, under rootfs/,
// every file at its path in the image.
func imageTar(w io.Writer, dockerfile string, files []imageFile) error {
	tw := tar.NewWriter(w)
	if err := tw.WriteHeader(&tar.Header{Name: "Dockerfile", Mode: 0o644, Size: int64(len(dockerfile)), Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	if _, err := io.WriteString(tw, dockerfile); err != nil {
		return err
	}
	for _, f := range files {
		if err := imageTarFile(tw, f.src, "rootfs"+f.dst); err != nil {
			return err
		}
	}
	return tw.Close()
}

// imageTarFile writes the content of path (symbolic links followed) as a regular file.
func imageTarFile(tw *tar.Writer, path, name string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	hdr := &tar.Header{Name: name, Mode: int64(st.Mode().Perm()), Size: st.Size(), Typeflag: tar.TypeReg, ModTime: st.ModTime()}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	_, err = io.Copy(tw, f)
	return err
}

// imageFileHash is the short (12 hex digits) sha256 of a file: a fixture image's tag.
func imageFileHash(path string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	// The drill binary is hashed once per process (per size and modification time), not
	// on every Up: it is tens of megabytes.
	key := fmt.Sprintf("%s\x00%d\x00%d", path, st.Size(), st.ModTime().UnixNano())
	if sum, ok := imageHashes.Load(key); ok {
		return sum.(string), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	sum := hex.EncodeToString(h.Sum(nil))[:12]
	imageHashes.Store(key, sum)
	return sum, nil
}

// imageHashes caches imageFileHash by path, size and modification time.
var imageHashes sync.Map
