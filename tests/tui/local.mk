## tests/tui: the real redlight binary against a throwaway database: its
## commands from a shell, and the console driven through tmux.
TESTS += tests/tui/test-cli.sh tests/tui/test-console.sh
EXTRA_DIST += tests/tui/test-cli.sh tests/tui/test-console.sh tests/tui/lib.sh
