#!/bin/sh
# tests/newcomer/test-first-run.sh: a newcomer's first run, as the README
# tells it. Prints TAP; tools/check runs it (it is not part of make check:
# it builds a whole second tree and runs tools/run, which installs packages
# and starts a cluster of its own).
#
# 1. A fresh copy of the tree (what a clone holds: the committed files and
#    any not yet committed, nothing ignored) in a directory only its owner
#    may enter (mode 700: root's home on a fresh server).
# 2. tools/run, standard input not a terminal, from a clean environment.
# 3. Every command in the README's shell blocks after the first, each from a
#    clean environment ("another shell": nothing exported by hand), exactly
#    as printed; only the address is changed when 127.0.0.1:8080 is taken
#    on this machine. The console line runs in a real terminal (tmux).
# 4. The staff calendars as the README tells them: calendar-connect's
#    consent address works against the calendar stand-in tools/run started.
# 5. tools/run again keeps the data; tools/run stop stops everything.
#
# The first block's tools/check and tools/bench are not run here: tools/check
# is what runs this test, and tools/bench measures rather than tests. The
# "Building by hand" block is make distcheck's work, which tools/check runs.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
check() { # check DESC COMMAND...: ok when COMMAND succeeds
	d=$1; shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}
diag() { sed 's/^/# /'; }

for tool in git tar curl tmux sha256sum; do
	command -v "$tool" >/dev/null 2>&1 || { echo "1..1"; echo "not ok 1 - $tool is missing"; exit 0; }
done

base=$(mktemp -d "${TMPDIR:-/tmp}/rl-newcomer.XXXXXX") || exit 1
chmod 700 "$base"
clone=$base/redlight
sock=rl-newcomer-$$
cleanup() {
	tmux -L "$sock" kill-server >/dev/null 2>&1
	if [ -x "$clone/tools/run" ]; then
		clean_env "$clone/tools/run" stop >/dev/null 2>&1
	fi
	if [ "$(id -u)" -eq 0 ]; then
		rm -rf "/var/lib/redlight/demo-$(printf '%s' "$clone" | sha256sum | cut -c1-12)"
	fi
	rm -rf "$base"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# clean_env COMMAND...: run COMMAND in the clone as a fresh login would:
# HOME, PATH, a locale and nothing else (no DATABASE_URL, no PG*).
clean_env() {
	(cd "$clone" && env -i HOME="${HOME:-/root}" PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		LANG=C.UTF-8 "$@")
}

mkdir "$clone"
(cd "$top" && git ls-files -z --cached --others --exclude-standard |
	xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
	tar --null -T - -cf -) | tar -xf - -C "$clone" || { echo "1..1"; echo "not ok 1 - cannot copy the tree"; exit 0; }
rm -rf "$clone/build" "$clone/var"

# The README's address, unless something here already listens on it.
addr=127.0.0.1:8080
if curl -s -o /dev/null --max-time 2 "http://$addr/" 2>/dev/null; then
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	addr=127.0.0.1:$port
	echo "# 127.0.0.1:8080 is taken on this machine: the README's commands run against $addr"
fi
readme_cmds() { # the README's shell blocks, numbered from 1, address adjusted
	awk -v want="$1" '/^```sh$/ { b++; inb = 1; next } /^```$/ { inb = 0; next } inb && b == want' \
		"$clone/README.md" | sed "s/127\.0\.0\.1:8080/$addr/g"
}

# 1: tools/run, not from a terminal, clean environment
if readme_cmds 1 | grep -q '^tools/run '; then ok "the README's first block starts the demo with tools/run"
else not_ok "the README's first block starts the demo with tools/run"; fi
if clean_env REDLIGHT_LISTEN="$addr" tools/run </dev/null >"$base/run1.out" 2>&1; then
	ok "tools/run from a clean environment in a mode-700 directory, stdin not a terminal"
else
	not_ok "tools/run from a clean environment in a mode-700 directory, stdin not a terminal"
	tail -20 "$base/run1.out" | diag
	echo "1..$n"; exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
	perm=$(stat -c %a "$base")
	check "root's directory keeps its mode 700 (was $perm)" [ "$perm" = 700 ]
fi
check "tools/run wrote the clone's configuration" test -s "$clone/var/etc/redlight/redlight.conf"
sbase=$(sed -n 's/^stripe_api_base = //p' "$clone/var/etc/redlight/redlight.conf")
check "the configuration points payments at the local Stripe stand-in ($sbase)" \
	sh -c 'grep -q "^stripe_secret_key = sk_test_" "$1" && curl -fs -o /dev/null "$2/_standin/state"' \
	sh "$clone/var/etc/redlight/redlight.conf" "$sbase"
jsurl=$(sed -n 's/^stripe_js_url = //p' "$clone/var/etc/redlight/redlight.conf")
check "... and the page's card form at the stand-in's Stripe.js ($jsurl), where the README's test cards work" \
	sh -c '[ "$1" = "$2/v3/" ] && curl -fs "$1" | grep -q "window.Stripe = Stripe"' sh "$jsurl" "$sbase"
tbase=$(sed -n 's/^twilio_api_base = //p' "$clone/var/etc/redlight/redlight.conf")
check "the configuration points texts at the local Twilio stand-in ($tbase), with a secret_key" \
	sh -c 'grep -q "^twilio_account_sid = AC" "$1" && grep -Eq "^secret_key = [0-9a-f]{64}$" "$1" &&
	curl -fs -o /dev/null "$2/_standin/messages"' sh "$clone/var/etc/redlight/redlight.conf" "$tbase"
cbase=$(sed -n 's/^google_api_base = //p' "$clone/var/etc/redlight/redlight.conf")
check "the configuration points staff calendars at the local calendar stand-in ($cbase)" \
	sh -c 'grep -q "^google_client_id = ." "$1" && grep -q "^microsoft_client_id = ." "$1" &&
	grep -q "^microsoft_graph_base = $2\$" "$1" && curl -fs -o /dev/null "$2/_standin/state"' \
	sh "$clone/var/etc/redlight/redlight.conf" "$cbase"

# 2: the README's demo block, each line from a clean shell, exactly as printed
readme_cmds 2 | grep -v '^[[:space:]]*$' >"$base/block2"
check "the README's second block has commands" test -s "$base/block2"
while IFS= read -r line; do
	cmd=${line%%#*}
	cmd=$(printf '%s' "$cmd" | sed 's/[[:space:]]*$//')
	case $cmd in
	build/redlight)
		# the console needs a terminal: a real one, in tmux
		tmux -L "$sock" -f /dev/null new-session -d -x 100 -y 30 \
			"cd '$clone' && env -i HOME='${HOME:-/root}' PATH=/usr/bin:/bin TERM=xterm-256color LANG=C.UTF-8 build/redlight"
		seen=
		for _ in $(seq 50); do
			if tmux -L "$sock" capture-pane -p 2>/dev/null | grep -q 'Sign in to the redlight console'; then
				seen=1; break
			fi
			sleep 0.2
		done
		if [ -n "$seen" ]; then ok "README: '$cmd' opens the console's sign-in in a terminal"
		else not_ok "README: '$cmd' opens the console's sign-in in a terminal"
			tmux -L "$sock" capture-pane -p 2>/dev/null | diag; fi
		tmux -L "$sock" kill-server >/dev/null 2>&1
		;;
	*)
		if out=$(clean_env sh -c "$cmd" 2>&1) && [ -n "$out" ] &&
			! printf '%s' "$out" | grep -q '"error"'; then
			ok "README: '$cmd' from a clean shell"
		else
			not_ok "README: '$cmd' from a clean shell"
			printf '%s\n' "$out" | head -5 | diag
		fi
		;;
	esac
