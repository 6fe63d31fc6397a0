"""How long large ``chaingraph viz`` pages take to become interactive in Chromium.

Synthetic graphs (NetworkX random geometric graphs, whose node positions serve as the
precomputed layout) of 1,000 and 5,000 nodes are drawn as chaingraph pages (physics off,
positions set, tooltips as DOM elements) and, for 1,000 nodes, as a pyvis page with pyvis's
defaults (``add_node``/``add_edge``, physics on, no positions; vis-network 9.1.2 inlined, the
Bootstrap CDN requests blocked), all measured in the same run.

*Interactive* = time from navigation start to the ``network`` object existing and its first
``afterDrawing`` event (for physics on: the first drawing after ``stabilizationIterationsDone``).

Run: ``python benchmarks/viz_bench.py [--repeat 3] [--sizes 1000 5000] [--chromium PATH]``.
Results are printed and saved to ``benchmarks/results/viz_bench.json``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

from chaingraph.render.html import View, render_html

LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Hooks the global `network` as soon as the page assigns it, to time its events.
HOOK = """
window.__bench = {created: null, drawn: null, stab: null, afterStab: null};
Object.defineProperty(window, 'network', {
  configurable: true,
  get() { return window.__net; },
  set(v) {
    window.__net = v;
    __bench.created = performance.now();
    v.on('stabilizationIterationsDone', () => { __bench.stab = performance.now(); });
    v.on('afterDrawing', () => {
      const t = performance.now();
      if (__bench.drawn === null) { __bench.drawn = t; }
      if (__bench.stab !== null && __bench.afterStab === null) { __bench.afterStab = t; }
    });
  }
});
"""


def synthetic(n: int, seed: int = 1) -> nx.Graph:
    """About 2.5 edges per node; ``pos`` in the unit square."""
    radius = (2.5 * 2 / (3.14159 * n)) ** 0.5
    return nx.random_geometric_graph(n, radius, seed=seed)


def chaingraph_page(G: nx.Graph) -> str:
    scale = 60 * len(G) ** 0.5
    nodes = [
        {
            "id": f"n{n}",
            "label": f"环节 {n}",
            "kind": "stage",
            "shape": "box",
            "x": round(d["pos"][0] * scale, 1),
            "y": round(d["pos"][1] * scale, 1),
            "color": {"background": "#9cc3e4", "border": "#1f77b4"},
            "tip": {"head": f"环节 {n}", "rows": [["id", f"n{n}"], ["tier", n % 7]]},
        }
        for n, d in G.nodes(data=True)
    ]
    edges = [
        {"id": f"e{i}", "from": f"n{u}", "to": f"n{v}", "arrows": "to", "predicate": "cg:next"}
        for i, (u, v) in enumerate(G.edges())
    ]
    view = View(title=f"synthetic {len(nodes)}", subtitle="", lang="zh", nodes=nodes, edges=edges)
    return render_html(view)


def pyvis_default_page(G: nx.Graph) -> str:
    from pyvis.network import Network

    net = Network(directed=True, cdn_resources="in_line")
    for n in G.nodes:
        net.add_node(f"n{n}", label=f"环节 {n}", title=f"环节 {n}")
    for u, v in G.edges:
        net.add_edge(f"n{u}", f"n{v}")
    return net.generate_html()


def measure(browser, html: str, physics: bool, timeout_s: float = 180.0) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "page.html"
        path.write_text(html, encoding="utf-8")
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        own = path.as_uri()
        blocked = []

        def route(r):
            if r.request.url == own:
                r.continue_()
            else:
                blocked.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.add_init_script(HOOK)
        page.goto(own)
        condition = "__bench.afterStab !== null" if physics else "__bench.drawn !== null"
        page.wait_for_function(condition, timeout=timeout_s * 1000, polling=50)
        result = page.evaluate("__bench")
        page.close()
    ready = result["afterStab"] if physics else result["drawn"]
    return {"ready_ms": round(ready, 1), "created_ms": round(result["created"] or 0, 1),
            "blocked_requests": len(blocked)}  # fmt: skip


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--baseline-size", type=int, default=1000)
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" / "viz_bench.json"))
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    cases = [("chaingraph", n) for n in args.sizes] + [("pyvis-default", args.baseline_size)]
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=LAUNCH_ARGS)
        for name, n in cases:
            G = synthetic(n)
            start = time.perf_counter()
            html = chaingraph_page(G) if name == "chaingraph" else pyvis_default_page(G)
            build_s = time.perf_counter() - start
            runs = [
                measure(browser, html, physics=name != "chaingraph") for _ in range(args.repeat)
            ]
            ready = [r["ready_ms"] for r in runs]
            rows.append({
                "page": name, "nodes": n, "edges": G.number_of_edges(),
                "html_bytes": len(html.encode()), "python_build_s": round(build_s, 3),
                "ready_ms_median": statistics.median(ready), "ready_ms_runs": ready,
                "blocked_requests": runs[0]["blocked_requests"],
            })  # fmt: skip
            print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
        browser.close()

    base = next(r for r in rows if r["page"] == "pyvis-default")
    print(f"\n{'page':<15}{'nodes':>7}{'edges':>7}{'build s':>9}{'ready ms':>10}{'÷ pyvis':>9}")
    for r in rows:
        ratio = r["ready_ms_median"] / base["ready_ms_median"]
        r["ratio_to_pyvis_default_1000"] = round(ratio, 5)
        print(f"{r['page']:<15}{r['nodes']:>7}{r['edges']:>7}{r['python_build_s']:>9.2f}"
              f"{r['ready_ms_median']:>10.0f}{ratio:>9.4f}")  # fmt: skip
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\nsaved {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
