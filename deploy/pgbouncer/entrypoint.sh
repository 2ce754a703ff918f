#!/bin/sh
# Writes this container's part of PgBouncer's configuration (addresses, database, pool sizes,
# the password file) and runs PgBouncer. The policy, above all pool_mode = session, is in
# pgbouncer.ini: the same file the native stack (deploy/prod_local.py) includes.
set -eu
: "${POSTGRES_HOST:=postgres}" "${POSTGRES_PORT:=5432}" "${POSTGRES_DB:?}" "${POSTGRES_USER:?}" "${POSTGRES_PASSWORD:?}"
: "${PGBOUNCER_MAX_CLIENT_CONN:=400}" "${PGBOUNCER_DEFAULT_POOL_SIZE:=40}"

umask 077
cat > /etc/pgbouncer/site.ini <<INI
[databases]
${POSTGRES_DB} = host=${POSTGRES_HOST} port=${POSTGRES_PORT} dbname=${POSTGRES_DB}

[pgbouncer]
%include /etc/pgbouncer/pgbouncer.ini
listen_addr = 0.0.0.0
listen_port = 6432
auth_file = /etc/pgbouncer/userlist.txt
max_client_conn = ${PGBOUNCER_MAX_CLIENT_CONN}
default_pool_size = ${PGBOUNCER_DEFAULT_POOL_SIZE}
admin_users = ${POSTGRES_USER}
stats_users = ${POSTGRES_USER}
unix_socket_dir = /var/run/pgbouncer
INI
printf '"%s" "%s"\n' "${POSTGRES_USER}" "${POSTGRES_PASSWORD}" > /etc/pgbouncer/userlist.txt
exec pgbouncer /etc/pgbouncer/site.ini
