#!/bin/sh
# Writes pgbouncer.ini and userlist.txt from the environment, then runs PgBouncer.
#
# pool_mode MUST stay "session": django-tenants switches stalls with SET search_path on the
# connection. In transaction pooling, the next client could get a server connection whose
# search_path still points at another school's schema, and read or write that school's data.
set -eu
: "${POSTGRES_HOST:=postgres}" "${POSTGRES_PORT:=5432}" "${POSTGRES_DB:?}" "${POSTGRES_USER:?}" "${POSTGRES_PASSWORD:?}"
: "${PGBOUNCER_MAX_CLIENT_CONN:=400}" "${PGBOUNCER_DEFAULT_POOL_SIZE:=40}"

umask 077
cat > /etc/pgbouncer/pgbouncer.ini <<INI
[databases]
${POSTGRES_DB} = host=${POSTGRES_HOST} port=${POSTGRES_PORT} dbname=${POSTGRES_DB}

[pgbouncer]
listen_addr = 0.0.0.0
listen_port = 6432
auth_type = scram-sha-256
auth_file = /etc/pgbouncer/userlist.txt
pool_mode = session
max_client_conn = ${PGBOUNCER_MAX_CLIENT_CONN}
default_pool_size = ${PGBOUNCER_DEFAULT_POOL_SIZE}
server_reset_query = DISCARD ALL
server_check_query = select 1
ignore_startup_parameters = extra_float_digits,options
admin_users = ${POSTGRES_USER}
stats_users = ${POSTGRES_USER}
log_connections = 0
log_disconnections = 0
unix_socket_dir = /var/run/pgbouncer
INI
printf '"%s" "%s"\n' "${POSTGRES_USER}" "${POSTGRES_PASSWORD}" > /etc/pgbouncer/userlist.txt
exec pgbouncer /etc/pgbouncer/pgbouncer.ini
