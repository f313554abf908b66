## tests/e2e: the booking page in Debian's Chromium (playwright-core, axe-core).
TESTS += tests/e2e/run.sh
EXTRA_DIST += tests/e2e/run.sh tests/e2e/booking.test.js tests/e2e/measure.js \
	tests/e2e/package.json tests/e2e/package-lock.json
