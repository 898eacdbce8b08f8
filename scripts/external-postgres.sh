#!/usr/bin/env bash
# A PostgreSQL server from Debian's packages (postgresql-NN, /usr/lib/postgresql/NN/bin), run the
# way an operator runs a separate database server: its own cluster, its own user with a password,
# TCP on 127.0.0.1 only. CI (.ci/run) runs the test suite against it, so the code paths for an
# external DATABASE_URL are exercised rather than only the embedded PostgreSQL; e2e/cluster.spec.ts
# and bench/cluster.bench.ts start one the same way when DATABASE_URL_TEST is not set.
#
#   scripts/external-postgres.sh start [DIR]   initdb + start on a free port; prints the URL
#   scripts/external-postgres.sh url   [DIR]   prints the URL of the server started in DIR
#   scripts/external-postgres.sh stop  [DIR]   fast shutdown, then removes DIR
#
# DIR (default $BEATSIGHT_PG_DIR, else ${TMPDIR:-/tmp}/beatsight-external-pg) holds the cluster
# (DIR/data), its log (DIR/server.log) and the URL (DIR/url, readable by its owner only). The URL
# names a superuser (CREATE DATABASE rights: each test file creates its own database) and its
# maintenance database `postgres`. Settings: PG_BIN (the folder with initdb and pg_ctl; default the
# newest /usr/lib/postgresql/*/bin), PGPORT (default: a free one).
#
# PostgreSQL refuses to run as root; as root the server runs as the `postgres` system user that
# Debian's package creates, which must be able to enter DIR (so DIR must not sit under /root or
# another folder only root may enter: the default under /tmp is fine).
set -euo pipefail

usage() {
  echo "usage: $0 start|url|stop [DIR]" >&2
  exit 2
}
[ $# -ge 1 ] || usage
command=$1
dir=${2:-${BEATSIGHT_PG_DIR:-${TMPDIR:-/tmp}/beatsight-external-pg}}
dir=$(realpath -m "$dir")
data=$dir/data
user=beatsight

fail() {
  echo "external-postgres: $*" >&2
  exit 1
}

pg_bin() {
  if [ -n "${PG_BIN:-}" ]; then
    echo "$PG_BIN"
    return
  fi
  local newest
  newest=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$newest" ] && [ -x "$newest/pg_ctl" ] ||
    fail "no PostgreSQL server programs in /usr/lib/postgresql/*/bin. Install Debian's PostgreSQL (bash scripts/system-deps.sh, or apt-get install postgresql), or set PG_BIN to the folder holding initdb and pg_ctl."
  echo "$newest"
}

# Runs a PostgreSQL program as the account that owns the cluster: `postgres` when we are root.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# A port that nothing on 127.0.0.1 answers on (bash's /dev/tcp), below the range the kernel hands
# out to outgoing connections (which listen on nothing, yet would make the bind fail); a program
# taking it meanwhile is caught when PostgreSQL cannot bind, and another port is tried.
unused_port() {
  local port
  for _ in $(seq 50); do
    port=$((20000 + RANDOM % 12000))
    (: <"/dev/tcp/127.0.0.1/$port") 2>/dev/null || {
      echo "$port"
      return
    }
  done
  fail "found no free port on 127.0.0.1"
}

start() {
  local bin port password
  bin=$(pg_bin)
  if [ -f "$dir/url" ] && as_owner "$bin/pg_ctl" status -D "$data" >/dev/null 2>&1; then
    fail "a server is already running in $dir ($(url_of)); stop it first: $0 stop $dir"
  fi
  rm -rf "$data"
  mkdir -p "$dir"
  # The cluster's account must enter DIR; the URL file inside stays readable by us alone.
  chmod 0711 "$dir"
  mkdir -m 0700 "$data"
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 ||
      fail "running as root, PostgreSQL needs the 'postgres' system user (Debian's postgresql package creates it): apt-get install postgresql, or useradd --system postgres"
    chown postgres:postgres "$data"
    runuser -u postgres -- test -x "$dir" ||
      fail "the postgres user cannot enter $dir (a folder above it shuts others out); choose a DIR under /tmp"
  fi

  password=$(od -An -N18 -tx1 /dev/urandom | tr -d ' \n')
  local pwfile=$dir/pwfile
  (umask 077 && echo "$password" >"$pwfile")
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$pwfile"
  # Password (SCRAM) over TCP, as a managed server asks; the Unix socket lives inside the cluster
  # folder (no /var/run/postgresql needed) and only the cluster's own account can reach it.
  as_owner "$bin/initdb" --pgdata="$data" --username="$user" --pwfile="$pwfile" \
    --auth-host=scram-sha-256 --auth-local=trust --encoding=UTF8 --locale=C.UTF-8 \
    >"$dir/initdb.log" 2>&1 || fail "initdb failed: $(tail -n 5 "$dir/initdb.log")"
  rm -f "$pwfile"

  # Four app processes (two web, two workers) and parallel test files each hold a pool of ~15
  # connections: more than the default 100 allows.
  cat >>"$data/postgresql.conf" <<EOF

# scripts/external-postgres.sh
listen_addresses = '127.0.0.1'
unix_socket_directories = '$data'
max_connections = 300
EOF
  touch "$dir/server.log"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir/server.log"
  local tries=0
  for (( ; ; )); do
    port=${PGPORT:-$(unused_port)}
    as_owner "$bin/pg_ctl" start -D "$data" -l "$dir/server.log" -o "-p $port" -w -t 60 >/dev/null 2>&1 && break
    tries=$((tries + 1))
    if [ -n "${PGPORT:-}" ] || [ $tries -ge 5 ] || ! grep -q "could not bind" "$dir/server.log"; then
      fail "PostgreSQL did not start on 127.0.0.1:$port: $(tail -n 5 "$dir/server.log")"
    fi
  done

  (umask 077 && echo "postgres://$user:$password@127.0.0.1:$port/postgres" >"$dir/url")
  url_of
}

url_of() {
  [ -f "$dir/url" ] || fail "no server started in $dir (run: $0 start $dir)"
  cat "$dir/url"
}

stop() {
  if [ -d "$data" ]; then
    local bin
    bin=$(pg_bin)
    as_owner "$bin/pg_ctl" stop -D "$data" -m fast -w -t 60 >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

case "$command" in
  start) start ;;
  url) url_of ;;
  stop) stop ;;
  *) usage ;;
esac
