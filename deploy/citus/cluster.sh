#!/usr/bin/env bash
# A local Citus cluster: a coordinator and two workers, three PostgreSQL 15 instances.
#
#   deploy/citus/cluster.sh start  DIR [PORT PORT PORT]   initialise (first time) and start
#   deploy/citus/cluster.sh stop   DIR                    stop the three instances
#   deploy/citus/cluster.sh status DIR                    what runs, and the worker nodes
#   deploy/citus/cluster.sh createdb DIR NAME             one more database, wired to the workers
#
# Ports are the three given (coordinator first) or free ones, remembered in DIR/ports.
# Every node has shared_preload_libraries=citus and citus.enable_schema_based_sharding=on;
# the database (CITUS_DATABASE, default "gianhang") has the extension on every node and
# the workers are added to the coordinator. `start` ends by printing the DATABASE_URL of
# the coordinator. Run as root, the instances run as CITUS_OS_USER (default postgres),
# since PostgreSQL refuses to run as root. Meant for trying the product on Citus and for
# the test suite; a production cluster is set up by its operator (deploy/SCALING.md).
set -euo pipefail

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
DATABASE="${CITUS_DATABASE:-gianhang}"
NODES=(coordinator worker1 worker2)

usage() {
    sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

[[ $# -ge 2 ]] || usage
CMD="$1"
DIR="$2"
shift 2

as_owner() {
    if [[ "$(id -u)" == "0" ]]; then
        runuser -u "${CITUS_OS_USER:-postgres}" -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

port_of() {
    local i="$1"
    sed -n "$((i + 1))p" "$DIR/ports"
}

psql_on() {
    local port="$1" db="$2"
    shift 2
    "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d "$db" "$@"
}

wire_database() {
    local db="$1" coord i
    coord="$(port_of 0)"
    for i in 0 1 2; do
        if [[ "$(psql_on "$(port_of "$i")" postgres -tAc \
            "SELECT count(*) FROM pg_database WHERE datname = '$db'")" == "0" ]]; then
            psql_on "$(port_of "$i")" postgres -c "CREATE DATABASE \"$db\""
        fi
        psql_on "$(port_of "$i")" "$db" -c "CREATE EXTENSION IF NOT EXISTS citus"
    done
    psql_on "$coord" "$db" -c "SELECT citus_set_coordinator_host('127.0.0.1', $coord)" >/dev/null
    for i in 1 2; do
        psql_on "$coord" "$db" -tAc \
            "SELECT citus_add_node('127.0.0.1', $(port_of "$i")) WHERE NOT EXISTS (
               SELECT 1 FROM pg_dist_node WHERE nodeport = $(port_of "$i"))" >/dev/null
    done
}

initialise() {
    mkdir -p "$DIR"
    if [[ "$(id -u)" == "0" ]]; then
        chown "${CITUS_OS_USER:-postgres}" "$DIR"
    fi
    local ports=("$@")
    if [[ ${#ports[@]} -eq 0 ]]; then
        ports=("$(free_port)" "$(free_port)" "$(free_port)")
    elif [[ ${#ports[@]} -ne 3 ]]; then
        echo "give three ports (coordinator, worker 1, worker 2) or none" >&2
        exit 2
    fi
    printf '%s\n' "${ports[@]}" >"$DIR/ports"
    local i node
    for i in 0 1 2; do
        node="${NODES[$i]}"
        as_owner "$PG_BIN/initdb" -D "$DIR/$node" -U postgres --auth=trust \
            --encoding=UTF8 --locale=C.UTF-8 >"$DIR/$node.initdb.log"
        cat >>"$DIR/$node/postgresql.conf" <<CONF
# --- local Citus cluster (deploy/citus/cluster.sh) ---
port = ${ports[$i]}
listen_addresses = '127.0.0.1'
unix_socket_directories = '$DIR'
shared_preload_libraries = 'citus'
citus.enable_schema_based_sharding = on
wal_level = logical
max_connections = 200
max_locks_per_transaction = 512
max_wal_senders = 10
max_replication_slots = 10
shared_buffers = 128MB
CONF
    done
}

start() {
    if [[ ! -f "$DIR/ports" ]]; then
        initialise "$@"
    fi
    local i node
    for i in 0 1 2; do
        node="${NODES[$i]}"
        if ! as_owner "$PG_BIN/pg_ctl" -D "$DIR/$node" status >/dev/null 2>&1; then
            as_owner "$PG_BIN/pg_ctl" -D "$DIR/$node" -l "$DIR/$node.log" -w -t 60 start >/dev/null
        fi
    done
    wire_database "$DATABASE"
    echo "DATABASE_URL=postgres://postgres@127.0.0.1:$(port_of 0)/$DATABASE"
}

stop() {
    [[ -f "$DIR/ports" ]] || { echo "no cluster in $DIR" >&2; exit 1; }
    local node
    for node in "${NODES[@]}"; do
        if as_owner "$PG_BIN/pg_ctl" -D "$DIR/$node" status >/dev/null 2>&1; then
            as_owner "$PG_BIN/pg_ctl" -D "$DIR/$node" -m fast -w stop >/dev/null
        fi
    done
    echo "stopped"
}

status() {
    [[ -f "$DIR/ports" ]] || { echo "no cluster in $DIR" >&2; exit 1; }
    local i node down=0
    for i in 0 1 2; do
        node="${NODES[$i]}"
        if as_owner "$PG_BIN/pg_ctl" -D "$DIR/$node" status >/dev/null 2>&1; then
            echo "$node: running on port $(port_of "$i")"
        else
            echo "$node: stopped"
            down=1
        fi
    done
    if [[ $down -eq 0 ]]; then
        psql_on "$(port_of 0)" "$DATABASE" -c \
            "SELECT nodename, nodeport, noderole, isactive FROM pg_dist_node ORDER BY nodeid"
    fi
    return $down
}

case "$CMD" in
start) start "$@" ;;
stop) stop ;;
status) status ;;
createdb)
    [[ $# -eq 1 ]] || usage
    wire_database "$1"
    echo "DATABASE_URL=postgres://postgres@127.0.0.1:$(port_of 0)/$1"
    ;;
*) usage ;;
esac
