"""Check that a speed change left ``meedenken analyze``'s answers unchanged.

``--save DIR`` runs ``meedenken analyze`` on a few exports (JSON and the readable summary) and
writes what it printed, without the timings, to DIR; ``--check DIR`` runs the same commands
again and compares them with what was saved, byte for byte. Run ``--save`` on the code before
the change (its own checkout and virtual environment: ``--meedenken PATH``), ``--check`` on the
code after it.

What is left out of the comparison: the JSON's ``seconds`` object and the summary's last line
("Read in ... s, analysed in ... s"). Everything else must be identical.

Exports: every folder given with ``--export`` (e.g. the 20,000-participant export of
``benchmarks.startup``), plus shared Pol.is exports chosen to cover the reader's paths: votes
rebuilt from participants-votes.csv (bowling-green), meta flags read from comments.csv
(bg2050-volunteers), meta flags inferred from the vote order (vtaiwan.uberx, ``--infer-meta``),
a zip file (brexit-consensus, zipped on the fly) and ``--polis-compatible``.

Run from the repository root: ``python -m benchmarks.same_answer --save DIR [--export FOLDER]``,
then ``python -m benchmarks.same_answer --check DIR [--export FOLDER]``. Exits 1 on a difference.
"""

from __future__ import annotations

import argparse
import difflib
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

__all__ = ["answer", "cases", "main"]

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "polis"
#: (name, export folder under DATA, extra arguments).
SHARED = (
    ("bowling-green", "american-assembly.bowling-green", ()),
    ("bg2050", "bg2050-volunteers", ()),
    ("uberx-infer-meta", "vtaiwan.uberx", ("--infer-meta",)),
    ("brexit-zip", "brexit-consensus.zip", ()),
    ("brexit-polis", "brexit-consensus", ("--polis-compatible",)),
)


def cases(exports: Sequence[Path], tmp: Path) -> list[tuple[str, Path, tuple[str, ...]]]:
    """(name, export path, extra arguments) of every comparison; zips are written to ``tmp``."""
    out: list[tuple[str, Path, tuple[str, ...]]] = [
        (f"export{i}-{p.name}", p, ()) for i, p in enumerate(exports)]
    for name, folder, extra in SHARED:
        path = DATA / folder
        if folder.endswith(".zip"):
            source = DATA / folder.removesuffix(".zip")
            if not source.is_dir():
                continue
            path = Path(shutil.make_archive(str(tmp / source.name), "zip", source))
        elif not path.is_dir():
            continue
        out.append((name, path, extra))
    return out


def answer(meedenken: str, path: Path, extra: Sequence[str], as_json: bool) -> str:
    """What ``meedenken analyze`` prints for ``path``, without its timings."""
    cmd = [meedenken, "analyze", str(path), *extra, *(["--json"] if as_json else [])]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: exit {proc.returncode}: {proc.stderr.strip()}")
    if as_json:
        data = json.loads(proc.stdout)
        data.pop("seconds")
        return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n"
    return "".join(line for line in proc.stdout.splitlines(keepends=True)
                   if not line.startswith("Read in "))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--save", type=Path, metavar="DIR")
    mode.add_argument("--check", type=Path, metavar="DIR")
    parser.add_argument("--export", type=Path, action="append", default=[],
                        help="another export folder to compare (repeatable)")
    parser.add_argument("--meedenken", default=str(Path(sys.executable).with_name("meedenken")),
                        help="the meedenken command to run (default: this environment's)")
    args = parser.parse_args(argv)
    folder = args.save or args.check
    failed = 0
    with tempfile.TemporaryDirectory(prefix="meedenken-same-") as tmp:
        for name, path, extra in cases(args.export, Path(tmp)):
            for as_json in (True, False):
                file = folder / f"{name}.{'json' if as_json else 'txt'}"
                text = answer(args.meedenken, path, extra, as_json)
                if args.save:
                    folder.mkdir(parents=True, exist_ok=True)
                    file.write_text(text, encoding="utf-8")
                    print(f"saved {file} ({len(text):,} chars)")
                    continue
                saved = file.read_text(encoding="utf-8")
                if saved == text:
                    print(f"same     {file.name} ({len(text):,} chars)")
                    continue
                failed += 1
                print(f"DIFFERS  {file.name}")
                diff = difflib.unified_diff(saved.splitlines(), text.splitlines(), "before",
                                            "after", lineterm="", n=1)
                print("\n".join(list(diff)[:40]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
