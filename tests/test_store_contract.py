"""The store interface (chaingraph.store.Store) held by every backend: an in-memory Oxigraph
store, a directory store, a real `chaingraph serve` and a real Oxigraph server as remote stores.
Also: a timed query reuses its worker and never dumps the store; no graph names a path."""

from __future__ import annotations

import subprocess
import sys

import pyoxigraph as ox
import pytest
from _servers import oxigraph_binary, start_chaingraph, start_oxigraph, wait_chaingraph
from rdflib import Literal, URIRef
from remote_contract import check_load_replace_drop

from chaingraph.store import (
    META_GRAPH,
    OxigraphStore,
    Rows,
    Store,
    StoreError,
    StoreSyntaxError,
    Triples,
    graph_for_file,
    load_example,
    open_store,
)
from chaingraph.store import worker as worker_module
from chaingraph.store.remote import RemoteStore

WAFER = "SELECT ?l WHERE { pv:wafer skos:prefLabel ?l FILTER(lang(?l) = 'en') }"
ASK = "ASK { pv:wafer skos:inScheme chain:pv }"
NEXT = "CONSTRUCT { pv:wafer cg:next ?n } WHERE { pv:wafer cg:nextStage ?n }"
CELL = URIRef("https://w3id.org/chaingraph/chain/pv/cell")


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """A `chaingraph serve --allow-update` of the bundled data, and an Oxigraph server."""
    directory = tmp_path_factory.mktemp("servers")
    started = {}
    try:
        started["serve"] = start_chaingraph(directory / "serve.log", "--allow-update")
        wait_chaingraph(started["serve"])
        if oxigraph_binary() is not None:
            oxigraph = start_oxigraph(directory / "oxigraph", directory / "oxigraph.log")
            started["oxigraph"] = oxigraph
            load_example(open_store(f"{oxigraph.base}/query"))
        yield started
    finally:
        for server in started.values():
            server.stop()


@pytest.fixture(params=["memory", "directory", "serve", "oxigraph"])
def store(request, tmp_path):
    if request.param == "memory":
        yield open_store()
        return
    if request.param == "directory":
        store = open_store(tmp_path / "store")
        load_example(store)
        yield store
        store.close()
        return
    servers = request.getfixturevalue("servers")
    if request.param not in servers:
        pytest.skip("pip install oxigraph (test extra)")
    server = servers[request.param]
    path = "/sparql" if request.param == "serve" else "/query"
    yield open_store(server.base + path)


def test_every_backend_is_a_store(store):
    assert isinstance(store, Store)
    assert isinstance(store, RemoteStore | OxigraphStore)
    assert store.read_only is False
    assert len(store) > 1000
    assert META_GRAPH in store.graphs()


def test_select_ask_construct_query(store):
    assert store.select(WAFER) == [{"l": Literal("Silicon wafer", lang="en")}]
    assert store.select(WAFER).vars == ["l"]
    assert store.ask(ASK) is True
    assert [o for _, _, o in store.construct(NEXT)] == [CELL]
    assert isinstance(store.query(WAFER), Rows)
    assert isinstance(store.query(NEXT), Triples)
    assert store.select_plain("SELECT ?s ?p WHERE { VALUES (?s ?p) { (pv:wafer 4) } }") == [
        {"s": "pv:wafer", "p": 4}
    ]
    bound = store.select("SELECT ?s ?n WHERE { ?s cg:nextStage ?n }", {"s": CELL})
    assert all(isinstance(r["n"], URIRef) for r in bound)


def test_wrong_query_forms_are_errors(store, monkeypatch):
    monkeypatch.setenv("CHAINGRAPH_LANG", "en")  # the English messages
    with pytest.raises(StoreError, match="not a SELECT"):
        store.select(ASK)
    with pytest.raises(StoreError, match="not an ASK"):
        store.ask(WAFER)
    with pytest.raises(StoreError, match="CONSTRUCT"):
        store.construct(WAFER)


def test_query_results_are_oxigraphs_own(store):
    solutions = store.query_results(WAFER)
    assert isinstance(solutions, ox.QuerySolutions)
    csv = solutions.serialize(format=ox.QueryResultsFormat.CSV)
    assert csv.decode().splitlines() == ["l", "Silicon wafer"]
    assert isinstance(store.query_results(ASK), ox.QueryBoolean)
    assert bool(store.query_results(ASK)) is True
    triples = store.query_results(NEXT)
    assert isinstance(triples, ox.QueryTriples)
    turtle = triples.serialize(format=ox.RdfFormat.N_TRIPLES).decode()
    assert f"<{CELL}>" in turtle


def test_load_replace_drop(store, monkeypatch):
    monkeypatch.setenv("CHAINGRAPH_LANG", "en")  # the contract reads English messages
    check_load_replace_drop(store)


