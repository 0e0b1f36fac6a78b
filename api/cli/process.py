"""Process-level start-up and exit costs of the ``meedenken`` command.

A ``meedenken analyze`` process spends as long importing scikit-learn (which imports SciPy's
``scipy.stats`` and pandas) and in the interpreter's shutdown as in the analysis itself
(benchmarks/RESULTS.md, issue 14 item 6). Two remedies that leave every output unchanged:

- :func:`preload` imports the analysis modules in a background thread while the main thread
  reads the export: pyarrow's CSV parser and NumPy's large array operations release the GIL,
  so the import's Python code runs meanwhile on the other core.
- :func:`pause_collector` switches the cyclic garbage collector off for a one-shot command:
  its full passes over the ~1M objects of SciPy, scikit-learn, pandas and the analysis took
  0.3-0.7 s of ``analyze``, which leaves almost no cyclic garbage (1,622 objects on the
  20,000-participant export; the same peak memory). Reference counting frees the rest.
- :func:`freeze_before_exit` moves every object to the garbage collector's permanent
  generation once the command is done: interpreter shutdown then skips the collections that
  traverse the hundreds of thousands of objects SciPy, scikit-learn and pandas create at
  import (about 0.5 s of a 4 s ``analyze``). The operating system frees the memory.

Both act only in a process the command owns (:func:`own_process`: the console script), never
when a test or another program calls :func:`meedenken.api.cli.main.main` with arguments, nor in
``meedenken serve`` (a long-lived server needs its collector).

Light on purpose (standard library only): ``meedenken --help`` imports this module.
"""

from __future__ import annotations

import gc
import importlib
import logging
import threading
from collections.abc import Sequence

__all__ = ["ANALYZE_MODULES", "freeze_before_exit", "own_process", "pause_collector",
           "preload"]

logger = logging.getLogger(__name__)

#: What ``meedenken analyze`` imports after reading the export: the engine's steps
#: (scikit-learn, SciPy), bridging and the presentation of the answer.
ANALYZE_MODULES = (
    "meedenken.engine.analysis",
    "meedenken.engine.steps",
    "meedenken.api.present.analysis",
    "meedenken.api.cli.diversity",
)


def _import_all(modules: Sequence[str]) -> None:
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # the main thread's own import raises it again
            logger.debug("background import of %s failed", name, exc_info=True)
            return


def preload(modules: Sequence[str]) -> threading.Thread:
    """Start importing ``modules`` in a daemon thread; ``join()`` the thread before using them.

    The caller must already have imported what it uses meanwhile, so the two threads never
    wait on each other's module locks. A module that fails to import is left out of
    ``sys.modules``, so the caller's own ``import`` raises the error where it always did.

    Parameters
    ----------
    modules : sequence of str
        Absolute module names, imported in this order.

    Returns
    -------
    threading.Thread
        The started thread.
    """
    thread = threading.Thread(target=_import_all, args=(tuple(modules),),
                              name="meedenken-preload", daemon=True)
    thread.start()
    return thread


_owned = False


def own_process() -> None:
    """Say that this process runs one command and then exits (the console script)."""
    global _owned
    _owned = True


def pause_collector() -> bool:
    """Switch the cyclic garbage collector off for the rest of a one-shot command, if this
    process is the command's own (:func:`own_process`); returns whether it did."""
    if _owned:
        gc.disable()
    return _owned


def freeze_before_exit() -> None:
    """Let the process exit without interpreter shutdown traversing every live object.

    Call it only when the process is about to end (the console script, after the command):
    frozen objects are never collected, which in a long-lived process would be a leak.
    """
    gc.freeze()
