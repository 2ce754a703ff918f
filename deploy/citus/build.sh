#!/usr/bin/env bash
# Build and install Citus from a source directory the operator names.
#
#   deploy/citus/build.sh SOURCE_DIR
#
# SOURCE_DIR is an unpacked Citus release (13.2 supports PostgreSQL 15), e.g.
#   git clone --branch v13.2.0 https://github.com/citusdata/citus SOURCE_DIR
# The extension is installed into PostgreSQL 15's lib/share directories
# (/usr/lib/postgresql/15/lib on Debian). Needs root (or sudo) for apt-get
# and make install.
set -euo pipefail

SRC="${1:-}"
if [[ -z "$SRC" || ! -f "$SRC/configure" ]]; then
    echo "usage: $0 SOURCE_DIR  (an unpacked Citus source tree with ./configure)" >&2
    exit 2
fi

SUDO=""
if [[ "$(id -u)" != "0" ]]; then
    SUDO="sudo"
fi

PG_MAJOR="${PG_MAJOR:-15}"
PACKAGES=(
    build-essential autoconf flex bison
    "postgresql-server-dev-${PG_MAJOR}"
    liblz4-dev libzstd-dev libkrb5-dev libssl-dev libselinux1-dev
    libxslt1-dev libpam0g-dev libreadline-dev zlib1g-dev
)
missing=()
for pkg in "${PACKAGES[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if (( ${#missing[@]} )); then
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

PG_CONFIG="${PG_CONFIG:-/usr/lib/postgresql/${PG_MAJOR}/bin/pg_config}"
if [[ ! -x "$PG_CONFIG" ]]; then
    PG_CONFIG="$(command -v pg_config)"
fi

JOBS="${JOBS:-$(nproc)}"
cd "$SRC"

# PostgreSQL 15.14+ exports have_createdb_privilege() from its own headers; Citus 13.2's
# compatibility header still defines a static copy for PostgreSQL 15 and the build stops
# on the conflicting declarations. When the server's headers have it, drop the copy.
INCLUDEDIR_SERVER="$("$PG_CONFIG" --includedir-server)"
COMPAT="src/include/pg_version_compat.h"
if grep -q "extern bool have_createdb_privilege" "$INCLUDEDIR_SERVER/commands/dbcommands.h" \
    && grep -q "^have_createdb_privilege(void)" "$COMPAT"; then
    python3 - "$COMPAT" <<'PY'
import re
import sys

path = sys.argv[1]
text = open(path).read()
text = re.sub(
    r"static inline bool\nhave_createdb_privilege\(void\)\n\{.*?\n\}\n",
    "/* have_createdb_privilege() comes from the server's commands/dbcommands.h */\n",
    text,
    count=1,
    flags=re.S,
)
open(path, "w").write(text)
PY
    echo "using the server's have_createdb_privilege() (PostgreSQL 15.14+ headers)"
fi
# Citus' optional HTTP statistics collector needs libcurl; the cluster does
# not use it, so it is left out to keep the dependency list short.
PG_CONFIG="$PG_CONFIG" ./configure --without-libcurl
make -j"$JOBS"
$SUDO make install
echo "Citus installed into $("$PG_CONFIG" --pkglibdir)"
