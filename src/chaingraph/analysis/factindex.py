"""An index of a projection's facts by site, so that a region's analysis reads only its own facts.

On a projection of every region's facts (``to_networkx(store, None)``) each stage has the
production facts of the whole country as in-edges; walking them for every region makes a
country-wide overview quadratic. :func:`fact_index` files the facts once per graph:

- ``cg:produces`` edges by their ``site``, ``cg:claims`` edges by their region;
- the stage nodes (in the graph's node order), the ``cg:nextStage`` links between them, the
  feeders of each stage (``cg:nextStage``/``cg:inputTo``) and the region hierarchy.

The index is cached in the graph's own cache, ``G.__networkx_cache__``, which networkx empties
whenever the graph changes through its methods (``add_edge``, ``remove_edge``, ``add_node``,
``remove_nodes_from``, ``clear`` …), so it cannot go stale:

- another graph object (a copy, :func:`~chaingraph.analysis.timeline.as_of`) has a cache of its
  own and builds its own index — nothing is kept in ``G.graph``, which copies share;
- facts added (e.g. for a wider scope) or removed, in any number, empty the cache: counting
  edges would miss one fact removed and another added;
- the facts handed out for a region are still checked one by one: each must be the very edge
  record of the graph, with the same ``site`` (a fact whose ``site`` was changed in place is
  found out when its old region is asked for);
- a graph without that cache (a view of another graph, whose changes do not reach the view's
  cache) is indexed afresh on each call.

Edge and node attributes changed in place (``G.edges[u, v, k]["site"] = ...``) do not empty
networkx's cache: after moving a fact to another site that way, call :func:`refresh`. Every
other attribute (status, capacity, year …) is read from the graph when used, never copied.

>>> from chaingraph import open_store, to_networkx
>>> G = to_networkx(open_store(), lang="en")
>>> index = fact_index(G)
>>> index is fact_index(G)
True
>>> facts = index.facts(G, index.local_regions("region:CN-630100"))
>>> sorted({subject for subject, _ in facts["pv:mono-ingot"]})
['co:csi-solar', 'co:gokin-qinghai', 'co:jinko', 'co:trina', 'region:CN-630100', \
'region:xining-etdz']
>>> G.remove_node("co:jinko")
>>> index is fact_index(G)
False
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from .timeline import fact_year

__all__ = ["FactIndex", "fact_index", "refresh"]

FLOW = ("cg:nextStage", "cg:inputTo")
_KEY = "chaingraph.factindex"


class FactIndex:
    """The facts of a graph filed by site and region (see the module). Build it with
    :func:`fact_index`, which also checks that it still matches the graph."""

    def __init__(self, G: nx.MultiDiGraph) -> None:
        self.stages: list[str] = []
        self.regions: list[str] = []
        for node, data in G.nodes(data=True):
            kind = data.get("kind")
            if kind == "stage":
                self.stages.append(node)
            elif kind == "region":
                self.regions.append(node)
        # (sequence in the stage's in-edges, subject, stage, key, edge data)
        self.by_site: dict[str, list[tuple]] = defaultdict(list)
        self.by_region: dict[str, list[tuple]] = defaultdict(list)
        self.feeders: dict[str, list[str]] = {}
        for stage in self.stages:
            feeders = set()
            for seq, (subject, _, key, data) in enumerate(G.in_edges(stage, keys=True, data=True)):
                predicate = data.get("predicate")
                if predicate == "cg:produces":
                    if data.get("site") is not None:
                        self.by_site[data["site"]].append((seq, subject, stage, key, data))
                elif predicate == "cg:claims":
                    self.by_region[subject].append((seq, subject, stage, key, data))
                elif predicate in FLOW:
                    feeders.add(subject)
            self.feeders[stage] = sorted(feeders)
        # cg:nextStage links from a stage, in the order of G.edges()
        self.next_links: list[tuple[str, str]] = [
            (a, b)
            for a in self.stages
            for b, keys in G._succ[a].items()
            for data in keys.values()
            if data.get("predicate") == "cg:nextStage"
        ]
        self._children: dict[str, list[str]] = defaultdict(list)
        for region in self.regions:
            for _, parent, data in G.out_edges(region, data=True):
                if data.get("predicate") == "cg:partOf":
                    self._children[parent].append(region)
        self._local: dict[str, frozenset[str]] = {}
        self._positions: dict[str, int] | None = None

    def node_positions(self, G: nx.MultiDiGraph) -> dict[str, int]:
        """Each node's place in the graph's node order (the order of ``G.edges()``)."""
        if self._positions is None:
            self._positions = {node: i for i, node in enumerate(G)}
        return self._positions

    def local_regions(self, region: str) -> frozenset[str]:
        """``region`` and every region inside it (:func:`chaingraph.projection.local_regions`)."""
        found = self._local.get(region)
        if found is None:
            seen, todo = set(), [region]
            while todo:
                current = todo.pop()
                if current not in seen:
                    seen.add(current)
                    todo.extend(self._children.get(current, ()))
            found = self._local[region] = frozenset(seen)
        return found

    def facts(
        self, G: nx.MultiDiGraph, scope, as_of: int | None = None
    ) -> dict[str, list[tuple[str, dict]]]:
        """Per stage, ``(subject, edge data)`` of the production facts sited in ``scope`` and the
        claims of the regions in ``scope``, in the order of ``G.in_edges(stage)``; with
        ``as_of``, without the facts dated later (as :func:`~.timeline.as_of` leaves them out).

        Raises ``_Stale`` when an entry is no longer the graph's edge (:func:`fact_index`
        rebuilt it then).
        """
        pred = G._pred
        found = defaultdict(list)
        for region in scope:
            for entry in self.by_site.get(region, ()):
                found[entry[2]].append(entry)
            for entry in self.by_region.get(region, ()):
                found[entry[2]].append(entry)
        result = {}
        for stage, entries in found.items():
            entries.sort(key=lambda e: e[0])
            for _, subject, _, key, data in entries:
                keys = pred[stage].get(subject)
                if keys is None or keys.get(key) is not data:
                    raise _Stale
                if data.get("predicate") == "cg:produces" and data.get("site") not in scope:
                    raise _Stale
            kept = [(e[1], e[4]) for e in entries]
            if as_of is not None:
                kept = [(s, d) for s, d in kept if not _later(d, as_of)]
            if kept:
                result[stage] = kept
        return result


def _later(data: dict, year: int) -> bool:
    when = fact_year(data)
    return when is not None and when > year


class _Stale(Exception):
    """The graph changed under the index."""


def _cache(G: nx.MultiDiGraph) -> dict | None:
    """The graph's own cache, emptied by networkx on every change; ``None`` for a view."""
    cache = getattr(G, "__networkx_cache__", None)
    if not isinstance(cache, dict) or getattr(G, "_graph", None) is not None:
        return None
    return cache


def fact_index(G: nx.MultiDiGraph) -> FactIndex:
    """The index of ``G``, built on first use and again after any change to ``G``."""
    cache = _cache(G)
    index = cache.get(_KEY) if cache is not None else None
    if index is None:
        index = FactIndex(G)
        if cache is not None:
            cache[_KEY] = index
    return index


def refresh(G: nx.MultiDiGraph) -> FactIndex:
    """Rebuild the index of ``G`` (after changing a fact's ``site`` in place)."""
    cache = _cache(G)
    if cache is not None:
        cache.pop(_KEY, None)
    return fact_index(G)


def facts_in(
    G: nx.MultiDiGraph, scope, as_of: int | None = None, index: FactIndex | None = None
) -> tuple[FactIndex, dict[str, list[tuple[str, dict]]]]:
    """The index of ``G`` (``index`` if given and checked already) and
    :meth:`FactIndex.facts` of ``scope``, rebuilt once if an entry turns out stale."""
    index = index or fact_index(G)
    try:
        return index, index.facts(G, scope, as_of)
    except _Stale:
        index = refresh(G)
        return index, index.facts(G, scope, as_of)
