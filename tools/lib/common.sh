# Shared by tools/run, tools/check and tools/bench (sourced, not run).
# Sets $top (the source tree) and offers deps_install and build_tree.

top=$(cd "$(dirname "$0")/.." && pwd)

say() { printf '%s\n' "$*"; }
die() { printf '%s: %s\n' "${0##*/}" "$*" >&2; exit 1; }

# Debian packages the build, the studio and the tests need.
DEPS_BUILD="build-essential autoconf automake pkg-config libncurses-dev libpq-dev
 libcurl4-openssl-dev libjson-c-dev libical-dev libuv1-dev libh2o-dev libssl-dev
 libsodium-dev libcunit1-dev zlib1g-dev tzdata"
DEPS_RUN="postgresql postgresql-common curl python3"
DEPS_TEST="tmux python3 procps chromium openssl clang-14 libclang-rt-14-dev python3-icalendar strace"

# deps_install PACKAGE...: install what is missing, with apt-get (as root, or
# through sudo). Quick when everything is there already.
deps_install() {
	missing=
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" -eq 0 ]; then sudo=; elif command -v sudo >/dev/null; then sudo=sudo; else
		die "missing Debian packages:$missing (install them: apt-get install$missing)"
	fi
	say "installing Debian packages:$missing"
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null ||
		die "apt-get update failed"
	# shellcheck disable=SC2086
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
		die "apt-get install failed for:$missing"
}

# deps_node: node and npm for the browser tests, from Debian unless some
# other packaging (NodeSource's nodejs carries its own npm) already has them.
deps_node() {
	command -v node >/dev/null 2>&1 || deps_install nodejs
	command -v npm >/dev/null 2>&1 || deps_install npm
}

# build_tree DIR [CONFIGURE-ARGS...]: configure (once) and build out of tree.
build_tree() {
	dir=$1; shift
	if [ ! -x "$top/configure" ] || [ "$top/configure.ac" -nt "$top/configure" ]; then
		(cd "$top" && autoreconf -fi >/dev/null 2>&1) || (cd "$top" && autoreconf -fi) ||
			die "autoreconf failed"
	fi
	mkdir -p "$dir"
	if [ ! -f "$dir/Makefile" ] || [ "$dir/config.status" -ot "$top/configure" ]; then
		(cd "$dir" && "$top/configure" "$@" >config.out 2>&1) ||
			{ tail -5 "$dir/config.out" >&2; die "configure failed (see $dir/config.log)"; }
	fi
	make -s -C "$dir" -j"$(nproc)" >"$dir/make.out" 2>&1 ||
		{ tail -30 "$dir/make.out" >&2; die "build failed (see $dir/make.out)"; }
}
