## tests/tui: the real redlight binary against a throwaway database: its
## commands from a shell, and the console driven through tmux.
TUI_TESTS = tests/tui/test-cli.sh tests/tui/test-console.sh \
	tests/tui/test-admin-cli.sh tests/tui/test-admin-console.sh \
	tests/tui/test-board.sh tests/tui/test-setup-cli.sh \
	tests/tui/test-setup-console.sh tests/tui/test-jobs.sh \
	tests/tui/test-one-path.sh tests/tui/test-staff-feed-console.sh \
	tests/tui/test-notifications.sh tests/tui/test-payments-console.sh \
	tests/tui/test-refund-console.sh \
	tests/tui/test-console-lists.sh tests/tui/test-calendar-console.sh \
	tests/tui/test-console-kept.sh tests/tui/test-console-unblocked.sh \
	tests/tui/test-console-loading.sh
TESTS += $(TUI_TESTS)
EXTRA_DIST += $(TUI_TESTS) tests/tui/lib.sh