done <"$base/block2"
rooms=$(clean_env build/redlight rooms --json 2>&1)
check "build/redlight rooms --json lists the demo's rooms" sh -c 'printf "%s" "$1" | grep -q "Studio A"' sh "$rooms"

# 3: the curl walkthrough, as one paste into one shell
readme_cmds 3 >"$base/block3.sh"
check "the README's third block is the curl walkthrough" grep -q '/api/bookings' "$base/block3.sh"
clean_env sh "$base/block3.sh" >"$base/block3.out" 2>&1
b3=$?
check "the curl walkthrough runs to its end (exit $b3)" [ "$b3" -eq 0 ]
has() { grep -q -- "$1" "$base/block3.out"; }
check "walkthrough: the artist signs in" has '"email":"artist@redlight.test"'
check "walkthrough: the search answers slots" has '"slots":\[{"start_at"'
check "walkthrough: the hold is placed" has '"hold_id":"'
check "walkthrough: the booking awaits approval" has '"status":"awaiting_approval"'
check "walkthrough: the cancel dry run answers" has '"dry_run":true'
check "walkthrough: the booking is canceled" has '"status":"canceled"'
if has '"error"'; then not_ok "walkthrough: no request answered an error"; grep '"error"' "$base/block3.out" | head -3 | diag
else ok "walkthrough: no request answered an error"; fi
code=$(grep -o '"code":"RL-[^"]*"' "$base/block3.out" | head -n 1 | cut -d '"' -f 4)
check "walkthrough: the booking has a code" [ -n "$code" ]
# the demo has no mail server: what the studio sends is written to var/mail
mailed=
for _ in $(seq 100); do
	if grep -l "$code" "$clone"/var/mail/*.eml >/dev/null 2>&1; then mailed=1; break; fi
	sleep 0.2
done
check "walkthrough: the artist's messages about $code are in var/mail, as the README says" [ -n "$mailed" ]
# The worker asked the stand-in for the booking's PaymentIntent, or found
# the booking canceled first (the walkthrough cancels at once): either way
# the job is done, not skipped as "payments are not configured".
pjob() {
	for _ in $(seq 50); do
		clean_env build/redlight jobs --json >"$base/jobs.json" 2>&1
		python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if [j for j in d["jobs"] if j["kind"] == "payment_intent" and j["booking_code"] == sys.argv[2]
	and j["status"] == "done"] else 1)' "$base/jobs.json" "$code" 2>/dev/null && return 0
		sleep 0.2
	done
	return 1
}
check "walkthrough: the booking's payment job ran against the Stripe stand-in" pjob

# 4: a staff calendar connects through the stand-in, as the README says:
# the consent address, the stand-in's consent (at once, no person there),
# redlightd's callback, the worker's code exchange
clean_env REDLIGHT_PASSWORD=redlight-demo build/redlight calendar-connect eli google \
	--as admin@redlight.test --json >"$base/connect.json" 2>&1
curl_consent() { # the consent URL, its redirect to redlightd's callback, the callback's page
	u=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["url"])' "$base/connect.json") &&
	case $u in "$cbase"/*) ;; *) return 1 ;; esac &&
	back=$(curl -s -o /dev/null -w '%{redirect_url}' "$u") &&
	case $back in "http://$addr/api/integrations/google/oauth?"*) ;; *) return 1 ;; esac &&
	[ "$(curl -s -o "$base/callback.html" -w '%{http_code}' "$back")" = 200 ]
}
if curl_consent; then ok "calendar-connect eli google: its consent address at the stand-in comes back to redlightd's callback"
else not_ok "calendar-connect eli google: its consent address at the stand-in comes back to redlightd's callback"
	cat "$base/connect.json" "$base/callback.html" 2>/dev/null | head -5 | diag; fi
cal_connected() {
	for _ in $(seq 100); do
		clean_env build/redlight calendar-status >"$base/calstatus.out" 2>&1
		grep -Eq "^Eli Engineer +google +connected( |\$)" "$base/calstatus.out" && return 0
		sleep 0.2
	done
	return 1
}
if cal_connected; then ok "... and calendar-status shows Eli's Google calendar connected"
else not_ok "... and calendar-status shows Eli's Google calendar connected"; diag <"$base/calstatus.out"; fi

# 5: a second run keeps the data; stop stops everything
if clean_env REDLIGHT_LISTEN="$addr" tools/run </dev/null >"$base/run2.out" 2>&1; then ok "tools/run a second time"
else not_ok "tools/run a second time"; tail -10 "$base/run2.out" | diag; fi
check "the second run kept the walkthrough's booking $code" \
	sh -c 'cd "$1" && env -i PATH=/usr/bin:/bin build/redlight booking "$2" --json | grep -q "\"status\" *: *\"canceled\""' sh "$clone" "$code"
pid=$(cat "$clone/var/redlightd.pid" 2>/dev/null)
clean_env tools/run stop >"$base/stop.out" 2>&1
check "tools/run stop succeeds" [ $? -eq 0 ]
check "redlightd is stopped" sh -c '! kill -0 "$1" 2>/dev/null' sh "${pid:-0}"
check "nothing answers on $addr" sh -c '! curl -s -o /dev/null --max-time 2 "http://$1/healthz"' sh "$addr"
check "the Stripe stand-in is stopped" sh -c '! curl -s -o /dev/null --max-time 2 "$1/_standin/state"' sh "$sbase"
check "the Twilio stand-in is stopped" sh -c '! curl -s -o /dev/null --max-time 2 "$1/_standin/messages"' sh "$tbase"
check "the calendar stand-in is stopped" sh -c '! curl -s -o /dev/null --max-time 2 "$1/_standin/state" &&
	[ ! -e "$2" ]' sh "$cbase" "$clone/var/calendars-standin.pid"
if pgrep -f -- "-D [^ ]*$(printf '%s' "$clone" | sha256sum | cut -c1-12)/data" >/dev/null ||
	pgrep -f -- "-D $clone/var/pg/data" >/dev/null; then
	not_ok "the demo's PostgreSQL is stopped"
else
	ok "the demo's PostgreSQL is stopped"
fi
err=$(clean_env build/redlight rooms --json 2>&1 >/dev/null)
check "with the demo stopped, a command says it cannot reach the database" \
	sh -c 'printf "%s" "$1" | grep -q "cannot connect to the database"' sh "$err"

echo "1..$n"
