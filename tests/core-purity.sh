#!/bin/sh
# core/ is pure (ARCHITECTURE.md, "Layers"): no I/O library headers, no clock, environment,
# randomness or files. Prints TAP.
src=${top_srcdir:-.}/core
echo "1..2"
hits=$(grep -rnE '#[[:space:]]*include[[:space:]]*[<"](libpq-fe|uv|h2o|curl/curl|ncurses|ncursesw/curses|curses)\.h' "$src" || true)
if [ -z "$hits" ]; then echo "ok 1 - core includes no I/O headers"; else echo "not ok 1 - core includes I/O headers"; echo "$hits" | sed 's/^/# /'; fi
hits=$(grep -rnE '\b(time|getenv|rand|random|fopen|open|clock_gettime|gettimeofday|sprintf|strcpy|strcat|strtok|gmtime|localtime)[[:space:]]*\(' "$src" --include='*.c' || true)
if [ -z "$hits" ]; then echo "ok 2 - core calls no clock, environment, randomness, files or banned functions"; else echo "not ok 2 - core calls forbidden functions"; echo "$hits" | sed 's/^/# /'; fi
