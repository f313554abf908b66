#!/bin/sh
# The job worker under faults (issue 11): 10,000 flaky jobs that fail a
# third of their attempts at random, run by two `redlight worker`
# processes of which one is killed with SIGKILL and started again every
# two seconds. Then, from job and job_attempt:
#   every job ends done or failed, none is lost, each attempt recorded;
#   none ran again after the attempt that made it done;
#   a job whose worker was killed ran again within 30 s of the kill.
# Retries wait 100 ms to 2 s (the defaults are seconds to an hour) so the
# run stays within about a minute; leases are the real 20 s.
. "$(dirname "$0")/../tui/lib.sh"
tui_start_pg "$@"

JOBS=${RL_CHAOS_JOBS:-10000}
KILL_EVERY=2
KILL_FOR=30          # seconds of killing
DEADLINE=110         # seconds for everything to end

wdir=$(mktemp -d "${TMPDIR:-/tmp}/rl-chaos.XXXXXX")
pid1= pid2=
tui_cleanup_hook() {
	for p in $pid1 $pid2; do
		kill -9 "$p" 2>/dev/null
	done
	rm -rf "$wdir"
}

run migrate
t "the database migrates" '[ "$rc" -eq 0 ]'

export REDLIGHT_WORKER_RETRY_BASE_MS=100 REDLIGHT_WORKER_RETRY_MAX_MS=2000
# start_worker N: a worker in the background; its pid in pidN
start_worker() {
	"$REDLIGHT" worker 2>>"$wdir/worker$1.log" &
	eval "pid$1=\$!"
}

sql "INSERT INTO job (kind, payload)
     SELECT 'flaky', '{\"fail_pct\": 33, \"sleep_ms\": 2}' FROM generate_series(1, $JOBS)"
sql "CREATE TABLE chaos_kill (pid int, at timestamptz)"
start=$(date +%s)
start_worker 1
start_worker 2

kills=0 n=1
while [ $(($(date +%s) - start)) -lt $KILL_FOR ]; do
	sleep $KILL_EVERY
	left=$(sql "SELECT count(*) FROM job WHERE status IN ('queued', 'running')")
	[ "$left" -eq 0 ] && break
	eval "victim=\$pid$n"
	kill -9 "$victim" 2>/dev/null
	wait "$victim" 2>/dev/null
	sql "INSERT INTO chaos_kill VALUES ($victim, to_timestamp($(date +%s.%N)))"
	kills=$((kills + 1))
	start_worker $n
	n=$((3 - n))
done
diag "$kills kills in $(($(date +%s) - start)) s; waiting for the rest"

while [ "$(sql "SELECT count(*) FROM job WHERE status NOT IN ('done', 'failed')")" -ne 0 ]; do
	[ $(($(date +%s) - start)) -lt $DEADLINE ] || break
	sleep 0.5
done
diag "ended after $(($(date +%s) - start)) s:" \
	"$(sql "SELECT string_agg(status || ' ' || n, ', ') FROM (SELECT status, count(*) n FROM job GROUP BY 1) x")" \
	"$(sql "SELECT string_agg(coalesce(outcome, 'unfinished') || ' ' || n, ', ') FROM (SELECT outcome, count(*) n FROM job_attempt GROUP BY 1) x") attempts"

t "workers were killed while they ran jobs ($kills kills)" '[ "$kills" -ge 3 ]'
t "every one of the $JOBS jobs ended done or failed, none lost" \
	'[ "$(sql "SELECT count(*) FILTER (WHERE status IN ('"'done'"', '"'failed'"')) || '"' '"' || count(*) FROM job")" = "$JOBS $JOBS" ]'
t "every attempt is recorded, numbered 1..attempts, and ended" \
	'[ "$(sql "SELECT count(*) FROM job j WHERE j.attempts <> (SELECT count(*) FROM job_attempt a WHERE a.job_id = j.id)
	   OR j.attempts <> (SELECT max(a.attempt) FROM job_attempt a WHERE a.job_id = j.id)")" = 0 ] &&
	 [ "$(sql "SELECT count(*) FROM job_attempt WHERE outcome IS NULL OR finished_at IS NULL")" = 0 ]'
