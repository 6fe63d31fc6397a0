"""Completeness, plain and weighted (core stages 1, auxiliaries 0.5)."""

from __future__ import annotations

from analysis_graphs import graph_from, production

from chaingraph.analysis import completeness, find_gaps


def test_plain_and_weighted_completeness():
    # PV: 7 core stages (weight 1) and 9 auxiliaries (weight 0.5): total weight 11.5
    G = graph_from(production("w", "a", "pv:wafer") + production("g", "b", "pv:pv-glass"))
    scores = completeness(G)["chain:pv"]
    assert (scores["stages"], scores["local"]) == (16, 2)
    assert scores["completeness"] == round(2 / 16, 3)
    assert scores["weighted_completeness"] == round(1.5 / 11.5, 3)
    chain = find_gaps(G).chain("chain:pv")
    assert chain.weighted_completeness == scores["weighted_completeness"]
    data = find_gaps(G).to_dict()
    assert data["schema"] == "chaingraph.gaps/1"
    assert data["chains"][0]["weighted_completeness"] == scores["weighted_completeness"]


def test_asserted_stages_count():
    claim = ":c a cg:PresenceClaim ; cg:region r:CN-630100 ; cg:stage pv:cell, pv:module .\n"
    assert completeness(graph_from(claim))["chain:pv"]["local"] == 2
