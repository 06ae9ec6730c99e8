#!/usr/bin/env bash
# cluster.sh runs the project's own single-node Kubernetes test cluster on this machine:
#   up       start it (idempotent; a half-dead cluster is taken down first) and wait for the
#            node to be Ready; prints the time of each step
#   down     stop it leaving nothing: processes (pods and shims too), mounts, the cni0 bridge
#            and its veths, kube-proxy's nftables tables, the CNI plugins' iptables chains,
#            the cgroups, the sysctls kubelet changed (restored), the state dirs
#   status   what runs and what is left: exit 0 up, 3 down and clean, 1 anything in between
#   env      the variables a client needs (source <(tools/k8s/cluster.sh env))
#   load     IMAGE... docker images into the cluster's containerd (no registry)
#   run      CMD... run CMD against the cluster: started for it (and stopped after) when
#            the binaries are built and it is not up; CMD runs without KUBECONFIG otherwise
# The binaries come from tools/k8s/build.sh (never built here). The contract (paths,
# addresses, storage, images) is documented in docs/kubernetes.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/versions.sh"

bin="$(k8s_bin_dir)"
state="${DRILL_K8S_STATE:-/var/lib/drill-k8s}"
run=/run/drill-k8s
sock="$run/containerd.sock"
cgroup_root=drill-k8s
pod_cidr=10.244.0.0/24
service_cidr=10.96.0.0/16
api_service_ip=10.96.0.1
api_port=6443
etcd_port=12379
etcd_peer_port=12380
# kubelet's fixed host directories: container log links and the dev hostPath provisioner.
log_links=/var/log/containers
hostpath_dir=/tmp/hostpath_pv
# The sysctls kubelet (and kube-proxy, CNI) may change: saved at up, restored at down.
sysctls=(vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops
	kernel.keys.root_maxkeys kernel.keys.root_maxbytes net.ipv4.ip_forward
	net.ipv4.conf.all.route_localnet net.bridge.bridge-nf-call-iptables)
components=(etcd containerd apiserver controller-manager scheduler kubelet proxy)
containerd="$(command -v containerd || echo /usr/bin/containerd)"
shim="$(command -v containerd-shim-runc-v2 || echo /usr/bin/containerd-shim-runc-v2)"

die() { echo "cluster.sh: $*" >&2; exit 1; }
now() { local up _; read -r up _ </proc/uptime; echo "$up"; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
node_name() { hostname | tr '[:upper:]' '[:lower:]'; }

# node_ip is the address of the interface of the default route (never loopback): kubelet
# refuses a loopback node IP, and kube-proxy waits for an InternalIP.
node_ip() {
	local dev
	dev="$(ip -4 route show default | awk '{ for (i = 1; i < NF; i++) if ($i == "dev") { print $(i+1); exit } }')"
	if [ -n "$dev" ]; then
		ip -4 -o addr show dev "$dev" scope global | awk '{ sub("/.*", "", $4); print $4; exit }'
	else
		ip -4 -o addr show scope global | awk '$2 !~ /^(docker|cni|br-|veth)/ { sub("/.*", "", $4); print $4; exit }'
	fi
}

# lock serialises up, down and run between callers (two helpers, make test): flock on the
# cache root, which outlives the cluster, so nothing is left behind for it.
lock() {
	local root
	root="$(k8s_cache_root)"
	mkdir -p "$root"
	exec 9<"$root"
	flock 9
}

# ---------------------------------------------------------------- what is ours, what is left

# ours tells whether a process is one of the cluster's components: by its executable (the
# cached binaries; by the path it was started as, too, should build.sh have replaced them
# since) or, for containerd and its shims, by the cluster's config or socket in its
# command line. Never by a name.
ours() {
	local p="/proc/$1" args
	mapfile -d '' args 2>/dev/null <"$p/cmdline" || return 1
	case "${args[0]:-}" in "$bin/kube" | "$bin/etcd") return 0 ;; esac
	[ "$p/exe" -ef "$bin/kube" ] || [ "$p/exe" -ef "$bin/etcd" ] && return 0
	[ "$p/exe" -ef "$containerd" ] || [ "$p/exe" -ef "$shim" ] || return 1
	case "${args[*]}" in *"$state/containerd/config.toml"* | *"$sock"*) return 0 ;; esac
	return 1
}

