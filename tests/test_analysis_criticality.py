"""Criticality: single source, HHI, dominators, articulation points, betweenness."""

from __future__ import annotations

import functools

import networkx as nx
import pytest
from analysis_graphs import graph_from, production
from hypothesis import given, settings
from hypothesis import strategies as st

from chaingraph.analysis import find_criticality
from chaingraph.analysis._betweenness import twin_betweenness, twin_classes

FACTS = (
    production("w1", "a", "pv:wafer", value=3, unit="GW")
    + production("w2", "b", "pv:wafer", value=1000, unit="MW")
    + production("c1", "a", "pv:cell")
    + production("l1", "a", "li:cell")
)


def test_single_source_and_concentration():
    result = find_criticality(graph_from(FACTS))
    assert [(s["stage"], s["company"]) for s in result["single_source"]] == [
        ("li:cell", "co:a"),
        ("pv:cell", "co:a"),
    ]
    (wafer,) = [c for c in result["concentration"] if c["stage"] == "pv:wafer"]
    assert wafer["hhi"] == pytest.approx(0.75**2 + 0.25**2, abs=1e-3)
    assert wafer["shares"] == {"co:a": 0.75, "co:b": 0.25}
    # a stage whose producer states no capacity gets no HHI
    assert "pv:cell" not in {c["stage"] for c in result["concentration"]}


def test_dominators_and_articulation_points_of_the_pv_chain():
    result = find_criticality(graph_from(FACTS), chains=["chain:pv"])
    dom = {d["stage"]: d["dominates"] for d in result["dominators"]}
    # the core line is a path: each stage dominates everything downstream of it
    assert dom["pv:wafer"] == ["pv:cell", "pv:module", "pv:pv-application"]
    assert "pv:pv-application" not in dom
    art = {a["stage"] for a in result["articulation"]}
    assert {"pv:wafer", "pv:cell", "pv:module"} <= art
    assert "pv:silver-paste" not in art  # an auxiliary is a leaf
    assert next(d for d in result["dominators"] if d["stage"] == "pv:wafer")["local"]


def test_company_betweenness_across_chains():
    G = graph_from(FACTS)
    # a company tying two otherwise unrelated stages lies on the routes between them
    G.add_node("co:bridge", kind="company", label="bridge")
    for stage, key in (("tc:carpet", "f1"), ("tm:herb-processing", "f2")):
        G.add_edge(
            "co:bridge",
            stage,
            key=key,
            predicate="cg:produces",
            fact=key,
            site="region:CN-630100",
            status="cg:InProduction",
        )
    result = find_criticality(G)
    scores = {r["company"]: r["betweenness"] for r in result["betweenness"]}
    # co:a makes PV wafers and cells and Li-ion cells: it ties the two chains together
    assert result["betweenness"][0]["company"] == "co:a"
    assert scores["co:bridge"] > 0 and scores["co:b"] == 0
    method = result["betweenness_method"]
    assert set(method) == {"nodes", "classes", "note"}
    assert method["note"] == (
        f"exact betweenness over {method['nodes']} nodes, {method['classes']} twin classes"
    )


def _add_production(G, company, stage, key, site="region:CN-630100", status="cg:InProduction"):
    G.add_edge(company, stage, key=key, predicate="cg:produces", fact=key, site=site, status=status)
    G.nodes[company].update(kind="company", label=company)


def _expected_graph(G):
    """The stage-company graph, rebuilt here from the rule: stage links, and production in
    Xining that is running (no status counts as running)."""
    H = nx.Graph()
    for u, v, d in G.edges(data=True):
        p = d["predicate"]
        if p in ("cg:nextStage", "cg:inputTo") or (
            p == "cg:produces"
            and d.get("site") == "region:CN-630100"
            and d.get("status") in (None, "cg:InProduction")
        ):
            H.add_edge(u, v)
    return H


def test_many_twin_companies_exact():
    G = graph_from(FACTS)
    # 300 makers of wafers only, 200 of wafers and Li-ion cells: two twin classes
    for i in range(500):
        _add_production(G, f"co:x{i}", "pv:wafer", f"k{i}")
        if i >= 300:
            _add_production(G, f"co:x{i}", "li:cell", f"l{i}")
    result = find_criticality(G)
    H = _expected_graph(G)
    method = result["betweenness_method"]
    assert method["nodes"] == H.number_of_nodes() > 500
    assert method["classes"] == len(twin_classes(H)) < 100
    assert "exact betweenness" in method["note"] and "sampled" not in method["note"]
    expected = nx.betweenness_centrality(H)
    scores = {r["company"]: r["betweenness"] for r in result["betweenness"]}
    assert set(scores) == {v for v in H if G.nodes[v].get("kind") == "company"}
    for company, score in scores.items():
        assert score == pytest.approx(expected[company], abs=5e-5 + 1e-9)
    assert scores["co:x300"] > 0 and scores["co:x0"] == 0
    assert len({scores[f"co:x{i}"] for i in range(300, 500)}) == 1


