"""Synergies (延链 opportunities): local outputs that feed a missing or weak stage elsewhere.

A path runs from a local stage (present or asserted) along ``cg:nextStage`` and ``cg:inputTo``
links to a target stage: a **missing** stage (through at most one other stage that is not
local), or directly to a **weak** stage (a 强链 gap) or one only **asserted** (no named producer,
no stated capacity). :func:`input_paths`
finds such paths for one stage; :func:`find_synergies` lists the **cross-chain** ones (the path
uses a ``cg:inputTo`` link, so the local output belongs to another chain than the target) whose
target is missing or weak — e.g. anhydrous HF → LiPF6 → electrolyte.

>>> from chaingraph import open_store, to_networkx
>>> from chaingraph.analysis.gaps import find_gaps
>>> G = to_networkx(open_store(), "region:CN-630100", lang="en")
>>> synergies = find_synergies(G, find_gaps(G))
>>> [s.path for s in synergies if s.target == "li:electrolyte"]
[['ch:ahf', 'li:lipf6', 'li:electrolyte']]
>>> sorted(s.target for s in synergies if s.source == "nf:aluminium")
['li:aluminium-foil', 'li:casing', 'pv:frame']
"""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass

import networkx as nx

from ..messages import Message
from ._words import in_words, rule_text
from .factindex import FLOW, fact_index

__all__ = ["FLOW", "Synergy", "find_synergies", "input_paths"]

_INPUT_SEARCH_DEPTH = 2


def _feeders(G: nx.MultiDiGraph, stage: str) -> list[str]:
    return sorted({u for u, _, d in G.in_edges(stage, data=True) if d["predicate"] in FLOW})


def input_paths(
    G: nx.MultiDiGraph, stage: str, local: set[str], depth: int = _INPUT_SEARCH_DEPTH
) -> list[list[str]]:
    """Paths from local stages to ``stage`` through stages that are not local, shortest first.

    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("a", "b", predicate="cg:inputTo")
    0
    >>> G.add_edge("b", "c", predicate="cg:nextStage")
    0
    >>> input_paths(G, "c", {"a"})
    [['a', 'b', 'c']]
    """
    return _input_paths(G, stage, local, depth)


def _input_paths(G, stage, local, depth=_INPUT_SEARCH_DEPTH, feeders=None) -> list[list[str]]:
    """:func:`input_paths`, with the feeders of the stages from ``feeders`` (a stage's sorted
    feeders, :attr:`~.factindex.FactIndex.feeders`) where it has them."""
    feeders = feeders or {}
    paths, frontier = [], [[stage]]
    for _ in range(depth):
        next_frontier = []
        for path in frontier:
            found = feeders.get(path[0])
            for feeder in _feeders(G, path[0]) if found is None else found:
                if feeder in path:
                    continue
                (paths if feeder in local else next_frontier).append([feeder, *path])
        frontier = next_frontier
    return paths


def _links(G: nx.MultiDiGraph, path: list[str]) -> list[str]:
    links = []
    for u, v in itertools.pairwise(path):
        predicates = {d["predicate"] for d in G.get_edge_data(u, v, default={}).values()}
        links.append("cg:inputTo" if "cg:inputTo" in predicates else "cg:nextStage")
    return links


@dataclass
class Synergy:
    """A local ``source`` stage that feeds the missing or weak ``target`` of another chain."""

    source: str
    source_label: str
    source_chain: str
    target: str
    target_label: str
    target_chain: str
    target_state: str
    path: list[str]
    path_labels: list[str]
    links: list[str]
    reason_code: str  # why it is a synergy: a catalog code (synergy.reason) and parameters
    reason_params: dict
    reason_lang: str = "zh"  # the language the reason is put into words in (the projection's)

    @property
    def reason(self) -> str:
        """The reason in words, in the projection's language."""
        return rule_text(self.reason_code, self.reason_params, self.reason_lang)

    def to_dict(self) -> dict:
        """Plain data, the reason in words."""
        return in_words(asdict(self), self.reason, name="reason")


def _target_state(row) -> str | None:
    if row.verdict == "missing" and not getattr(row, "verdict_detail", None):
        return "missing"
    if row.gap_class == "cg:StrengthenGap":
        return "weak"
    if row.verdict == "asserted" and not getattr(row, "capacity_known", None):
        return "asserted only"
    return None


def find_synergies(G: nx.MultiDiGraph, report) -> list[Synergy]:
    """Cross-chain paths from local outputs to the missing, weak or only-asserted stages.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The projection.
    report : GapReport
        The gap report of ``G`` (:func:`~chaingraph.analysis.gaps.find_gaps`); its verdicts
        decide what is local and what is a target.

    Returns
    -------
    list of Synergy
        Sorted by target chain, target stage, path length.
    """
    return _synergies(G, report, fact_index(G).feeders)


def _synergies(G: nx.MultiDiGraph, report, feeders: dict[str, list[str]]) -> list[Synergy]:
    """:func:`find_synergies`, with the feeders of the stages from the fact index of ``G``."""
    local = {
        row.stage
        for chain in report.chains
        for row in chain.stages
        if row.verdict != "missing" or getattr(row, "verdict_detail", None)
    }
    local |= set(getattr(report, "local_stages", []) or [])
    lang = G.graph.get("lang", "zh")
    found = []
    for chain in report.chains:
        for row in chain.stages:
            state = _target_state(row)
            if state is None:
                continue
            depth = _INPUT_SEARCH_DEPTH if state == "missing" else 1
            for path in _input_paths(G, row.stage, local - {row.stage}, depth, feeders):
                links = _links(G, path)
                source_chain = G.nodes[path[0]]["chain"]
                if "cg:inputTo" not in links or source_chain == chain.chain:
                    continue
                labels = [G.nodes[s]["label"] for s in path]
                via = Message("synergy.via", stages=labels[1:-1]) if len(path) > 2 else ""
                found.append(
                    Synergy(
                        source=path[0],
                        source_label=labels[0],
                        source_chain=source_chain,
                        target=row.stage,
                        target_label=row.label,
                        target_chain=chain.chain,
                        target_state=state,
                        path=path,
                        path_labels=labels,
                        links=links,
                        reason_code="synergy.reason",
                        reason_params=dict(
                            source=labels[0],
                            target=row.label,
                            via=via,
                            state=Message(f"synergy.state.{state.replace(' ', '_')}"),
                            chain=chain.label,
                        ),
                        reason_lang=lang,
                    )
                )
    found.sort(key=lambda s: (s.target_chain, s.target, len(s.path), s.source))
    return found
