/* act.h: the forms that act on bookings and holds, shared by the queue,
 * bookings, booking and holds screens. Each opens a form (tui/form.h)
 * whose Enter runs the named command's run step (approve, reject, cancel,
 * assign-staff, swap-staff, hold, hold-extend, hold-release, refund) with the
 * struct the form filled, so a key does exactly what `redlight COMMAND`
 * does.
 *
 * Where the rules refuse an approval or a hold and the user is an admin,
 * the form turns into an explicit confirmation that asks for the reason
 * the audit log records (--override --reason). */
#ifndef REDLIGHT_ACT_H
#define REDLIGHT_ACT_H

#include <stddef.h>
#include <stdint.h>

#include "tui/ui.h"

/* The most bookings one approval or rejection takes at once. */
#define ACT_MAX_CODES 64

/* act_approve, act_reject: decide on n bookings (codes are copied). */
void act_approve(struct ui *ui, const char *const *codes, size_t n);
void act_reject(struct ui *ui, const char *const *codes, size_t n);

/* act_cancel: show what canceling code refunds (cancel --dry-run), then
 * ask for the reason and cancel. */
void act_cancel(struct ui *ui, const char *code);

/* act_refund: ask for an amount and a reason and refund that much of
 * what code's payments captured (refund's run step); captured and
 * refunded (or refunding), over all its payments, are what the form says
 * is left. Payments not configured:
 * the message line says so and no form opens. */
void act_refund(struct ui *ui, const char *code, int64_t captured, int64_t refunded);

/* act_staff: set the staff of code (staff: the current names, "A, B"). */
void act_staff(struct ui *ui, const char *code, const char *staff);

/* act_swap: trade a staff member of code with one of another booking. */
void act_swap(struct ui *ui, const char *code);

/* act_hold_new: ask for room, start, duration and expiry; hold. */
void act_hold_new(struct ui *ui);

/* act_hold_new_at: act_hold_new with room and start ("YYYY-MM-DD HH:MM",
 * studio time) filled in (the board's cursor); the duration has the
 * focus. Either may be "". */
void act_hold_new_at(struct ui *ui, const char *room, const char *start);

/* act_hold_extend, act_hold_release: for the hold id (what: how to name
 * it in the question, "Studio A Thu 03-18 15:00-17:00"). */
void act_hold_extend(struct ui *ui, const char *id, const char *what);
void act_hold_release(struct ui *ui, const char *id, const char *what);

/* act_sync_retry: queue code's newest failed calendar job again
 * (job-retry's run step), or say there is none. */
void act_sync_retry(struct ui *ui, const char *code);

#endif
