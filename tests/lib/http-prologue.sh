# Sourced by the tests/http suites after they set top_srcdir and
# top_builddir: re-executes the suite under tests/lib/with-pg (once), and
# fails it at once, in TAP, when a tool it drives is missing.
if [ -z "${RL_HTTP_WITH_PG:-}" ]; then
	RL_HTTP_WITH_PG=1
	export RL_HTTP_WITH_PG
	exec "$top_srcdir/tests/lib/with-pg" sh "$0" "$@"
fi

for tool in curl python3 psql; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "1..1"; echo "not ok 1 - $tool is missing: install it (tools/check does)"
		exit 0
	fi
done
