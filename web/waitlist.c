/* waitlist.c: see waitlist.h. */
#include "web/waitlist.h"

#include <stddef.h>

void
waitlist_push(struct waitlist *l, struct waitlist_node *n)
{
	n->list = l;
	n->next = NULL;
	n->prev = l->tail;
	if (l->tail != NULL)
		l->tail->next = n;
	else
		l->head = n;
	l->tail = n;
}

void
waitlist_unlink(struct waitlist_node *n)
{
	struct waitlist *l = n->list;

	if (l == NULL)
		return;
	if (n->prev != NULL)
		n->prev->next = n->next;
	else
		l->head = n->next;
	if (n->next != NULL)
		n->next->prev = n->prev;
	else
		l->tail = n->prev;
	n->prev = n->next = NULL;
	n->list = NULL;
}

struct waitlist_node *
waitlist_pop(struct waitlist *l)
{
	struct waitlist_node *n = l->head;

	if (n != NULL)
		waitlist_unlink(n);
	return n;
}

void
waitlist_take(struct waitlist *to, struct waitlist *from)
{
	*to = *from;
	from->head = from->tail = NULL;
	for (struct waitlist_node *n = to->head; n != NULL; n = n->next)
		n->list = to;
}

void
waitlist_dispose(void *waiter)
{
	waitlist_unlink(waiter);
}
