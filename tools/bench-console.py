#!/usr/bin/env python3
"""bench-console.py REDLIGHT ROUNDS: the console's key-to-frame time and
its writes to the terminal per key. Used by tools/bench (its console
section), against DATABASE_URL, which holds the demo studio and 1,000
bookings to come.

Runs the real console under a pseudo-terminal (100x30, xterm-256color),
signs in as the demo admin and presses, ROUNDS times each: cursor down
and up and page down and up in the bookings list, a switch to each of
the nine screens, the board's cursor (there and back: a screen keeps
its place) and its day/week toggle, and the bookings list opened again
after a change made elsewhere (a booking's notice, as the web or the CLI
sends it, while the board is shown; the key follows SETTLE seconds
later), and r in the bookings list, which reads all of them again (r
draws at once, saying the list is refreshing, and again when the rows
come), and a cursor key pressed as soon as r has drawn, while its read
is out. A key's time runs from writing it to the pty to the last byte of
what it drew, once the console has been quiet for QUIET seconds; its
first frame's time to the first byte it drew. The first key
follows the signed-in screen by SETTLE seconds, a person's pause. Then the same keys again with the console
under `strace -f -y -e trace=write`, counting its write(2) calls to the
terminal per key. Prints one line per kind of key:
  KIND: median M ms, p99 P ms, slowest S ms; first frame: median F ms;
  writes per key: W (N keys)
and last a line with every key's figures together."""
import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import tempfile
import termios
import time

QUIET = 0.05          # no output for this long: the console is idle
SETTLE = 0.3          # from a change's redraw to the next key
FIRST = 1.0           # the longest a key may take to draw at all

redlight, rounds = sys.argv[1], int(sys.argv[2])


