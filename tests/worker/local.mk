## tests/worker: the job worker under faults: real `redlight worker`
## processes killed with SIGKILL while they run jobs (about a minute).
WORKER_TESTS = tests/worker/test-worker-chaos.sh
TESTS += $(WORKER_TESTS)
EXTRA_DIST += $(WORKER_TESTS)
