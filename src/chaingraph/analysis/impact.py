"""Impact: what the region loses if a company (or one project) leaves, or gains if a project
is completed.

Removal (``company=`` or ``project=``): the company's production facts and projects in the
region (or the one project) are taken out of the projection and the gap analysis is run again.
The report lists

- **stages that lose their last local producer** (present before, not after);
- **downstream stages that lose local supply**: local stages fed (``cg:nextStage`` or
  ``cg:inputTo``) by a stage that lost its last producer;
- **capacity lost per stage**: the stated capacities of the removed facts in production;
- **completeness** of each chain before and after, and the gaps opened, closed and
  reclassified (e.g. 延链 → 强链 when a missing stage gets a single producer).

Completion (``complete=``): a planned or under-construction project is assumed to be in
production; the report lists the gaps it closes and the stages it makes present.

>>> from chaingraph import open_store, to_networkx
>>> G = to_networkx(open_store(), "region:CN-630100", lang="en")
>>> result = impact(G, company="co:fudi-battery")
>>> [s["stage"] for s in result["stages_lost"]]
['li:cell', 'li:pack']
>>> result["capacity_lost"]["li:cell"]["text"]
'10 GW'
>>> completed = impact(G, complete="x:proj-trina-fullchain")
>>> [(g["stage"], g["gap_class_label"]) for g in completed["gaps_closed"]]
[('pv:wafer', '强链')]
>>> [(g["stage"], g["before"], g["gap_class"]) for g in completed["gaps_reclassified"]]
[('pv:industrial-silicon', 'cg:ExtendGap', 'cg:StrengthenGap')]
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from ..messages import Message
from ..projection import local_regions
from ..units import UnitError, quantity
from ._words import AnalysisError
from .synergy import FLOW

__all__ = ["ImpactResult", "impact"]

_PRODUCING = (None, "cg:InProduction")


class ImpactResult(dict):
    """What :func:`impact` returns: a plain dict (its JSON), of a type renderers know."""


def _states(report):
    return {row.stage: (chain, row) for chain in report.chains for row in chain.stages}


def _capacity_text(items):
    try:
        total = quantity(*items[0])
        for value, unit in items[1:]:
            total = total + quantity(value, unit).to(total.units)
        return f"{total.magnitude:g} {total.units:~}"
    except (UnitError, TypeError, ValueError):
        return " + ".join(f"{v:g} {u.split(':')[-1]}" for v, u in items)


def impact(
    G: nx.MultiDiGraph,
    company: str | None = None,
    *,
    project: str | None = None,
    complete: str | None = None,
    region: str | None = None,
    chains: list[str] | None = None,
    subject_label: str | None = None,
    **gap_options,
) -> ImpactResult:
    """Remove ``company`` (or ``project``) from ``region``, or assume ``complete`` is built,
    and compare the gap reports before and after (see the module rules).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The projection for ``region``.
    company : str, optional
        Company CURIE to remove.
    project : str, optional
        Fact CURIE of one project (or production fact) to remove.
    complete : str, optional
        Fact CURIE of a planned or under-construction project to assume in production.
    region : str, optional
        Region CURIE; default the region ``G`` was projected for.
    chains : list of str, optional
        Chain CURIEs (default: the chains of the gap report before the change).
    subject_label : str, optional
        How to name the subject in the result (default its node label or CURIE).
    **gap_options
        Passed to :func:`~chaingraph.analysis.gaps.find_gaps`.

    Returns
    -------
    dict
        ``stages_lost``, ``stages_gained``, ``downstream_lost_supply``, ``capacity_lost``,
        ``gaps_closed``, ``gaps_opened``, ``gaps_reclassified``, ``completeness``.

    Raises
    ------
    ValueError
        If not exactly one subject is given, or it has no fact in the region.
    """
    from .gaps import find_gaps

    if sum(x is not None for x in (company, project, complete)) != 1:
        raise AnalysisError.of(G, "analysis.impact.one_subject")
    region = region or G.graph["region"]
    what = company or project or complete
    H, facts, capacity = _changed_graph(G, region, company, project, complete)

    options = {**gap_options, "criticality": False}
    chain_ids = chains
    before = find_gaps(G, region, chain_ids, **options)
    after = find_gaps(
        H, region, [c.chain for c in before.chains] if chains is None else chains, **options
    )
    old, new = _states(before), _states(after)
    lost, gained, closed, opened, reclassified = _compare(old, new)
    downstream = _downstream(G, {r["stage"] for r in lost}, new)
    result = {
        "schema": "chaingraph.impact/1",
        "region": region,
        "region_label": before.region_label,
        "mode": "complete" if complete else "remove",
        "subject": what,
        "subject_label": subject_label or (G.nodes[what].get("label", what) if what in G else what),
        "facts": facts,
        "stages_lost": lost,
        "stages_gained": gained,
        "downstream_lost_supply": downstream,
        "capacity_lost": {
            stage: {"stage": stage, "label": G.nodes[stage]["label"], "text": _capacity_text(items)}
            for stage, items in sorted(capacity.items())
        },
        "gaps_closed": closed,
        "gaps_opened": opened,
        "gaps_reclassified": reclassified,
        "completeness": {
            c.chain: {
                "label": c.label,
                "before": c.completeness,
                "after": next((n.completeness for n in after.chains if n.chain == c.chain), 0.0),
                "weighted_before": c.weighted_completeness,
                "weighted_after": next(
                    (n.weighted_completeness for n in after.chains if n.chain == c.chain), 0.0
                ),
            }
            for c in before.chains
        },
    }
    return ImpactResult(result)


def _changed_graph(G, region, company, project, complete):
    """A copy of ``G`` without the subject's local facts (or with the project ``complete``
    in production), the facts touched and the capacity removed, by stage."""
    inside = local_regions(G, region)
    H = G.copy()
    touched = [
        (u, v, k, d)
        for u, v, k, d in H.edges(keys=True, data=True)
        if d["predicate"] == "cg:produces"
        and d.get("site") in inside
        and ((company is not None and u == company) or k in (project, complete))
    ]
    what = company or project or complete
    if not touched:
        label = G.nodes[what].get("label", what) if what in G else what
        kind = Message("names.kind.company" if company else "names.kind.project")
        raise AnalysisError.of(
            G,
            "analysis.impact.no_fact",
            kind=kind,
            label=label,
            region=G.nodes[region].get("label", region),
        )
    capacity = defaultdict(list)
    facts = sorted({k for _, _, k, _ in touched})
    if complete:
        for u, v, k, _ in touched:
            H.edges[u, v, k]["status"] = "cg:InProduction"
    else:
        for _, v, _, d in touched:
            if d.get("status") in _PRODUCING and d.get("capacity") is not None and d.get("unit"):
                capacity[v].append((d["capacity"], d["unit"]))
        H.remove_edges_from([(u, v, k) for u, v, k, _ in touched])
    return H, facts, capacity


def _row(stage, state, **extra) -> dict:
    chain, r = state
    return {
        "stage": stage,
        "label": r.label,
        "chain": chain.chain,
        "verdict": r.verdict,
        "gap_class": r.gap_class,
        "gap_class_label": r.gap_class_label,
        "rule": r.rule,
        **extra,
    }


def _compare(old: dict, new: dict):
    """Stages lost and gained, gaps closed, opened and reclassified between two reports."""
    lost, gained, closed, opened, reclassified = [], [], [], [], []
    for stage in sorted(set(old) & set(new)):
        a, b = old[stage][1], new[stage][1]
        if a.verdict == "present" and b.verdict != "present":
            lost.append(_row(stage, new[stage], before=a.verdict))
        if a.verdict != "present" and b.verdict == "present":
            gained.append(_row(stage, new[stage], before=a.verdict))
        if a.gap_class != b.gap_class:
            worse = a.verdict == "present" and b.verdict != "present"
            if a.gap_class and b.gap_class:
                reclassified.append(_row(stage, new[stage], before=a.gap_class, before_rule=a.rule))
            elif a.gap_class and not worse:  # a stage that lost its producers is listed as lost
                closed.append(_row(stage, old[stage], now=b.gap_class, now_rule=b.rule))
            elif b.gap_class:
                opened.append(_row(stage, new[stage], before=a.gap_class, before_rule=a.rule))
    return lost, gained, closed, opened, reclassified


def _downstream(G, lost_ids: set, new: dict) -> list[dict]:
    """The stages still local after the change that a lost stage fed."""
    downstream = []
    for stage in sorted(lost_ids):
        for _, nxt, d in G.out_edges(stage, data=True):
            if d["predicate"] in FLOW and nxt in new and new[nxt][1].verdict != "missing":
                downstream.append(
                    {
                        "stage": nxt,
                        "label": new[nxt][1].label,
                        "chain": new[nxt][0].chain,
                        "loses": stage,
                        "loses_label": G.nodes[stage]["label"],
                        "link": d["predicate"],
                    }
                )
    downstream.sort(key=lambda r: (r["stage"], r["loses"]))
    return downstream
