"""A request body read by ASGI middleware and handed on to the application unchanged.

The vote fast path, the strict-JSON check and the body-size limit each read a body before the
route does; these two functions are how they read it and give it back.
"""

from __future__ import annotations

from meedenken.api.http.limits import Message, Receive

__all__ = ["read_body", "replay"]


async def read_body(receive: Receive) -> tuple[bytes, bool]:
    """The request body, and whether it arrived whole (not cut short by a disconnect)."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), False
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks), True


def replay(body: bytes, receive: Receive, *, complete: bool = True) -> Receive:
    """A ``receive`` giving the already-read body first, then the original messages; when the
    body did not arrive whole (``complete`` false), a disconnect instead of the body."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        if not complete:  # the client went away while sending
            return {"type": "http.disconnect"}
        return {"type": "http.request", "body": body, "more_body": False}

    return replayed
