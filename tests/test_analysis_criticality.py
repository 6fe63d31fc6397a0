"""Criticality: single source, HHI, dominators, articulation points, betweenness."""

from __future__ import annotations

import networkx as nx
import pytest
from analysis_graphs import graph_from, production

from chaingraph.analysis import find_criticality
from chaingraph.analysis.criticality import SAMPLE_ABOVE

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
    assert result["betweenness_method"]["sampled"] is False


def test_betweenness_is_sampled_on_large_graphs():
    G = graph_from(FACTS)
    for i in range(SAMPLE_ABOVE):
        G.add_edge(
            f"co:x{i}",
            "pv:wafer",
            key=f"k{i}",
            predicate="cg:produces",
            fact=f"k{i}",
            site="region:CN-630100",
            status="cg:InProduction",
        )
        G.nodes[f"co:x{i}"]["kind"] = "company"
    result = find_criticality(G)
    method = result["betweenness_method"]
    assert method["sampled"] and method["k"] == 200 and method["seed"] == 42
    assert "sampled betweenness" in method["note"]
    again = find_criticality(G)["betweenness"]
    assert again == result["betweenness"]  # fixed seed: reproducible
    assert isinstance(nx.__version__, str)
