#!/bin/sh
# tests/self-contained.sh: nothing in the repository points outside it. A
# clone holds no ../shared/ folder, and no DESIGN.md, STYLE.md or product
# specification: the repository's own ARCHITECTURE.md and man pages are what
# a reader has. Prints TAP.
src=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
echo "1..1"
hits=$(cd "$src" && grep -rnIE '\.\./shared|(^|[^A-Z_])(DESIGN|STYLE)\.md|\bPRD\b|spec/PRD' \
	--include='*.c' --include='*.h' --include='*.sql' --include='*.sh' --include='*.py' --include='*.js' \
	--include='*.html' --include='*.md' --include='*.mk' --include='*.am' --include='*.ac' \
	--include='*.[158]' --include='run' --include='check' --include='bench' --include='fuzz' \
	core db web tui tests tools man README.md ARCHITECTURE.md configure.ac Makefile.am 2>/dev/null |
	grep -v '^tests/self-contained.sh:' || true)
if [ -z "$hits" ]; then
	echo "ok 1 - no file points outside the repository (../shared, DESIGN.md, STYLE.md, the PRD)"
else
	echo "not ok 1 - files point outside the repository"
	echo "$hits" | sed 's/^/# /'
fi