def spawn(argv):
    pid, fd = pty.fork()
    if pid == 0:
        env = dict(os.environ, TERM="xterm-256color", LANG="C.UTF-8", LC_ALL="")
        os.execvpe(argv[0], argv, env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    return pid, fd


def drain(fd, first=FIRST, times=None):
    """Read until the console is quiet; the time of the last byte, or None.
    times, a list, gets the time of the first byte too."""
    last = None
    wait = first
    while True:
        r, _, _ = select.select([fd], [], [], wait)
        if not r:
            return last
        try:
            data = os.read(fd, 65536)
        except OSError:
            return last
        if not data:
            return last
        last = time.perf_counter()
        if times is not None and not times:
            times.append(last)
        wait = QUIET


def first_output(fd):
    """Read what comes first (a frame goes out in one write)."""
    r, _, _ = select.select([fd], [], [], FIRST)
    if r:
        os.read(fd, 65536)


def press(fd, keys):
    t0 = time.perf_counter()
    os.write(fd, keys)
    return t0


# the keys as xterm sends them in keypad mode, as ncurses asks
DOWN, UP, NPAGE, PPAGE = b"\x1bOB", b"\x1bOA", b"\x1b[6~", b"\x1b[5~"


def plan():
    """(kind, key) in the order pressed, after signing in."""
    steps = []
    for _ in range(rounds):
        steps.append(("open the bookings list", b"4"))
        steps += [("cursor down", DOWN)] * 5 + [("cursor up", UP)] * 2
        steps += [("page down", NPAGE)] * 3 + [("page up", PPAGE)]
        steps.append(("bookings list: refresh (reads them all)", b"r"))
        steps.append(("bookings list: cursor down while r reads", (b"r", DOWN)))
        for n in b"123456789":
            steps.append(("switch screen", bytes([n])))
        steps.append(("board: switch screen", b"6"))
        steps += [("board: cursor", b"l")] * 3 + [("board: cursor", b"j")] * 2
        steps += [("board: cursor", b"h")] * 3 + [("board: cursor", b"k")] * 2
        steps += [("board: day/week toggle", b"w")] * 2
        steps.append(("a change elsewhere", None))
        steps.append(("open the bookings list after a change", b"4"))
        steps.append(("board: switch screen", b"6"))
    return steps


def change():
    """A booking's notice, as a change made on the web or by the CLI sends
    it (notify_change)."""
    subprocess.run(["psql", "-XAtq", "-v", "ON_ERROR_STOP=1", os.environ["DATABASE_URL"], "-c",
                    "SELECT notify_change('booking', b.id::text, b.room_id, b.blocked)"
                    " FROM booking b WHERE b.code = 'RL-CON-0000'"],
                   check=True, stdout=subprocess.DEVNULL)


def session(argv):
    """Run the console; returns [(kind, wall time sent, wall time idle,
    key to idle in s, key to first frame in s)]. A (first, then) key pair
    presses then once first has drawn, and times then."""
    pid, fd = spawn(argv)
    drain(fd, 10)
    # the sign-in screen: email, Enter, password, Enter
    os.write(fd, b"\x15admin@redlight.test\r")
    drain(fd)
    os.write(fd, b"redlight-demo\r")
    drain(fd, 10)
    time.sleep(SETTLE)
    out = []
    for kind, key in plan():
        if key is None:
            change()
            drain(fd)
            time.sleep(SETTLE)
            continue
        if isinstance(key, tuple):
            os.write(fd, key[0])
            first_output(fd)
            key = key[1]
        sent = time.time()
        t0 = press(fd, key)
        times = []
        last = drain(fd, times=times)
        out.append((kind, sent, time.time(), None if last is None else last - t0,
                    times[0] - t0 if times else None))
    os.write(fd, b"q")
    drain(fd, 2)
    try:
        os.kill(pid, 15)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
    os.close(fd)
    return out


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


timed = session([redlight])
with tempfile.NamedTemporaryFile(prefix="rl-bench-console-", suffix=".strace") as tf:
    traced = session(["strace", "-f", "-ttt", "-y", "-s", "0", "-e", "trace=write", "-o", tf.name, redlight])
    writes = []
    for line in open(tf.name, encoding="utf-8", errors="replace"):
        parts = line.split(None, 2)
        # -y names each descriptor's file: only what reaches the terminal
        if len(parts) == 3 and re.match(r"write\(\d+</dev/(pts/|tty)", parts[2]):
            writes.append(float(parts[1]))
per_key = []
# a key's writes: from the key to the console going idle (the second's
# tick may redraw between keys: that is not the key's)
for kind, sent, idle, _, _ in traced:
    per_key.append(sum(1 for w in writes if sent <= w < idle))

kinds = []
for kind, _, _, _, _ in timed:
    if kind not in kinds:
        kinds.append(kind)
alltimes, allwrites, silent = [], [], 0
for kind in kinds:
    ts = [t * 1000 for k, _, _, t, _ in timed if k == kind and t is not None]
    fs = [f * 1000 for k, _, _, _, f in timed if k == kind and f is not None]
    silent += sum(1 for k, _, _, t, _ in timed if k == kind and t is None)
    ws = [per_key[i] for i, (k, _, _, _, _) in enumerate(traced) if k == kind]
    alltimes += ts
    allwrites += ws
    if not ts:
        print("console: %s: no frame drawn" % kind)
        continue
    print("console: %s: median %.1f ms, p99 %.1f ms, slowest %.1f ms; first frame: median %.1f ms;"
          " writes per key: %s (%d keys)"
          % (kind, pct(ts, 50), pct(ts, 99), max(ts), pct(fs, 50),
             "/".join(str(w) for w in sorted(set(ws))), len(ts)))
if silent:
    print("console: %d keys drew nothing" % silent)
if not alltimes:
    sys.exit("console: no key drew a frame")
print("console: every key: median %.1f ms, p99 %.1f ms; writes per key: median %d, most %d"
      % (pct(alltimes, 50), pct(alltimes, 99), pct(allwrites, 50), max(allwrites)))
