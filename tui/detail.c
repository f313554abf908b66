/* detail.c: a booking as labelled lines. */
#include "tui/detail.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tui/fmt.h"

const char *
detail_status(const char *status)
{
	return strcmp(status, "awaiting_approval") == 0 ? "awaiting approval" : status;
}

static int
detail_add(struct detail_line *lines, int n, int max, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int
detail_add(struct detail_line *lines, int n, int max, const char *label, const char *fmt, ...)
{
	va_list ap;

	if (n >= max)
		return n;
	snprintf(lines[n].label, sizeof(lines[n].label), "%s", label);
	va_start(ap, fmt);
	vsnprintf(lines[n].text, sizeof(lines[n].text), fmt, ap);
	va_end(ap);
	return n + 1;
}

/* detail_purpose: a payment row's purpose as words. Static. */
static const char *
detail_purpose(const char *purpose)
{
	return strcmp(purpose, "due_now") == 0 ? "due now" : strcmp(purpose, "fee") == 0
	    ? "reschedule fee" : purpose;
}

/* detail_pay: payment row p as stored (the worker's last word from
 * Stripe): its amounts, then its Stripe ids, then its flag. */
static int
detail_pay(struct detail_line *lines, int n, int max, const struct model_pay *p)
{
	char a[24], c[24], d[24], f[24], pend[48] = "";

	fmt_money(p->authorized, a, sizeof(a));
	fmt_money(p->captured, c, sizeof(c));
	fmt_money(p->refunded, d, sizeof(d));
	fmt_money(p->owed, f, sizeof(f));
	if (p->refunding > 0) {
		char r[24];
		fmt_money(p->refunding, r, sizeof(r));
		snprintf(pend, sizeof(pend), " (+%s pending)", r);
	}
	n = detail_add(lines, n, max, "Payment", "%s %s: authorized %s, captured %s, refunded %s%s, "
	    "owed %s", detail_purpose(p->purpose), p->status, a, c, d, pend, f);
	n = detail_add(lines, n, max, "", "Stripe %s, %s%s%s", p->intent[0] ? p->intent :
	    "no PaymentIntent yet", p->customer[0] ? p->customer : "no customer",
	    p->charge[0] ? ", " : "", p->charge);
	if (p->attention[0] != '\0')
		n = detail_add(lines, n, max, "", "NEEDS ATTENTION: %s", p->attention);
	return n;
}

int
detail_lines(const struct model_detail *b, const struct model_studio *st, int64_t now,
    struct detail_line *lines, int max)
{
	char when[96], created[48], ago[32], a[24], c[24], d[24], f[24];
	int n = 0;

	fmt_instant(st->tz, b->created, created, sizeof(created));
	fmt_ago(now, b->created, ago, sizeof(ago));
	n = detail_add(lines, n, max, "", "%s  %s  submitted %s (%s, %s)", b->code,
	    detail_status(b->status), created, ago, b->source);
	if (b->artist_name[0] != '\0')
		n = detail_add(lines, n, max, "Artist", "%s%s%s%s", b->artist_name,
		    b->artist_email[0] ? " <" : "", b->artist_email, b->artist_email[0] ? ">" : "");
	else
		n = detail_add(lines, n, max, "Artist", "none (a studio booking)");
	n = detail_add(lines, n, max, "Room", "%s", b->room_name);
	fmt_span(st->tz, b->start, b->end, when, sizeof(when));
	n = detail_add(lines, n, max, "When", "%s (%s)", when, st->timezone);
	n = detail_add(lines, n, max, "Staff", "%s", b->staff[0] ? b->staff : "nobody assigned");
	if (b->nlines == 0)
		n = detail_add(lines, n, max, "Services", "none recorded");
	for (size_t i = 0; i < b->nlines; i++) {
		fmt_money(b->lines[i].unit_price_cents, a, sizeof(a));
		fmt_money(b->lines[i].total_cents, c, sizeof(c));
		n = detail_add(lines, n, max, i == 0 ? "Services" : "", "%s%s  %d x %s = %s",
		    b->lines[i].name, b->lines[i].is_addon ? " (add-on)" : "", b->lines[i].quantity, a, c);
	}
	fmt_money(b->subtotal_cents, a, sizeof(a));
	fmt_money(b->paid_cents, f, sizeof(f));
	if (b->has_quote) {
		/* the quote stored at submission, as its artist was shown it */
		char fee[40] = "";
		fmt_money(b->taxes_cents, c, sizeof(c));
		fmt_money(b->total_cents, d, sizeof(d));
		if (b->fees_cents > 0) {
			char fm[24];
			fmt_money(b->fees_cents, fm, sizeof(fm));
			snprintf(fee, sizeof(fee), " + fee %s", fm);
		}
		n = detail_add(lines, n, max, "Total", "%s%s + tax %s (%d.%02d%%) = %s %s; paid %s", a,
		    fee, c, b->tax_rate_bp / 100, b->tax_rate_bp % 100, d, b->currency, f);
		fmt_money(b->deposit_cents, c, sizeof(c));
		n = detail_add(lines, n, max, "", "deposit %s (%d%%)%s", c, b->deposit_percent,
		    b->quote_backfilled ? "; quote backfilled at the upgrade's rates" : "");
	} else {
		n = detail_add(lines, n, max, "Total", "%s before tax; paid %s", a, f);
	}
	for (size_t i = 0; i < b->npays; i++)
		n = detail_pay(lines, n, max, &b->pays[i]);
	if (b->npays == 0 && b->authorized_cents > 0) {
		fmt_money(b->authorized_cents, c, sizeof(c));
		n = detail_add(lines, n, max, "", "%s authorised on a card, not captured", c);
	}
	if (b->notes[0] != '\0')
		n = detail_add(lines, n, max, "Notes", "%s", b->notes);
	if (b->approved_by[0] != '\0') {
		fmt_instant(st->tz, b->approved_at, created, sizeof(created));
		n = detail_add(lines, n, max, "Approved", "by %s, %s", b->approved_by, created);
	}
	if (b->approval_note[0] != '\0')
		n = detail_add(lines, n, max, "Note", "%s (internal)", b->approval_note);
	if (b->artist_message[0] != '\0')
		n = detail_add(lines, n, max, "Message", "%s (to the artist)", b->artist_message);
	if (b->sync_error[0] != '\0')
		n = detail_add(lines, n, max, "Calendar", "SYNC FAILED: %s", b->sync_error);
	return n;
}
