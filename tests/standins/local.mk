## tests/standins: local stand-ins for the outside services (Stripe, ...),
## speaking their documented protocols, and the tests that hold them to it.
TESTS += tests/standins/test-stripe-standin.py
EXTRA_DIST += tests/standins/stripe.py tests/standins/test-stripe-standin.py
