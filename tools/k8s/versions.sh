# versions.sh names the test cluster's versions and where their binaries are cached.
# Sourced by build.sh and cluster.sh; every k8s.io module stays at one release.
KUBE_VERSION=v1.37.2
ETCD_VERSION=v3.7.3
k8s_cache_root() { echo "${DRILL_K8S_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/drill/k8s}"; }
k8s_bin_dir() { echo "$(k8s_cache_root)/kubernetes-$KUBE_VERSION-etcd-$ETCD_VERSION"; }
