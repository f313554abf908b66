/* cmd-rooms.c: `redlight rooms [--json]`, the studio's active rooms. */
#include <stdlib.h>

#include "core/xalloc.h"
#include "tui/cmd.h"
#include "tui/model.h"
#include "tui/text.h"

int
cmd_rooms_run(struct cmd_ctx *ctx, const struct cmd_read *c, char **json, struct err *e)
{
	(void)c;
	return cmd_read_query(ctx, DB_ROOMS_JSON_SQL, 0, NULL, json, e);
}

static int
cmd_rooms_print(struct cmd_ctx *ctx, const struct cmd_read *c, const char *json, struct err *e)
{
	static const char *const heads[] = { "NAME", "CAPACITY", "TAGS" };
	char (*caps)[12];
	const char **cells;
	struct model_rooms rooms;
	int rc;

	(void)c;
	if ((rc = model_rooms_parse(json, &rooms, e)) != 0)
		return rc;
	if (rooms.n == 0) {
		fputs("no rooms yet (try 'redlight seed demo')\n", ctx->out);
		model_rooms_free(&rooms);
		return 0;
	}
	cells = xcalloc(rooms.n * 3, sizeof(*cells));
	caps = xcalloc(rooms.n, sizeof(*caps));
	for (size_t i = 0; i < rooms.n; i++) {
		if (rooms.v[i].capacity > 0)
			snprintf(caps[i], sizeof(caps[i]), "%d", rooms.v[i].capacity);
		else
			snprintf(caps[i], sizeof(caps[i]), "-");
		cells[i * 3] = rooms.v[i].name;
		cells[i * 3 + 1] = caps[i];
		cells[i * 3 + 2] = rooms.v[i].tags;
	}
	text_table(ctx->out, 3, heads, cells, rooms.n, 1u << 1);
	free(cells);
	free(caps);
	model_rooms_free(&rooms);
	return 0;
}

static int
cmd_rooms_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_read_exec(ctx, argc, argv, cmd_read_parse, cmd_rooms_run, cmd_rooms_print);
}

const struct cmd_entry cmd_rooms_entry = {
	.name = "rooms",
	.usage = "[--json]",
	.summary = "list the rooms (name, capacity, tags)",
	.exec = cmd_rooms_exec,
	.flags = 0,
};
