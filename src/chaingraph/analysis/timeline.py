"""The chains as they stood in a given year, and what changed between two years.

Facts carry a ``cg:year`` (for a project: the year it reached its status). Rules:

- **as of** year *Y*: every fact (production, project, claim, regional capacity) with
  ``year > Y`` is left out — in particular a project whose year is later than *Y* is not yet in
  production. Facts without a year are kept (assumed to hold already) and counted in
  ``G.graph["undated_facts"]``.
- **diff** from *A* to *B*: the gap reports as of *A* and as of *B*, compared stage by stage:
  gaps closed (a gap class at *A*, none at *B*), gaps opened (the reverse), gaps reclassified
  (e.g. 延链 → 强链 when a missing stage gets its first producer), verdict changes, projects
  that came into production (in production with a year in (*A*, *B*]) and the capacity they
  added per stage.

>>> from chaingraph import open_store, to_networkx
>>> G = to_networkx(open_store(), "region:CN-630100", lang="en")
>>> G2021 = as_of(G, 2021)
>>> edges = G2021.in_edges("pv:mono-ingot", data=True)
>>> sorted(c for c, _, d in edges if d["predicate"] == "cg:produces")
['co:gokin-qinghai']
>>> change = diff(G, 2021, 2022)
>>> sorted({p["fact"] for p in change["projects_completed"]})
['x:proj-csi-ingot', 'x:proj-fudi-battery', 'x:proj-jinko-ingot']
>>> change["capacity_added"]["pv:mono-ingot"]["text"]
'30 GW'
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from ..messages import text
from ..units import UnitError, quantity
from ._words import AnalysisError

__all__ = ["DiffResult", "as_of", "diff", "fact_year"]

_FACTS = ("cg:produces", "cg:claims")


class DiffResult(dict):
    """What :func:`diff` returns: a plain dict (its JSON), of a type renderers know."""


def fact_year(data: dict) -> int | None:
    """The year of a fact edge as an integer (``cg:year`` is an ``xsd:gYear``), or ``None``."""
    year = data.get("year")
    if year is None:
        return None
    try:
        return int(str(year)[:4])
    except ValueError:
        return None


def as_of(G: nx.MultiDiGraph, year: int) -> nx.MultiDiGraph:
    """A copy of ``G`` without the facts dated after ``year``.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The projection; it is not changed.
    year : int
        Facts (``cg:produces``, ``cg:claims`` edges) with ``year`` later than this are left out.

    Returns
    -------
    networkx.MultiDiGraph
        The copy, with ``graph["as_of"]`` and ``graph["undated_facts"]`` (facts kept although
        they carry no year).
    """
    H = G.copy()
    late, undated = [], set()
    for u, v, key, data in H.edges(keys=True, data=True):
        if data["predicate"] not in _FACTS:
            continue
        when = fact_year(data)
        if when is None:
            undated.add(data.get("fact", key))
        elif when > year:
            late.append((u, v, key))
    H.remove_edges_from(late)
    H.graph["as_of"] = year
    H.graph["undated_facts"] = len(undated)
    return H


def _states(report) -> dict[str, dict]:
    return {
        row.stage: {
            "stage": row.stage,
            "label": row.label,
            "chain": chain.chain,
            "verdict": row.verdict,
            "gap_class": row.gap_class,
            "gap_class_label": row.gap_class_label,
            "rule": row.rule,
        }
        for chain in report.chains
        for row in chain.stages
    }


def _total_text(items: list[tuple]) -> str:
    """``(value, unit, fact)`` items summed in the unit of the first, or listed when their
    units do not add up."""
    try:
        total = quantity(*items[0][:2])
        for value, unit, _ in items[1:]:
            total = total + quantity(value, unit).to(total.units)
        return f"{total.magnitude:g} {total.units:~}"
    except (UnitError, TypeError, ValueError):  # units that do not add up: list them
        return " + ".join(f"{v:g} {u.split(':')[-1]}" for v, u, _ in items)


def diff(
    G: nx.MultiDiGraph,
    year_from: int,
    year_to: int,
    region: str | None = None,
    chains: list[str] | None = None,
    **options,
) -> DiffResult:
    """What changed in ``region`` between ``year_from`` and ``year_to`` (see the module rules).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The projection for ``region``.
    year_from, year_to : int
        The two years, ``year_from <= year_to``.
    region : str, optional
        Region CURIE; default the region ``G`` was projected for.
    chains : list of str, optional
        Chain CURIEs.
    **options
        Passed to :func:`~chaingraph.analysis.gaps.find_gaps` (``scope``, ``threshold``,
        ``factors``).

    Returns
    -------
    dict
        ``gaps_closed``, ``gaps_opened``, ``gaps_reclassified``, ``verdict_changes``,
        ``projects_completed``, ``capacity_added``, ``completeness`` (schema
        ``chaingraph.diff/1``).
    """
    from .gaps import find_gaps

    if year_to < year_from:
        raise AnalysisError.of(G, "analysis.timeline.backwards", start=year_from, end=year_to)
    region = region or G.graph["region"]
    before = find_gaps(G, region, chains, as_of=year_from, criticality=False, **options)
    after = find_gaps(G, region, chains, as_of=year_to, criticality=False, **options)
    old, new = _states(before), _states(after)
    closed, opened, changed, reclassified = [], [], [], []
    missing = {"verdict": "missing", "gap_class": None, "gap_class_label": None, "rule": ""}
    missing["rule"] = text("timeline.not_in_report", G.graph.get("lang", "zh"))
    for stage in sorted(set(old) | set(new)):
        a = old.get(stage) or {**new[stage], **missing}
        b = new.get(stage) or {**old[stage], **missing}
        if a["gap_class"] != b["gap_class"]:
            if a["gap_class"] and b["gap_class"]:
                reclassified.append({**b, "before": a["gap_class"], "before_rule": a["rule"]})
            elif a["gap_class"]:
                closed.append({**a, "now": b["gap_class"], "now_rule": b["rule"]})
            else:
                opened.append({**b, "before": a["gap_class"], "before_rule": a["rule"]})
        if a["verdict"] != b["verdict"]:
            changed.append(
                {
                    "stage": stage,
                    "label": b["label"],
                    "chain": b["chain"],
                    "from": a["verdict"],
                    "to": b["verdict"],
                }
            )
    completed, added = [], defaultdict(list)
    region_scope = set(after.regions_in_scope)
    seen = set()
    for company, stage, data in G.edges(data=True):
        if data["predicate"] != "cg:produces" or data.get("site") not in region_scope:
            continue
        when = fact_year(data)
        if when is None or not (year_from < when <= year_to):
            continue
        if data.get("status") not in (None, "cg:InProduction"):
            continue
        if data.get("kind") == "project" and (data["fact"], stage) not in seen:
            completed.append(
                {
                    "fact": data["fact"],
                    "company": company,
                    "company_label": G.nodes[company].get("label", company),
                    "stage": stage,
                    "stage_label": G.nodes[stage].get("label", stage),
                    "year": when,
                    "capacity": data.get("statedAs")
                    or (
                        f"{data['capacity']:g} {data.get('unit', '').split(':')[-1]}"
                        if data.get("capacity") is not None
                        else None
                    ),
                }
            )
            seen.add((data["fact"], stage))
        if data.get("capacity") is not None and data.get("unit"):
            added[stage].append((data["capacity"], data["unit"], data["fact"]))
    capacity_added = {
        stage: {
            "stage": stage,
            "label": G.nodes[stage].get("label", stage),
            "text": _total_text(items),
            "facts": sorted({f for *_, f in items}),
        }
        for stage, items in sorted(added.items())
    }
    completed.sort(key=lambda p: (p["year"], p["fact"], p["stage"]))
    result = {
        "schema": "chaingraph.diff/1",
        "region": region,
        "region_label": before.region_label,
        "from": year_from,
        "to": year_to,
        "gaps_closed": closed,
        "gaps_opened": opened,
        "gaps_reclassified": reclassified,
        "verdict_changes": changed,
        "projects_completed": completed,
        "capacity_added": capacity_added,
        "completeness": {
            c.chain: {
                "label": c.label,
                "from": next((o.completeness for o in before.chains if o.chain == c.chain), 0.0),
                "to": c.completeness,
            }
            for c in after.chains
        },
    }
    return DiffResult(result)
