#!/bin/sh
# A throwaway PostgreSQL cluster for the tests: Debian's postgresql server binaries, a data
# folder under DIR, run as an unprivileged user (initdb refuses root: as root the cluster runs
# as `nobody`), listening on a free loopback port and on a unix socket in DIR; fsync off unless
# SKILLCERT_PG_DURABLE=1 (benchmarks: durable like the SQLite registry's synchronous=FULL).
#   tests/pg/cluster.sh start DIR       prints the base URI: postgresql://skillcert@/?host=DIR/sock&port=N
#   tests/pg/cluster.sh createdb DIR NAME   a new empty database; prints its URI
#   tests/pg/cluster.sh stop DIR        stops the cluster (DIR is left for the caller to remove)
set -eu
bin=${SKILLCERT_PG_BIN:-$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -1)}
[ -x "$bin/initdb" ] || { echo "cluster.sh: no PostgreSQL server (Debian package postgresql)" >&2; exit 69; }
cmd=$1 dir=$2

as_owner() { # runs a command as the cluster's owner
  if [ "$(id -u)" -eq 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

uri() { # [database]
  echo "postgresql://skillcert@/${1:-postgres}?host=$dir/sock&port=$(cat "$dir/port")"
}

case $cmd in
start)
  mkdir -p "$dir/sock"
  [ "$(id -u)" -ne 0 ] || chown -R nobody "$dir"
  as_owner "$bin/initdb" -D "$dir/data" -U skillcert -A trust --no-sync -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; exit 1; }
  fast="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  [ "${SKILLCERT_PG_DURABLE:-0}" != 1 ] || fast=""
  for _ in 1 2 3; do # a port taken between choosing and starting: choose again
    free_port >"$dir/port"
    if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $(cat "$dir/port") -k $dir/sock -c listen_addresses=127.0.0.1 $fast -c max_connections=200" \
      start >/dev/null; then
      uri
      exit 0
    fi
  done
  cat "$dir/server.log" >&2
  exit 1
  ;;
createdb)
  "$bin/createdb" -h "$dir/sock" -p "$(cat "$dir/port")" -U skillcert "$3"
  uri "$3"
  ;;
stop)
  as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  ;;
*)
  echo "usage: cluster.sh start|createdb|stop DIR [NAME]" >&2
  exit 64
  ;;
esac