def test_update_and_dump_one_graph(store):
    graph = "https://example.org/graph/contract"
    store.update(f"INSERT DATA {{ GRAPH <{graph}> {{ <urn:a> <urn:b> 'c' }} }}")
    try:
        assert graph in store.graphs()
        assert store.dump(ox.RdfFormat.N_TRIPLES, graph=graph) == b'<urn:a> <urn:b> "c" .\n'
        dataset = store.dump(ox.RdfFormat.N_QUADS)
        assert f'<urn:a> <urn:b> "c" <{graph}> .'.encode() in dataset
    finally:
        store.update(f"DROP SILENT GRAPH <{graph}>")
    assert graph not in store.graphs()


@pytest.mark.usefixtures("english")
def test_syntax_errors_say_so(store):
    # A server says 400 for more than syntax: there the error is a StoreError with its text.
    expected = StoreError if isinstance(store, RemoteStore) else StoreSyntaxError
    with pytest.raises(expected, match=r"(?i)syntax|400"):
        store.query_results("SELEC ?x WHERE { ?x ?y ?z }")


def test_read_only_stores_refuse_writes(tmp_path, monkeypatch):
    monkeypatch.setenv("CHAINGRAPH_LANG", "en")  # the English message
    open_store(tmp_path / "store").close()
    store = open_store(tmp_path / "store", read_only=True)
    with store, pytest.raises(StoreError, match="read-only"):
        store.update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")


# -- timed queries --------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["memory", "directory"])
def test_timed_queries_reuse_one_worker_and_never_dump(tmp_path, monkeypatch, where):
    dumps = []
    real_dump = ox.Store.dump
    monkeypatch.setattr(ox.Store, "dump", lambda *a, **k: dumps.append(1) or real_dump(*a, **k))
    store = open_store(None if where == "memory" else tmp_path / "store")
    try:
        assert store.select(WAFER, timeout=60) == store.select(WAFER)
        pool = store._pool
        worker = pool._workers[0].process.pid
        assert store.ask(ASK, timeout=60) is True
        assert isinstance(store.query_results(NEXT, timeout=60), ox.QueryTriples)
        # A write here reaches the worker: replayed in memory, reopened in a directory.
        store.load_data("<urn:a> <urn:b> 'c' .", "https://example.org/g", format="turtle")
        assert store.ask("ASK { <urn:a> <urn:b> 'c' }", timeout=60)
        store.update("INSERT DATA { GRAPH <urn:g2> { <urn:x> <urn:y> 1 } }", timeout=60)
        assert store.ask("ASK { <urn:x> <urn:y> 1 }")  # here and in the worker
        assert store.ask("ASK { <urn:x> <urn:y> 1 }", timeout=60)
        assert store._pool is pool
        assert pool._workers[0].process.pid == worker  # the same worker answered them all
    finally:
        store.close()
    assert dumps == []  # nothing was serialised to hand the store over


def test_a_runaway_query_is_stopped_and_the_next_one_answers(monkeypatch):
    store = open_store()
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    try:
        # Time-independent: a query that never ends, stopped by a short limit.
        with pytest.raises(StoreError, match=r"ran longer than 0\.5 s"):
            store.select(runaway, timeout=0.5)
        assert store._pool.restarts == 1
        assert store.ask(ASK, timeout=120) is True  # a new worker, rebuilt from the journal
    finally:
        store.close()
    assert worker_module.WorkerPool  # the one mechanism serve uses too


# -- graph names ----------------------------------------------------------------------------


def test_no_graph_names_a_path_of_the_machine(tmp_path):
    folder = tmp_path / "private-folder-name"
    folder.mkdir()
    sheet = folder / "facts.ttl"
    sheet.write_text("<https://example.org/a> <https://example.org/b> 'c' .", encoding="utf-8")
    store = open_store()
    store.load_files([sheet])
    dataset = store.dump(ox.RdfFormat.N_QUADS).decode()
    for name in (folder.name, tmp_path.name, str(tmp_path)):
        assert name not in dataset
        assert not any(name in g for g in store.graphs())
    assert graph_for_file(sheet) in store.graphs()


def test_company_sheets_are_named_like_every_file(tmp_path):
    from chaingraph.ingest import default_graph
    from chaingraph.ingest.template import template_text

    sheet = tmp_path / "companies.csv"
    header = template_text("en").splitlines()[0]
    row = "Example Wafer Co.,硅片,西宁经济技术开发区,光伏,5,GW,在产,2023,,local news,"
    sheet.write_text(f"{header}\n{row}\n", encoding="utf-8")
    assert default_graph(sheet) == graph_for_file(sheet)
    assert "file:" not in default_graph(sheet) and tmp_path.name not in default_graph(sheet)


def test_a_script_without_a_main_guard_may_use_timeouts(tmp_path):
    # The worker is a spawned process; it must not run the user's script again.
    script = tmp_path / "script.py"
    script.write_text(
        "from chaingraph.store import open_store\n"
        "print('start', flush=True)\n"
        f"print(open_store().ask({ASK!r}, timeout=120))\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["start", "True"]
