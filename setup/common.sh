# Shared helpers for ./setup/run, ./setup/test and ./setup/lint (sourced, not executed).
#
# Environment (all optional):
#   ODOO_SRC        Odoo 18.0 Community source tree (the folder holding odoo/release.py);
#                   default /opt/odoo, else .local/odoo-src, else Odoo's official download
#   PYTHON          interpreter for the venv (3.10-3.12); default: the first one found
#   PGHOST PGPORT PGUSER   PostgreSQL server to use; default 127.0.0.1:5432, current user
#   EINVOICE_NO_APT=1      never install Debian packages, only report what is missing
#   EINVOICE_OFFLINE=1     never download (Odoo source, validation rules)
#   EINVOICE_LOCAL  folder for what the commands make (default .local)
#   ODOO_HTTP_PORT  port of ./setup/run (default 8069)
#   EINVOICE_TEST_DATE     ./setup/test runs at that date (see use_date)

set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL="${EINVOICE_LOCAL:-$REPO/.local}"
VENV="$REPO/.venv"
SHARED="$(cd "$REPO/.." && pwd)/shared"
ODOO_SERIES="18.0"
ODOO_DOWNLOAD_URL="${ODOO_DOWNLOAD_URL:-https://nightly.odoo.com/18.0/nightly/tgz/odoo_18.0.latest.tar.gz}"
mkdir -p "$LOCAL"
export EINVOICE_LOCAL="$LOCAL"

say() { printf '\033[1m[einvoice]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[31m[einvoice] ERROR:\033[0m %s\n' "$*" >&2; exit 2; }

# --- Debian packages -------------------------------------------------------------------
_apt_updated=""
apt_ensure() {
    # apt_ensure <command-or-file> <debian-package>...: installs the packages when the
    # command/file is missing and we may (root, apt present, EINVOICE_NO_APT unset).
    local probe="$1"; shift
    if command -v "$probe" >/dev/null 2>&1 || [ -e "$probe" ]; then return 0; fi
    if [ "${EINVOICE_NO_APT:-}" = "1" ] || [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null; then
        say "missing: $probe (Debian package(s): $*); install them, or some features will not work"
        return 1
    fi
    say "installing Debian package(s): $*"
    if [ -z "$_apt_updated" ]; then apt-get update -qq >/dev/null 2>&1 || true; _apt_updated=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >"$LOCAL/apt.log" 2>&1 \
        || { say "apt-get install $* failed (see $LOCAL/apt.log)"; return 1; }
}

ensure_system_packages() {
    # python-ldap builds against these headers; the rest are runtime tools.
    apt_ensure /usr/include/ldap.h libldap2-dev || true
    apt_ensure /usr/include/sasl/sasl.h libsasl2-dev || true
    apt_ensure wkhtmltopdf wkhtmltopdf || true
    apt_ensure pdfinfo poppler-utils || true
    if ! command -v chromium >/dev/null && ! command -v google-chrome >/dev/null; then
        apt_ensure chromium chromium || true
    fi
}

# --- Odoo source -----------------------------------------------------------------------
_is_odoo18() { [ -f "$1/odoo/release.py" ] && grep -qE "^version_info = \(18, 0," "$1/odoo/release.py"; }

find_odoo_src() {
    local cand
    if [ -n "${ODOO_SRC:-}" ]; then
        _is_odoo18 "$ODOO_SRC" || die "ODOO_SRC=$ODOO_SRC is not an Odoo 18.0 source tree (expected $ODOO_SRC/odoo/release.py with version 18.0)"
        ODOO_SRC="$(cd "$ODOO_SRC" && pwd)"; export ODOO_SRC; return 0
    fi
    # Where an Odoo source tree is looked for when ODOO_SRC is not set (colon-separated).
    local search="${EINVOICE_ODOO_SEARCH:-/opt/odoo:$LOCAL/odoo-src}"
    IFS=: read -r -a cands <<<"$search"
    for cand in "${cands[@]}"; do
        if [ -n "$cand" ] && _is_odoo18 "$cand"; then ODOO_SRC="$(cd "$cand" && pwd)"; export ODOO_SRC; return 0; fi
    done
    if [ "${EINVOICE_OFFLINE:-}" != "1" ] && command -v curl >/dev/null; then
        say "no Odoo 18.0 source found; downloading Odoo's official $ODOO_SERIES nightly"
        local tmp="$LOCAL/odoo-src.tmp"; rm -rf "$tmp"; mkdir -p "$tmp"
        if curl -fsSL --connect-timeout 15 --max-time 900 "$ODOO_DOWNLOAD_URL" | tar -xz -C "$tmp" --strip-components=1; then
            if _is_odoo18 "$tmp"; then
                rm -rf "$LOCAL/odoo-src"; mv "$tmp" "$LOCAL/odoo-src"
                ODOO_SRC="$LOCAL/odoo-src"; export ODOO_SRC; return 0
            fi
        fi
        rm -rf "$tmp"
    fi
    die "Odoo 18.0 Community source not found.
  Provide it in one of these ways, then run the command again:
    * export ODOO_SRC=/path/to/odoo   (a checkout of https://github.com/odoo/odoo branch 18.0,
                                        or an unpacked 18.0 nightly; the folder with odoo/release.py)
    * put that tree at /opt/odoo
    * allow this machine to download $ODOO_DOWNLOAD_URL"
}

# --- Python venv -----------------------------------------------------------------------
find_python() {
    local cand v
    for cand in "${PYTHON:-}" python3.11 python3.12 python3.10 python3; do
        [ -n "$cand" ] && command -v "$cand" >/dev/null 2>&1 || continue
        v="$("$cand" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" || continue
        case "$v" in 3.10|3.11|3.12) PYTHON="$(command -v "$cand")"; return 0 ;; esac
    done
    die "Python 3.10, 3.11 or 3.12 is needed (Odoo 18); set PYTHON=/path/to/python3.x"
}

