/* detail.h: a booking in full as labelled lines of text, for `redlight
 * booking CODE`, the queue's detail pane and the booking screen alike:
 *
 *   RL-7KQ2M9XD  awaiting approval  submitted 2027-03-10 14:02 EDT (web)
 *   Artist    Ari Artist <artist@redlight.test>
 *   Room      Studio B
 *   When      Tue 2027-03-16 11:00-13:00 EDT (America/Toronto)
 *   Staff     Priya Producer
 *   Services  Mixing  1 x $150.00 = $150.00
 *   Total     $150.00 + tax $19.50 (13.00%) = $169.50 CAD; paid $0.00
 *             deposit $42.38 (25%)
 *   Notes     Mix of the single, stems attached.
 *
 * Most important first, so a short pane shows the head of the list. */
#ifndef REDLIGHT_DETAIL_H
#define REDLIGHT_DETAIL_H

#include <stdint.h>

#include "tui/model.h"

#define DETAIL_MAX_LINES 40

struct detail_line {
	char label[16];        /* "" for the first line and continuations */
	char text[256];
};

/* detail_lines: the lines of b, at most max, into lines; returns how many.
 * st gives the zone; every amount is b's stored quote, never today's
 * rates. Cannot fail. */
int detail_lines(const struct model_detail *b, const struct model_studio *st, int64_t now,
    struct detail_line *lines, int max);

/* detail_status: a status as words ("awaiting approval"). Static. */
const char *detail_status(const char *status);

#endif
