"""What every test shares: how the suite runs in parallel under pytest-xdist
(``make test`` runs ``pytest -n 2 --dist loadfile --no-loadscope-reorder``; benchmarks/RESULTS.md,
sessions 20 and 23). Nothing here acts outside an xdist worker.

- **One native thread per worker.** Two workers on two cores, each with torch's and OpenBLAS's
  default of one thread per core, oversubscribe the machine (session 17 measured the e5 fixture
  of tests/benchmarks/test_duplicate_targets.py going from 61 s to past the 600 s timeout). In a
  worker the thread counts are set here, before numpy or torch is imported, and inherited by the
  servers and notebooks the tests start.
- **One unit of work per file, and the browser tests as one unit.** Under ``--dist loadfile``
  each file goes to one worker, so a module's fixtures are built once, and the files of
  tests/web are one unit (the scheduler below), so they share one server and one Chromium and no
  two browsers run at once. (Not ``--dist loadgroup`` with ``xdist_group`` marks: xdist 3.8 puts
  the group in ``item._nodeid``, which pytest 9 no longer reads, so every test became its own
  unit and the module fixtures were built in both workers.) The browser unit is handed out
  first (with ``--no-loadscope-reorder``): it is the longest unit, and one left for the end
  would keep the other worker idle.
"""

from __future__ import annotations

import os
import sys

import pytest

#: The environment variables that set the native libraries' thread counts.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
#: The one unit of work of every browser test (tests/web).
WEB_UNIT = "tests/web"


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


def _unit(nodeid: str) -> str:
    path = nodeid.split("::", 1)[0]
    return WEB_UNIT if path.startswith(WEB_UNIT + "/") else path


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """``--dist loadfile`` with the files of tests/web as one unit (other modes: xdist's own)."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class LoadFileWebTogether(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return _unit(nodeid)

    return LoadFileWebTogether(config, log)  # type: ignore[arg-type]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _in_worker():  # the browser unit first (a stable sort: the rest keep their order)
        items.sort(key=lambda item: _unit(item.nodeid) != WEB_UNIT)
