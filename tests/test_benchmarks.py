"""Smoke test of benchmarks/: the generator and run.py's measurements on 2k triples, so they
cannot rot. The benchmark itself is `python benchmarks/run.py` (not part of the test suite)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from chaingraph import open_store

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _module(name: str):
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench():
    return _module("run")


@pytest.fixture(scope="module")
def data(tmp_path_factory, bench):
    path = tmp_path_factory.mktemp("bench") / "synthetic-2k.nt"
    bench.generate.generate_file(path, 2_000, seed=7)
    return path


def _meta(path: Path) -> dict:
    import json

    return json.loads(Path(f"{path}.meta.json").read_text(encoding="utf-8"))


def test_generate_is_deterministic_valid_and_sized(bench, data, tmp_path):
    again = tmp_path / "again.nt"
    bench.generate.generate_file(again, 2_000, seed=7)
    assert again.read_bytes() == data.read_bytes()
    store = ox.Store()
    store.load(path=str(data), format=ox.RdfFormat.N_TRIPLES)
    meta = _meta(data)
    assert len(store) == meta["triples"]
    assert 2_000 <= meta["triples"] < 2_100
    assert meta["densest_city"] in meta["cities"]
    assert meta["facts"] > 0 and meta["companies"] > 0
    assert bench.generate.parse_size("1M") == 1_000_000
    assert bench.generate.format_size(100_000) == "100k"


def test_chaingraph_rdflib_and_hand_written_pyoxigraph_agree(bench, data, tmp_path):
    meta = _meta(data)
    region = meta["densest_city"]
    store = open_store(tmp_path / "store")
    assert store.load_file(data, bench.DATA_GRAPH) == meta["triples"]
    expected = bench.verdict_counts(bench.chaingraph_gaps(store, region))
    assert expected["present"] > 0

    plain = ox.Store()
    for path, graph in bench.base_files():
        plain.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph))
    plain.load(path=str(data), format=ox.RdfFormat.N_TRIPLES)
    assert bench.hand_gaps(plain, [region])[region] == expected

    baseline = bench.RdflibStore()
    for path, graph in bench.base_files():
        baseline.load(path, graph, "turtle")
    baseline.load(data, bench.DATA_GRAPH, "nt")
    assert bench.verdict_counts(bench.chaingraph_gaps(baseline, region)) == expected

    every_city = bench.chaingraph_gaps_all(store, meta["cities"])
    assert every_city[region] == expected
    assert every_city == bench.hand_gaps(plain, meta["cities"])


def test_run_backend_measures_every_operation_and_reports(bench, data):
    results = bench.run_backend("pyoxigraph", data, 60, lambda _: None)
    assert set(results) == set(bench.OPS)
    assert all(r["seconds"] >= 0 and r["peak_mb"] > 0 for r in results.values())
    assert results["query stages"]["rows"] > 50
    outcome = {
        "size": 2_000,
        "meta": _meta(data),
        "cities": len(_meta(data)["cities"]),
        "backends": {"pyoxigraph": results},
    }
    table = bench.render([outcome], 60, "test machine")
    assert "| gaps warm |" in table and "| load, triples/s |" in table


def test_an_operation_a_backend_does_not_have_is_reported_as_not_run(bench, data):
    logged = []
    results = bench.run_backend("rdflib", data, 60, logged.append)
    assert results["load in memory"]["not run"] is True
    assert any("load in memory" in line and "not run" in line for line in logged)
    assert results["gaps warm"]["seconds"] >= 0


def test_an_operation_over_the_limit_is_killed_and_reported(bench, data):
    results = bench.run_backend("rdflib", data, 60, lambda _: None, load_limit=0.001)
    assert results["load"] == {"timeout": 0.001}
    assert all(results[op] == {"not run": True} for op in bench.OPS[1:])
    assert bench._cell(results["load"], 60) == "> 0.001 s"


@pytest.mark.slow
def test_serve_benchmark_runs_against_both_servers(monkeypatch):
    """benchmarks/serve_bench.py on a few requests, so it cannot rot (the figures are its own
    business: ratios measured in one run, never asserted here)."""
    serve_bench = _module("serve_bench")
    monkeypatch.setattr(serve_bench, "values_query", lambda size=0: "SELECT * { VALUES ?x { 1 } }")
    figures = serve_bench.run(clients=2, each=3)
    assert set(figures) == {"chaingraph", "oxigraph", "ratios"}
    assert all(value > 0 for value in figures["ratios"].values())
