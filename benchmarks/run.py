"""Benchmark chaingraph's triple store against rdflib, the Oxigraph server and plain pyoxigraph.

One command::

    python benchmarks/run.py [--sizes 10k,100k,1M] [--out benchmarks/results/NAME.md]

At each size the synthetic data of ``benchmarks/generate.py`` is loaded and the same work is done
by four backends, each in its own subprocess (so peak memory is its own, and a backend that
does not finish in ``--limit`` seconds per operation is killed and reported as ``> limit``):

- ``rdflib``: ``rdflib.Dataset`` + rdflib's SPARQL engine (the baseline a user would write),
  driven through chaingraph's own projection and gap analysis;
- ``chaingraph``: ``open_store(dir)`` + ``Store.load_file`` + ``to_networkx`` + ``find_gaps``;
- ``server``: ``oxigraph load`` + ``oxigraph serve-read-only``, the same projection and gap
  analysis over SPARQL HTTP (skipped when the ``oxigraph`` binary is not installed);
- ``pyoxigraph``: plain ``pyoxigraph.Store.bulk_load`` and hand-written aggregate queries doing
  the gap verdicts directly (the practical ceiling).

Operations: ``load`` (into a directory store) and ``load in memory``; ``gaps`` for the densest
city, cold (first call after opening the store) and warm (median of three), as ``chaingraph
gaps`` prints its table, and warm with every fact's evidence (``--format json``); ``gaps`` for every
city (one projection of all facts without their evidence, then the verdicts and gap classes of
``find_gaps`` per city); and every shipped named query, region-scoped ones bound to the city.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

BACKENDS = ("rdflib", "chaingraph", "server", "pyoxigraph")
DATA_GRAPH = "https://w3id.org/chaingraph/graph/synthetic"
REGION_QUERIES = (
    "stages-without-producer",
    "local-production",
    "local-claims",
    "producers-of-stages",
)
OTHER_QUERIES = (
    "labels",
    "regions",
    "stages",
    "stage-links",
    "company-ties",
    "conversion-factors",
)
NOT_EXISTS = "stages-without-producer (FILTER NOT EXISTS form)"
# Slow operations last: after one is killed, the worker restarts and loads again.
OPS = (
    "load",
    "gaps cold",
    "gaps warm",
    "gaps warm, with evidence",
    *(f"query {q}" for q in REGION_QUERIES),
    *(f"query {q}" for q in OTHER_QUERIES),
    "query local-production (every region)",
    "gaps all cities",
    f"query {NOT_EXISTS}",
    "load in memory",
)
WARM_REPEATS = 3


# --------------------------------------------------------------------------- measurement helpers


def peak_rss_mb() -> float:
    """Peak resident memory of this process and its waited-for children, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024, 1)


def process_peak_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a running process, in MB; 0 when unreadable."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def timed(fn, *args, **kwargs):
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - started, result


def not_exists_form(query: str) -> str:
    """``stages-without-producer`` rewritten with FILTER NOT EXISTS instead of MINUS."""
    return query.replace("MINUS {", "FILTER NOT EXISTS {")


def verdict_counts(report) -> dict[str, int]:
    """Stages per verdict, over the chains with a local stage (建链 chains left out)."""
    counts = {"present": 0, "asserted": 0, "missing": 0}
    for chain in report.chains:
        if chain.local_tiers is None:
            continue
        for stage in chain.stages:
            counts[stage.verdict] += 1
    return counts


# --------------------------------------------------------------------------- backends


def base_files() -> list[tuple[Path, str]]:
    """The bundled ontology and chain templates every store starts with, with their graph IRIs."""
    from chaingraph.resources import GRAPH_BASE, bundled_files, bundled_path

    return [(bundled_path(p), GRAPH_BASE + p.as_posix()) for p in bundled_files("base")]


class _PlainRows:
    """``Store.select_plain`` on top of ``select``, as chaingraph's remote store does it."""

    def select_plain(self, query):
        from chaingraph.store import plain_value

        return [{k: plain_value(v) for k, v in row.items()} for row in self.select(query)]