ensure_venv() {
    find_odoo_src
    local stamp_file="$VENV/.einvoice-stamp" want
    want="$( { echo "$ODOO_SRC"; cat "$ODOO_SRC/requirements.txt" "$REPO/setup/requirements.txt"; } | sha1sum | cut -c1-16)"
    if [ -x "$VENV/bin/python" ] && [ "$(cat "$stamp_file" 2>/dev/null)" = "$want" ]; then
        return 0
    fi
    ensure_system_packages
    find_python
    if [ ! -x "$VENV/bin/python" ]; then
        say "creating $VENV with $PYTHON"
        "$PYTHON" -m venv "$VENV"
    fi
    say "installing Odoo's requirements and ours into $VENV (about a minute the first time)"
    "$VENV/bin/python" -m pip install -q --upgrade pip wheel 'setuptools<81' >/dev/null \
        2> >(grep -v '^WARNING: Location' >&2)
    # Old sdists among Odoo's pins import pkg_resources while building: keep setuptools<81
    # in their isolated build environments too (pip >= 25.3 reads --build-constraint,
    # older pips read PIP_CONSTRAINT there).
    local bc="$LOCAL/build-constraints.txt"
    echo 'setuptools<81' >"$bc"
    local args=(-q)
    if "$VENV/bin/python" -m pip install --help | grep -q -- '--build-constraint'; then
        args+=(--build-constraint "$bc")
    else
        export PIP_CONSTRAINT="$bc"
    fi
    "$VENV/bin/python" -m pip install "${args[@]}" -r "$ODOO_SRC/requirements.txt" -r "$REPO/setup/requirements.txt" \
        2> >(grep -v '^WARNING: Location' >&2) || die "pip install failed (see above)"
    unset PIP_CONSTRAINT
    # Odoo itself is used in place: the venv sees the source tree through a .pth file.
    "$VENV/bin/python" - "$ODOO_SRC" <<'PY'
import sys, sysconfig, pathlib
pathlib.Path(sysconfig.get_paths()["purelib"], "einvoice-odoo-src.pth").write_text(sys.argv[1] + "\n")
PY
    "$VENV/bin/python" -c 'import odoo.release as r; assert r.serie == "18.0", r.serie' \
        || die "the venv cannot import Odoo 18.0 from $ODOO_SRC"
    echo "$want" >"$stamp_file"
}

