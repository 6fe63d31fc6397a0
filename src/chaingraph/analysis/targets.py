"""Targets (招商): companies outside the region that make what the region lacks.

The projection holds the facts of one region only; :func:`with_producers_elsewhere` adds the
production facts of every site outside it (named query ``producers-of-stages``) and the ties
between companies (``company-ties``: ``cg:parentOrganization``, ``cg:supplies``,
``cg:locatedIn``). :func:`find_targets` then ranks, for each **missing**, **weak** (强链) or
**only asserted** stage of the region, the companies producing it elsewhere by a transparent
score, the sum of:

- **capacity**: the candidate's capacity for the stage ÷ the largest among the candidates
  (0–1; 0 when unknown);
- **+2 already here**: the company itself already produces or builds something in the region;
- **+2 group tie**: it belongs to the same group (``cg:parentOrganization``, either way or a
  common parent) as a company in the region;
- **+1.5 supply tie**: it supplies a company in the region (or that company's group), or is
  supplied by one (``cg:supplies``);
- **+1 in the province**: it already produces at a site in the region's province.

Each target carries the reasons that make up its score.

>>> from chaingraph import open_store, to_networkx
>>> store = open_store()
>>> G = with_producers_elsewhere(to_networkx(store, "region:CN-630100", lang="en"), store)
>>> targets = find_targets(G)
>>> [(t.company, t.score) for t in targets if t.stage == "li:ev"]
[('co:byd', 2.0)]
>>> next(t for t in targets if t.stage == "li:ev").reasons
['group tie: same group as FinDreams Battery Co., Ltd. (BYD Company Limited)']
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field

import networkx as nx

from ..labels import LabelIndex
from ..messages import Message
from ..projection import _rows, add_productions, local_regions
from ..queries import named_query
from ..units import UnitError, quantity

__all__ = ["WEIGHTS", "Target", "Targets", "find_targets", "with_producers_elsewhere"]

WEIGHTS = {"capacity": 1.0, "already here": 2.0, "group": 2.0, "supply": 1.5, "province": 1.0}
_PRODUCING = (None, "cg:InProduction")
_TIES = ("cg:parentOrganization", "cg:supplies", "cg:locatedIn")


def with_producers_elsewhere(G: nx.MultiDiGraph, store, region: str | None = None):
    """A copy of ``G`` with the producers outside ``region`` and the ties between companies.

    Production facts outside the region become ``cg:produces`` edges like the local ones
    (their ``site`` lies outside the region, so the gap analysis ignores them).
    """
    from ..namespaces import curie

    region = region or G.graph["region"]
    H = G.copy()
    labels = LabelIndex.from_store(store)
    add_productions(H, _rows(store, "producers-of-stages", region))
    for row in store.select(named_query("company-ties").text):
        company, tie, other = (curie(str(row[k])) for k in ("company", "tie", "other"))
        for node, kind in (
            (company, "company"),
            (other, "region" if tie == "cg:locatedIn" else "company"),
        ):
            if node not in H:
                H.add_node(node, kind=kind)
        if not any(
            d["predicate"] == tie for d in H.get_edge_data(company, other, default={}).values()
        ):
            H.add_edge(company, other, predicate=tie)
    lang = H.graph.get("lang", "zh")
    for node, data in H.nodes(data=True):
        if "label" not in data:
            data["label_zh"] = labels.pick(node, "zh")
            data["label_en"] = labels.pick(node, "en")
            data["label"] = data[f"label_{lang}"]
    H.graph["producers_elsewhere"] = True
    return H


@dataclass
class Target:
    """A company outside the region that produces ``stage``, with its score and reasons."""

    stage: str
    stage_label: str
    chain: str
    state: str
    gap_class: str | None
    rank: int
    company: str
    company_label: str
    sites: list[str]
    site_labels: list[str]
    capacity: str | None
    score: float
    # why: catalog messages (targets.reason.*), put into words in the projection's language
    reason_messages: list[Message] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)
    reasons_lang: str = "zh"
    # The group the company belongs to (a 招商 target is often the group: both are shown).
    group: str | None = None
    group_label: str = ""

    @property
    def reasons(self) -> list[str]:
        """The reasons in words, in the projection's language."""
        return [reason.text(self.reasons_lang) for reason in self.reason_messages]

    def to_dict(self) -> dict:
        """Plain data, the reasons in words (``reasons``)."""
        data = {}
        for key, value in asdict(self).items():
            if key == "reason_messages":
                data["reasons"] = self.reasons
            elif key != "reasons_lang":
                data[key] = value
        return data