# our_pids lists every process of the cluster: its components and containerd's shims
# (ours) and every process in the cluster's cgroups (the pods).
our_pids() {
	local p
	for p in /proc/[0-9]*; do
		p="${p#/proc/}"
		if ours "$p"; then echo "$p"; fi
	done
	cgroup_pids
}

cgroup_pids() {
	local d
	for d in /sys/fs/cgroup/*/"$cgroup_root"; do
		[ -d "$d" ] || continue
		find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null
	done | sort -un
}

our_mounts() {
	awk -v s="$state/" -v r="$run/" '{ m = $5; gsub(/\\040/, " ", m) }
		index(m "/", s) == 1 || index(m "/", r) == 1 { print length(m), m }' /proc/self/mountinfo |
		sort -rn | cut -d' ' -f2-
}

ipt_chains() { # table: the CNI and Kubernetes chains in iptables and ip6tables
	local t="$1" cmd
	for cmd in iptables ip6tables; do
		command -v "$cmd" >/dev/null || continue
		"$cmd" -w -t "$t" -S 2>/dev/null | awk -v c="$cmd" '$1 == "-N" && $2 ~ /^(CNI|KUBE)-/ { print c, $2 }'
	done
}

nft_tables() { nft list tables 2>/dev/null | awk '$3 == "kube-proxy" { print $2, $3 }'; }

# leftovers prints one line per thing of the cluster that exists now.
leftovers() {
	local p m c t l
	for p in $(our_pids | sort -un); do echo "process $p: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | cut -c1-120)"; done
	while read -r m; do [ -n "$m" ] && echo "mount $m"; done < <(our_mounts)
	ip link show cni0 >/dev/null 2>&1 && echo "link cni0"
	for l in $(ip -o link show type veth 2>/dev/null | awk -F': ' '/master cni0/ { sub("@.*", "", $2); print $2 }'); do echo "link $l"; done
	while read -r t; do [ -n "$t" ] && echo "nftables table $t"; done < <(nft_tables)
	for t in filter nat mangle; do
		while read -r c l; do [ -n "$l" ] && echo "$c chain $t/$l"; done < <(ipt_chains "$t")
	done
	for c in /sys/fs/cgroup/*/"$cgroup_root"; do [ -d "$c" ] && echo "cgroup $c"; done
	[ -d "$state" ] && echo "dir $state"
	[ -d "$run" ] && echo "dir $run"
	[ -d "$hostpath_dir" ] && echo "dir $hostpath_dir"
	for l in "$log_links"/*; do [ -L "$l" ] && case "$(readlink "$l")" in "$state"/*) echo "link $l" ;; esac; done
	return 0
}

rss() { # the summed resident memory of every process of the cluster, in MB
	local p
	for p in $(our_pids | sort -un); do awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2>/dev/null; done |
		awk '{ kb += $1 } END { printf "%.0f", kb / 1024 }'
}

running() { [ -n "$(component_pid "$1")" ]; }

# ---------------------------------------------------------------- API access (curl, no kubectl)

admin_token() { awk -F, '$2 == "drill-admin" { print $1 }' "$state/pki/tokens.csv"; }
api() { # method path [json]: one request as the admin; prints the body, fails on HTTP >= 400
	local method="$1" path="$2"
	shift 2
	curl -sS --fail-with-body --max-time 10 --cacert "$state/pki/ca.crt" \
		-H "Authorization: Bearer $(admin_token)" -H 'Content-Type: application/json' \
		-X "$method" "https://127.0.0.1:$api_port$path" "$@"
}
node_ready() {
	api GET "/api/v1/nodes/$(node_name)" 2>/dev/null |
		jq -e '.status.conditions[] | select(.type == "Ready") | .status == "True"' >/dev/null 2>&1
}

wait_for() { # what seconds command...: poll every 0.1 s until command succeeds
	local what="$1" limit="$2" start
	shift 2
	start="$(now)"
	until "$@" >/dev/null 2>&1; do
		if awk -v a="$start" -v b="$(now)" -v l="$limit" 'BEGIN { exit !(b - a > l) }'; then
			echo "cluster.sh: $what: not ready after ${limit} s; logs in $state/log" >&2
			return 1
		fi
		sleep 0.1
	done
}

# ---------------------------------------------------------------- up

start() { # name command...: a component in its own session, pid in $run/name.pid
	local name="$1"
	shift
	setsid "$@" </dev/null >>"$state/log/$name.log" 2>&1 9<&- &
	echo $! >"$run/$name.pid"
	disown $! # no job report when down kills it
}

pki() {
	local d="$state/pki" ip="$1" node="$2"
	mkdir -p "$d"
	(
		cd "$d"
		key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
		cert() { # name subject extensions
			key "$1.key"
			openssl req -new -key "$1.key" -subj "$2" 2>/dev/null |
				openssl x509 -req -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -out "$1.crt" \
					-extfile <(printf '%s\n' "$3" 'keyUsage=critical,digitalSignature,keyEncipherment') 2>/dev/null
		}
		key ca.key
		openssl req -x509 -new -key ca.key -subj /CN=drill-k8s-ca -days 3650 -out ca.crt \
			-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
		cert apiserver /CN=kube-apiserver "extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,IP:$ip,IP:$api_service_ip,DNS:localhost,DNS:$node,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
		cert apiserver-kubelet "/O=system:masters/CN=kube-apiserver-kubelet-client" "extendedKeyUsage=clientAuth"
		key sa.key
		openssl pkey -in sa.key -pubout -out sa.pub 2>/dev/null
		{
			echo "$(openssl rand -hex 16),drill-admin,drill-admin,\"system:masters\""
			echo "$(openssl rand -hex 16),system:node:$node,kubelet,\"system:nodes\""
			echo "$(openssl rand -hex 16),system:kube-proxy,kube-proxy"
			echo "$(openssl rand -hex 16),system:kube-controller-manager,kube-controller-manager"
			echo "$(openssl rand -hex 16),system:kube-scheduler,kube-scheduler"
		} >tokens.csv
		chmod 600 ./*.key tokens.csv
	)
}

kubeconfig() { # file user: a kubeconfig with that user's static token
	local token
	token="$(awk -F, -v u="$2" '$2 == u { print $1 }' "$state/pki/tokens.csv")"
	cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: drill-k8s
  cluster:
    server: https://127.0.0.1:$api_port
    certificate-authority-data: $(base64 -w0 <"$state/pki/ca.crt")
users:
- name: $2
  user:
    token: $token
contexts:
- name: drill-k8s
  context: {cluster: drill-k8s, user: $2, namespace: default}
current-context: drill-k8s
EOF
	chmod 600 "$1"
}

configs() { # pause-image
	local pause="$1"
	mkdir -p "$state/containerd" "$state/cni/net.d" "$state/kubelet"
	cat >"$state/containerd/config.toml" <<EOF
version = 2
root = "$state/containerd/root"
state = "$run/containerd"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.internal.v1.tracing", "io.containerd.tracing.processor.v1.otlp"]
[grpc]
  address = "$sock"
[ttrpc]
  address = "$sock.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$state/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$pause"
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  enable_unprivileged_ports = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$state/cni/net.d"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        Root = "$run/runc"
        SystemdCgroup = false
EOF
	cat >"$state/cni/net.d/10-drill-k8s.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "drill-k8s",
  "plugins": [
    {"type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": false, "hairpinMode": true,
     "ipam": {"type": "host-local", "dataDir": "$state/cni/ipam",
              "ranges": [[{"subnet": "$pod_cidr"}]], "routes": [{"dst": "0.0.0.0/0"}]}},
    {"type": "portmap", "capabilities": {"portMappings": true}},
    {"type": "firewall", "backend": "iptables"}
  ]
}
EOF
	cat >"$state/kubelet/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
containerRuntimeEndpoint: unix://$sock
failCgroupV1: false
cgroupDriver: cgroupfs
cgroupRoot: /$cgroup_root
oomScoreAdj: 0
failSwapOn: false
podLogsDir: $state/pod-logs
volumePluginDir: $state/kubelet/volume-plugins
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $state/pki/ca.crt}
authorization: {mode: Webhook}
healthzBindAddress: 127.0.0.1
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: 100Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1%}
serializeImagePulls: false
EOF
}

# pause_image builds the project's own sandbox image (tools/k8s/pause, FROM scratch) unless
# docker already has it; its tag is a hash of its sources, so a change rebuilds it.
pause_image() {
	local tag ctx out
	tag="drill-k8s/pause:$(cat "$here/pause/main.go" "$here/pause/Dockerfile" | sha256sum | cut -c1-12)"
	if ! docker image inspect "$tag" >/dev/null 2>&1; then
		ctx="$(mktemp -d)"
		(cd "$here/pause" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$ctx/pause" .) &&
			cp "$here/pause/Dockerfile" "$ctx/" &&
			out="$(docker build -t "$tag" "$ctx" 2>&1)" || { echo "$out" >&2; rm -rf "$ctx"; die "build the pause image: failed (above)"; }
		rm -rf "$ctx"
	fi
	echo "docker.io/$tag"
}

load() { # IMAGE...: docker save | ctr import, into the k8s.io namespace kubelet uses
	[ -S "$sock" ] || die "load: the cluster is not up (tools/k8s/cluster.sh up)"
	docker save "$@" | ctr -a "$sock" -n k8s.io images import - >/dev/null
}

cgroups() { # create the cluster's cgroup root in every v1 hierarchy (kubelet requires it)
	local c
	for c in /sys/fs/cgroup/*/; do
		c="${c%/}"
		[ -f "$c/cgroup.procs" ] || continue
		mkdir -p "$c/$cgroup_root"
		if [ -f "$c/cpuset.cpus" ]; then
			cat "$c/cpuset.cpus" >"$c/$cgroup_root/cpuset.cpus"
			cat "$c/cpuset.mems" >"$c/$cgroup_root/cpuset.mems"
		fi
	done
}