# --- PostgreSQL ------------------------------------------------------------------------
PG_STARTED_HERE=""
_pg_bindir() {
    local d
    for d in /usr/lib/postgresql/*/bin; do [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }; done
    command -v pg_ctl >/dev/null && { dirname "$(command -v pg_ctl)"; return 0; }
    return 1
}

_pg_answers() {
    "$VENV/bin/python" - <<'PY' 2>/dev/null
import os, psycopg2
psycopg2.connect(dbname="postgres", host=os.environ["PGHOST"], port=os.environ["PGPORT"],
                 user=os.environ["PGUSER"], connect_timeout=3).close()
PY
}

ensure_postgres() {
    export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-$(id -un)}"
    [ "$PGUSER" = "postgres" ] && die "Odoo refuses to connect as the 'postgres' role: set PGUSER to another role"
    if _pg_answers; then return 0; fi
    # No server answers: run a private cluster under .local/pgdata on that port.
    local bindir pgdata="$LOCAL/pgdata" owner
    bindir="$(_pg_bindir)" || { apt_ensure /usr/lib/postgresql postgresql >/dev/null; bindir="$(_pg_bindir)"; } \
        || die "no PostgreSQL answers on $PGHOST:$PGPORT and no PostgreSQL server is installed; install PostgreSQL (12+) or set PGHOST/PGPORT"
    owner="$(id -un)"
    if [ "$(id -u)" = "0" ]; then
        # PostgreSQL will not run as root: the cluster belongs to an unprivileged user.
        owner="${EINVOICE_PG_OS_USER:-postgres}"
        id "$owner" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$owner"
    fi
    _as_owner() { if [ "$owner" = "$(id -un)" ]; then "$@"; else runuser -u "$owner" -- "$@"; fi; }
    # A cluster left running by an interrupted command answers elsewhere (or with an
    # old clock, see use_date): it is ours, stop it before starting it here.
    if [ -f "$pgdata/postmaster.pid" ] && _as_owner "$bindir/pg_ctl" -D "$pgdata" status >/dev/null 2>&1; then
        _as_owner "$bindir/pg_ctl" -D "$pgdata" -m fast -w stop >/dev/null || true
    fi
    if [ ! -f "$pgdata/PG_VERSION" ]; then
        say "starting a private PostgreSQL cluster in $pgdata"
        mkdir -p "$pgdata"; chown "$owner" "$pgdata"; chmod 700 "$pgdata"
        _as_owner "$bindir/initdb" -D "$pgdata" -A trust -U "$owner" -E UTF8 --locale=C.UTF-8 >"$LOCAL/initdb.log" 2>&1 \
            || die "initdb failed (see $LOCAL/initdb.log)"
    fi
    # Socket and log in a folder the cluster's owner can write to.
    local run="$LOCAL/pgrun"
    mkdir -p "$run"; chown "$owner" "$run"
    chmod o+x "$LOCAL" 2>/dev/null || true
    _as_owner env "${FAKE_ENV[@]}" "$bindir/pg_ctl" -D "$pgdata" -l "$run/postgres.log" -w -t 60 \
        -o "-c listen_addresses=$PGHOST -p $PGPORT -k $run -c fsync=off" start >/dev/null \
        || die "could not start PostgreSQL (see $run/postgres.log)"
    PG_STARTED_HERE="$pgdata"
    PG_CTL_STOP=("$bindir/pg_ctl" -D "$pgdata" -m fast -w stop)
    if [ "$owner" != "$(id -un)" ]; then PG_CTL_STOP=(runuser -u "$owner" -- "${PG_CTL_STOP[@]}"); fi
    if [ "$owner" != "$PGUSER" ]; then
        _as_owner "$bindir/psql" -h "$PGHOST" -p "$PGPORT" -U "$owner" -d postgres -qtAc \
            "SELECT 1 FROM pg_roles WHERE rolname='$PGUSER'" | grep -q 1 \
            || _as_owner "$bindir/createuser" -h "$PGHOST" -p "$PGPORT" -U "$owner" -s "$PGUSER"
    fi
    trap stop_postgres EXIT
}

stop_postgres() {
    if [ -n "$PG_STARTED_HERE" ]; then
        "${PG_CTL_STOP[@]}" >/dev/null 2>&1 || true
        PG_STARTED_HERE=""
    fi
}

# --- Running at another date ----------------------------------------------------------
# use_date "YYYY-MM-DD[ HH:MM[:SS]]": what these scripts start afterwards through
# "${FAKE_ENV[@]}" (PostgreSQL, Odoo, pytest and the browser, wkhtmltopdf and helpers
# they start) reads a clock that starts at that moment (00:00:00 local time without a
# time) and runs on in real time. libfaketime shifts the wall clock of every process by
# the same number of seconds, so the database's now() / CURRENT_DATE and Python's
# date.today() agree, as on a real machine on that day. The database server has to run
# under that clock too: its own cluster under $LOCAL/at-<date>/pgdata, on a free port,
# built (Odoo base, addons and demo data) on that day the first time. The validation
# rules stay shared. One run per date and checkout at a time.
FAKE_ENV=()
use_date() {
    local when="$1" start lib cand
    [[ "$when" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}( [0-9]{2}:[0-9]{2}(:[0-9]{2})?)?$ ]] \
        && start="$(date -d "$when" +%s 2>/dev/null)" \
        || die "a test date is YYYY-MM-DD or \"YYYY-MM-DD HH:MM:SS\" (local time), a real day; got: $when"
    apt_ensure faketime faketime \
        || die "running at another date needs libfaketime (Debian packages faketime, libfaketime)"
    for cand in /usr/lib/*/faketime/libfaketimeMT.so.1 /usr/lib/faketime/libfaketimeMT.so.1; do
        [ -f "$cand" ] && { lib="$cand"; break; }
    done
    [ -n "${lib:-}" ] || die "libfaketimeMT.so.1 not found (Debian package libfaketime)"
    export EINVOICE_RULES_DIR="${EINVOICE_RULES_DIR:-$LOCAL/rules}"
    LOCAL="$LOCAL/at-${when%% *}"
    mkdir -p "$LOCAL"
    export EINVOICE_LOCAL="$LOCAL"
    # The cluster of that date, on a port nothing else uses.
    export PGHOST=127.0.0.1
    PGPORT="$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    export PGPORT
    # Only the wall clock is shifted. Timed waits take their deadline from the
    # monotonic clock: shifted too, Python's (sem_clockwait) would wait as long as the
    # shift (libfaketime issue #390). And libfaketime 0.9.10 must leave the deadlines
    # of pthread_cond_timedwait as they are (FAKETIME_FORCE_MONOTONIC_FIX=0): moved,
    # they make Chromium hang and Python threads fight for the interpreter lock (two
    # busy threads ran over 100 times slower). time.sleep needs
    # setup/faketime/sitecustomize.py (issue #426).
    # The shift is taken from the real clock, also when this runs under a shifted one
    # (the suite's own test of this function, in a run at another date).
    local others
    others="$(tr ':' '\n' <<<"${LD_PRELOAD:-}" | grep -v faketime | paste -sd:)" || true
    FAKE_ENV=(
        "LD_PRELOAD=$lib${others:+:$others}"
        "FAKETIME=$(printf '%+d' $((start - $(env -u LD_PRELOAD date +%s))))"
        "DONT_FAKE_MONOTONIC=1"
        "FAKETIME_FORCE_MONOTONIC_FIX=0"
        "PYTHONPATH=$REPO/setup/faketime${PYTHONPATH:+:$PYTHONPATH}"
    )
    say "running at $(env "${FAKE_ENV[@]}" date '+%F %T %Z') (libfaketime; PostgreSQL of that date on port $PGPORT, in $LOCAL)"
}

# --- Everything a command needs --------------------------------------------------------
prepare() {
    ensure_venv
    ensure_postgres
    "$VENV/bin/python" "$REPO/setup/rules.py" ensure
}

odoo_py() { "$VENV/bin/python" "$REPO/setup/odoo_env.py" "$@"; }
