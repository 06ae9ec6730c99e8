package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	"github.com/drillhq/drill/internal/stack/docker"
)

// census counts what one drill process left: containers and networks labelled with its
// pid on this host, processes carrying its run's tag in their environment (drill passes
// its environment to every service it starts), drill's temporary directories in the
// soak's own $TMPDIR, the unfinished results files (.drill-write-*) in the soak's --out
// and the freezer cgroups named after its pid.
type census struct {
	Containers, Networks, Processes, TempDirs, Files, Cgroups int
	Names                                                     []string // what was found, for the log
}

// total is the number of leftovers of every kind.
func (c census) total() int {
	return c.Containers + c.Networks + c.Processes + c.TempDirs + c.Files + c.Cgroups
}

func (c census) String() string {
	return fmt.Sprintf("%d containers, %d networks, %d processes, %d temp dirs, %d unfinished files, %d cgroups",
		c.Containers, c.Networks, c.Processes, c.TempDirs, c.Files, c.Cgroups)
}

// short is the census as ctr/net/proc/dir/file/cgroup counts, for the summary table.
func (c census) short() string {
	return fmt.Sprintf("%d/%d/%d/%d/%d/%d", c.Containers, c.Networks, c.Processes, c.TempDirs, c.Files, c.Cgroups)
}

// freezerRoot is where the process runtime makes a freezer cgroup per command service
// instance, under drill-<pid>.
const freezerRoot = "/sys/fs/cgroup/freezer"

// counter takes censuses; cli is nil when no engine answers.
type counter struct {
	cli    *testcontainers.DockerClient
	host   string
	tmpDir string
	outDir string
}

// count takes the census of the drill process pid whose environment carried tag.
func (k *counter) count(ctx context.Context, pid int, tag string) (census, error) {
	var c census
	if k.cli != nil {
		f := make(client.Filters).Add("label", docker.LabelPID+"="+strconv.Itoa(pid)).Add("label", docker.LabelHost+"="+k.host)
		ctrs, err := k.cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
		if err != nil {
			return c, fmt.Errorf("list containers: %w", err)
		}
		for _, x := range ctrs.Items {
			c.Containers++
			c.Names = append(c.Names, "container "+strings.Join(x.Names, ","))
		}
		nets, err := k.cli.NetworkList(ctx, client.NetworkListOptions{Filters: f})
		if err != nil {
			return c, fmt.Errorf("list networks: %w", err)
		}
		for _, n := range nets.Items {
			c.Networks++
			c.Names = append(c.Names, "network "+n.Name)
		}
	}
	procs, err := tagged(tag)
	if err != nil {
		return c, err
	}
	for _, p := range procs {
		c.Processes++
		c.Names = append(c.Names, "process "+p)
	}
	entries, err := os.ReadDir(k.tmpDir)
	if err != nil {
		return c, fmt.Errorf("read %s: %w", k.tmpDir, err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "drill-") {
			c.TempDirs++
			c.Names = append(c.Names, "dir "+describe(filepath.Join(k.tmpDir, e.Name())))
		}
	}
	// Every run writes to the one --out: an unfinished file of any run but a live one is
	// a leftover, and the soak runs one drill at a time.
	files, err := filepath.Glob(filepath.Join(k.outDir, ".drill-write-*"))
	if err != nil {
		return c, fmt.Errorf("list unfinished files: %w", err)
	}
	for _, f := range files {
		c.Files++
		c.Names = append(c.Names, "file "+f)
	}
	if _, err := os.Stat(filepath.Join(freezerRoot, "drill-"+strconv.Itoa(pid))); err == nil {
		c.Cgroups++
		c.Names = append(c.Names, "cgroup "+filepath.Join(freezerRoot, "drill-"+strconv.Itoa(pid)))
	}
	return c, nil
}

// tagged lists "pid (command)" of every process whose environment holds tag.
func tagged(tag string) ([]string, error) {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil, fmt.Errorf("read /proc: %w", err)
	}
	want := []byte(tag)
	var out []string
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		env, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if err != nil {
			continue // gone, or not ours to read
		}
		for _, kv := range bytes.Split(env, []byte{0}) {
			if bytes.Equal(kv, want) {
				comm, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "comm"))
				out = append(out, fmt.Sprintf("%d (%s)", pid, strings.TrimSpace(string(comm))))
				break
			}
		}
	}
	return out, nil
}

// describe names a leftover directory with what tells who made it and when: its mode
// (drill makes 0700 dirs; an engine making a bind mount's missing source makes 0755),
// modification time and entries.
func describe(path string) string {
	st, err := os.Stat(path)
	if err != nil {
		return path
	}
	ents, _ := os.ReadDir(path)
	names := make([]string, 0, len(ents))
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return fmt.Sprintf("%s (%s, modified %s, holds %v)", path, st.Mode().Perm(), st.ModTime().UTC().Format("15:04:05.000"), names)
}
