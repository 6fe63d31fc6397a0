"""Synergies: local outputs of one chain that feed missing or weak stages of another."""

from __future__ import annotations

from analysis_graphs import graph_from, production

from chaingraph.analysis import find_gaps, find_synergies
from chaingraph.analysis.synergy import input_paths

CLAIM = """:claim a cg:PresenceClaim ; cg:region r:CN-630100 ; cg:stage ch:ahf, nf:aluminium .\n"""


def test_hf_feeds_electrolyte_through_lipf6():
    G = graph_from(CLAIM + production("cells", "a", "li:cell"))
    report = find_gaps(G)
    paths = {tuple(s["path"]) for s in report.synergies}
    assert ("ch:ahf", "li:lipf6", "li:electrolyte") in paths
    assert ("ch:ahf", "li:lipf6") in paths
    assert ("nf:aluminium", "li:aluminium-foil") in paths
    assert ("nf:aluminium", "pv:frame") in paths  # PV has no local stage, but frames are missing
    foil = next(s for s in report.synergies if s["target"] == "li:aluminium-foil")
    assert foil["links"] == ["cg:inputTo"] and foil["target_state"] == "missing"
    assert "local Primary aluminium is an input to Aluminium foil" in foil["reason"]


def test_only_cross_chain_paths_are_synergies():
    G = graph_from(production("cells", "a", "li:cell"))
    report = find_gaps(G)
    # li:cell → li:pack is within one chain: a gap, not a synergy
    assert report.synergies == []
    assert find_synergies(G, report) == []


def test_input_paths_stop_at_local_stages():
    G = graph_from(CLAIM)
    assert input_paths(G, "li:electrolyte", {"ch:ahf"}) == [
        ["ch:ahf", "li:lipf6", "li:electrolyte"]
    ]
    assert input_paths(G, "li:electrolyte", {"ch:ahf"}, depth=1) == []


def test_xining_synergies():
    from chaingraph import open_store, to_networkx

    report = find_gaps(to_networkx(open_store(), "region:CN-630100", lang="en"))
    pairs = {(s["source"], s["target"]) for s in report.synergies}
    assert {
        ("ch:ahf", "li:electrolyte"),
        ("nf:aluminium", "li:aluminium-foil"),
        ("nf:aluminium", "pv:frame"),
        ("ch:high-purity-alumina", "li:separator"),
    } <= pairs
