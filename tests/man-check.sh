#!/bin/sh
# tests/man-check.sh: the man pages name everything the code offers, so they
# cannot drift from it. Prints TAP.
#   - every route in web/route-*.c ({ "METHOD", "/path", handler }) has an
#     item in redlightd(8) that reads ".It Li METHOD /path";
#   - every configuration key core/conf.c accepts (strcmp(key, "name")) has
#     ".It Cm name" in redlight.conf(5), and every environment variable that
#     db/conf-load.c maps onto a key is named there (Ev NAME);
#   - every command (.name = "..." of a struct cmd_entry in tui/) has an
#     item in redlight(1) that starts with its name in bold.
src=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
man=$src/man
n=0 failed=0
report() { # report DESC MISSING-LIST
	n=$((n + 1))
	if [ -z "$2" ]; then
		echo "ok $n - $1"
	else
		failed=$((failed + 1))
		echo "not ok $n - $1"
		printf '%s\n' "$2" | sed 's/^/# missing: /'
	fi
}

# routes -> redlightd.8
routes=$(sed -n 's/^[[:space:]]*{ *"\([A-Z]*\)", *"\(\/[^"]*\)",.*/\1 \2/p' "$src"/web/route-*.c)
missing=
count=0
while IFS= read -r r; do
	[ -n "$r" ] || continue
	count=$((count + 1))
	grep -qxF ".It Li $r" "$man/redlightd.8" || missing="$missing${missing:+
}$r"
done <<EOF
$routes
EOF
report "the router's $count routes each have '.It Li METHOD /path' in redlightd(8)" "$missing"
[ "$count" -gt 0 ] || report "routes were found in web/route-*.c" "(none found: has the table's shape changed?)"

# configuration keys and their variables -> redlight.conf.5
keys=$(sed -n 's/.*strcmp(key, "\([a-z_]*\)").*/\1/p' "$src/core/conf.c" | sort -u)
missing=
count=0
for k in $keys; do
	count=$((count + 1))
	grep -q "^\.It Cm $k\( \|$\)" "$man/redlight.conf.5" || missing="$missing${missing:+
}$k"
done
report "the $count configuration keys each have '.It Cm KEY' in redlight.conf(5)" "$missing"
[ "$count" -gt 0 ] || report "keys were found in core/conf.c" "(none found)"
vars=$(sed -n 's/^[[:space:]]*{ *"\([A-Z_]*\)", *"[a-z_]*" *},.*/\1/p' "$src/db/conf-load.c")
missing=
for v in $vars REDLIGHT_CONF; do
	grep -q "Ev $v\( \|$\)" "$man/redlight.conf.5" || missing="$missing${missing:+
}$v"
done
report "every environment override is named in redlight.conf(5)" "$missing"

# commands -> redlight.1 (man(7): a .TP item whose line starts with the
# name in bold: ".B name", ".BR name", ".BI name" or "\fBname\fR", '-'
# written '\-')
cmds=$(grep -h -A1 'const struct cmd_entry cmd_[a-z_]*_entry = {' "$src"/tui/*.c |
	sed -n 's/.*\.name = "\([a-z-]*\)".*/\1/p' | sort -u)
missing=
count=0
for c in $cmds; do
	count=$((count + 1))
	esc=$(printf '%s' "$c" | sed 's/-/\\\\-/g')
	awk -v esc="$esc" '
		prev == ".TP" {
			if (index($0, ".B " esc) == 1 || index($0, ".BR " esc " ") == 1 || $0 == ".BR " esc ||
			    index($0, ".BI " esc " ") == 1 ||
			    index($0, "\\fB" esc "\\fR") == 1 || $0 == ".B " esc) found = 1
		}
		{ prev = $1 }
		END { exit !found }' "$man/redlight.1" || missing="$missing${missing:+
}$c"
done
report "the $count commands each have an item in redlight(1)" "$missing"
[ "$count" -gt 0 ] || report "commands were found in tui/" "(none found)"

echo "1..$n"
