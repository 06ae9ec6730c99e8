# drill — rehearse rollbacks, measure them.
#   make demo   build drill and run a real drill (scenarios/bad-release.yaml)
#   make test   lint (vet, gofmt, staticcheck), then the whole test suite (race detector on)

GO        ?= go
BIN       := bin
GOFLAGS_STATIC := CGO_ENABLED=0
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
TRIALS    ?=
RUNTIME   ?= auto
OUT       ?= runs

SHELL := /bin/bash

# drill sets these itself; exported here too so test binaries see them.
export TESTCONTAINERS_RYUK_DISABLED=true
export TESTCONTAINERS_HOST_OVERRIDE=localhost

.PHONY: all build demo deps test bench bench-versus bench-floor soak fuzz lint images clean k8s k8s-down k8s-deps drill-image

all: build

# One static binary: the fixtures and the proxy server run as its hidden subcommands, and
# the docker images copy it FROM scratch. A plain "go build ./cmd/drill" works too.
build:
	$(GOFLAGS_STATIC) $(GO) build -trimpath -ldflags "-X github.com/drillhq/drill/internal/runner.Version=$(VERSION)" -o $(BIN)/drill ./cmd/drill

# demo prints drill's exit code and its meaning. make itself can only exit 0 or 2, so
# any code but 0 fails the target: run bin/drill directly where the exact code matters.
# On the process runtime the demo runs two trials at a time (PARALLEL, default 2 there
# and 1 elsewhere): each trial's own error is measured and reported, and on a quiet
# 2-core machine two at a time kept every probe within the stated resolution (bench/README.md,
# "Parallel trials"), at about half the wall time. A trial itself is not shortened: its
# warm-up is the scenario's and its hold after recovery one probe timeout.
PARALLEL  ?= $(if $(filter process,$(RUNTIME)),2,1)
demo: build
	@$(BIN)/drill run scenarios/bad-release.yaml --runtime $(RUNTIME) $(if $(TRIALS),--trials $(TRIALS)) --parallel $(PARALLEL) --out $(OUT); \
	code=$$?; case $$code in \
	  0) m="pass: every objective met";; \
	  1) m="fail: an objective was missed";; \
	  2) m="invalid scenario or usage";; \
	  3) m="inconclusive: too few trials to decide; the report says how many would";; \
	  4) m="error: the runtime or infrastructure failed, no verdict";; \
	  130) m="interrupted";; \
	  *) m="unexpected";; \
	esac; echo "drill exited $$code ($$m)"; exit $$code

# deps installs what the test suite uses beyond Go: Debian's chromium renders the HTML
# report in one spec; Debian's postgresql and redis-server are the real stacks' databases;
# make images builds their docker image. Without root, apt or an engine those specs are
# skipped, and say so.
deps: k8s-deps
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium (Debian) for the report screenshot spec"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 || \
	    { apt-get update >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >/dev/null 2>&1; } || \
	    echo "could not install chromium: the report screenshot spec will be skipped"; \
	  else echo "chromium not installed (needs root and apt-get): the report screenshot spec will be skipped"; fi; }
	@# Debian's PostgreSQL, Redis, MariaDB, nginx-light and Prometheus: the real-stack specs
	@# and reference scenarios run them on the process runtime; without them those specs
	@# are skipped, and say so.
	@{ test -x /usr/lib/postgresql/15/bin/postgres && command -v redis-server >/dev/null 2>&1 && \
	   command -v nginx >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1 && command -v mariadbd >/dev/null 2>&1; } || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing postgresql, redis-server, mariadb-server, nginx-light and prometheus (Debian) for the real-stack specs"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql redis-server mariadb-server nginx-light prometheus >/dev/null 2>&1 || \
	    { apt-get update >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql redis-server mariadb-server nginx-light prometheus >/dev/null 2>&1; } || \
	    echo "could not install postgresql/redis-server/mariadb-server/nginx-light/prometheus: the real-stack specs will be skipped"; \
	  else echo "postgresql/redis-server/mariadb-server/nginx-light/prometheus not installed (needs root and apt-get): the real-stack specs will be skipped"; fi; }
	@# The docker runtime's image for services with a command (PostgreSQL, Redis):
	@# debootstrap, then docker import (about 75 s once, as root; reused after that).
	@if ! docker info >/dev/null 2>&1; then echo "no Docker engine answers: the docker real-stack specs will be skipped"; \
	else \
	  if ! command -v debootstrap >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing debootstrap (Debian) for make images"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends debootstrap >/dev/null 2>&1 || \
	    { apt-get update >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends debootstrap >/dev/null 2>&1; }; fi; \
	  $(MAKE) --no-print-directory images >/dev/null && echo "docker images of the reference scenarios: ready (make images)" || \
	  echo "make images failed (above): the docker real-stack specs will be skipped"; fi

