"""The command line's process-level speed-ups (meedenken.api.cli.process): the background import
and the frozen exit leave behaviour unchanged and apply only where they should."""

from __future__ import annotations

import gc
import sys

import pytest

from meedenken.api.cli import main as cli_main
from meedenken.api.cli import process
from meedenken.api.cli.process import ANALYZE_MODULES, freeze_before_exit, preload


def test_preload_imports_the_modules_in_a_background_thread() -> None:
    name = "meedenken_test_preload_absent"
    thread = preload(["json.tool", name])  # a missing module does not raise in the thread
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert "json.tool" in sys.modules
    assert name not in sys.modules


def test_wait_for_returns_once_the_module_is_imported_or_the_thread_stopped() -> None:
    missing = "meedenken_test_preload_missing"
    later = "meedenken_test_preload_never"  # after the failure: never imported, never waited on
    thread = preload(["json.tool", missing, later])
    thread.wait_for("json.tool")
    assert "json.tool" in sys.modules
    thread.wait_for(later)  # returns although the thread stopped at the missing module
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert missing not in sys.modules and later not in sys.modules


def test_analyze_modules_exist() -> None:
    thread = preload(ANALYZE_MODULES)
    thread.join(timeout=120)
    assert all(m in sys.modules for m in ANALYZE_MODULES)


def test_main_with_argv_freezes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    gc.unfreeze()
    assert cli_main.main(["--help"]) == 0
    assert gc.get_freeze_count() == 0


def test_the_collector_pauses_only_in_a_process_the_command_owns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert gc.isenabled()
    monkeypatch.setattr(process, "_owned", False)
    assert process.pause_collector() is False and gc.isenabled()
    monkeypatch.setattr(process, "_owned", True)
    try:
        assert process.pause_collector() is True and not gc.isenabled()
    finally:
        gc.enable()


def test_the_parser_keeps_to_one_core_only_in_a_process_the_command_owns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import pyarrow

    before = pyarrow.cpu_count()
    monkeypatch.setattr(process, "_owned", False)
    assert process.parse_on_one_core() is False and pyarrow.cpu_count() == before
    monkeypatch.setattr(process, "_owned", True)
    try:
        assert process.parse_on_one_core() is True and pyarrow.cpu_count() == 1
    finally:
        pyarrow.set_cpu_count(before)


def test_console_script_freezes_before_exit(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    gc.unfreeze()
    monkeypatch.setattr(process, "_owned", False)  # main() marks the process as its own
    monkeypatch.setattr(sys, "argv", ["meedenken", "--help"])
    try:
        assert cli_main.main() == 0
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
    freeze_before_exit()
    assert gc.get_freeze_count() > 0
    gc.unfreeze()


def test_the_switch_interval_is_short_while_preloading_and_restored_after(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the background thread imports, the main thread gets the GIL back within
    PRELOAD_SWITCH_INTERVAL_S after each NumPy or pyarrow call that released it."""
    name = "meedenken_test_preload_interval"
    (tmp_path / f"{name}.py").write_text("import sys\nSEEN = sys.getswitchinterval()\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    before = sys.getswitchinterval()
    try:
        thread = preload([name])
        thread.join(timeout=60)
        seen = sys.modules[name].SEEN
        assert seen == pytest.approx(process.PRELOAD_SWITCH_INTERVAL_S)
        assert sys.getswitchinterval() == pytest.approx(before)
    finally:
        sys.modules.pop(name, None)
        sys.setswitchinterval(before)
