"""Criticality: which stages and companies a region's chains hang on.

Four measures, each with a one-line meaning for a planner (``MEANINGS``, ``MEANINGS_ZH``):

- **single source**: stages with exactly one local producer in production;
- **concentration**: the Herfindahl–Hirschman index of each stage's local capacity,
  HHI = Σ sᵢ² over the producers' capacity shares sᵢ (0–1; 1 = one producer; ≥ 0.25 is highly
  concentrated). Only stages whose producers all state a capacity get an HHI;
- **dominators** and **articulation points** of each chain: on the DAG of the chain's core
  stages (``cg:nextStage``; auxiliaries left out, they join the main line without carrying
  its material) with a virtual source before the first stages, stage *d* dominates *x* when
  every path from the raw materials to *x* passes through *d* (``nx.immediate_dominators``);
  an articulation point splits the (undirected) chain, auxiliaries included, when removed;
- **company betweenness**: betweenness centrality of local companies on the graph of stages
  (linked by ``cg:nextStage``/``cg:inputTo``) and the companies producing them (in production).
  It is exact, equal to ``nx.betweenness_centrality`` on that graph: companies producing the
  same stages are twins, and Brandes' algorithm runs once per twin class
  (:mod:`._betweenness`), so thousands of companies cost little more than their classes.

>>> from chaingraph import open_store, to_networkx
>>> result = find_criticality(to_networkx(open_store(), "region:CN-630100", lang="en"))
>>> [s["stage"] for s in result["single_source"]]
['li:cell', 'li:pack', 'pv:wafer']
>>> next(d for d in result["dominators"] if d["stage"] == "pv:cell")["dominates"]
['pv:module', 'pv:pv-application']
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from ..messages import text
from ..units import UnitError, quantity
from ._betweenness import twin_betweenness
from .factindex import fact_index, facts_in

__all__ = ["MEANINGS", "MEANINGS_ZH", "find_criticality"]

_SOURCE = "__source__"
_PRODUCING = (None, "cg:InProduction")

MEANINGS_ZH = {
    "single_source": "本地只有一家企业：它停产，本地即失去该环节",
    "concentration": "本地产能的 HHI（0–1）：接近 1 即一家企业占据该环节",
    "dominators": "从原料到所列环节的每条路径都经过它",
    "articulation": "去掉它，产业链即断成互不相连的几段",
    "betweenness": "环节之间最短路径经过该企业的比例：连接环节与产业链的枢纽",
}
MEANINGS = {
    "single_source": "one local producer: if it stops, the region loses the stage",
    "concentration": "HHI of local capacity (0–1): near 1, one producer holds the stage",
    "dominators": "every route from raw materials to the listed stages passes through it",
    "articulation": "removing it splits the chain into disconnected parts",
    "betweenness": "share of shortest routes between stages that pass through the company: "
    "a hub tying stages and chains together",
}


def _chain_stages(G: nx.MultiDiGraph, stages, chains: list[str] | None) -> dict[str, list[str]]:
    found = defaultdict(list)
    for node in stages:
        chain = G.nodes[node]["chain"]
        if chains is None or chain in chains:
            found[chain].append(node)
    return found


def _producers(facts: list[tuple[str, dict]]) -> dict[str, list]:
    """The producers in production among a stage's local facts, with their facts."""
    producers = defaultdict(list)
    for company, data in facts:
        if data["predicate"] == "cg:produces" and data.get("status") in _PRODUCING:
            producers[company].append(data)
    return producers


def _hhi(producers: dict[str, list]) -> tuple[float, dict[str, float]] | None:
    capacities = {}
    for company, facts in producers.items():
        values = [(f["capacity"], f["unit"]) for f in facts if f.get("capacity") is not None]
        if not values:
            return None
        try:
            total = sum(quantity(v, u).to_base_units().magnitude for v, u in values)
        except UnitError:
            return None
        capacities[company] = total
    grand = sum(capacities.values())
    if not grand:
        return None
    shares = {c: round(v / grand, 3) for c, v in capacities.items()}
    return round(sum((v / grand) ** 2 for v in capacities.values()), 3), shares


def _stage_dag(G: nx.MultiDiGraph, stages: list[str]) -> nx.DiGraph:
    dag = nx.DiGraph()
    dag.add_nodes_from(stages)
    members = set(stages)
    for u, v, d in G.edges(stages, data=True):
        if d["predicate"] == "cg:nextStage" and v in members:
            dag.add_edge(u, v)
    return dag