# k8s-deps installs what the project's Kubernetes test cluster runs on beside its own
# binaries: Debian's containerd, runc, CNI plugins, nftables and the tools cluster.sh calls.
K8S_DEBS := containerd runc containernetworking-plugins nftables iptables curl jq openssl
k8s-deps:
	@( test -x /usr/lib/cni/bridge && for c in containerd runc nft iptables curl jq openssl; do command -v $$c >/dev/null || exit 1; done ) || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing $(K8S_DEBS) (Debian) for the Kubernetes test cluster"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(K8S_DEBS) >/dev/null 2>&1 || \
	    { apt-get update >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(K8S_DEBS) >/dev/null 2>&1; } || \
	    echo "could not install $(K8S_DEBS): the Kubernetes specs will be skipped"; \
	  else echo "$(K8S_DEBS) not all installed (needs root and apt-get): the Kubernetes specs will be skipped"; fi; }

# k8s builds the test cluster's Kubernetes and etcd once per machine (tools/k8s/build.sh:
# ~28 min of CPU, cached by version; a no-op after that) and starts the cluster
# (tools/k8s/cluster.sh up: a few seconds, each step timed). k8s-down stops it, leaving
# nothing. See docs/kubernetes.md.
k8s: k8s-deps
	tools/k8s/build.sh
	tools/k8s/cluster.sh up

k8s-down:
	tools/k8s/cluster.sh down

# drill-image builds drill's own image FROM scratch (deploy/Dockerfile: the static binary
# alone), tagged drill:<version> and drill:latest: what deploy/cronjob.yaml runs in a cluster.
drill-image: build
	@ctx=$$(mktemp -d) && cp $(BIN)/drill deploy/Dockerfile $$ctx/ && \
	docker build -q -t drill:$(VERSION) -t drill:latest $$ctx >/dev/null; code=$$?; rm -rf $$ctx; \
	[ $$code = 0 ] && echo "built drill:$(VERSION) and drill:latest"; exit $$code

