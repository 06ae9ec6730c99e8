package docker

// Labels on every container and network the docker runtime makes. They let drill find
// its own leftovers (see Clean) without relying on testcontainers' reaper, and tell
// which process on which host owns each resource.
const (
	// LabelDrill marks every drill resource ("true").
	LabelDrill = "dev.drill"
	// LabelRun is the run id of the drill run that made the resource.
	LabelRun = "dev.drill.run"
	// LabelPID is the pid of the drill process that made the resource.
	LabelPID = "dev.drill.pid"
	// LabelHost is the hostname of the machine that drill process runs on.
	LabelHost = "dev.drill.host"
	// LabelStack identifies one stack (one Up) of a run.
	LabelStack = "dev.drill.stack"
	// LabelService names the scenario service a container runs ("toxiproxy" for the proxy).
	LabelService = "dev.drill.service"
)