class RdflibStore(_PlainRows):
    """chaingraph's ``Store.select`` interface over ``rdflib.Dataset`` and rdflib's SPARQL."""

    def __init__(self) -> None:
        from rdflib import Dataset

        self.dataset = Dataset(default_union=True)

    def load(self, path: Path, graph: str, fmt: str) -> None:
        from rdflib import URIRef

        self.dataset.graph(URIRef(graph)).parse(str(path), format=fmt)

    def select(self, query, bindings=None):
        from chaingraph.namespaces import sparql_prefixes

        with warnings.catch_warnings():
            # rdflib 7's own SPARQL engine touches its deprecated Dataset.default_context.
            warnings.simplefilter("ignore", DeprecationWarning)
            result = self.dataset.query(sparql_prefixes() + query, initBindings=bindings or {})
            return [{str(k): v for k, v in row.asdict().items() if v is not None} for row in result]


class HttpStore(_PlainRows):
    """chaingraph's ``Store.select`` interface over the SPARQL protocol (Oxigraph server)."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint

    def select(self, query, bindings=None):
        from rdflib import BNode, Literal, URIRef

        from chaingraph.namespaces import sparql_prefixes

        if bindings:
            from chaingraph.store.remote import with_values

            query = with_values(query, bindings)
        body = urllib.parse.urlencode({"query": sparql_prefixes() + query}).encode()
        request = urllib.request.Request(
            self.endpoint,
            data=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/sparql-results+json",
            },
        )
        with urllib.request.urlopen(request, timeout=3600) as response:
            data = json.load(response)
        rows = []
        for binding in data["results"]["bindings"]:
            row = {}
            for name, term in binding.items():
                if term["type"] == "uri":
                    row[name] = URIRef(term["value"])
                elif term["type"] == "bnode":
                    row[name] = BNode(term["value"])
                else:
                    datatype = term.get("datatype")
                    row[name] = Literal(
                        term["value"],
                        lang=term.get("xml:lang"),
                        datatype=URIRef(datatype) if datatype else None,
                    )
            rows.append(row)
        return rows


def chaingraph_gaps(store, region: str, evidence: bool = False):
    """One region's gap report the chaingraph way: projection, then ``find_gaps``.

    Without ``evidence`` as ``chaingraph gaps`` prints its table; with it as for ``--format
    json`` or ``--explain`` (every fact's sentence, source and offsets).
    """
    from chaingraph import to_networkx
    from chaingraph.analysis.gaps import find_gaps
    from chaingraph.namespaces import curie

    return find_gaps(to_networkx(store, curie(region), lang="en", evidence=evidence))


def chaingraph_gaps_all(store, cities: list[str]) -> dict[str, dict[str, int]]:
    """Every city's report: one projection of all facts, then ``find_gaps`` per city."""
    from chaingraph import to_networkx
    from chaingraph.analysis.gaps import find_gaps
    from chaingraph.namespaces import curie

    G = to_networkx(store, None, lang="en", evidence=False)
    return {city: verdict_counts(find_gaps(G, curie(city), criticality=False)) for city in cities}


_HAND_STAGES = """
SELECT ?chain ?stage ?position ?label WHERE {
  ?stage a cg:Stage ; skos:inScheme ?chain ; cg:position ?position .
  OPTIONAL { ?stage skos:prefLabel ?label FILTER(lang(?label) = "en") }
}"""
_HAND_PRODUCERS = """
SELECT ?region ?stage ?company ?label ?status ?text WHERE {
  VALUES ?region { %s }
  ?site cg:partOf* ?region .
  ?fact cg:site ?site ; cg:stage ?stage ; cg:producer ?company .
  OPTIONAL { ?fact cg:status ?status }
  OPTIONAL { ?company skos:prefLabel ?label FILTER(lang(?label) = "en") }
  OPTIONAL { ?fact cg:evidence/prov:value ?text }
}"""
_HAND_CLAIMS = """
SELECT ?region ?stage ?text WHERE {
  VALUES ?region { %s }
  VALUES ?kind { cg:PresenceClaim cg:RegionalCapacity }
  ?where cg:partOf* ?region .
  ?fact a ?kind ; cg:region ?where ; cg:stage ?stage .
  OPTIONAL { ?fact cg:evidence/prov:value ?text }
}"""
_IN_PRODUCTION = "https://w3id.org/chaingraph/ns#InProduction"


def hand_gaps(store, regions: list[str]) -> dict[str, dict[str, int]]:
    """Gap verdicts with plain pyoxigraph: three queries, then the verdict rules in Python.

    Stage present = a producer in production; asserted = a claim only; missing = neither. Like
    ``find_gaps``, only chains with a local stage are reported (建链 input paths are left out).
    """
    import pyoxigraph as ox

    from chaingraph.namespaces import sparql_prefixes

    def run(query):
        return store.query(sparql_prefixes() + query, use_default_graph_as_union=True)

    values = " ".join(f"<{r}>" for r in regions)
    chains: dict[str, list[str]] = {}
    for s in run(_HAND_STAGES):
        chains.setdefault(s["chain"].value, []).append(s["stage"].value)
    producers: dict[tuple[str, str], set[str]] = {}
    for s in run(_HAND_PRODUCERS % values):
        status = s["status"]
        if status is None or status == ox.NamedNode(_IN_PRODUCTION):
            producers.setdefault((s["region"].value, s["stage"].value), set()).add(
                s["company"].value
            )
    claimed = {(s["region"].value, s["stage"].value) for s in run(_HAND_CLAIMS % values)}
    result = {}
    for region in regions:
        counts = {"present": 0, "asserted": 0, "missing": 0}
        for stages in chains.values():
            verdicts = [
                "present"
                if (region, s) in producers
                else "asserted"
                if (region, s) in claimed
                else "missing"
                for s in stages
            ]
            if any(v != "missing" for v in verdicts):
                for v in verdicts:
                    counts[v] += 1
        result[region] = counts
    return result


def pyoxigraph_load(store, data: Path) -> float:
    """Bulk-load the ontology and chain templates, then (timed) the data; its seconds."""
    import pyoxigraph as ox

    for path, graph in base_files():
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph))
    seconds, _ = timed(
        store.bulk_load,
        path=str(data),
        format=ox.RdfFormat.N_TRIPLES,
        to_graph=ox.NamedNode(DATA_GRAPH),
    )
    return seconds


