#include "web/sesscache.h"

#include <json-c/json.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

/* Buckets of the chained table; the token hashes are uniform already. */
#define SC_BUCKETS 2048
/* A notice is one flat object. */
#define SC_MAX_DEPTH 2

struct sc_entry {
	struct sc_entry *next;
	unsigned char hash[SESSCACHE_HASH_BYTES];
	struct auth_actor actor;
	int64_t expires;
};

struct sesscache {
	struct sc_entry *bucket[SC_BUCKETS];
	size_t n;
	uint64_t epoch;
	int listening;
};

static struct sc_entry **
sc_head(struct sesscache *c, const unsigned char hash[SESSCACHE_HASH_BYTES])
{
	return &c->bucket[((size_t)hash[0] << 8 | hash[1]) % SC_BUCKETS];
}

/* The link pointing at hash's entry, or NULL. */
static struct sc_entry **
sc_find(struct sesscache *c, const unsigned char hash[SESSCACHE_HASH_BYTES])
{
	for (struct sc_entry **p = sc_head(c, hash); *p != NULL; p = &(*p)->next)
		if (memcmp((*p)->hash, hash, SESSCACHE_HASH_BYTES) == 0)
			return p;
	return NULL;
}

static void
sc_unlink(struct sesscache *c, struct sc_entry **p)
{
	struct sc_entry *e = *p;

	*p = e->next;
	sodium_memzero(e, sizeof(*e));
	free(e);
	c->n--;
}

static void
sc_clear(struct sesscache *c)
{
	for (size_t i = 0; i < SC_BUCKETS; i++)
		while (c->bucket[i] != NULL)
			sc_unlink(c, &c->bucket[i]);
}

struct sesscache *
sesscache_new(void)
{
	return xcalloc(1, sizeof(struct sesscache));
}

void
sesscache_free(struct sesscache *c)
{
	if (c == NULL)
		return;
	sc_clear(c);
	free(c);
}

int
sesscache_get(struct sesscache *c, const unsigned char hash[SESSCACHE_HASH_BYTES], int64_t now,
    struct auth_actor *out)
{
	struct sc_entry **p;

	if (c == NULL || (p = sc_find(c, hash)) == NULL)
		return 0;
	if (now >= (*p)->expires) {
		sc_unlink(c, p);
		return 0;
	}
	*out = (*p)->actor;
	return 1;
}

uint64_t
sesscache_epoch(const struct sesscache *c)
{
	return c != NULL ? c->epoch : 0;
}

void
sesscache_put(struct sesscache *c, uint64_t epoch, const unsigned char hash[SESSCACHE_HASH_BYTES],
    const struct auth_actor *a, int64_t expires)
{
	struct sc_entry **p, *e;

	if (c == NULL || !c->listening || epoch != c->epoch)
		return;
	if ((p = sc_find(c, hash)) != NULL) {
		(*p)->actor = *a;
		(*p)->expires = expires;
		return;
	}
	if (c->n >= SESSCACHE_MAX)
		sc_clear(c);
	e = xcalloc(1, sizeof(*e));
	memcpy(e->hash, hash, SESSCACHE_HASH_BYTES);
	e->actor = *a;
	e->expires = expires;
	p = sc_head(c, hash);
	e->next = *p;
	*p = e;
	c->n++;
}

void
sesscache_drop(struct sesscache *c, const unsigned char hash[SESSCACHE_HASH_BYTES])
{
	struct sc_entry **p;

	if (c == NULL)
		return;
	c->epoch++;
	if ((p = sc_find(c, hash)) != NULL)
		sc_unlink(c, p);
}

static void
sc_drop_user(struct sesscache *c, const char *user_id)
{
	for (size_t i = 0; i < SC_BUCKETS; i++) {
		struct sc_entry **p = &c->bucket[i];

		while (*p != NULL) {
			if (strcmp((*p)->actor.user_id, user_id) == 0)
				sc_unlink(c, p);
			else
				p = &(*p)->next;
		}
	}
}

/* The notice's string member name, or NULL. */
static const char *
sc_member(json_object *o, const char *name)
{
	json_object *v;

	if (!json_object_object_get_ex(o, name, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

void
sesscache_notice(struct sesscache *c, const char *payload)
{
	struct json_tokener *tok;
	json_object *o = NULL;
	const char *s;
	unsigned char hash[SESSCACHE_HASH_BYTES];
	size_t len;
	int done = 0;

	if (c == NULL)
		return;
	c->epoch++;
	if ((tok = json_tokener_new_ex(SC_MAX_DEPTH)) != NULL) {
		o = json_tokener_parse_ex(tok, payload, (int)strlen(payload));
		json_tokener_free(tok);
	}
	if (o != NULL && json_object_is_type(o, json_type_object)) {
		if ((s = sc_member(o, "token_hash")) != NULL &&
		    strlen(s) == 2 * SESSCACHE_HASH_BYTES &&
		    sodium_hex2bin(hash, sizeof(hash), s, strlen(s), NULL, &len, NULL) == 0 &&
		    len == SESSCACHE_HASH_BYTES) {
			sesscache_drop(c, hash);
			done = 1;
		} else if ((s = sc_member(o, "user_id")) != NULL && s[0] != '\0') {
			sc_drop_user(c, s);
			done = 1;
		}
	}
	if (!done)
		sc_clear(c);
	json_object_put(o);
}

void
sesscache_listening(struct sesscache *c, int up)
{
	if (c == NULL)
		return;
	c->epoch++;
	c->listening = up;
	sc_clear(c);
}

size_t
sesscache_size(const struct sesscache *c)
{
	return c != NULL ? c->n : 0;
}
