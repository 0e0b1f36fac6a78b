"""How fast the dashboard redraws its opinion map, in Debian's headless Chromium.

For 1,000 to 50,000 participants: the time to parse one analysis event of the SSE stream (its
JSON as the server sends it, coordinates of every participant) and to draw the map (dots up to
``DENSITY_THRESHOLD`` participants, a binned density grid above), median of several runs.

Run: ``PYTHONPATH=. python -m benchmarks.web_map`` (needs /usr/bin/chromium).
"""

from __future__ import annotations

import argparse
import functools
import json
import statistics
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import sync_playwright

from meedenken.api.http.pages import STATIC_DIR

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update"]
SIZES = (1_000, 3_000, 10_000, 50_000)
RUNS = 7

SCRIPT = """async ([n, runs, mode]) => {
  const { drawMap } = await import('/static/js/map.js');
  const canvas = document.createElement('canvas');
  canvas.style.cssText = 'width: 760px; height: 448px';  // the dashboard's map at 1280 px
  document.body.append(canvas);
  const coordinates = [];
  for (let i = 0; i < n; i++) {
    const g = i % 4, a = i * 2.399963, r = Math.sqrt((i * 7919) % 1000) / 20;
    coordinates.push({id: i + 1, group: g, x: (g - 1.5) * 2 + r * Math.cos(a),
                      y: (g % 2 ? 1 : -1) + r * Math.sin(a)});
  }
  const text = JSON.stringify({version: 1, coordinates,
                               groups: [0, 1, 2, 3].map(id => ({id, size: n / 4}))});
  const parse = [], draw = [];
  for (let k = 0; k < runs; k++) {
    let t = performance.now();
    const analysis = JSON.parse(text);
    parse.push(performance.now() - t);
    t = performance.now();
    const out = drawMap(canvas, analysis, mode ? {mode} : {});
    canvas.getContext('2d').getImageData(0, 0, 1, 1);  // wait for the drawing to finish
    draw.push(performance.now() - t);
    if (k === 0) canvas.dataset.mode = out.mode;
  }
  return {bytes: text.length, parse, draw, mode: canvas.dataset.mode};
}"""


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def _serve() -> tuple[ThreadingHTTPServer, str]:
    handler = functools.partial(_QuietHandler, directory=str(STATIC_DIR.parent))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def run(sizes: tuple[int, ...] = SIZES, runs: int = RUNS) -> list[dict[str, object]]:
    server, base = _serve()
    rows = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(f"{base}/static/setup.html")
            # The last row forces dots at the largest size: what density mode saves.
            for n, mode in [*((n, None) for n in sizes), (sizes[-1], "dots")]:
                r = page.evaluate(SCRIPT, [n, runs, mode])
                rows.append({"participants": n, "mode": r["mode"],
                             "event_mb": round(r["bytes"] / 1e6, 2),
                             "parse_ms": round(statistics.median(r["parse"]), 1),
                             "draw_ms": round(statistics.median(r["draw"]), 1)})
            browser.close()
    finally:
        server.shutdown()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    args = parser.parse_args()
    rows = run(runs=args.runs)
    print("| participants | map mode | event size (MB) | JSON.parse (ms) | draw (ms) |")
    print("|---:|---|---:|---:|---:|")
    for r in rows:
        print(f"| {r['participants']:,} | {r['mode']} | {r['event_mb']} | {r['parse_ms']} "
              f"| {r['draw_ms']} |")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