class Backend:
    """Load the data and do each operation; one instance per worker process."""

    def __init__(self, name: str, data: Path, workdir: Path, meta: dict) -> None:
        self.name = name
        self.data = data
        self.workdir = workdir
        self.meta = meta
        self.region = meta["densest_city"]
        self.store = None
        self.server = None

    # -- load
    def load(self) -> dict:
        if self.name == "rdflib":
            self.store = RdflibStore()
            for path, graph in base_files():
                self.store.load(path, graph, "turtle")
            seconds, _ = timed(self.store.load, self.data, DATA_GRAPH, "nt")
            return {"seconds": seconds}
        if self.name == "chaingraph":
            from chaingraph import open_store

            location = self.workdir / "store"
            open_store(location).flush()
            store = open_store(location)
            seconds, _ = timed(store.load_file, self.data, DATA_GRAPH)
            store.flush()
            del store
            return {"seconds": seconds}
        if self.name == "pyoxigraph":
            import pyoxigraph as ox

            store = ox.Store(str(self.workdir / "store"))
            seconds = pyoxigraph_load(store, self.data)
            store.flush()
            del store
            return {"seconds": seconds}
        if self.name == "server":
            binary = shutil.which("oxigraph")
            location = str(self.workdir / "store")
            for path, graph in base_files():
                subprocess.run(
                    [binary, "load", "--location", location, "--file", str(path), "--graph", graph],
                    check=True,
                    capture_output=True,
                )
            seconds, _ = timed(
                subprocess.run,
                [
                    binary,
                    "load",
                    "--location",
                    location,
                    "--file",
                    str(self.data),
                    "--graph",
                    DATA_GRAPH,
                ],
                check=True,
                capture_output=True,
            )
            return {"seconds": seconds}
        raise ValueError(self.name)

    def load_in_memory(self) -> dict:
        """Load the same file into an in-memory store (rdflib's load already is one)."""
        if self.name == "chaingraph":
            from chaingraph import open_store

            store = open_store(example=False)
            seconds, _ = timed(store.load_file, self.data, DATA_GRAPH)
            return {"seconds": seconds}
        if self.name == "pyoxigraph":
            import pyoxigraph as ox

            return {"seconds": pyoxigraph_load(ox.Store(), self.data)}
        return {"not run": True}

    def open(self) -> None:
        """Open the loaded store afresh, so the first operation after this is cold."""
        if self.name == "chaingraph":
            from chaingraph import open_store

            self.store = open_store(self.workdir / "store")
        elif self.name == "pyoxigraph":
            import pyoxigraph as ox

            self.store = ox.Store(str(self.workdir / "store"))
        elif self.name == "server":
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
            self.server = subprocess.Popen(
                [
                    shutil.which("oxigraph"),
                    "serve-read-only",
                    "--location",
                    str(self.workdir / "store"),
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--union-default-graph",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            self.store = HttpStore(f"http://127.0.0.1:{port}/query")
            deadline = time.monotonic() + 30
            while True:
                try:
                    self.store.select("SELECT * WHERE { } LIMIT 1")
                    break
                except Exception:
                    if time.monotonic() > deadline or self.server.poll() is not None:
                        raise RuntimeError("oxigraph server did not start") from None
                    time.sleep(0.05)

    def close(self) -> None:
        if self.server:
            self.server.terminate()
            self.server.wait(10)

    def peak_mb(self) -> float:
        own = peak_rss_mb()
        if self.server:
            return round(own + process_peak_mb(self.server.pid), 1)
        return own

    # -- operations
    def gaps(self, evidence: bool = False) -> dict:
        if self.name == "pyoxigraph":  # the hand-written queries fetch each producer's sentence
            seconds, counts = timed(hand_gaps, self.store, [self.region])
            return {"seconds": seconds, "verdicts": counts[self.region]}
        seconds, report = timed(chaingraph_gaps, self.store, self.region, evidence)
        return {"seconds": seconds, "verdicts": verdict_counts(report)}

    def gaps_all(self) -> dict:
        cities = self.meta["cities"]
        fn = hand_gaps if self.name == "pyoxigraph" else chaingraph_gaps_all
        seconds, result = timed(fn, self.store, cities)
        return {"seconds": seconds, "regions": len(result)}

    def query(self, name: str) -> dict:
        from chaingraph.queries import named_query

        unbound = name.endswith("(every region)")
        base_name = name.split(" (")[0]
        named = named_query(base_name)
        # ?region bound as `chaingraph query --name NAME --region R` and the projection bind it
        bound = base_name in REGION_QUERIES and not unbound
        text = named.bind(region=self.region) if bound else named.text
        if name == NOT_EXISTS:
            text = not_exists_form(text)
        if self.name == "pyoxigraph":
            from chaingraph.namespaces import sparql_prefixes

            seconds, rows = timed(
                lambda: list(
                    self.store.query(sparql_prefixes() + text, use_default_graph_as_union=True)
                )
            )
        else:
            seconds, rows = timed(self.store.select, text)
        return {"seconds": seconds, "rows": len(rows)}

    def do(self, op: str) -> dict:
        if op == "gaps cold":
            return self.gaps()
        if op.startswith("gaps warm"):
            evidence = op.endswith("with evidence")
            runs = [self.gaps(evidence) for _ in range(WARM_REPEATS)]
            return {**runs[-1], "seconds": statistics.median(r["seconds"] for r in runs)}
        if op == "gaps all cities":
            return self.gaps_all()
        if op == "load in memory":
            return self.load_in_memory()
        if op.startswith("query "):
            return self.query(op[len("query ") :])
        raise ValueError(op)


def worker(args) -> int:
    """Run one backend's operations, printing one JSON line per event."""
    meta = json.loads(Path(f"{args.data}.meta.json").read_text(encoding="utf-8"))

    def emit(**event):
        print(json.dumps(event), flush=True)

    # The driver owns the work directory and removes it, even after it kills this process.
    backend = Backend(args.backend, args.data, args.workdir, meta)
    ops = args.ops.split("|")
    try:
        emit(event="start", op="load")
        result = backend.load()
        if "load" in ops:
            emit(event="done", op="load", peak_mb=backend.peak_mb(), **result)
        backend.open()
        for op in ops:
            if op == "load":
                continue
            emit(event="start", op=op)
            result = backend.do(op)
            emit(event="done", op=op, peak_mb=backend.peak_mb(), **result)
    finally:
        backend.close()
    return 0


# --------------------------------------------------------------------------- driver


class _Lines:
    """Lines from a pipe, waiting at most a given time for each; unbuffered, so that ``select``
    never waits on a line already read into a buffer."""

    TIMEOUT = object()

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buffer = b""

    def next(self, wait: float | None):
        """The next line, ``None`` at the end, or ``TIMEOUT`` when none came in ``wait`` s."""
        end = time.monotonic() + wait if wait is not None else None
        while b"\n" not in self.buffer:
            left = max(0.0, end - time.monotonic()) if end is not None else None
            ready, _, _ = select.select([self.fd], [], [], left)
            if not ready:
                return self.TIMEOUT
            chunk = os.read(self.fd, 65536)
            if not chunk:
                return None
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line.decode()


def run_backend(
    backend: str, data: Path, limit: float, log, load_limit: float | None = None
) -> dict[str, dict]:
    """Run a backend's worker; a timed-out operation is recorded and the rest run in a new one."""
    load_limit = load_limit or limit
    results: dict[str, dict] = {}
    todo = list(OPS)
    while todo:
        workdir = Path(tempfile.mkdtemp(prefix=f"cg-bench-{backend}-"))
        errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed after the worker ends)
        command = [
            sys.executable,
            __file__,
            "--worker",
            backend,
            "--data",
            str(data),
            "--ops",
            "|".join(todo),
            "--workdir",
            str(workdir),
        ]
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=errors,
            start_new_session=True,
        )
        current, deadline = None, None
        timed_out = False
        lines = _Lines(process.stdout.fileno())
        while True:
            wait = max(0.0, deadline - time.monotonic()) if deadline else None
            line = lines.next(wait)
            if line is _Lines.TIMEOUT:
                timed_out = True
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                break
            if line is None:
                process.wait()
                break
            event = json.loads(line)
            if event["event"] == "start":
                current = event["op"]
                # Loading has its own limit, and is re-done after a restart.
                deadline = time.monotonic() + (load_limit if current == "load" else limit)
            else:
                results[event["op"]] = event
                took = f"{event['seconds']:9.3f} s" if "seconds" in event else "  not run"
                log(f"  {backend:10} {event['op']:45} {took}")
                if event["op"] in todo:
                    todo.remove(event["op"])
                current, deadline = None, None
        process.stdout.close()
        shutil.rmtree(workdir, ignore_errors=True)
        errors.seek(0)
        error_text = errors.read().decode(errors="replace")
        errors.close()
        if timed_out:
            if current == "load":
                log(f"  {backend:10} {current:45} > {load_limit:g} s (killed)")
                results["load"] = {"timeout": load_limit}
                for op in todo[1:] if todo[0] == "load" else todo:
                    results[op] = {"not run": True}
                break
            log(f"  {backend:10} {current:45} > {limit:g} s (killed)")
            results[current] = {"timeout": limit}
            todo.remove(current)
        elif process.returncode != 0:
            error = error_text.strip().splitlines()
            log(f"  {backend} failed: {error[-1] if error else process.returncode}")
            for op in todo:
                results[op] = {"error": error[-1] if error else str(process.returncode)}
            break
        else:
            break
    return results


