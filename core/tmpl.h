/* tmpl.h: message templates: text with {{name}} variables, checked when
 * loaded and filled when a message is made.
 *
 * A template names only variables from the list its kind allows (the
 * studio's: artist_name, booking_code, room_name, date, start_time, end_time,
 * total, deposit, address, policies_url, and the like); an unknown name,
 * an unclosed "{{" or a stray "}}" is an error at load time naming it and
 * its line, so a studio's edited template fails when the programs start,
 * not when a message goes out. Filling escapes values for HTML when the
 * template is HTML. */
#ifndef REDLIGHT_TMPL_H
#define REDLIGHT_TMPL_H

#include <stddef.h>

#include "core/err.h"

struct tmpl;

/* tmpl_new: parse text (borrowed; copied) against the allowed variable
 * names (names[0..n-1]). origin names the template in messages
 * ("approved.html"). html: values are escaped when filled. Returns the
 * template (the caller's; tmpl_free), or NULL with e filled (ERR_INVALID:
 * "approved.html:3: unknown variable {{artst_name}}"). */
struct tmpl *tmpl_new(const char *text, const char *const *names, size_t n, const char *origin, int html,
    struct err *e);

/* tmpl_fill: the text with each variable replaced by its value: values[i]
 * for names[i] of the list given to tmpl_new (NULL counts as ""). The
 * caller frees the result. Cannot fail. */
char *tmpl_fill(const struct tmpl *t, const char *const *values);

/* tmpl_free: free t; NULL is a no-op. */
void tmpl_free(struct tmpl *t);

#endif
