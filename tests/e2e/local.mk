## tests/e2e: the booking page in Debian's Chromium (playwright-core, axe-core).
TESTS += tests/e2e/run.sh
EXTRA_DIST += tests/e2e/run.sh tests/e2e/booking.test.js tests/e2e/measure.js tests/e2e/budget.js \
	tests/e2e/pay.test.js \
	tests/e2e/package.json tests/e2e/package-lock.json

# run.sh leaves screenshots in test-output/e2e and, when the source tree is
# read-only (distcheck), its npm packages in the build tree.
clean-local: clean-local-e2e
.PHONY: clean-local-e2e
clean-local-e2e:
	-rm -rf test-output/e2e
	-test -d test-output && rmdir test-output 2>/dev/null; :
	-if test "$(abs_builddir)" != "$(abs_srcdir)"; then \
		rm -rf tests/e2e/node_modules tests/e2e/package.json tests/e2e/package-lock.json; fi
