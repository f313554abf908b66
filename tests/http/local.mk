## tests/http: redlightd over real HTTP against a throwaway PostgreSQL.
TESTS += tests/http/test-http.sh
EXTRA_DIST += tests/http/test-http.sh
TESTS += tests/http/test-auth.sh
EXTRA_DIST += tests/http/test-auth.sh
TESTS += tests/http/test-avail.sh
EXTRA_DIST += tests/http/test-avail.sh
TESTS += tests/http/test-bookings.sh
EXTRA_DIST += tests/http/test-bookings.sh
TESTS += tests/http/test-race.sh
EXTRA_DIST += tests/http/test-race.sh tests/http/race.py
TESTS += tests/http/test-page.sh
EXTRA_DIST += tests/http/test-page.sh
TESTS += tests/http/test-notify.sh
EXTRA_DIST += tests/http/test-notify.sh tests/http/mailcheck.py