def _dominators(G, chain, stages, local):
    stages = [s for s in stages if G.nodes[s].get("role") != "cg:AuxiliaryStage"]
    dag = _stage_dag(G, stages)
    roots = [s for s in stages if dag.in_degree(s) == 0]
    dag.add_edges_from((_SOURCE, r) for r in roots)
    idom = nx.immediate_dominators(dag, _SOURCE)
    dominated = defaultdict(set)
    for node in stages:
        current = idom.get(node)
        while current is not None and current != _SOURCE:
            dominated[current].add(node)
            nxt = idom.get(current)
            current = None if nxt == current else nxt
    return [
        {
            "chain": chain,
            "stage": d,
            "label": G.nodes[d]["label"],
            "local": d in local,
            "dominates": sorted(dominated[d], key=lambda s: (G.nodes[s]["position"], s)),
        }
        for d in sorted(dominated, key=lambda s: (G.nodes[s]["position"], s))
    ]


def _articulation(G, chain, stages, local):
    undirected = _stage_dag(G, stages).to_undirected()
    return [
        {"chain": chain, "stage": s, "label": G.nodes[s]["label"], "local": s in local}
        for s in sorted(
            nx.articulation_points(undirected), key=lambda s: (G.nodes[s]["position"], s)
        )
    ]


def _company_graph(index, facts: dict[str, list]) -> nx.Graph:
    """The undirected graph of stages (``cg:nextStage``/``cg:inputTo``) and the local
    companies producing them (in production). Betweenness is exact, so edge order is free."""
    H = nx.Graph()
    H.add_edges_from((u, stage) for stage in index.stages for u in index.feeders[stage])
    H.add_edges_from(
        (company, stage)
        for stage, found in facts.items()
        for company, data in found
        if data["predicate"] == "cg:produces" and data.get("status") in _PRODUCING
    )
    return H


def _betweenness(G: nx.MultiDiGraph, H: nx.Graph) -> tuple[list[dict], dict]:
    n = H.number_of_nodes()
    scores, classes = twin_betweenness(H)
    companies = [c for c in H if G.nodes[c].get("kind") == "company"]
    rows = [
        {
            "company": c,
            "label": G.nodes[c].get("label", c),
            "betweenness": round(scores.get(c, 0.0), 4),
            "stages": sorted(H.neighbors(c)),
            "stage_labels": [G.nodes[s].get("label", s) for s in sorted(H.neighbors(c))],
        }
        for c in companies
    ]
    rows.sort(key=lambda r: (-r["betweenness"], r["company"]))
    method = {
        "nodes": n,
        "classes": classes,
        # a plain dict is the result's data: its words are written here, from the catalog
        "note": text(
            "criticality.method_note", G.graph.get("lang") or "en", nodes=n, classes=classes
        ),
    }
    return rows, method


def find_criticality(
    G: nx.MultiDiGraph,
    region: str | None = None,
    *,
    chains: list[str] | None = None,
    scope_region: str | None = None,
) -> dict:
    """Single-source stages, concentration, dominator and articulation stages, company
    betweenness.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The projection.
    region : str, optional
        Region CURIE; default the region ``G`` was projected for.
    chains : list of str, optional
        Chain CURIEs (default all).
    scope_region : str, optional
        The region whose facts count as local (default ``region``).

    Returns
    -------
    dict
        ``single_source``, ``concentration``, ``dominators``, ``articulation``,
        ``betweenness``, ``betweenness_method`` and the one-line ``meanings``.
    """
    region = region or G.graph["region"]
    index = fact_index(G)
    index, facts = facts_in(G, index.local_regions(scope_region or region), None, index)
    by_chain = _chain_stages(G, index.stages, chains)
    single, concentration, dominators, articulation = [], [], [], []
    local = set()
    for chain, stages in sorted(by_chain.items()):
        for stage in sorted(stages, key=lambda s: (G.nodes[s]["position"], s)):
            found = facts.get(stage, ())
            producers = _producers(found)
            if producers or any(d["predicate"] == "cg:claims" for _, d in found):
                local.add(stage)
            if len(producers) == 1:
                (company,) = producers
                single.append(
                    {
                        "chain": chain,
                        "stage": stage,
                        "label": G.nodes[stage]["label"],
                        "company": company,
                        "company_label": G.nodes[company].get("label", company),
                    }
                )
            hhi = _hhi(producers) if producers else None
            if hhi is not None:
                concentration.append(
                    {
                        "chain": chain,
                        "stage": stage,
                        "label": G.nodes[stage]["label"],
                        "hhi": hhi[0],
                        "shares": hhi[1],
                        "producers": len(producers),
                    }
                )
    for chain, stages in sorted(by_chain.items()):
        dominators += _dominators(G, chain, stages, local)
        articulation += _articulation(G, chain, stages, local)
    betweenness, method = _betweenness(G, _company_graph(index, facts))
    single.sort(key=lambda r: r["stage"])
    return {
        "meanings": dict(MEANINGS_ZH if G.graph.get("lang") == "zh" else MEANINGS),
        "single_source": single,
        "concentration": concentration,
        "dominators": dominators,
        "articulation": articulation,
        "betweenness": betweenness,
        "betweenness_method": method,
    }
