package stack

// Removed lists the resources Clean and CleanTemp removed, by name, so the CLI can say so.
type Removed struct {
	Containers []string
	Networks   []string
	Namespaces []string // a cluster's (kubernetes)
	TempDirs   []string // paths
	Cgroups    []string // freezer cgroup directories of dead drills (process runtime)
	Images     []string // images other drill builds made that nothing uses (docker, with All)
	// LoadedImages are images drill loaded into a cluster (kubernetes: a local
	// cluster's containerd) that no live drill uses any longer.
	LoadedImages []string
}

// Empty reports whether nothing was removed.
func (r Removed) Empty() bool {
	return len(r.Containers) == 0 && len(r.Networks) == 0 && len(r.Namespaces) == 0 && len(r.TempDirs) == 0 && len(r.Cgroups) == 0 && len(r.Images) == 0 &&
		len(r.LoadedImages) == 0
}

// CleanOption configures Clean.
type CleanOption func(*CleanConfig)

// CleanConfig is what CleanOptions set; a runtime's cleaner reads it with NewCleanConfig.
type CleanConfig struct {
	// All: remove the resources of live drill processes too (not this one's).
	All bool
	// Run restricts the cleaning to one run id.
	Run string
	// TempRoot is where CleanTemp looks instead of the temporary directory.
	TempRoot string
}

// NewCleanConfig applies opts to an empty CleanConfig.
func NewCleanConfig(opts ...CleanOption) CleanConfig {
	var c CleanConfig
	for _, o := range opts {
		o(&c)
	}
	return c
}

// CleanAll makes Clean remove every drill resource on the engine, whoever made it,
// except the current process's own.
func CleanAll() CleanOption {
	return func(c *CleanConfig) { c.All = true }
}

// CleanRun restricts Clean to the resources of one run (label dev.drill.run).
func CleanRun(id string) CleanOption {
	return func(c *CleanConfig) { c.Run = id }
}
