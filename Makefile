# drill — rehearse rollbacks, measure them.
#   make demo   build drill and run a real drill (scenarios/bad-release.yaml)
#   make test   the whole test suite (race detector on)

GO        ?= go
BIN       := bin
GOFLAGS_STATIC := CGO_ENABLED=0
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
TRIALS    ?=
RUNTIME   ?= auto

# drill sets these itself; exported here too so test binaries see them.
export TESTCONTAINERS_RYUK_DISABLED=true
export TESTCONTAINERS_HOST_OVERRIDE=localhost

.PHONY: all build demo deps test bench fuzz lint images clean

all: build

build:
	$(GO) build -trimpath -ldflags "-X github.com/drillhq/drill/internal/runner.Version=$(VERSION)" -o $(BIN)/drill ./cmd/drill
	$(GOFLAGS_STATIC) $(GO) build -trimpath -ldflags "-s -w" -o $(BIN)/ledger ./fixtures/ledger
	$(GOFLAGS_STATIC) $(GO) build -trimpath -ldflags "-s -w -X github.com/Shopify/toxiproxy/v2.Version=2.12.0" -o $(BIN)/toxiproxy-server github.com/Shopify/toxiproxy/v2/cmd/server

demo: build
	$(BIN)/drill run scenarios/bad-release.yaml --runtime $(RUNTIME) $(if $(TRIALS),--trials $(TRIALS)) --out runs

# deps installs what the test suite uses beyond Go: Debian's chromium renders the HTML
# report in one spec. Without root or apt that spec is skipped, and says so.
deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium (Debian) for the report screenshot spec"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 || \
	    { apt-get update >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >/dev/null 2>&1; } || \
	    echo "could not install chromium: the report screenshot spec will be skipped"; \
	  else echo "chromium not installed (needs root and apt-get): the report screenshot spec will be skipped"; fi; }

images: build
	$(BIN)/drill images scenarios/*.yaml

test: deps
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) test -race -count=1 -timeout 20m $$($(GO) list ./... | grep -v '/internal/trial$$')
	@echo "accuracy specs (internal/trial) run alone: they hold drill's timing to the fixture's ground truth within 30 ms, which CPU contention from parallel test packages would blur"
	$(GO) test -race -count=1 -timeout 20m ./internal/trial

bench: build
	$(GO) test -run '^$$' -bench . -benchmem -timeout 30m ./...

# fuzz runs every parser's fuzzer for FUZZTIME each.
FUZZTIME ?= 30s
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime $(FUZZTIME) ./internal/scenario
	$(GO) test -run '^$$' -fuzz FuzzJSONPath -fuzztime $(FUZZTIME) ./internal/measure
	$(GO) test -run '^$$' -fuzz FuzzVerify -fuzztime $(FUZZTIME) ./internal/audit

lint:
	$(GO) vet ./...
	gofmt -l $$(git ls-files '*.go')

clean:
	rm -rf $(BIN)