def test_twin_stages_route_through_a_company():
    # stages a and b meet only at company c: c lies on the one route between the twins
    scores, classes = twin_betweenness(nx.Graph([("c", "a"), ("c", "b")]))
    assert classes == 2 and scores == {"c": 1.0, "a": 0.0, "b": 0.0}
    # twin companies x, y of a source company s: reached through the stages, never through s
    H = nx.Graph([("s1", "s2"), ("x", "s1"), ("x", "s2"), ("y", "s1"), ("y", "s2"), ("z", "s2")])
    scores, classes = twin_betweenness(H)
    assert classes == 4
    assert scores == pytest.approx(nx.betweenness_centrality(H), abs=1e-12)
    assert scores["x"] == scores["y"] == 0.0


def test_twin_betweenness_small_cases():
    assert twin_betweenness(nx.Graph()) == ({}, 0)
    assert twin_betweenness(nx.Graph([(1, 2)])) == ({1: 0.0, 2: 0.0}, 2)
    H = nx.path_graph(4)
    H.add_edge(2, 2)  # a self-loop changes no shortest path
    assert twin_betweenness(H)[0] == pytest.approx(nx.betweenness_centrality(H), abs=1e-12)
    with pytest.raises(ValueError, match="simple undirected"):
        twin_betweenness(nx.DiGraph([(1, 2)]))


@st.composite
def stage_company_graphs(draw):
    """Stages in chains (separate components unless cross-linked), companies producing 1-4
    stages, drawn from a few stage sets so that many are twins, maybe an isolated company."""
    H = nx.Graph()
    stages = []
    for c in range(draw(st.integers(1, 4))):
        chain = [f"s{c}.{i}" for i in range(draw(st.integers(1, 6)))]
        H.add_nodes_from(chain)
        nx.add_path(H, chain)
        stages += chain
    pairs = st.tuples(st.sampled_from(stages), st.sampled_from(stages))
    H.add_edges_from((a, b) for a, b in draw(st.lists(pairs, max_size=3)) if a != b)
    stage_sets = st.lists(st.sampled_from(stages), min_size=1, max_size=4, unique=True)
    templates = draw(st.lists(stage_sets, min_size=1, max_size=6))
    picks = draw(st.lists(st.integers(0, len(templates) - 1), max_size=30))
    for i, pick in enumerate(picks):
        H.add_edges_from((f"c{i}", s) for s in templates[pick])
    if draw(st.booleans()):
        H.add_node("c-isolated")
    return H


@settings(max_examples=150, deadline=None)
@given(stage_company_graphs())
def test_twin_betweenness_equals_networkx(H):
    scores, classes = twin_betweenness(H)
    expected = nx.betweenness_centrality(H)
    assert set(scores) == set(H)
    for v in H:
        assert abs(scores[v] - expected[v]) <= 1e-9, v
    assert classes == len(twin_classes(H)) <= H.number_of_nodes()
    # members of a class have the same neighbours and are not adjacent
    for members in twin_classes(H):
        assert len({frozenset(H[v]) for v in members}) == 1
        assert not any(H.has_edge(u, v) for u in members for v in members)


@functools.cache
def _bundled_chains():
    return graph_from(FACTS)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_find_criticality_betweenness_equals_networkx(data):
    G = _bundled_chains().copy()
    stages = sorted(v for v, d in G.nodes(data=True) if d.get("kind") == "stage")
    pool = data.draw(st.lists(st.sampled_from(stages), min_size=2, max_size=8, unique=True))
    stage_sets = st.lists(st.sampled_from(pool), min_size=1, max_size=4, unique=True)
    for i in range(data.draw(st.integers(0, 25))):
        for j, stage in enumerate(data.draw(stage_sets)):
            _add_production(G, f"co:r{i}", stage, f"r{i}-{j}")
    # planned, elsewhere, or no production at all: not in the graph
    _add_production(G, "co:planned", pool[0], "p", status="cg:Planned")
    _add_production(G, "co:away", pool[0], "q", site="region:CN-110000")
    G.add_node("co:idle", kind="company", label="idle")
    result = find_criticality(G)
    H = _expected_graph(G)
    expected = nx.betweenness_centrality(H)
    companies = {v for v in H if G.nodes[v].get("kind") == "company"}
    assert {r["company"] for r in result["betweenness"]} == companies
    assert not {"co:planned", "co:away", "co:idle"} & companies
    for row in result["betweenness"]:
        assert abs(row["betweenness"] - expected[row["company"]]) <= 5e-5 + 1e-9
        assert row["stages"] == sorted(H[row["company"]])
    assert result["betweenness_method"]["nodes"] == H.number_of_nodes()
    assert result["betweenness_method"]["classes"] == len(twin_classes(H))


def test_sources_in_chunks_give_the_same_scores(monkeypatch):
    from chaingraph.analysis import _betweenness

    H = nx.Graph([(f"c{i}", f"s{i % 5}") for i in range(40)])
    H.add_edges_from([("s0", "s1"), ("s1", "s2"), ("s3", "s4"), ("c0", "s3"), ("c7", "s4")])
    whole, classes = twin_betweenness(H)
    monkeypatch.setattr(_betweenness, "_CHUNK_CELLS", 2 * classes)  # two sources per chunk
    chunked, _ = twin_betweenness(H)
    assert chunked == pytest.approx(whole, abs=1e-15)
    assert chunked == pytest.approx(nx.betweenness_centrality(H), abs=1e-12)
