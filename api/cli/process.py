"""Process-level start-up and exit costs of the ``meedenken`` command.

A ``meedenken analyze`` process spends as long importing scikit-learn (which imports SciPy's
``scipy.stats`` and pandas) and in the interpreter's shutdown as in the analysis itself
(benchmarks/RESULTS.md, issue 14 item 6). Remedies that leave every output unchanged:

- :func:`preload` imports the analysis modules in a background thread (:class:`Preload`)
  while the main thread reads the export, builds the vote matrix and counts participation:
  pyarrow's CSV parser and NumPy's large array operations release the GIL, so the imports'
  Python code runs meanwhile on the other core. The main thread waits for a module
  (:meth:`Preload.wait_for`) just before it needs it. While the thread imports, the switch
  interval is short (:data:`PRELOAD_SWITCH_INTERVAL_S`), so the main thread gets the GIL back
  soon after each call that released it, and the export's files are parsed from a memory map
  (``models._csv._mapped``), not through a Python file object that needs the GIL per block.
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
import sys
import threading
from collections.abc import Sequence

__all__ = ["ANALYZE_MODULES", "Preload", "freeze_before_exit", "own_process",
           "parse_on_one_core", "pause_collector", "preload"]

logger = logging.getLogger(__name__)

#: The interpreter's thread switch interval while :class:`Preload` imports (CPython's default
#: is 0.005 s). The main thread meanwhile makes hundreds of short calls that release the GIL
#: (NumPy on large arrays, pyarrow) and must take it back after each; the import thread, pure
#: Python, lets go of it only when the interval runs out, so each call waited up to 5 ms.
PRELOAD_SWITCH_INTERVAL_S = 0.0005

#: What ``meedenken analyze`` imports besides the export reader, in the order it needs them:
#: pandas (comments.csv; the votes are read without it), SciPy's sparse matrices (the matrix
#: build), the participation measures, the engine's steps (scikit-learn, which imports SciPy's
#: stats and optimize), then the presentation of the answer (pydantic), needed last.
ANALYZE_MODULES = (
    "pandas",
    "meedenken.engine.matrix",
    "meedenken.api.cli.diversity",
    "meedenken.engine.analysis",
    "meedenken.engine.steps",
    "meedenken.engine.opinion_diversity",
    "meedenken.api.present.analysis",
)


class Preload(threading.Thread):
    """A daemon thread importing modules in order; :meth:`wait_for` one before using it.

    Safe against import deadlocks as it is used: the main thread imports a module of the list
    only after :meth:`wait_for` it, or from inside a function (``import pandas`` in the
    comments reader), holding no other module's import lock while it waits for the thread's;
    and none of these libraries imports back into a module the main thread is importing.
    A module that fails to import stops the thread and is left out of ``sys.modules``, so the
    main thread's own ``import`` raises the error where it always did.
    """

    def __init__(self, modules: Sequence[str]) -> None:
        super().__init__(name="meedenken-preload", daemon=True)
        self.modules = tuple(modules)
        self._done = {name: threading.Event() for name in self.modules}

    def run(self) -> None:
        interval = sys.getswitchinterval()
        sys.setswitchinterval(min(interval, PRELOAD_SWITCH_INTERVAL_S))
        try:
            for name in self.modules:
                importlib.import_module(name)
                self._done[name].set()
        except Exception:  # the main thread's own import raises it again
            logger.debug("background import of %s failed", name, exc_info=True)
        finally:  # nobody waits for a module the thread will not import
            sys.setswitchinterval(interval)
            for done in self._done.values():
                done.set()

    def wait_for(self, name: str) -> None:
        """Block until ``name`` (one of :attr:`modules`) is imported, or the thread stopped."""
        self._done[name].wait()


def preload(modules: Sequence[str]) -> Preload:
    """Start importing ``modules`` in a daemon thread (:class:`Preload`); ``wait_for`` a module
    or ``join()`` the thread before using them.

    Parameters
    ----------
    modules : sequence of str
        Absolute module names, imported in this order.

    Returns
    -------
    Preload
        The started thread.
    """
    thread = Preload(modules)
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


def parse_on_one_core() -> bool:
    """Keep pyarrow's CSV parser to one thread for the rest of a one-shot command, if this
    process is the command's own (:func:`own_process`); returns whether it did.

    While ``meedenken analyze`` reads the export, the background imports (:func:`preload`) are
    the longer of the two and need a core of their own; two parser threads on a two-core
    machine would take it from them. The values read are the same either way.
    """
    if _owned:
        import pyarrow

        pyarrow.set_cpu_count(1)
    return _owned


def freeze_before_exit() -> None:
    """Let the process exit without interpreter shutdown traversing every live object.

    Call it only when the process is about to end (the console script, after the command):
    frozen objects are never collected, which in a long-lived process would be a leak.
    """
    gc.freeze()
