"""tap.py: what the stand-ins' tests share: TAP lines and loopback ports."""
import socket
import sys
import time

count = 0


def ok(cond, desc, detail=None):
    """One TAP line; on failure the detail's first lines as comments."""
    global count
    count += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (count, desc))
    if not cond and detail is not None:
        for line in str(detail).splitlines()[:8]:
            print("# " + line)
    sys.stdout.flush()


def plan():
    print("1..%d" % count)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, seconds=10):
    """Whether something accepts on 127.0.0.1:port within seconds."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False
