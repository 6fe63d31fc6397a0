"""Completeness of a region's chains: how many of a chain's stages the region has.

For a chain with stages *s₁ … sₙ* in a region:

- **completeness** = |{sᵢ : verdict(sᵢ) ∈ {present, asserted}}| ÷ n
- **weighted completeness** = Σ wᵢ · [verdict(sᵢ) ∈ {present, asserted}] ÷ Σ wᵢ,
  where wᵢ is the stage's ``cg:weight`` (core stages 1, auxiliary stages 0.5 by default).

Both are rounded to three decimals; a chain with no stages scores 0.

>>> share(["present", "asserted", "missing", "missing"])
0.5
>>> weighted_share([("present", 1.0), ("missing", 0.5), ("missing", 0.5)])
0.5
>>> from chaingraph import open_store, to_networkx
>>> scores = completeness(to_networkx(open_store(), "region:CN-630100", lang="en"))
>>> pv = scores["chain:pv"]
>>> pv["stages"], pv["local"], pv["completeness"], pv["weighted_completeness"]
(16, 6, 0.375, 0.522)
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

__all__ = ["LOCAL_VERDICTS", "completeness", "share", "weighted_share"]

LOCAL_VERDICTS = ("present", "asserted")


def share(verdicts: Iterable[str]) -> float:
    """Share of ``verdicts`` that are present or asserted."""
    verdicts = list(verdicts)
    if not verdicts:
        return 0.0
    return round(sum(v in LOCAL_VERDICTS for v in verdicts) / len(verdicts), 3)


def weighted_share(pairs: Iterable[tuple[str, float]]) -> float:
    """Weighted share of (verdict, weight) pairs that are present or asserted."""
    pairs = list(pairs)
    total = sum(w for _, w in pairs)
    if not total:
        return 0.0
    return round(sum(w for v, w in pairs if v in LOCAL_VERDICTS) / total, 3)


def completeness(
    G: nx.MultiDiGraph, region: str | None = None, chains: list[str] | None = None
) -> dict[str, dict]:
    """Completeness and weighted completeness of each chain of ``region``.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The projection.
    region : str, optional
        Region CURIE; default the region ``G`` was projected for.
    chains : list of str, optional
        Chain CURIEs (default: the chains of the gap report).

    Returns
    -------
    dict
        By chain CURIE: ``stages``, ``local``, ``completeness``, ``weighted_completeness``.
    """
    from .gaps import find_gaps

    report = find_gaps(G, region, chains, criticality=False)
    return {
        chain.chain: {
            "chain": chain.chain,
            "label": chain.label,
            "stages": len(chain.stages),
            "local": sum(s.verdict in LOCAL_VERDICTS for s in chain.stages),
            "completeness": chain.completeness,
            "weighted_completeness": chain.weighted_completeness,
        }
        for chain in report.chains
    }