class Targets(list):
    """What :func:`find_targets` returns: a list of :class:`Target`, a type to render."""


def _tie_edges(G, company, predicate):
    return [v for _, v, d in G.out_edges(company, data=True) if d["predicate"] == predicate]


def _parents(G, company):
    return set(_tie_edges(G, company, "cg:parentOrganization"))


def _group_tie(G, company, local_companies):
    mine = _parents(G, company) | {company}
    for other in sorted(local_companies):
        if other == company:
            continue
        theirs = _parents(G, other) | {other}
        common = mine & theirs
        if common:
            group = G.nodes[sorted(common)[0]].get("label", sorted(common)[0])
            other_label = G.nodes[other].get("label", other)
            return Message("targets.reason.same_group", other=other_label, group=group)
    return None


def _group_of(G, company) -> dict:
    """``group`` and ``group_label`` of a company's group, when it has one."""
    parents = sorted(_parents(G, company))
    if not parents:
        return {}
    return {"group": parents[0], "group_label": G.nodes[parents[0]].get("label", parents[0])}


def _supply_tie(G, company, local_companies):
    """A supplier–customer tie with a local company or with its group (parent)."""
    for other in sorted(local_companies):
        label = G.nodes[other].get("label", other)
        for party in [other, *sorted(_parents(G, other))]:
            via = "" if party == other else Message("targets.reason.via", label=label)
            party_label = G.nodes[party].get("label", party)
            if party in _tie_edges(G, company, "cg:supplies"):
                return Message("targets.reason.supplies", party=party_label, via=via)
            if company in _tie_edges(G, party, "cg:supplies"):
                return Message("targets.reason.customer", party=party_label, via=via)
    return None


def _capacity(facts):
    total = None
    for data in facts:
        if data.get("capacity") is None or not data.get("unit"):
            continue
        try:
            q = quantity(data["capacity"], data["unit"])
        except UnitError:
            continue
        if total is None:
            total = q
        elif q.is_compatible_with(total):
            total = total + q.to(total.units)
    return total


def _states(report):
    for chain in report.chains:
        for row in chain.stages:
            if row.verdict == "missing" and not row.verdict_detail:
                yield chain, row, "missing"
            elif row.gap_class == "cg:StrengthenGap":
                yield chain, row, "weak"
            elif row.verdict == "asserted" and not row.capacity_known:
                yield chain, row, "asserted only"


def _already_here(G: nx.MultiDiGraph, company: str, inside: set) -> Message | None:
    """The reason "already makes (or builds) these stages in the region", if it does."""
    here = {}
    for _, s, d in G.out_edges(company, data=True):
        if d["predicate"] == "cg:produces" and d.get("site") in inside:
            producing = d.get("status") in _PRODUCING
            here[s] = here.get(s, False) or producing
    if not here:
        return None
    order = sorted(here, key=lambda s: (G.nodes[s].get("position", 0), s))
    labels = {s: G.nodes[s].get("label", s) for s in order}
    names = [
        label if here[s] else Message("targets.reason.pipeline", stage=label)
        for s, label in labels.items()
    ]
    return Message("targets.reason.here", stages=names)


