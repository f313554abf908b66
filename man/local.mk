dist_man_MANS += man/redlight.1 man/redlightd.8 man/redlight.conf.5
# the pages name every route, configuration key and command the code has
TESTS += tests/man-check.sh tests/self-contained.sh
EXTRA_DIST += tests/man-check.sh tests/self-contained.sh tests/newcomer/test-first-run.sh
