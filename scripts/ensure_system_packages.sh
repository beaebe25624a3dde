#!/usr/bin/env bash
# Make sure the system (Debian) packages the test suite needs are installed.
#
#   bash scripts/ensure_system_packages.sh              # PostgreSQL and Redis server binaries
#   bash scripts/ensure_system_packages.sh --chromium   # ... plus chromium + chromedriver, npm
#
# Idempotent: when everything is already there it does nothing (no apt-get at all).
#
# PostgreSQL: the tests start their own throwaway cluster (tests/_postgres.py), so only
# the binaries (initdb, pg_ctl, postgres) are needed. Before installing we tell
# postgresql-common not to create (and so not to start) the default "main" cluster;
# nothing in this project depends on a system cluster.
#
# PostgreSQL is not needed (and not installed) when TEST_POSTGRES_URL points at an
# existing server or GROUNDCHECK_SKIP_POSTGRES=1. Redis: the tests start their own
# redis-server on a free port (the shared figure cache, two app processes); not needed with
# TEST_REDIS_URL or GROUNDCHECK_SKIP_REDIS=1. No service is started by the installation.
set -euo pipefail

want_chromium=0
for arg in "$@"; do
    case "$arg" in
        --chromium) want_chromium=1 ;;
        -h|--help)
            sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
            exit 0 ;;
        *)
            echo "ensure_system_packages.sh: unknown argument: $arg" >&2
            exit 2 ;;
    esac
done

have_initdb() {
    local f
    for f in /usr/lib/postgresql/*/bin/initdb; do
        [ -x "$f" ] && return 0
    done
    command -v initdb >/dev/null 2>&1
}

missing=()      # Debian packages to install
reasons=()

if [ -n "${TEST_POSTGRES_URL:-}" ] || [ "${GROUNDCHECK_SKIP_POSTGRES:-0}" = "1" ]; then
    :   # no local PostgreSQL server needed
elif ! have_initdb; then
    missing+=(postgresql)
    reasons+=("no initdb found in /usr/lib/postgresql/*/bin")
fi

if [ -n "${TEST_REDIS_URL:-}" ] || [ "${GROUNDCHECK_SKIP_REDIS:-0}" = "1" ]; then
    :   # no local Redis server needed
elif ! command -v redis-server >/dev/null 2>&1; then
    missing+=(redis-server)
    reasons+=("no redis-server on PATH")
fi

if [ "$want_chromium" = 1 ]; then
    if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
        missing+=(chromium chromium-driver)
        reasons+=("/usr/bin/chromium or /usr/bin/chromedriver missing")
    fi
    # npm installs axe-core, which the browser tests inject into every page.
    if ! command -v npm >/dev/null 2>&1; then
        missing+=(npm)
        reasons+=("no npm on PATH (axe-core for the accessibility scan)")
    fi
fi

if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi

echo "ensure_system_packages: need Debian packages: ${missing[*]}" >&2
printf '  (%s)\n' "${reasons[@]}" >&2

if [ "$(id -u)" -ne 0 ]; then
    echo "ensure_system_packages: not running as root, cannot install them." >&2
    echo "Install them yourself, e.g.:" >&2
    echo "    sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure_system_packages: apt-get not found (not a Debian system?); install ${missing[*]} by hand." >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive

# Do not let the postgresql package create (and start) a default cluster.
# postgresql-common's createcluster.conf includes this directory.
if [[ " ${missing[*]} " == *" postgresql "* ]]; then
    mkdir -p /etc/postgresql-common/createcluster.d
    cat > /etc/postgresql-common/createcluster.d/50-groundcheck-no-main-cluster.conf <<'EOF'
# Written by NSCC Ground-Check's scripts/ensure_system_packages.sh: the test suite
# runs its own throwaway clusters and needs no default "main" cluster.
create_main_cluster = false
EOF
fi

apt-get update -qq
# Install without starting services (redis-server would start a system instance).
policy=/usr/sbin/policy-rc.d
had_policy=0; [ -e "$policy" ] && had_policy=1
if [ "$had_policy" = 0 ]; then printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod +x "$policy"; fi
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
if [ "$had_policy" = 0 ]; then rm -f "$policy"; fi

# Re-check what we installed.
if [[ " ${missing[*]} " == *" postgresql "* ]] && ! have_initdb; then
    echo "ensure_system_packages: postgresql installed but still no initdb found" >&2
    exit 1
fi
if [ "$want_chromium" = 1 ] && { [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; }; then
    echo "ensure_system_packages: chromium installed but /usr/bin/chromium or /usr/bin/chromedriver missing" >&2
    exit 1
fi
if [[ " ${missing[*]} " == *" redis-server "* ]] && ! command -v redis-server >/dev/null 2>&1; then
    echo "ensure_system_packages: redis-server installed but not on PATH" >&2
    exit 1
fi
echo "ensure_system_packages: installed ${missing[*]}" >&2
