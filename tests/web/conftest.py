"""Fixtures of the browser tests: a real uvicorn server and Debian's headless Chromium.

The server runs in its own process on a free loopback port with a fresh SQLite file. The browser
is Debian's ``/usr/bin/chromium`` driven by Playwright (never a downloaded browser); without it
the tests are skipped with the reason (``make browser`` installs it).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from meedenken.api.cli.demo import DemoConversation, seed_demo
from meedenken.models.db import make_engine, upgrade

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update"]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
#: Seconds the server may take to start (migrations included).
STARTUP_TIMEOUT = 30.0

#: How often wait_until looks again.
POLL_SECONDS = 0.02
#: Seconds wait_until and a page's Playwright calls wait by default: for a page to reach a state
#: *eventually* (a vote's next statement, a list filled in), not for a speed; a test that bounds
#: a time measures it. 30 s: with the suite's two workers on two cores under load, 10 s was seen
#: to run out.
WAIT_SECONDS = 30.0

PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 800}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Server:
    base: str
    database: Path
    #: The seeded demo dialogue (for the screenshots: a map with groups).
    demo: DemoConversation


#: Simulated participants of the demo dialogue in the browser tests' database.
DEMO_PARTICIPANTS = 200


def _seed(database: Path) -> DemoConversation:
    engine = make_engine(f"sqlite:///{database}")
    try:
        upgrade(engine)
        return seed_demo(engine, n_participants=DEMO_PARTICIPANTS, random_state=0)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A uvicorn server (own process, temp SQLite database holding the demo dialogue)."""
    folder = tmp_path_factory.mktemp("web")
    database = folder / "web.db"
    demo = _seed(database)
    port = _free_port()
    env = {**os.environ,
           "PYTHONPATH": str(ROOT),
           "DATABASE_URL": f"sqlite:///{database}",
           "MEEDENKEN_ANALYSIS_DEBOUNCE_SECONDS": "0.1",
           "MEEDENKEN_SSE_POLL_SECONDS": "0.5",
           "MEEDENKEN_RATE_LIMITS": "off"}
    log = (folder / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "meedenken.api.http.app:app", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_TIMEOUT
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"server exited with {proc.returncode}: "
                            f"{(folder / 'server.log').read_text()[-2000:]}")
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("server did not start in time")
            time.sleep(0.1)
        yield Server(base, database, demo)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


#: Seconds an API call from a browser test may take; a test module that needs longer (one whose
#: first submission loads the sentence-embedding model) sets its own ``HTTP_TIMEOUT``.
HTTP_TIMEOUT = 10


@pytest.fixture
def http(server: Server, request: pytest.FixtureRequest) -> Iterator[httpx.Client]:
    """A client of the test server, with the module's ``HTTP_TIMEOUT`` (default 10 s)."""
    timeout = getattr(request.module, "HTTP_TIMEOUT", HTTP_TIMEOUT)
    with httpx.Client(base_url=server.base, timeout=timeout) as client:
        yield client


#: Per module, not per session: Playwright's sync API keeps its event loop running in the main
#: thread while it is open, and a test after the browser tests in the same process that calls
#: ``asyncio.run`` (tests/api/test_hub.py) then fails ("cannot be called from a running event
#: loop"). Under pytest-xdist a worker goes on to other files after the browser tests.
@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (install Debian's chromium: `make browser`)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                              args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def new_page(browser: object) -> Iterator[object]:
    """Factory of pages, each in its own browser context (own localStorage: own participant)."""
    contexts = []

    def make(viewport: dict[str, int] = DESKTOP, **options: object) -> object:
        context = browser.new_context(viewport=viewport, **options)  # type: ignore[attr-defined]
        context.set_default_timeout(WAIT_SECONDS * 1000)
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda msg: errors.append(msg.text)
                if msg.type == "error" and "Content Security Policy" in msg.text else None)
        page.js_errors = errors  # checked by the tests
        return page

    yield make
    for context in contexts:
        context.close()


def wait_until(page: object, expression: str, timeout: float = WAIT_SECONDS) -> object:
    """Poll a JavaScript expression until it is truthy (Playwright's wait_for_function evaluates
    strings with eval, which the pages' Content-Security-Policy rightly forbids)."""
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(expression)  # type: ignore[attr-defined]
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for: {expression}")
        time.sleep(POLL_SECONDS)


def screenshot(page: object, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    return path
