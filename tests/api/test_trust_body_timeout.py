"""Issue 18, the slowloris attack on the body: headers at once, then the body at a byte a
second held the request open for as long as the client liked. Replayed against the app on a
uvicorn server configured as ``meedenken serve`` configures it: the slow body gets 408 after
``body_timeout_seconds``; a body that arrives in time, in pieces, is answered normally."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from meedenken.api.cli.server import server_options
from meedenken.api.http.app import create_app
from meedenken.api.settings import Settings

BOUND_S = 1.0


@pytest.fixture
def port(tmp_path: Path) -> Iterator[int]:
    settings = Settings(database_url=f"sqlite:///{tmp_path}/slow.db", body_timeout_seconds=BOUND_S,
                        header_timeout_seconds=30.0, rate_limits=False, embedding_similarity=False)
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=0, log_level="warning",
                            **server_options(settings))
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield server.servers[0].sockets[0].getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _headers(body: bytes) -> bytes:
    return (b"POST /conversations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n")


def _answer(sock: socket.socket, seconds: float) -> bytes:
    sock.settimeout(seconds)
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    except TimeoutError:
        pass
    return data


def test_body_at_a_byte_a_second_gets_408(port: int) -> None:
    body = json.dumps({"topic": "langzaam " * 20}).encode()
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(_headers(body))
        started = time.monotonic()
        sock.settimeout(0.25)
        answer = b""
        for byte in body:  # a byte every 0.25 s: the whole body would take ~50 s
            try:
                sock.sendall(bytes([byte]))
                answer += sock.recv(4096)
            except TimeoutError:
                continue
            except (ConnectionResetError, BrokenPipeError):
                break
            if answer:
                break
        elapsed = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408"), answer[:80]
    assert BOUND_S * 0.9 <= elapsed < BOUND_S + 3.0


def test_body_in_pieces_within_the_bound_is_answered(port: int) -> None:
    body = json.dumps({"topic": "op tijd"}).encode()
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(_headers(body))
        for piece in (body[:5], body[5:10], body[10:]):
            time.sleep(BOUND_S / 5)
            sock.sendall(piece)
        answer = _answer(sock, 10.0)
    assert answer.startswith(b"HTTP/1.1 201"), answer[:80]


def test_headers_only_get_is_not_timed_out(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        assert _answer(sock, 10.0).startswith(b"HTTP/1.1 200")
