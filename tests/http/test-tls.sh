#!/bin/sh
# test-tls.sh: redlightd serving HTTPS itself (tls_cert, tls_key): HTTP/2
# by ALPN and HTTP/1.1 for clients without it, HSTS and the session
# cookie's Secure flag over TLS only, and the configuration mistakes it
# refuses to start with. A throwaway self-signed certificate made with the
# openssl command. Prints TAP.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
export top_srcdir top_builddir

. "$top_srcdir/tests/lib/http-prologue.sh"
http_begin tls

if ! command -v openssl >/dev/null 2>&1; then
	echo "1..1"; echo "not ok 1 - openssl is missing: install it (tools/check does)"; exit 0
fi
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" -days 2 \
	-subj /CN=localhost -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" >/dev/null 2>&1
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/other-key.pem" -out "$tmp/other.pem" -days 2 \
	-subj /CN=other >/dev/null 2>&1
printf 'tls_cert = %s\ntls_key = %s\nstatic_dir = %s\n' "$tmp/cert.pem" "$tmp/key.pem" "$top_srcdir/web/static" >"$tmp/tls.conf"

make_db
if DATABASE_URL=$url REDLIGHT_RATE_LIMIT_SCALE=1000 \
	start_redlightd "$tmp/tls.log" --config "$tmp/tls.conf" --listen 127.0.0.1:0; then
	ok "redlightd starts with tls_cert and tls_key ($base)"
else
	not_ok "redlightd starts with tls_cert and tls_key" "$(cat "$tmp/tls.log")"
	echo "1..$n"; exit 0
fi
check "it says it listens on https://" sh -c 'case "$1" in https://127.0.0.1:*) ;; *) exit 1 ;; esac' - "$base"
for _ in $(seq 50); do
	[ "$(http GET /healthz -k)" = 200 ] && break
	sleep 0.1
done

v=$(curl -sk --http2 -o /dev/null -w '%{http_version}' "$base/healthz")
check "ALPN gives HTTP/2 (got $v)" test "$v" = 2
v=$(curl -sk --http1.1 -o /dev/null -w '%{http_version}' "$base/healthz")
check "a client without HTTP/2 gets HTTP/1.1 (got $v)" test "$v" = 1.1
status=$(http GET /api/rooms -k)
check "the API answers over TLS" test "$status" = 200
check "answers over TLS carry Strict-Transport-Security" \
	sh -c '[ "$1" = "max-age=31536000" ]' - "$(header strict-transport-security)"
status=$(http GET / -k)
check "the page over TLS carries HSTS and its CSP" \
	sh -c '[ "$1" = 200 ] && [ -n "$2" ] && [ -n "$3" ]' - "$status" \
	"$(header strict-transport-security)" "$(header content-security-policy)"
status=$(post /api/auth/login '{"email":"artist@redlight.test","password":"redlight-demo"}' -k \
	-H "Origin: $base")
check "a login over TLS answers 200" test "$status" = 200
check "its session cookie is Secure, HttpOnly and SameSite=Lax" sh -c \
	'printf "%s" "$1" | grep -q "; Secure" && printf "%s" "$1" | grep -q HttpOnly &&
	 printf "%s" "$1" | grep -q "SameSite=Lax"' - "$(header set-cookie)"
plain=$(echo "$base" | sed 's|^https://|http://|')
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$plain/healthz")
check "plain HTTP to the TLS port gets no answer (got ${code:-none})" test "${code:-000}" = 000

# the same server without TLS: no HSTS, no Secure cookie
DATABASE_URL=$url REDLIGHT_RATE_LIMIT_SCALE=1000 start_main --healthy "$tmp/plain.log" "redlightd starts without TLS"
base=$main
http GET /api/rooms >/dev/null
check "plain HTTP answers carry no HSTS" test -z "$(header strict-transport-security)"
post /api/auth/login '{"email":"artist@redlight.test","password":"redlight-demo"}' -H "Origin: $base" >/dev/null
check "a login over plain HTTP sets no Secure flag" sh -c '! printf "%s" "$1" | grep -q "; Secure"' - \
	"$(header set-cookie)"

# mistakes: each refused at start, exit 1, one line naming the key
refuses() { # refuses CONF-TEXT WANT-IN-MESSAGE
	printf '%s\n' "$1" >"$tmp/bad.conf"
	(cd "$tmp" && DATABASE_URL=$url "$redlightd" --config "$tmp/bad.conf" --listen 127.0.0.1:0) \
		>"$tmp/bad.out" 2>&1
	rc=$?
	[ "$rc" = 1 ] && grep -q "$2" "$tmp/bad.out"
}
check "tls_cert without tls_key is refused" refuses "tls_cert = $tmp/cert.pem" "tls_cert and tls_key go together"
check "tls_key without tls_cert is refused" refuses "tls_key = $tmp/key.pem" "tls_cert and tls_key go together"
check "a certificate that does not exist is refused, named" \
	refuses "$(printf 'tls_cert = %s\ntls_key = %s' "$tmp/nope.pem" "$tmp/key.pem")" "tls_cert: cannot load"
check "a key that does not match the certificate is refused" \
	refuses "$(printf 'tls_cert = %s\ntls_key = %s' "$tmp/cert.pem" "$tmp/other-key.pem")" \
	"tls_key: cannot use"

echo "1..$n"
