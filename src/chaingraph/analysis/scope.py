"""What counts as local: a region, or the larger region of a given level that contains it.

Regions nest through ``cg:partOf`` (park ⊂ zone ⊂ city ⊂ province ⊂ country); each region node
of the projection has a ``level``. ``scope_region(G, "region:CN-630100", "province")`` is
Qinghai, so with ``--scope province`` everything in Qinghai is local to Xining.

>>> from chaingraph import open_store, to_networkx
>>> G = to_networkx(open_store(), "region:CN-630000", lang="en")
>>> scope_region(G, "region:CN-630100", "province")
'region:CN-630000'
>>> scope_region(G, "region:CN-630100")
'region:CN-630100'
>>> scope_region(G, "region:CN-630100", "park")
Traceback (most recent call last):
...
chaingraph.analysis.AnalysisError: scope 'park' is smaller than Xining (a city); choose city, province or country
"""  # noqa: E501

from __future__ import annotations

import networkx as nx

from ..messages import Message
from ..projection import local_regions
from ._words import AnalysisError

__all__ = ["LEVELS", "ensure_projected", "parent_region", "project_for_scope", "scope_region"]

LEVELS = ("park", "zone", "city", "province", "country")


def parent_region(G: nx.MultiDiGraph, region: str) -> str | None:
    """The region ``region`` is directly part of, or ``None``."""
    for _, parent, data in G.out_edges(region, data=True):
        if data["predicate"] == "cg:partOf":
            return parent
    return None


def _rank(level: str | None) -> int:
    return LEVELS.index(level) if level in LEVELS else -1


def scope_region(G: nx.MultiDiGraph, region: str, level: str | None = None) -> str:
    """The region of ``level`` that contains ``region`` (``region`` itself by default)."""
    if level is None:
        return region
    if level not in LEVELS:
        raise AnalysisError.of(G, "analysis.scope.unknown", level=level, levels=list(LEVELS))
    own = G.nodes[region].get("level")
    if _rank(own) > _rank(level):
        choices = LEVELS[_rank(own) :]
        label = G.nodes[region].get("label", region)
        larger = (
            Message("analysis.scope.choices", some=choices[:-1], last=choices[-1])
            if len(choices) > 1
            else own
        )
        raise AnalysisError.of(
            G,
            "analysis.scope.too_small",
            level=level,
            label=label,
            own=Message(f"analysis.level.{own}"),
            larger=larger,
        )
    current: str | None = region
    while current is not None:
        if G.nodes[current].get("level") == level:
            return current
        current = parent_region(G, current)
    raise AnalysisError.of(G, "analysis.scope.no_region", region=region, level=level)


def ensure_projected(G: nx.MultiDiGraph, region: str) -> None:
    """Raise ``ValueError`` unless ``G`` holds the local facts of ``region`` (and inside it)."""
    projected = G.graph.get("region") or ""
    if projected and region not in local_regions(G, projected):
        raise AnalysisError.of(
            G, "analysis.scope.not_projected", projected=projected, region=region
        )


def project_for_scope(
    store, region: str, level: str | None = None, *, lang: str | None = None, evidence=True
):
    """The projection holding the local facts of the scope of ``region`` (see the module);
    ``evidence`` as in :func:`~chaingraph.projection.to_networkx`."""
    from ..projection import to_networkx

    G = to_networkx(store, region, lang=lang, evidence=evidence)
    wide = scope_region(G, region, level)
    return G if wide == region else to_networkx(store, wide, lang=lang, evidence=evidence)
