"""`chaingraph serve` against `oxigraph serve` on the same data, in the same run.

* throughput: 8 clients x 100 simple SELECTs each (requests/s), one connection per request;
* latency: p50 of 100 SELECTs from a single client;
* a 1 MiB VALUES query (time to answer).

Both servers hold the bundled data (chaingraph in memory, Oxigraph in a directory, its default
graph the union of the named graphs as chaingraph's). The figures are ratios against Oxigraph,
measured in the same run on the same machine::

    python benchmarks/serve_bench.py            # prints a table and the ratios (JSON with --json)
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from _servers import (
    free_port,
    oxigraph_binary,
    start_chaingraph,
    wait_chaingraph,
)

SIMPLE = "SELECT ?s ?l WHERE { ?s skos:prefLabel ?l } LIMIT 10"
PREFIXES = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"


def _ask(url: str, query: str, timeout: float = 600) -> bytes:
    data = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(
        url,
        data=data,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/sparql-results+json",
        },
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.read()


def throughput(url: str, clients: int = 8, each: int = 100) -> float:
    """Requests per second of ``clients`` threads sending ``each`` simple SELECTs."""
    errors: list[BaseException] = []

    def client() -> None:
        try:
            for _ in range(each):
                _ask(url, PREFIXES + SIMPLE)
        except BaseException as error:  # reported after the run
            errors.append(error)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    return clients * each / elapsed


def latency_p50(url: str, n: int = 100) -> float:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        _ask(url, PREFIXES + SIMPLE)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def values_query(size: int = 1 << 20) -> str:
    rows, i = [], 0
    length = 0
    while length < size:
        row = f'("label {i}"@en {i})'
        rows.append(row)
        length += len(row) + 1
        i += 1
    return f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES (?l ?i) {{ {' '.join(rows)} }} }}"


def timed(url: str, query: str) -> float:
    started = time.perf_counter()
    _ask(url, query)
    return time.perf_counter() - started


def start_oxigraph_with_bundled(directory: Path, log: Path):
    from chaingraph import open_store

    dump = directory / "bundled.nq"
    with open_store(None) as store:
        dump.write_bytes(store.dump())
    binary = oxigraph_binary()
    if binary is None:
        raise SystemExit("the oxigraph server is not installed: pip install oxigraph")
    location = directory / "oxigraph"
    subprocess.run(
        [binary, "load", "--location", str(location), "--file", str(dump)],
        check=True,
        capture_output=True,
    )
    port = free_port()
    out = log.open("wb")
    process = subprocess.Popen(
        [
            binary,
            "serve-read-only",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    out.close()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            _ask(base + "/query", "ASK {}", timeout=5)
            return process, base + "/query"
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit(f"oxigraph did not start:\n{log.read_text(errors='replace')}")


def run(clients: int = 8, each: int = 100) -> dict:
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        chaingraph = wait_chaingraph(start_chaingraph(directory / "chaingraph.log"))
        oxigraph, oxigraph_url = start_oxigraph_with_bundled(directory, directory / "oxi.log")
        urls = {"chaingraph": chaingraph.base + "/sparql", "oxigraph": oxigraph_url}
        try:
            big = values_query()
            figures: dict[str, dict[str, float]] = {}
            for name, url in urls.items():
                for _ in range(10):  # warm up both the same way
                    _ask(url, PREFIXES + SIMPLE)
                figures[name] = {
                    "requests_per_s": throughput(url, clients, each),
                    "p50_s": latency_p50(url),
                    "values_1mib_s": timed(url, big),
                }
        finally:
            chaingraph.stop()
            oxigraph.terminate()
            oxigraph.wait(30)
    ours, theirs = figures["chaingraph"], figures["oxigraph"]
    figures["ratios"] = {
        "throughput (chaingraph / oxigraph, want >= 0.8)": ours["requests_per_s"]
        / theirs["requests_per_s"],
        "p50 (chaingraph / oxigraph, want <= 2)": ours["p50_s"] / theirs["p50_s"],
        "1 MiB VALUES (chaingraph / oxigraph, want <= 2)": ours["values_1mib_s"]
        / theirs["values_1mib_s"],
    }
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--each", type=int, default=100)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    figures = run(args.clients, args.each)
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print("| server | requests/s | p50 (ms) | 1 MiB VALUES (s) |")
    print("|---|---:|---:|---:|")
    for name in ("chaingraph", "oxigraph"):
        f = figures[name]
        print(
            f"| {name} | {f['requests_per_s']:.0f} | {f['p50_s'] * 1000:.1f} "
            f"| {f['values_1mib_s']:.2f} |"
        )
    for what, ratio in figures["ratios"].items():
        print(f"{what}: {ratio:.2f}")


if __name__ == "__main__":
    main()