def find_targets(
    G: nx.MultiDiGraph,
    region: str | None = None,
    chains: list[str] | None = None,
    *,
    report=None,
    **gap_options,
) -> Targets:
    """Ranked producers outside ``region`` for each missing, weak or only-asserted stage.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projection extended by :func:`with_producers_elsewhere`.
    region : str, optional
        Region CURIE; default the region ``G`` was projected for.
    chains : list of str, optional
        Chain CURIEs (default: the chains of the gap report).
    report : GapReport, optional
        The gap report giving the stages (default: computed with ``gap_options``).
    **gap_options
        Passed to :func:`~chaingraph.analysis.gaps.find_gaps` (``scope``, ``threshold``,
        ``factors`` ...).

    Returns
    -------
    list of Target
        Per stage, best first (``rank`` 1), each with ``score`` and ``reasons``.
    """
    from .gaps import find_gaps
    from .scope import scope_region

    region = region or G.graph["region"]
    if report is None:
        report = find_gaps(G, region, chains, criticality=False, **gap_options)
    inside = local_regions(G, region)
    province = (
        scope_region(G, region, "province")
        if G.nodes[region].get("level") in ("park", "zone", "city", "province")
        else region
    )
    in_province = local_regions(G, province)
    local_companies = {
        c
        for c, _, d in G.edges(data=True)
        if d["predicate"] == "cg:produces" and d.get("site") in inside
    }
    lang = G.graph.get("lang", "zh")
    found = []
    for chain, row, state in _states(report):
        candidates = defaultdict(list)
        for company, _, data in G.in_edges(row.stage, data=True):
            if (
                data["predicate"] == "cg:produces"
                and data.get("site") not in inside
                and data.get("status") in _PRODUCING
            ):
                candidates[company].append(data)
        if not candidates:
            continue
        capacities = {c: _capacity(facts) for c, facts in candidates.items()}
        known = [q for q in capacities.values() if q is not None]
        biggest = None
        if known:
            biggest = max(known, key=lambda q: q.to_base_units().magnitude)
        rows = []
        for company, facts in candidates.items():
            score, reasons = 0.0, []
            cap = capacities[company]
            if cap is not None and biggest is not None and cap.is_compatible_with(biggest):
                share = round(float(cap.to(biggest.units).magnitude / biggest.magnitude), 3)
                score += WEIGHTS["capacity"] * share
                reasons.append(
                    Message(
                        "targets.reason.capacity",
                        capacity=f"{cap.magnitude:g} {cap.units:~}",
                        share=f"{share:.2f}",
                    )
                )
            here = _already_here(G, company, inside)
            if here:
                score += WEIGHTS["already here"]
                reasons.append(here)
            group = _group_tie(G, company, local_companies)
            if group:
                score += WEIGHTS["group"]
                reasons.append(Message("targets.reason.group", tie=group))
            supply = _supply_tie(G, company, local_companies)
            if supply:
                score += WEIGHTS["supply"]
                reasons.append(Message("targets.reason.supply", tie=supply))
            sites = sorted({d["site"] for d in facts})
            if province != region and any(s in in_province for s in sites):
                score += WEIGHTS["province"]
                province_label = G.nodes[province].get("label", province)
                reasons.append(Message("targets.reason.province", province=province_label))
            rows.append(
                Target(
                    stage=row.stage,
                    stage_label=row.label,
                    chain=chain.chain,
                    state=state,
                    gap_class=row.gap_class,
                    rank=0,
                    company=company,
                    company_label=G.nodes[company].get("label", company),
                    sites=sites,
                    site_labels=[G.nodes[s].get("label", s) for s in sites],
                    capacity=f"{cap.magnitude:g} {cap.units:~}" if cap is not None else None,
                    score=round(score, 3),
                    reason_messages=reasons or [Message("targets.reason.elsewhere")],
                    facts=sorted({d["fact"] for d in facts}),
                    reasons_lang=lang,
                    **_group_of(G, company),
                )
            )
        rows.sort(key=lambda t: (-t.score, t.company))
        for rank, target in enumerate(rows, 1):
            target.rank = rank
        found.extend(rows)
    return Targets(found)
