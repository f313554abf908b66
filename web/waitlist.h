/* waitlist.h: requests waiting for something the loop will have later (a
 * day's availability, the studio, the catalogue), in arrival order.
 *
 * A waiter lives in its request's pool and embeds a struct waitlist_node
 * as its first member; the pool's dispose hook (waitlist_dispose, given to
 * h2o_mem_alloc_shared) takes it off whatever list it is on when the
 * client leaves, so its callback never runs. */
#ifndef REDLIGHT_WAITLIST_H
#define REDLIGHT_WAITLIST_H

struct waitlist_node;

struct waitlist {
	struct waitlist_node *head, *tail;
};

struct waitlist_node {
	struct waitlist_node *prev, *next;
	struct waitlist *list;      /* NULL when on no list */
};

/* waitlist_push: n at the end of l. */
void waitlist_push(struct waitlist *l, struct waitlist_node *n);

/* waitlist_unlink: n off its list; nothing when it is on none. */
void waitlist_unlink(struct waitlist_node *n);

/* waitlist_pop: the first node of l, off the list, or NULL. */
struct waitlist_node *waitlist_pop(struct waitlist *l);

/* waitlist_take: every node of from moved to to (empty before), in order;
 * from is left empty. For answering a list that may grow meanwhile. */
void waitlist_take(struct waitlist *to, struct waitlist *from);

/* waitlist_dispose: the pool dispose hook for a waiter (a node first). */
void waitlist_dispose(void *waiter);

#endif
