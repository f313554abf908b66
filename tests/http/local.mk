## tests/http: redlightd over real HTTP against a throwaway PostgreSQL.
TESTS += tests/http/test-http.sh
EXTRA_DIST += tests/http/test-http.sh
