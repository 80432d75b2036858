#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster on loopback and print its URL on stdout.
# Usage: eval "$(bash .ci/postgres.sh start DIR)"  /  bash .ci/postgres.sh stop DIR
set -euo pipefail
action=${1:?start|stop}
dir=${2:?directory}
port=${TALKDOWN_PG_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$pgbin" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }
run_as() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "$action" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      run_as "$pgbin/initdb" -D "$dir/data" -A trust -U talkdown -E UTF8 --no-locale >"$dir/initdb.log" 2>&1
    fi
    run_as "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-h 127.0.0.1 -p $port -k $dir -c fsync=on -c max_connections=200" start >&2
    echo "export TALKDOWN_TEST_POSTGRES_URL=postgresql://talkdown@127.0.0.1:$port/postgres"
    ;;
  stop)
    run_as "$pgbin/pg_ctl" -D "$dir/data" -m fast stop >&2 || true
    ;;
esac
