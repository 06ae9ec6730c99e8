#!/usr/bin/env bash
# build.sh builds the test cluster's binaries once per machine: one multi-call Kubernetes
# binary (tools/k8s/kube) and etcd (tools/k8s/etcd), from the Go module proxy, into a cache
# directory keyed on their versions. A second call finds them and returns at once; a build
# that stops half way leaves nothing in the cache (it is renamed into place when whole).
# About 28 min of CPU once (15-20 min wall on 2 idle cores).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/versions.sh"
dir="$(k8s_bin_dir)"
if [ -x "$dir/kube" ] && [ -x "$dir/etcd" ]; then
	echo "kubernetes $KUBE_VERSION, etcd $ETCD_VERSION: built ($dir)"
	exit 0
fi
mkdir -p "$(dirname "$dir")"
tmp="$(mktemp -d "$(dirname "$dir")/.build-XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
echo "building kubernetes $KUBE_VERSION and etcd $ETCD_VERSION into $dir (once per machine; ~28 min of CPU)"
start=$SECONDS
(cd "$here/etcd" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$tmp/etcd" .)
# The version every component reports (/version, the node's kubelet version): go build
# cannot stamp it from the module, so it is set as Kubernetes' own build does.
v="${KUBE_VERSION#v}"
major="${v%%.*}"
minor="${v#*.}"
minor="${minor%%.*}"
stamp=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
	stamp+=" -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
done
(cd "$here/kube" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w$stamp" -o "$tmp/kube" .)
rm -rf "$dir"
mv "$tmp" "$dir"
trap - EXIT
echo "built in $((SECONDS - start)) s: $dir"