# nft_objects lists the nftables tables and chains that exist, one a line.
nft_objects() {
	nft -j list ruleset 2>/dev/null | jq -r '.nftables[] |
		(.table | select(.) | "table \(.family) \(.name)"), (.chain | select(.) | "chain \(.family) \(.table) \(.name)")' || true
}

# save_host keeps what the cluster changes on the host, once per cluster (a crashed
# cluster's values must not replace the host's): the sysctls, and the nftables tables and
# chains that exist (iptables-nft leaves empty tables and base chains behind when the CNI
# plugins' and kubelet's chains are deleted; down removes those that were not there).
save_host() {
	[ -f "$state/nft.before" ] || nft_objects >"$state/nft.before"
	save_sysctls
}

# restore_nft deletes the tables and chains made since up that are empty now: nft refuses
# to delete a chain that holds rules, and a table is deleted only when it holds no chain.
restore_nft() {
	local kind family table name
	[ -f "$state/nft.before" ] || return 0
	{ nft_objects | grep -vxFf "$state/nft.before" || true; } | sort | while read -r kind family table name; do
		case "$kind" in
		chain) nft delete chain "$family" "$table" "$name" 2>/dev/null || true ;;
		table)
			if [ "$(nft -j list table "$family" "$table" 2>/dev/null | jq '[.nftables[] | select(.chain)] | length')" = 0 ]; then
				nft delete table "$family" "$table" 2>/dev/null || true
			fi
			;;
		esac
	done
}

