"""GET /analysis's rendering of a large snapshot: afresh per request against once per version.

Analyses a Pol.is export (default: the 20,000-participant export of
:func:`benchmarks.startup.make_export`, written to a temporary folder), stores its answer as a
snapshot's JSON, and times the three answers of ``GET /analysis`` (facilitator, anonymous,
a participant) read back and written afresh, as before, and from
:class:`meedenken.api.live.answers.AnswerCache`. Checks the texts are the same.

Run: ``python -m benchmarks.analysis_cache [--export FOLDER] [--repeats 7]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

__all__ = ["main"]

K = 5


def _median_ms(make: Callable[[], str], repeats: int) -> tuple[float, str]:
    out = make()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        out = make()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times), out


def run(folder: Path, repeats: int) -> list[str]:
    from meedenken.api.live.answers import AnswerCache
    from meedenken.api.present.analysis import analysis_to_json, public_analysis, stored_analysis
    from meedenken.engine import analyze
    from meedenken.engine.settings import AnalysisSettings
    from meedenken.models.polis_export import read_export

    matrix = read_export(folder).to_matrix()
    result = analyze(matrix, AnalysisSettings(), random_state=0)
    payload = json.loads(json.dumps(analysis_to_json(result, matrix, version=1, created_at="t",
                                                     statements={}, roles={})))
    own = result.participant_ids[int(result.in_conversation.nonzero()[0][0])]

    def fresh(public: bool, who: object = None) -> str:
        answer = stored_analysis(payload)
        if public:
            answer = public_analysis(answer, who, K)  # type: ignore[arg-type]
        return answer.model_dump_json()

    cache = AnswerCache()

    def cached(public: bool, who: object = None) -> str:
        return cache.text(1, (1, "t"), lambda: ((1, "t"), 1, payload), public=public,
                          own=who, k=K)[1]  # type: ignore[arg-type]

    lines = [f"{len(payload['coordinates']):,} participants on the map; median of {repeats}.",
             "", "| answer | afresh ms | cached ms | chars |", "|---|---:|---:|---:|"]
    for name, public, who in (("facilitator", False, None), ("anonymous", True, None),
                              ("participant", True, own)):
        before, text = _median_ms(lambda p=public, w=who: fresh(p, w), repeats)
        after, same = _median_ms(lambda p=public, w=who: cached(p, w), repeats)
        assert same == text, name
        lines.append(f"| {name} | {before:.1f} | {after:.1f} | {len(text):,} |")
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--export", type=Path)
    parser.add_argument("--participants", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="meedenken-cache-") as tmp:
        if args.export is None:
            from .startup import make_export

            args.export = make_export(Path(tmp) / "export", args.participants)
        print("\n".join(run(args.export, args.repeats)))


if __name__ == "__main__":
    main()
