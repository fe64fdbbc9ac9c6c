"""Free TCP ports for the servers tests start (bots, the dashboard under Chromium).

Ports are drawn from 20000–32767, below Linux's ephemeral range (32768–60999, where the kernel
picks client ports and `bind(("", 0))`), and under pytest-xdist each worker draws only ports of
its own residue (port % workers == its index): two workers never pick the same port between one
checking it and its server binding it.
"""

import os
import random
import socket

LOW, HIGH = 20000, 32768
_draw = random.SystemRandom()  # not the random module's state, which a test may have seeded


def _worker() -> tuple[int, int]:
    """(this worker's index, the number of workers); (0, 1) outside pytest-xdist."""
    name = os.environ.get("PYTEST_XDIST_WORKER", "")  # gw0, gw1, …
    count = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    return (int(name[2:]), count) if name.startswith("gw") else (0, 1)


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now, that no other test worker picks."""
    index, count = _worker()
    while True:
        port = _draw.randrange(LOW + index, HIGH, count)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:  # taken (a service, or a bot from an earlier test still closing)
                continue
            return port