def ensure_data(size: int, cache: Path) -> Path:
    path = cache / f"synthetic-{generate.format_size(size)}.nt"
    if not path.exists() or not Path(f"{path}.meta.json").exists():
        generate.generate_file(path, size)
    return path


def measure(
    size: int, backends, limit: float, cache: Path, log, rdflib_max: int, load_limit: float
) -> dict:
    data = ensure_data(size, cache)
    meta = json.loads(Path(f"{data}.meta.json").read_text(encoding="utf-8"))
    log(
        f"{generate.format_size(size)}: {meta['triples']} triples, {meta['regions']} regions, "
        f"{meta['companies']} companies, {meta['facts']} facts; region {meta['densest_city']}"
    )
    outcome = {
        "size": size,
        "meta": {k: v for k, v in meta.items() if k != "cities"},
        "cities": len(meta["cities"]),
        "backends": {},
    }
    for backend in backends:
        if backend == "rdflib" and size > rdflib_max:
            outcome["backends"][backend] = {"skipped": True}
            continue
        if backend == "server" and not shutil.which("oxigraph"):
            outcome["backends"][backend] = {"unavailable": True}
            continue
        outcome["backends"][backend] = run_backend(backend, data, limit, log, load_limit)
    return outcome


# --------------------------------------------------------------------------- report


