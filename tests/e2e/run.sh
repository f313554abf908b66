#!/bin/sh
# run.sh: the booking page in a real browser. Makes a throwaway database,
# migrates and seeds the demo studio with the redlight binary, starts
# redlightd on a free port serving web/static, then drives Debian's Chromium
# with playwright-core (tests/e2e/booking.test.js; its card-step tests,
# pay.test.js, start a redlightd of their own with Stripe keys and its job
# worker, on a second database, and the Stripe stand-in, and drive the
# console in tmux). Prints TAP; screenshots
# land in $top_builddir/test-output/e2e/. Runs under tests/lib/with-pg
# (re-executing itself through it).
#
# Needs /usr/bin/chromium and node (installed with apt-get when missing and
# root) and the npm packages of tests/e2e/package-lock.json (installed with
# npm ci when missing: in tests/e2e/node_modules, or in the build tree when
# the source tree is read-only, as under make distcheck). Never downloads a
# browser. Something missing that cannot be installed fails the suite.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
top_srcdir=$(cd "$top_srcdir" && pwd)
top_builddir=$(cd "$top_builddir" && pwd)
export top_srcdir top_builddir
here=$top_srcdir/tests/e2e

missing() { echo "1..1"; echo "not ok 1 - $1"; exit 0; }
# apt_install PACKAGE...: Debian packages, when we may (root)
apt_install() {
	[ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1 || return 1
	echo "# installing $*" >&2
	{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y "$@"; } >&2
}

# ---- what the browser test needs, before any database is made ----
if [ -z "${RL_E2E_WITH_PG:-}" ]; then
	chromium=${RL_CHROMIUM:-/usr/bin/chromium}
	[ -x "$chromium" ] || apt_install chromium
	[ -x "$chromium" ] || missing "chromium is missing at $chromium: apt-get install chromium"
	command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || apt_install nodejs npm
	command -v node >/dev/null 2>&1 || missing "node is missing: apt-get install nodejs npm"
	# the card-step tests: the Stripe stand-in and the console in tmux
	command -v tmux >/dev/null 2>&1 || apt_install tmux
	command -v tmux >/dev/null 2>&1 || missing "tmux is missing: apt-get install tmux"
	command -v python3 >/dev/null 2>&1 || missing "python3 is missing (the Stripe stand-in): apt-get install python3"
	for tool in psql createdb dropdb; do
		command -v "$tool" >/dev/null 2>&1 || missing "$tool is missing: install postgresql (tools/check does)"
	done
	modules=
	for d in "$here/node_modules" "$top_builddir/tests/e2e/node_modules"; do
		if [ -f "$d/playwright-core/package.json" ] && [ -f "$d/axe-core/axe.min.js" ]; then
			modules=$d
			break
		fi
	done
	if [ -z "$modules" ]; then
		command -v npm >/dev/null 2>&1 || missing "npm is missing: apt-get install npm"
		dir=$here
		if ! touch "$here/.write-test" 2>/dev/null; then
			# a read-only source tree (distcheck): install into the build tree
			dir=$top_builddir/tests/e2e
			mkdir -p "$dir"
			cp "$here/package.json" "$here/package-lock.json" "$dir/"
			chmod u+w "$dir/package.json" "$dir/package-lock.json"
		fi
		rm -f "$here/.write-test"
		echo "# npm ci in $dir" >&2
		(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) >&2 ||
			missing "npm ci failed in $dir: playwright-core and axe-core are needed from the npm registry"
		modules=$dir/node_modules
	fi
	RL_E2E_MODULES=$modules RL_CHROMIUM=$chromium RL_E2E_WITH_PG=1
	export RL_E2E_MODULES RL_CHROMIUM RL_E2E_WITH_PG
	exec "$top_srcdir/tests/lib/with-pg" sh "$0" "$@"
fi

redlightd=$top_builddir/redlightd
redlight=$top_builddir/redlight
# The test names its own configuration: nothing from the caller's shell.
unset REDLIGHT_CONF REDLIGHT_LISTEN REDLIGHT_STATIC_DIR REDLIGHT_PUBLIC_URL \
	REDLIGHT_WORKER REDLIGHT_MAX_BODY_BYTES REDLIGHT_DB_POOL REDLIGHT_LOG_FORMAT DATABASE_URL

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rl-e2e.XXXXXX")
pid=
url=
cleanup() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	if [ -n "$url" ]; then
		dropdb --if-exists --force "$(basename "${url%%\?*}")" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

if ! url=$("$top_srcdir/tests/lib/pg-test-db" e2e); then
	url=
	echo "Bail out! cannot create a test database"
	exit 1
fi
if ! (cd "$tmp" && DATABASE_URL=$url "$redlight" migrate >"$tmp/migrate.out" 2>&1 &&
	DATABASE_URL=$url "$redlight" seed demo >"$tmp/seed.out" 2>&1); then
	echo "Bail out! redlight migrate or seed demo failed"
	sed 's/^/# /' "$tmp/migrate.out" "$tmp/seed.out" 2>/dev/null
	exit 1
fi

# redlightd on a free port, the booking page from the source tree; no rate
# limits (one browser makes many requests), no job worker
log=$tmp/redlightd.log
(cd "$tmp" && DATABASE_URL=$url REDLIGHT_LISTEN=127.0.0.1:0 REDLIGHT_STATIC_DIR=$top_srcdir/web/static \
	REDLIGHT_RATE_LIMIT_SCALE=0 REDLIGHT_WORKER=0 exec "$redlightd" --listen 127.0.0.1:0) 2>"$log" &
pid=$!
base=
i=0
while [ $i -lt 200 ]; do
	base=$(sed -n 's/^redlightd: listening on \(http:.*\)$/\1/p' "$log")
	[ -n "$base" ] && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.05
	i=$((i + 1))
done
if [ -z "$base" ]; then
	echo "Bail out! redlightd did not start"
	sed 's/^/# /' "$log"
	exit 1
fi

out=$top_builddir/test-output/e2e
mkdir -p "$out"
RL_E2E_BASE=$base RL_E2E_DB=$url RL_E2E_OUT=$out RL_E2E_STATIC=$top_srcdir/web/static RL_E2E_REDLIGHTD=$redlightd \
	RL_E2E_REDLIGHT=$redlight RL_E2E_SRCDIR=$top_srcdir \
	NODE_PATH=$RL_E2E_MODULES node "$here/booking.test.js"
rc=$?
if [ $rc -ne 0 ]; then
	echo "# redlightd's log (last lines):"
	tail -n 30 "$log" | sed 's/^/# /'
fi
exit $rc