save_sysctls() { # once per cluster: a crashed cluster's values must not replace the host's
	[ -f "$state/sysctl.saved" ] && return 0
	local s v
	for s in "${sysctls[@]}"; do
		if v="$(sysctl -n "$s" 2>/dev/null)"; then echo "$s=$v"; fi
	done >"$state/sysctl.saved"
}

up() {
	local t0 t ip node pause
	t0="$(now)"
	[ -x "$bin/kube" ] && [ -x "$bin/etcd" ] || die "no binaries in $bin: build them first (tools/k8s/build.sh or make k8s)"
	local tool
	for tool in containerd containerd-shim-runc-v2 runc ctr docker nft iptables openssl curl jq; do
		command -v "$tool" >/dev/null || die "$tool not found: make k8s installs the cluster's Debian packages (as root)"
	done
	[ -x /usr/lib/cni/bridge ] || die "no CNI plugins in /usr/lib/cni: install Debian's containernetworking-plugins (make k8s does, as root)"
	[ "$(id -u)" = 0 ] || die "up: needs root (containerd, kubelet, networking)"
	if status >/dev/null 2>&1; then
		echo "cluster up already (node $(node_name) Ready): source <($0 env)"
		return 0
	fi
	if [ -n "$(leftovers)" ]; then
		echo "a previous cluster left things behind: taking it down first"
		down_locked
	fi
	ip="$(node_ip)"
	node="$(node_name)"
	[ -n "$ip" ] || die "no non-loopback IPv4 address for the node (kubelet refuses loopback)"
	mkdir -p "$state/log" "$run" "$state/pod-logs"
	save_host
	t="$(now)"
	pki "$ip" "$node"
	kubeconfig "$state/kubeconfig" drill-admin
	kubeconfig "$state/kubelet.kubeconfig" "system:node:$node"
	kubeconfig "$state/proxy.kubeconfig" system:kube-proxy
	kubeconfig "$state/controller-manager.kubeconfig" system:kube-controller-manager
	kubeconfig "$state/scheduler.kubeconfig" system:kube-scheduler
	pause="$(pause_image)"
	configs "$pause"
	cgroups
	echo "prepared (certificates, configs, pause image): $(since "$t") s"

	t="$(now)"
	start etcd "$bin/etcd" --name drill-k8s --data-dir "$state/etcd" --unsafe-no-fsync \
		--listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
		--listen-peer-urls "http://127.0.0.1:$etcd_peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer_port" \
		--initial-cluster "drill-k8s=http://127.0.0.1:$etcd_peer_port" --log-level warn
	start containerd containerd --config "$state/containerd/config.toml"
	wait_for etcd 60 curl -sf "http://127.0.0.1:$etcd_port/health"
	echo "etcd: $(since "$t") s"
	start apiserver "$bin/kube" apiserver --etcd-servers "http://127.0.0.1:$etcd_port" \
		--bind-address 0.0.0.0 --secure-port "$api_port" --advertise-address "$ip" \
		--tls-cert-file "$state/pki/apiserver.crt" --tls-private-key-file "$state/pki/apiserver.key" \
		--client-ca-file "$state/pki/ca.crt" --token-auth-file "$state/pki/tokens.csv" \
		--authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction --allow-privileged \
		--service-cluster-ip-range "$service_cidr" --service-account-issuer https://kubernetes.default.svc \
		--service-account-key-file "$state/pki/sa.pub" --service-account-signing-key-file "$state/pki/sa.key" \
		--kubelet-client-certificate "$state/pki/apiserver-kubelet.crt" --kubelet-client-key "$state/pki/apiserver-kubelet.key" \
		--cert-dir "$state/pki/apiserver-generated" --profiling=false
	wait_for containerd 60 ctr -a "$sock" version
	echo "containerd: $(since "$t") s"
	load "${pause#docker.io/}"
	echo "pause image loaded: $(since "$t") s"
	wait_for apiserver 120 api GET /readyz
	echo "apiserver ready: $(since "$t") s"
	start controller-manager "$bin/kube" controller-manager --kubeconfig "$state/controller-manager.kubeconfig" \
		--authentication-kubeconfig "$state/controller-manager.kubeconfig" --authorization-kubeconfig "$state/controller-manager.kubeconfig" \
		--bind-address 127.0.0.1 --leader-elect=false --use-service-account-credentials \
		--service-account-private-key-file "$state/pki/sa.key" --root-ca-file "$state/pki/ca.crt" \
		--cluster-signing-cert-file "$state/pki/ca.crt" --cluster-signing-key-file "$state/pki/ca.key" \
		--service-cluster-ip-range "$service_cidr" --allocate-node-cidrs=false --enable-hostpath-provisioner \
		--cert-dir "$state/pki/controller-manager"
	start scheduler "$bin/kube" scheduler --kubeconfig "$state/scheduler.kubeconfig" \
		--authentication-kubeconfig "$state/scheduler.kubeconfig" --authorization-kubeconfig "$state/scheduler.kubeconfig" \
		--bind-address 127.0.0.1 --leader-elect=false
	start kubelet "$bin/kube" kubelet --config "$state/kubelet/config.yaml" --kubeconfig "$state/kubelet.kubeconfig" \
		--root-dir "$state/kubelet" --cert-dir "$state/kubelet/pki" --hostname-override "$node" --node-ip "$ip"
	start proxy "$bin/kube" proxy --kubeconfig "$state/proxy.kubeconfig" --proxy-mode nftables \
		--hostname-override "$node" --cluster-cidr "$pod_cidr" --oom-score-adj 0 \
		--conntrack-max-per-core 0 --conntrack-tcp-timeout-established 0 --conntrack-tcp-timeout-close-wait 0 \
		--metrics-bind-address 127.0.0.1:10249 --healthz-bind-address 127.0.0.1:10256
	storage_class
	wait_for "node Ready" 120 node_ready
	echo "node $node Ready: $(since "$t") s"
	echo "cluster up in $(since "$t0") s: source <($0 env)"
}

