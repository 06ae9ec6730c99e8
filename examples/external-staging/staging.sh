#!/bin/sh
# A stand-in for a staging environment drill did not start: the ledger fixture run by
# this script, not by drill, on 127.0.0.1:$LEDGER_PORT (default 18080). Its release v2
# ships a new code path behind the feature flag new-path, off at start; "deploy v2"
# turns it on (every request then fails) and "deploy v1" turns it off: the team's own
# deploy command, which the scenario's change and rollback hooks run.
#
#   staging.sh start | stop | deploy v1|v2 | status
#
# DRILL is the drill binary that serves the fixture (default: drill on PATH); the
# ledger's pid is kept in $STAGING_DIR/ledger.pid (default: this script's directory).
set -eu
port=${LEDGER_PORT:-18080}
dir=${STAGING_DIR:-$(dirname "$0")}
pidfile=$dir/ledger.pid
url=http://127.0.0.1:$port
case ${1:-} in
start)
	PORT=$port HOST=127.0.0.1 LEDGER_RELEASE=v2 LEDGER_DEFECT=errors \
		LEDGER_DEFECT_FLAG=new-path LEDGER_DEFECT_FLAG_START=off \
		nohup "${DRILL:-drill}" fixture ledger >"$dir/ledger.log" 2>&1 &
	echo $! >"$pidfile"
	for _ in $(seq 100); do
		curl -fsS "$url/version" >/dev/null 2>&1 && exit 0
		sleep 0.1
	done
	echo "staging.sh: the ledger did not answer on $url within 10s (see $dir/ledger.log)" >&2
	exit 1
	;;
stop)
	kill "$(cat "$pidfile")" && rm -f "$pidfile"
	;;
deploy)
	case ${2:-} in
	v1) on=false ;;
	v2) on=true ;;
	*) echo "usage: staging.sh deploy v1|v2" >&2; exit 2 ;;
	esac
	curl -fsS -X PUT -H 'Content-Type: application/json' -d "{\"enabled\": $on}" "$url/flags/new-path"
	;;
status)
	echo "pid $(cat "$pidfile")"
	curl -fsS "$url/flags/new-path"
	;;
*)
	echo "usage: staging.sh start | stop | deploy v1|v2 | status" >&2
	exit 2
	;;
esac