# images builds or checks every image the reference scenarios need on docker: the
# fixtures' and the proxy's (from bin/drill, seconds) and drill-debian:<hash>, which
# services with a command run in (debootstrap, root, once; see docs/real-stacks.md).
images: build
	$(BIN)/drill images scenarios/*.yaml

# test runs every suite with the race detector and prints, per package, how many specs
# ran, passed, failed and were skipped, each skipped spec with its reason, and the whole
# output of a failed package (tools/testsummary reads go test -json).
GINKGO_ARGS := -args -ginkgo.v -ginkgo.no-color
# The specs labelled kubernetes run in a step of their own, on the project's cluster.
NO_K8S      := -ginkgo.label-filter='!kubernetes'
SUMMARY     := $(GO) run ./tools/testsummary
# Every step runs even when one before it failed (each prints its own counts); a failed
# step is named in FAILED, and make test fails at the end, listing them.
FAILED      := $(CURDIR)/$(BIN)/test-failed
test: deps lint
	@$(GO) build -o /dev/null ./tools/testsummary
	@mkdir -p $(BIN) && rm -f $(FAILED)
	set -o pipefail; $(GO) test -race -count=1 -timeout 25m -json $$($(GO) list ./... | grep -v -e '/internal/trial$$' -e '/fixtures/writes$$' -e '/internal/stack/kubernetes$$') $(GINKGO_ARGS) $(NO_K8S) | $(SUMMARY) || echo "main block (every package but those below)" >> $(FAILED)
	@echo "real-stack specs (fixtures/writes: PostgreSQL and Redis killed mid-workload, on both runtimes) run alone: on 2 cores, the suites beside them starved the databases' warm-up probes"
	set -o pipefail; $(GO) test -race -count=1 -timeout 20m -json ./fixtures/writes $(GINKGO_ARGS) | $(SUMMARY) || echo "real-stack specs (fixtures/writes)" >> $(FAILED)
	@echo "accuracy specs (internal/trial) run alone: they hold drill's timing to the fixture's ground truth within 30 ms, which CPU contention from parallel test packages would blur"
	set -o pipefail; $(GO) test -race -count=1 -timeout 20m -json ./internal/trial $(GINKGO_ARGS) $(NO_K8S) | $(SUMMARY) || echo "accuracy specs (internal/trial)" >> $(FAILED)
	@echo "Kubernetes specs (internal/stack/kubernetes, and those labelled kubernetes in internal/trial, internal/runner and cmd/drill, one package at a time) run in a step of their own, on the project's own cluster: tools/k8s/cluster.sh run starts it before them and stops it after, leaving nothing, where its binaries are built (make k8s; never built here); without them the specs are skipped, saying why"
	set -o pipefail; tools/k8s/cluster.sh run sh -c '$(GO) test -race -count=1 -timeout 20m -json ./internal/stack/kubernetes $(GINKGO_ARGS); code=$$?; \
	  $(GO) test -p 1 -race -count=1 -timeout 40m -json ./internal/trial ./internal/runner ./cmd/drill $(GINKGO_ARGS) -ginkgo.label-filter=kubernetes || code=1; exit $$code' | $(SUMMARY) || echo "Kubernetes specs" >> $(FAILED)
	@echo "the example user suite (examples/ginkgo-suite, its own module): the quick drills a team would run in CI"
	set -o pipefail; cd examples/ginkgo-suite && $(GO) test -count=1 -timeout 10m -json ./... $(GINKGO_ARGS) | (cd ../.. && $(SUMMARY)) || echo "the example user suite (examples/ginkgo-suite)" >> $(FAILED)
	@if [ -s $(FAILED) ]; then echo "make test: FAILED steps:"; sed 's/^/  /' $(FAILED); rm -f $(FAILED); exit 1; fi; echo "make test: every step passed"

# bench prints each figure bench/README.md keeps as the table rows it shows (with the
# machine's load, CPU count and date), then runs every Go benchmark. Each figure is one
# target too: bench-versus (drill's HTTP workload against vegeta, interleaved, quiet and
# under CPU hogs it starts itself; VERSUS_ARGS e.g. "--duration 2s --pairs 1" to smoke it)
# and bench-floor (the engine's floor for the reference scenario against drill's wall time
# for FLOOR_TRIALS docker trials of it, in the same run: new stacks, a reused stack, and
# reused stacks FLOOR_PARALLEL trials at a time).
VERSUS_ARGS ?=
FLOOR_TRIALS ?= 30
FLOOR_PARALLEL ?= 2
bench: build bench-versus bench-floor
	$(GO) test -run '^$$' -bench . -benchmem -timeout 30m ./...

bench-versus:
	$(GO) run ./bench/versus $(VERSUS_ARGS)

bench-floor: build
	$(GO) run ./bench/floor --drill $(BIN)/drill --trials $(FLOOR_TRIALS) --parallel $(FLOOR_PARALLEL)

# soak interrupts SOAK_RUNS drill runs (both runtimes; SIGINT, SIGTERM and SIGKILL at
# random moments) and takes a census after each: 0 containers, networks, processes and
# temp dirs of drill may be left (after SIGKILL: once drill clean or the next run ran),
# and every interrupted run must exit 130 (SIGINT/SIGTERM) or die by SIGKILL.
# Not part of make test: about 10 minutes. SOAK_SEED replays a plan (the seed is printed);
# SOAK_BUDGET bounds the wall time (no run starts after it; a loaded machine needs more).
SOAK_RUNS ?= 100
SOAK_SEED ?=
SOAK_BUDGET ?= 40m
soak: build
	$(GO) run ./bench/soak --drill $(BIN)/drill --runs $(SOAK_RUNS) --budget $(SOAK_BUDGET) $(if $(SOAK_SEED),--seed $(SOAK_SEED))

# fuzz runs every parser's fuzzer for FUZZTIME each.
FUZZTIME ?= 30s
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime $(FUZZTIME) ./internal/scenario
	$(GO) test -run '^$$' -fuzz FuzzExternalAddr -fuzztime $(FUZZTIME) ./internal/scenario
	$(GO) test -run '^$$' -fuzz FuzzJSONPath -fuzztime $(FUZZTIME) ./internal/measure
	$(GO) test -run '^$$' -fuzz FuzzVerify -fuzztime $(FUZZTIME) ./internal/audit

# lint fails on any go vet or staticcheck finding and on any file gofmt would change.
# staticcheck runs at a pinned version through go run, fetched from the Go module proxy
# on first use and cached after that: its dependencies stay out of drill's go.mod (which
# library users and examples/ginkgo-suite build against).
STATICCHECK := $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2
lint:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(STATICCHECK) ./...
	@# The example suite is its own module requiring drill: a dependency drill adds must
	@# reach its go.mod too, or its step of make test stops at "updates to go.mod needed".
	$(GO) mod tidy -diff
	cd examples/ginkgo-suite && $(GO) mod tidy -diff && $(STATICCHECK) ./...

clean:
	rm -rf $(BIN)
