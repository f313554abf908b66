/* redlight.c: main. Global options, then one command; no command opens the
 * console. PACKAGE_VERSION comes from configure (-D in DEFS). */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "tui/cmd.h"

/* main_option: when argv[*i] is option long_name (or short_name) taking a
 * value, store the value and advance *i. Returns 1 when matched, 0 when
 * not, -1 when the value is missing. */
static int
main_option_value(int argc, char **argv, int *i, const char *long_name,
    const char *short_name, const char **value)
{
	const char *a = argv[*i];
	size_t len = strlen(long_name);

	if (strncmp(a, long_name, len) == 0 && a[len] == '=') {
		*value = a + len + 1;
		return 1;
	}
	if (strcmp(a, long_name) != 0 && strcmp(a, short_name) != 0)
		return 0;
	if (*i + 1 >= argc)
		return -1;
	*value = argv[++*i];
	return 1;
}

int
main(int argc, char **argv)
{
	struct cmd_ctx ctx;
	const struct cmd_entry *entry;
	int i, status;

	setlocale(LC_ALL, "");
	cmd_ctx_init(&ctx);

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
		const char *a = argv[i];
		int m;

		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
			printf("redlight %s\n", PACKAGE_VERSION);
			return 0;
		}
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			cmd_print_help(stdout);
			return 0;
		}
		m = main_option_value(argc, argv, &i, "--config", "-c", &ctx.config_path);
		if (m < 0) {
			fprintf(stderr, "redlight: option '%s' needs a FILE (try 'redlight help')\n", a);
			return CMD_EXIT_USAGE;
		}
		if (m == 0) {
			fprintf(stderr, "redlight: unknown option '%s' (try 'redlight help')\n", a);
			return CMD_EXIT_USAGE;
		}
	}

	if (i >= argc) {
		static char console_name[] = "console";
		char *console_argv[] = { console_name, NULL };
		status = cmd_run(&ctx, &cmd_console_entry, 1, console_argv);
	} else if ((entry = cmd_find(argv[i])) == NULL) {
		fprintf(stderr, "redlight: unknown command '%s' (try 'redlight help')\n", argv[i]);
		status = CMD_EXIT_USAGE;
	} else {
		status = cmd_run(&ctx, entry, argc - i, argv + i);
	}
	cmd_ctx_done(&ctx);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fputs("redlight: cannot write the output\n", stderr);
		if (status == 0)
			status = err_exit_status(ERR_IO);
	}
	return status;
}