# storage_class makes drill-local the default class: PVCs get a hostPath dir from
# controller-manager's dev provisioner (single node only), deleted with the claim.
storage_class() {
	api GET /apis/storage.k8s.io/v1/storageclasses/drill-local >/dev/null 2>&1 && return 0
	api POST /apis/storage.k8s.io/v1/storageclasses -d '{
		"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
		"metadata": {"name": "drill-local", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
		"provisioner": "kubernetes.io/host-path", "reclaimPolicy": "Delete", "volumeBindingMode": "Immediate"}' >/dev/null
}

# ---------------------------------------------------------------- down

stop_pid() { # seconds pid...: SIGTERM, SIGKILL after the grace (at once for 0); waits until gone
	local grace="$1" p deadline
	shift
	[ $# -gt 0 ] || return 0
	if [ "$grace" = 0 ]; then kill -KILL "$@" 2>/dev/null || true; else kill -TERM "$@" 2>/dev/null || true; fi
	deadline=$((SECONDS + grace))
	for p in "$@"; do
		while kill -0 "$p" 2>/dev/null; do
			if [ "$SECONDS" -ge "$deadline" ]; then kill -KILL "$p" 2>/dev/null || true; fi
			sleep 0.05
		done
	done
}

component_pid() { # name: its pid, if its pid file names a process of the cluster
	local p
	[ -f "$run/$1.pid" ] || return 0
	p="$(cat "$run/$1.pid")"
	if ours "$p"; then echo "$p"; fi
}

down_locked() {
	local t0 p m c t s rule chain pids
	t0="$(now)"
	# Node agents and control plane first, so nothing restarts what is killed next. Killed
	# outright: their state is deleted below, and a graceful stop costs seconds (the
	# apiserver drains its requests) for nothing.
	mapfile -t pids < <(for c in kubelet proxy scheduler controller-manager apiserver etcd; do component_pid "$c"; done)
	stop_pid 0 "${pids[@]}"
	echo "control plane and node agents stopped: $(since "$t0") s"
	# The pods: everything in the cluster's cgroups, then the shims and containerd.
	for _ in 1 2 3; do
		p="$(cgroup_pids)"
		[ -n "$p" ] || break
		kill -KILL $p 2>/dev/null || true
		sleep 0.1
	done
	for p in $(our_pids | sort -un); do
		case "$(readlink "/proc/$p/exe" 2>/dev/null)" in */containerd-shim*) kill -KILL "$p" 2>/dev/null || true ;; esac
	done
	mapfile -t pids < <(component_pid containerd)
	stop_pid 10 "${pids[@]}"
	mapfile -t pids < <(our_pids | sort -un)
	stop_pid 5 "${pids[@]}"
	echo "pods, shims and containerd stopped: $(since "$t0") s"
	while read -r m; do
		[ -n "$m" ] && { umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; }
	done < <(our_mounts)
	# Network: veths left on the bridge (their pods' namespaces are gone), the bridge, the
	# tables kube-proxy made and the chains the CNI plugins made.
	for c in $(ip -o link show type veth 2>/dev/null | awk -F': ' '/master cni0/ { sub("@.*", "", $2); print $2 }'); do
		ip link del "$c" 2>/dev/null || true
	done
	ip link del cni0 2>/dev/null || true
	while read -r t; do [ -n "$t" ] && nft delete table $t 2>/dev/null || true; done < <(nft_tables)
	for t in filter nat mangle; do
		for s in iptables ip6tables; do
			command -v "$s" >/dev/null || continue
			{ "$s" -w -t "$t" -S 2>/dev/null || true; } | { grep -E -- '-j (CNI|KUBE)-' || true; } | { grep -vE '^-A (CNI|KUBE)-' || true; } |
				while read -r rule; do eval "$s -w -t $t ${rule/#-A/-D}" 2>/dev/null || true; done
		done
		while read -r s chain; do [ -n "$chain" ] && "$s" -w -t "$t" -F "$chain" 2>/dev/null || true; done < <(ipt_chains "$t")
		while read -r s chain; do [ -n "$chain" ] && "$s" -w -t "$t" -X "$chain" 2>/dev/null || true; done < <(ipt_chains "$t")
	done
	restore_nft
	for c in /sys/fs/cgroup/*/"$cgroup_root"; do
		[ -d "$c" ] && find "$c" -depth -type d -exec rmdir {} + 2>/dev/null || true
	done
	if [ -f "$state/sysctl.saved" ]; then
		while IFS= read -r s; do sysctl -q -w "$s" >/dev/null 2>&1 || true; done <"$state/sysctl.saved"
	fi
	for c in "$log_links"/*; do [ -L "$c" ] && case "$(readlink "$c")" in "$state"/*) rm -f "$c" ;; esac; done
	rm -rf "$state" "$run" "$hostpath_dir"
	echo "cluster down in $(since "$t0") s"
}

down() {
	down_locked
	local left
	left="$(leftovers)"
	[ -z "$left" ] || { echo "$left" >&2; die "down: the above is left"; }
}

# ---------------------------------------------------------------- status, env, run

status() {
	local c missing=() left
	for c in "${components[@]}"; do running "$c" || missing+=("$c"); done
	if [ ${#missing[@]} -eq 0 ] && node_ready; then
		echo "up: node $(node_name) Ready; $(api GET /api/v1/pods 2>/dev/null | jq '.items | length') pods; $(rss) MB resident (every process of the cluster, pods included)"
		return 0
	fi
	left="$(leftovers)"
	if [ -z "$left" ]; then
		echo "down: nothing of the cluster is left"
		return 3
	fi
	[ ${#missing[@]} -eq 7 ] || echo "partly up: not running: ${missing[*]}"
	echo "left from the cluster:"
	echo "$left" | sed 's/^/  /'
	return 1
}

env_() {
	echo "export KUBECONFIG=$state/kubeconfig"
	echo "export DRILL_K8S_CONTAINERD=$sock"
	echo "export DRILL_K8S_STORAGECLASS=drill-local"
}

# run_ runs a command against the cluster: started for it and stopped after when the
# binaries are built and it is not up already; without KUBECONFIG (the specs skip, saying
# why) when the binaries are not built. It never builds them.
run_() {
	local started=0 code=0
	if [ ! -x "$bin/kube" ] || [ ! -x "$bin/etcd" ]; then
		echo "kubernetes binaries not built ($bin): the Kubernetes specs will be skipped (make k8s builds them)"
		env -u KUBECONFIG "$@" 9<&- || code=$?
		return $code
	fi
	if ! status >/dev/null 2>&1; then
		# Whatever ends this script from here on (a failed up, Ctrl-C) stops the cluster.
		trap 'down_locked || true' EXIT
		trap 'exit 130' INT TERM
		started=1
		up
	fi
	eval "$(env_)"
	"$@" 9<&- || code=$?
	if [ $started = 1 ]; then
		trap - EXIT
		down || code=1
	fi
	return $code
}

cmd="${1:-}"
[ $# -gt 0 ] && shift
case "$cmd" in
up) lock && up ;;
down) lock && down ;;
status) status ;;
env) env_ ;;
load)
	[ $# -gt 0 ] || die "usage: cluster.sh load IMAGE..."
	load "$@"
	;;
run)
	[ "${1:-}" = "--" ] && shift
	[ $# -gt 0 ] || die "usage: cluster.sh run [--] COMMAND..."
	lock
	run_ "$@"
	;;
*)
	echo "usage: cluster.sh up|down|status|env|load IMAGE...|run COMMAND..." >&2
	exit 2
	;;
esac
