"""What every remote store must do on load, replace and drop, whatever the server."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import BNode, Literal, URIRef

from chaingraph.cli import main
from chaingraph.store import StoreError

GRAPH = "https://example.org/graph/test"
GOOD = "@prefix ex: <https://example.org/> . ex:a ex:b ex:c , ex:d ."
BROKEN = "@prefix ex: <https://example.org/> .\nex:a ex:b ex:e .\nex:a ex:b ."
REPLACED = "@prefix ex: <https://example.org/> . ex:x ex:y 'z'@zh ."


def check_load_replace_drop(remote) -> None:
    """A load is all or nothing, a second load needs replace, drop removes graph and record."""
    baseline = len(remote)
    assert remote.load_data(GOOD, GRAPH, format=ox.RdfFormat.TURTLE) == 2
    before = len(remote)
    assert before == baseline + 2 + 6  # the triples and the load record
    with pytest.raises(StoreError, match=r"graph/test:3"):  # names the graph and the line
        remote.load_data(BROKEN, GRAPH, format=ox.RdfFormat.TURTLE)
    assert len(remote) == before
    with pytest.raises(StoreError, match="already loaded"):
        remote.load_data(GOOD, GRAPH, format=ox.RdfFormat.TURTLE, replace=False)
    assert remote.load_data(REPLACED, GRAPH, format=ox.RdfFormat.TURTLE) == 1
    assert len(remote) == before - 1
    rows = remote.select("SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": URIRef(GRAPH)})
    assert rows == [{"o": Literal("z", lang="zh")}]
    assert {r.graph: r.triples for r in remote.graph_records()}[GRAPH] == 1
    record = remote.drop_graph(GRAPH)
    assert record is not None and record.triples == 1
    assert GRAPH not in remote.graphs()
    assert len(remote) == baseline
    with pytest.raises(StoreError, match="no graph"):
        remote.drop_graph(GRAPH)


def same_output(url: str, *args: str) -> None:
    """``chaingraph ARGS --store URL`` prints exactly what the in-memory store prints."""
    runner = CliRunner()
    local = runner.invoke(main, list(args))
    remote = runner.invoke(main, [*args, "--store", url])
    assert local.exit_code == remote.exit_code == 0, remote.output
    assert remote.output == local.output
    assert len(local.output) > 500


def as_set(rows) -> set[frozenset]:
    """SELECT rows as a set, to compare servers that order them differently."""
    assert not any(isinstance(v, BNode) for row in rows for v in row.values())
    return {frozenset(row.items()) for row in rows}


PV_GRAPH = "https://w3id.org/chaingraph/graph/data/chains/pv.ttl"


def check_datasets(remote, local, *, own_graphs: bool = False) -> None:
    """FROM / FROM NAMED and the protocol's graphs select graphs as on the embedded store; no
    dataset named: the union of the graphs (plus the server's ``own_graphs``, Virtuoso's)."""

    def n(store, dataset: str = "", **graphs) -> int:
        text = f"SELECT (COUNT(*) AS ?n) {dataset} WHERE {{ ?s ?p ?o }}"
        return int(next(iter(store.query_results(text, **graphs)))[0].value)

    assert n(remote) > n(local) if own_graphs else n(remote) == n(local)
    assert n(remote, f"FROM <{PV_GRAPH}>") == n(local, f"FROM <{PV_GRAPH}>") < n(local)
    assert n(remote, f"FROM NAMED <{PV_GRAPH}>") == 0
    assert n(remote, default_graphs=[PV_GRAPH]) == n(local, f"FROM <{PV_GRAPH}>")
    named = f"SELECT DISTINCT ?g FROM NAMED <{PV_GRAPH}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert [str(r["g"]) for r in remote.select(named)] == [PV_GRAPH]
