#include "core/tmpl.h"

#include <stdlib.h>
#include <string.h>

#include "core/sbuf.h"
#include "core/xalloc.h"

/* Longest variable name a template may write. */
#define TMPL_NAME_MAX 64

/* A template is a list of pieces: literal text, or a variable by index. */
struct tmpl_piece {
	size_t start, len;   /* literal: where in text */
	int var;             /* -1: literal; else an index into the names */
};

struct tmpl {
	char *text;
	struct tmpl_piece *piece;
	size_t npiece;
	int html;
};

static void
tmpl_push(struct tmpl *t, size_t start, size_t len, int var)
{
	if (var < 0 && len == 0)
		return;
	t->piece = xrealloc(t->piece, (t->npiece + 1) * sizeof(*t->piece));
	t->piece[t->npiece].start = start;
	t->piece[t->npiece].len = len;
	t->piece[t->npiece].var = var;
	t->npiece++;
}

/* The line of text holding offset at, from 1. */
static int
tmpl_line(const char *text, size_t at)
{
	int line = 1;

	for (size_t i = 0; i < at; i++)
		if (text[i] == '\n')
			line++;
	return line;
}

struct tmpl *
tmpl_new(const char *text, const char *const *names, size_t n, const char *origin, int html, struct err *e)
{
	struct tmpl *t = xcalloc(1, sizeof(*t));
	size_t lit = 0, i = 0;

	t->text = xstrdup(text);
	t->html = html;
	while (t->text[i] != '\0') {
		const char *s = t->text;

		if (s[i] == '}' && s[i + 1] == '}') {
			err_set(e, ERR_INVALID, "template", "%s:%d: '}}' without '{{'", origin, tmpl_line(s, i));
			goto fail;
		}
		if (s[i] == '{' && s[i + 1] == '{') {
			const char *close = strstr(s + i + 2, "}}");
			size_t a = i + 2, b;
			int var = -1;

			if (close == NULL) {
				err_set(e, ERR_INVALID, "template", "%s:%d: '{{' is never closed", origin, tmpl_line(s, i));
				goto fail;
			}
			b = (size_t)(close - s);
			while (a < b && s[a] == ' ')
				a++;
			while (b > a && s[b - 1] == ' ')
				b--;
			for (size_t k = 0; k < n; k++)
				if (strlen(names[k]) == b - a && memcmp(names[k], s + a, b - a) == 0)
					var = (int)k;
			if (var < 0) {
				int len = b - a > TMPL_NAME_MAX ? TMPL_NAME_MAX : (int)(b - a);
				err_set(e, ERR_INVALID, "template", "%s:%d: unknown variable {{%.*s}}", origin,
				    tmpl_line(s, i), len, s + a);
				goto fail;
			}
			tmpl_push(t, lit, i - lit, -1);
			tmpl_push(t, 0, 0, var);
			i = (size_t)(close - s) + 2;
			lit = i;
			continue;
		}
		i++;
	}
	tmpl_push(t, lit, i - lit, -1);
	return t;
fail:
	tmpl_free(t);
	return NULL;
}

char *
tmpl_fill(const struct tmpl *t, const char *const *values)
{
	struct sbuf out = SBUF_INIT;

	for (size_t i = 0; i < t->npiece; i++) {
		const struct tmpl_piece *p = &t->piece[i];
		const char *v;

		if (p->var < 0) {
			sbuf_add(&out, t->text + p->start, p->len);
			continue;
		}
		v = values[p->var] ? values[p->var] : "";
		if (!t->html) {
			sbuf_add(&out, v, strlen(v));
			continue;
		}
		for (; *v != '\0'; v++) {
			const char *rep = *v == '&' ? "&amp;" : *v == '<' ? "&lt;" : *v == '>' ? "&gt;" :
			    *v == '"' ? "&quot;" : *v == '\'' ? "&#39;" : NULL;
			if (rep != NULL)
				sbuf_add(&out, rep, strlen(rep));
			else
				sbuf_add(&out, v, 1);
		}
	}
	return sbuf_detach(&out);
}

void
tmpl_free(struct tmpl *t)
{
	if (t == NULL)
		return;
	free(t->piece);
	free(t->text);
	free(t);
}
