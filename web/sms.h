/* sms.h: one text message through Twilio's Messages API (the 2010-04-01
 * REST API): POST {twilio_api_base}/2010-04-01/Accounts/{SID}/Messages.json,
 * form-encoded To, From (or MessagingServiceSid when twilio_from is an
 * MG... SID) and Body, HTTP Basic SID:token, through libcurl's easy
 * interface.
 *
 * It blocks: only the job worker's thread (web/notify.c) and the CLI
 * (`redlight notify-test sms`) call it, never redlightd's loop. */
#ifndef REDLIGHT_WEB_SMS_H
#define REDLIGHT_WEB_SMS_H

#include <stddef.h>

#include "core/conf.h"

/* What a try came to. */
enum sms_outcome {
	SMS_SENT,                 /* Twilio took it (201); sid holds its SM... id */
	SMS_RETRY,                /* it may work later: no answer, 429 or 5xx */
	SMS_REFUSED,              /* it never will as it is: 4xx (a bad number, bad credentials) */
};

/* sms_send: body to the E.164 number to, with c's Twilio settings
 * (conf_sms_off(c) must be NULL), giving up after timeout_ms. sid
 * (sidlen bytes) receives the message's SID when sent; msg (msglen
 * bytes) says why otherwise, with Twilio's own code and message. */
enum sms_outcome sms_send(const struct conf *c, const char *to, const char *body, int timeout_ms, char *sid,
    size_t sidlen, char *msg, size_t msglen);

#endif
