"""What every test shares: how the suite runs in parallel (``make test`` runs it with
pytest-xdist, ``-n 2 --dist loadgroup``).

- **One native thread per worker.** Two workers on two cores, each with torch's and OpenBLAS's
  default of one thread per core, oversubscribe the machine (session 17 measured the e5 fixture
  of tests/benchmarks/test_duplicate_targets.py going from 61 s to past the 600 s timeout). In a
  worker the thread counts are set here, before numpy or torch is imported, and inherited by the
  servers and notebooks the tests start.
- **One unit of work per file, and the browser tests as one unit.** Every test is put in the
  xdist group of its file, so a module's fixtures are built once, in one worker (as with
  ``--dist loadfile``); the files of tests/web share one group, so they share one server and one
  Chromium, and no two browsers run at once. The browser group is handed out first: it is the
  longest unit, and one left for the end would keep the other worker idle.
"""

from __future__ import annotations

import os
import sys

import pytest

#: The environment variables that set the native libraries' thread counts.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
#: The xdist group of every browser test (tests/web).
WEB_GROUP = "web"


def _in_worker() -> bool:
    return "PYTEST_XDIST_WORKER" in os.environ


if _in_worker():
    for _variable in THREAD_VARIABLES:
        os.environ[_variable] = "1"
    if "torch" in sys.modules:  # imported by a plugin before this file: too late for the variable
        sys.modules["torch"].set_num_threads(1)
    if "numpy" in sys.modules:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=1)


def _group(item: pytest.Item) -> str:
    path = item.nodeid.split("::", 1)[0]
    return WEB_GROUP if path.startswith("tests/web/") else path


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not _in_worker():
        return
    for item in items:
        item.add_marker(pytest.mark.xdist_group(_group(item)))
    # The browser group first (a stable sort: every other test keeps its order).
    items.sort(key=lambda item: _group(item) != WEB_GROUP)