t "a third of the attempts failed, as injected" \
	'sql "SELECT count(*) FILTER (WHERE outcome = '"'failed'"')::float / count(*) BETWEEN 0.25 AND 0.42 FROM job_attempt" | grep -qx t'
t "each done job was done once, by its last attempt, and nothing started after it" \
	'[ "$(sql "SELECT count(*) FROM job j
	   JOIN job_attempt d ON d.job_id = j.id AND d.outcome = '"'done'"'
	   WHERE j.status = '"'done'"' AND (d.attempt <> j.attempts
	     OR EXISTS (SELECT 1 FROM job_attempt a WHERE a.job_id = j.id AND a.started_at > d.started_at))")" = 0 ] &&
	 [ "$(sql "SELECT count(*) FROM (SELECT job_id FROM job_attempt WHERE outcome = '"'done'"'
	   GROUP BY job_id HAVING count(*) > 1) x")" = 0 ] &&
	 [ "$(sql "SELECT count(*) FROM job WHERE status = '"'done'"'")" = \
	   "$(sql "SELECT count(*) FROM job_attempt WHERE outcome = '"'done'"'")" ]'
lost=$(sql "SELECT count(*) FROM job_attempt WHERE outcome = 'lost'")
t "the killed workers' jobs were rescued ($lost lost attempts)" '[ "$lost" -ge 1 ]'
# A lost attempt that was its job's last allowed one has no next attempt:
# the claim fails that job (0010), which the next check asserts.
late=$(sql "SELECT count(*) FROM job_attempt l
	JOIN job j ON j.id = l.job_id
	JOIN chaos_kill k ON k.pid = substring(l.worker from ':([0-9]+)\$')::int
	LEFT JOIN job_attempt n ON n.job_id = l.job_id AND n.attempt = l.attempt + 1
	WHERE l.outcome = 'lost' AND l.attempt < j.max_attempts
	  AND (n.started_at IS NULL OR n.started_at > k.at + interval '30 s')")
last_lost=$(sql "SELECT count(*) FROM job_attempt l JOIN job j ON j.id = l.job_id
	WHERE l.outcome = 'lost' AND l.attempt >= j.max_attempts
	  AND NOT (j.status = 'failed' AND j.last_error LIKE 'its last attempt was lost%')")
unmatched=$(sql "SELECT count(*) FROM job_attempt l WHERE l.outcome = 'lost'
	AND NOT EXISTS (SELECT 1 FROM chaos_kill k WHERE k.pid = substring(l.worker from ':([0-9]+)\$')::int)")
t "each rescued job ran again within 30 s of its worker's kill" '[ "$late" = 0 ] && [ "$unmatched" = 0 ]'
t "a job whose last allowed attempt was lost is failed, saying so" '[ "$last_lost" = 0 ]'
slowest=$(sql "SELECT coalesce(round(max(extract(epoch FROM n.started_at - k.at))::numeric, 1), 0) FROM job_attempt l
	JOIN chaos_kill k ON k.pid = substring(l.worker from ':([0-9]+)\$')::int
	JOIN job_attempt n ON n.job_id = l.job_id AND n.attempt = l.attempt + 1
	WHERE l.outcome = 'lost'")
diag "the slowest rescue started ${slowest} s after the kill"

# SIGTERM: the survivors stop cleanly and say so
for p in $pid1 $pid2; do kill -TERM "$p" 2>/dev/null; done
for p in $pid1 $pid2; do wait "$p" 2>/dev/null; done
pid1= pid2=
t "SIGTERM stops the workers cleanly" 'tail -n 1 "$wdir/worker1.log" | grep -q "stopped" && tail -n 1 "$wdir/worker2.log" | grep -q "stopped"'
tui_done
