## tests/standins: local stand-ins for the outside services (Stripe, SMTP, Twilio, Google and Microsoft calendars),
## speaking their documented protocols, and the tests that hold them to it.
STANDIN_TESTS = tests/standins/test-stripe-standin.py tests/standins/test-smtp-standin.py \
	tests/standins/test-twilio-standin.py tests/standins/test-calendars-standin.py
TESTS += $(STANDIN_TESTS)
EXTRA_DIST += $(STANDIN_TESTS) tests/standins/stripe.py tests/standins/smtp.py tests/standins/twilio.py tests/standins/tap.py \
	tests/standins/calendars.py
