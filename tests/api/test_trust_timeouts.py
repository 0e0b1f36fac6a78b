"""Issue 18, item 8: slow-header connections are closed (no read timeout before).

Replays the attack against a uvicorn server configured as ``meedenken serve`` configures it
(:func:`api.cli.server.server_options`): connections that send their request headers one byte
at a time, too slowly, are closed after ``header_timeout_seconds``; a normal request on the same
server is answered.
"""

from __future__ import annotations

import socket
import threading
import time

import uvicorn

from meedenken.api.cli.server import server_options
from meedenken.api.settings import Settings


async def _app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"ok"})


def _closed_within(sock: socket.socket, seconds: float, drip: bytes = b"") -> bool:
    """Whether the server closes ``sock`` within ``seconds`` while a byte is dripped in."""
    deadline = time.monotonic() + seconds
    sock.settimeout(0.2)
    while time.monotonic() < deadline:
        try:
            if drip:
                sock.sendall(drip)
            if sock.recv(1024) == b"":
                return True
        except TimeoutError:
            continue
        except (ConnectionResetError, BrokenPipeError):
            return True
    return False


def test_slow_header_connections_are_closed():
    settings = Settings(header_timeout_seconds=1.0, keep_alive_seconds=1, max_connections=50)
    config = uvicorn.Config(_app, host="127.0.0.1", port=0, log_level="warning",
                            **server_options(settings))
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        port = server.servers[0].sockets[0].getsockname()[1]
        slow = [socket.create_connection(("127.0.0.1", port)) for _ in range(20)]
        for s in slow:
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        # A byte every 0.2 s, never finishing the headers: closed after about 1 s.
        started = time.monotonic()
        assert all(_closed_within(s, 4.0, drip=b"a") for s in slow)
        assert time.monotonic() - started < 6.0
        idle = socket.create_connection(("127.0.0.1", port))  # sends nothing at all
        assert _closed_within(idle, 4.0)
        with socket.create_connection(("127.0.0.1", port)) as ok:
            ok.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            ok.settimeout(3)
            assert ok.recv(1024).startswith(b"HTTP/1.1 200")
        for s in [*slow, idle]:
            s.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)
