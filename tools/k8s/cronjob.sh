#!/usr/bin/env bash
# cronjob.sh puts the scheduled-drill recipe (deploy/cronjob.yaml) on the project's test
# cluster and runs it, through the API server's own server-side apply (curl; no kubectl):
#   apply SCENARIO   load the drill image (make drill-image) and the scenario's images
#                    (drill images), apply deploy/cronjob.yaml, and put SCENARIO in the
#                    ConfigMap drill-scenario the CronJob reads; DRILL_CRONJOB_SCHEDULE
#                    (e.g. "* * * * *") replaces the manifest's daily schedule
#   now              start a Job from the CronJob at once and wait for it to finish; print
#                    its log and where the results volume is on the host
#   check DIR        copy the results volume's files into DIR and read them with drill
#                    report (the period report, written to DIR/report); fails unless it
#                    counts at least one run
#   delete           remove everything the recipe made (namespace drill, its ClusterRole,
#                    the images apply loaded that the cluster did not have)
# See docs/scheduled-drills.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
eval "$("$here/cluster.sh" env)"
state="$(dirname "$KUBECONFIG")"
image="${DRILL_CRONJOB_IMAGE:-drill:latest}"
manager=drill-cronjob

die() { echo "cronjob.sh: $*" >&2; exit 1; }
token() { awk '$1 == "token:" { print $2; exit }' "$KUBECONFIG"; }
ctr_() { ctr -a "$DRILL_K8S_CONTAINERD" -n k8s.io "$@"; }
ref() { case "$1" in */*) echo "docker.io/$1" ;; *) echo "docker.io/library/$1" ;; esac; } # containerd's name
api() { # method path content-type [curl args]: one request; the body on stdout, fails on HTTP >= 400
	local method="$1" path="$2" type="$3"
	shift 3
	curl -sS --fail-with-body --max-time 30 --cacert "$state/pki/ca.crt" -H "Authorization: Bearer $(token)" \
		-H "Content-Type: $type" -X "$method" "https://127.0.0.1:6443$path" "$@"
}

# path_of prints the API path of the object in one YAML document (our manifests' layout:
# apiVersion and kind at the top, name and namespace two spaces in under metadata).
path_of() {
	awk '
		/^apiVersion:/ { v = $2 } /^kind:/ { k = $2 }
		/^metadata:/ { m = 1; next } /^[^ #]/ { m = 0 }
		m && /^  name:/ { n = $2 } m && /^  namespace:/ { ns = $2 }
		END {
			base = (v ~ /\//) ? "/apis/" v : "/api/" v
			if (ns != "") base = base "/namespaces/" ns
			print base "/" tolower(k) "s/" n
		}' <<<"$1"
}

# apply_file applies every document of a manifest with server-side apply.
apply_file() {
	local doc path
	while IFS= read -r -d $'\x1e' doc; do
		grep -q '^kind:' <<<"$doc" || continue
		path="$(path_of "$doc")"
		api PATCH "$path?fieldManager=$manager&force=true" application/apply-patch+yaml --data-binary "$doc" >/dev/null ||
			die "apply $path: failed (above)"
		echo "applied $path"
	done < <(awk '/^---/ { printf "\x1e"; next } { print } END { printf "\x1e" }' "$1")
}

apply() {
	local scenario="$1" images
	[ -f "$scenario" ] || die "apply: no scenario file $scenario"
	docker image inspect "$image" >/dev/null 2>&1 || die "no image $image: make drill-image builds it"
	[ -x "$root/bin/drill" ] || die "no bin/drill: make drill-image builds it"
	# The scenario's images as drill names them (its fixtures' and the proxy's, built from
	# the same binary as the drill image): the test cluster has no registry to pull them from.
	mapfile -t images < <("$root/bin/drill" images "$scenario" | awk -F'\t' '{ print $2 }')
	# What the cluster lacks is loaded and labelled, so that delete removes it and
	# nothing the cluster had before.
	local absent=() name
	for name in "$image" "${images[@]}"; do
		ctr_ images ls -q "name==$(ref "$name")" | grep -q . || absent+=("$name")
	done
	"$here/cluster.sh" load "$image" "${images[@]}"
	for name in "${absent[@]}"; do
		ctr_ images label "$(ref "$name")" dev.drill.cronjob=loaded >/dev/null
	done
	echo "loaded $image ${images[*]}"
	# drill in a pod cannot see containerd: it finds its images in what the node reports
	# holding, which the kubelet updates up to a minute after an import.
	local deadline=$((SECONDS + 120)) listed
	for name in "${images[@]}"; do
		while :; do
			listed="$(api GET /api/v1/nodes application/json | jq --arg n "docker.io/library/$name" \
				'[.items[] | any(.status.images[]?; .names | index($n))] | all')"
			[ "$listed" = true ] && break
			[ $SECONDS -lt $deadline ] || die "apply: the node does not report holding $name after 120 s"
			sleep 2
		done
	done
	echo "the node reports holding ${images[*]}"
	apply_file "$root/deploy/cronjob.yaml"
	if [ -n "${DRILL_CRONJOB_SCHEDULE:-}" ]; then
		jq -n --arg s "$DRILL_CRONJOB_SCHEDULE" '{spec: {schedule: $s}}' |
			api PATCH /apis/batch/v1/namespaces/drill/cronjobs/drill application/merge-patch+json --data-binary @- >/dev/null
		echo "schedule: $DRILL_CRONJOB_SCHEDULE"
	fi
	jq -n --rawfile s "$scenario" '{apiVersion: "v1", kind: "ConfigMap",
		metadata: {name: "drill-scenario", namespace: "drill"}, data: {"scenario.yaml": $s}}' |
		api PATCH "/api/v1/namespaces/drill/configmaps/drill-scenario?fieldManager=$manager&force=true" \
			application/apply-patch+yaml --data-binary @- >/dev/null
	echo "applied /api/v1/namespaces/drill/configmaps/drill-scenario ($scenario)"
}

# now creates a Job from the CronJob's template (what the schedule does) and waits for it.
now() {
	local name job status pod pv
	name="drill-now-$(date +%s)"
	job="$(api GET /apis/batch/v1/namespaces/drill/cronjobs/drill application/json |
		jq --arg n "$name" '{apiVersion: "batch/v1", kind: "Job",
			metadata: {name: $n, namespace: "drill", annotations: {"cronjob.kubernetes.io/instantiate": "manual"},
				ownerReferences: [{apiVersion: "batch/v1", kind: "CronJob", name: .metadata.name, uid: .metadata.uid}]},
			spec: .spec.jobTemplate.spec}')"
	api POST /apis/batch/v1/namespaces/drill/jobs application/json -d "$job" >/dev/null
	echo "job $name started"
	while :; do
		status="$(api GET "/apis/batch/v1/namespaces/drill/jobs/$name" application/json |
			jq -r '[.status.conditions[]? | select(.status == "True") | .type] | map(select(. == "Complete" or . == "Failed")) | first // ""')"
		[ -z "$status" ] || break
		sleep 1
	done
	pod="$(api GET "/api/v1/namespaces/drill/pods?labelSelector=job-name%3D$name" application/json | jq -r '.items[0].metadata.name')"
	api GET "/api/v1/namespaces/drill/pods/$pod/log" application/json || true
	pv="$(api GET /api/v1/namespaces/drill/persistentvolumeclaims/drill-results application/json | jq -r .spec.volumeName)"
	echo "job $name: $status; results volume on the host: $(api GET "/api/v1/persistentvolumes/$pv" application/json | jq -r .spec.hostPath.path)"
	[ "$status" = Complete ]
}

# check copies the results volume's files (a hostPath on the test cluster's drill-local
# class) into DIR and reads them as a team would, with drill report.
check() {
	local dir="$1" pv path runs
	pv="$(api GET /api/v1/namespaces/drill/persistentvolumeclaims/drill-results application/json | jq -r .spec.volumeName)"
	path="$(api GET "/api/v1/persistentvolumes/$pv" application/json | jq -r .spec.hostPath.path)"
	[ -d "$path" ] || die "check: the results volume $pv has no directory on this host ($path)"
	mkdir -p "$dir"
	cp -rp "$path"/. "$dir"/
	echo "copied $(find "$dir" -maxdepth 1 -name '*.json' | wc -l) results files from $path to $dir"
	"$root/bin/drill" report "$dir" --out "$dir/report"
	runs="$(jq -r .runs "$dir"/report/drill-report-*.json | sort -n | tail -1)"
	[ "${runs:-0}" -ge 1 ] || die "check: drill report counted no run in $dir"
	echo "drill report read $runs runs of the CronJob"
}

# unload removes the images apply loaded (labelled dev.drill.cronjob), each with the
# sha256: id references of its content that no other name shares.
unload() {
	local list name digest gone=()
	list="$(ctr_ images ls | awk 'NR > 1 { print $1, $3, $NF }')"
	while read -r name digest _; do
		gone+=("$name")
		if [ "$(awk -v d="$digest" '$2 == d && $1 !~ /^sha256:/' <<<"$list" | wc -l)" = 1 ]; then
			mapfile -t -O "${#gone[@]}" gone < <(awk -v d="$digest" '$2 == d && $1 ~ /^sha256:/ { print $1 }' <<<"$list")
		fi
	done < <(awk '$3 ~ /(^|,)dev\.drill\.cronjob=loaded(,|$)/' <<<"$list")
	[ ${#gone[@]} = 0 ] || ctr_ images rm "${gone[@]}" >/dev/null
	echo "removed ${#gone[@]} image references the recipe had loaded"
}

delete() {
	api DELETE /api/v1/namespaces/drill application/json >/dev/null 2>&1 || true
	api DELETE /apis/rbac.authorization.k8s.io/v1/clusterrolebindings/drill-runner application/json >/dev/null 2>&1 || true
	api DELETE /apis/rbac.authorization.k8s.io/v1/clusterroles/drill-runner application/json >/dev/null 2>&1 || true
	echo "deleted namespace drill and ClusterRole drill-runner"
	unload
}

case "${1:-}" in
apply)
	[ $# = 2 ] || die "usage: cronjob.sh apply SCENARIO"
	apply "$2"
	;;
now) now ;;
check)
	[ $# = 2 ] || die "usage: cronjob.sh check DIR"
	check "$2"
	;;
delete) delete ;;
*)
	echo "usage: cronjob.sh apply SCENARIO|now|check DIR|delete" >&2
	exit 2
	;;
esac