def _cell(result: dict | None, limit: float) -> str:
    if result is None:
        return "–"
    if "timeout" in result:
        return f"> {result['timeout']:g} s"
    if "error" in result:
        return "error"
    if "not run" in result:
        return "not run"
    return f"{result['seconds']:.3f}"


def _ratio(a: dict | None, b: dict | None) -> str:
    if not a or not b or "seconds" not in a or "seconds" not in b or b["seconds"] <= 0:
        if a and b and "seconds" in a and "timeout" in b:
            return f"< {a['seconds'] / b['timeout']:.2g}"
        if a and b and "timeout" in a and "seconds" in b:
            return f"> {a['timeout'] / b['seconds']:.3g}"
        return "–"
    return f"{a['seconds'] / b['seconds']:.2f}"


def render(outcomes: list[dict], limit: float, machine: str) -> str:
    lines = [f"# chaingraph benchmark — {machine}", ""]
    for outcome in outcomes:
        meta = outcome["meta"]
        backends = outcome["backends"]
        lines += [
            f"## {generate.format_size(outcome['size'])} triples "
            f"({meta['triples']:,} synthetic + the ontology and chain templates; "
            f"{meta['regions']} regions, {outcome['cities']} cities, "
            f"{meta['companies']:,} companies, {meta['facts']:,} facts)",
            "",
            f"Seconds per operation (limit {limit:g} s); region = `{meta['densest_city']}`, "
            "the densest city.",
            "",
            "| operation | rdflib | chaingraph | server | pyoxigraph | chaingraph / pyoxigraph "
            "| rdflib / chaingraph |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for op in OPS:
            cells = []
            for backend in BACKENDS:
                results = backends.get(backend, {})
                if results.get("skipped"):
                    cells.append("skipped")
                elif results.get("unavailable"):
                    cells.append("n/a")
                else:
                    cells.append(_cell(results.get(op), limit))
            cg = backends.get("chaingraph", {}).get(op)
            ox = backends.get("pyoxigraph", {}).get(op)
            rd = backends.get("rdflib", {}).get(op)
            lines.append(f"| {op} | {' | '.join(cells)} | {_ratio(cg, ox)} | {_ratio(rd, cg)} |")
        rates, memory_rates, peaks, verdicts = [], [], [], []
        for backend in BACKENDS:
            results = backends.get(backend, {})
            for op, row in (("load", rates), ("load in memory", memory_rates)):
                load = results.get(op) or {}
                row.append(
                    f"{meta['triples'] / load['seconds']:,.0f}" if "seconds" in load else "–"
                )
            peak = max(
                (r.get("peak_mb", 0) for r in results.values() if isinstance(r, dict)), default=0
            )
            peaks.append(f"{peak:,.0f}" if peak else "–")
            gaps = results.get("gaps warm") or results.get("gaps cold") or {}
            v = gaps.get("verdicts")
            verdicts.append(f"{v['present']}/{v['asserted']}/{v['missing']}" if v else "–")
        lines += [
            f"| load, triples/s | {' | '.join(rates)} | | |",
            f"| load in memory, triples/s | {' | '.join(memory_rates)} | | |",
            f"| peak memory, MB | {' | '.join(peaks)} | | |",
            f"| gaps verdicts present/asserted/missing | {' | '.join(verdicts)} | | |",
            "",
        ]
    return "\n".join(lines)


def machine_line() -> str:
    cores = os.cpu_count()
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{dt.date.today().isoformat()}, {cores} cores{memory}, "
        f"Python {platform.python_version()}, {platform.system()}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k,1M")
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument(
        "--limit",
        type=float,
        default=60.0,
        help="seconds an operation may take before it is killed (default 60)",
    )
    parser.add_argument(
        "--load-limit",
        type=float,
        default=300.0,
        help="seconds loading may take before it is killed (default 300)",
    )
    parser.add_argument(
        "--rdflib-max",
        default="100k",
        help="largest size rdflib runs at (default 100k; larger is skipped)",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=HERE / "results" / "data",
        help="where generated data is kept between runs",
    )
    parser.add_argument("--out", type=Path, help="Markdown report (default: benchmarks/results/)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--ops", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        args.backend = args.worker
        return worker(args)

    def log(text):
        print(text, file=sys.stderr, flush=True)

    sizes = [generate.parse_size(s) for s in args.sizes.split(",")]
    backends = [b for b in args.backends.split(",") if b]
    unknown = set(backends) - set(BACKENDS)
    if unknown:
        parser.error(f"unknown backend(s) {', '.join(sorted(unknown))}; choose from {BACKENDS}")
    args.cache.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    outcomes = [
        measure(
            size,
            backends,
            args.limit,
            args.cache,
            log,
            generate.parse_size(args.rdflib_max),
            args.load_limit,
        )
        for size in sizes
    ]
    machine = machine_line()
    report = render(outcomes, args.limit, machine)
    report += f"\nTotal benchmark time: {time.perf_counter() - started:.0f} s.\n"
    print(report)
    out = args.out or HERE / "results" / f"bench-{dt.datetime.now():%Y%m%d-%H%M%S}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report, encoding="utf-8")
    out.with_suffix(".json").write_text(
        json.dumps({"machine": machine, "limit": args.limit, "outcomes": outcomes}, indent=1),
        encoding="utf-8",
    )
    log(f"written {out} and {out.with_suffix('.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
