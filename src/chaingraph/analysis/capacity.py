"""Capacity balance: does a stage's local supply cover the local demand of the next stage?

For each ``cg:nextStage`` link A → B of a chain, in the region (or the wider scope):

- **local capacity** of a stage: the larger of (a) the sum of the capacities of its local
  producers in production and (b) the sum of the regional capacities a source states for it
  (a regional figure usually already counts the named producers). If a local producer has no
  stated capacity and no regional figure covers the stage, the capacity is **unknown** — a data
  gap, never guessed. A stage with no local producer and no claim has capacity 0.
- **ratio** = (capacity of A ÷ factor) ÷ capacity of B, where the conversion factor (a
  ``cg:ConversionFactor``: units of A one unit of B takes) turns A's supply into B's units.
  Units are normalised with pint (:mod:`chaingraph.units`).
- ratio < 1: **shortfall**; > 1: **surplus**; = 1: balanced. A ratio below ``threshold``
  (default 0.5) makes A a **强链** gap: its local supply covers too little of local demand.

Conversion factors are data (``data/chains/conversion-factors.ttl``, each with its source and
date). Precedence: a factor in any graph you load yourself wins over the bundled one for the same
pair of stages; among factors of the same rank the latest ``dcterms:date`` wins.

A worked example: cells at 500 MW against modules at 815 MW in one region.

>>> import pyoxigraph
>>> from chaingraph import open_store, to_networkx
>>> store = open_store(example=False)
>>> _ = store.load_data('''
... @prefix cg: <https://w3id.org/chaingraph/ns#> .
... @prefix cgu: <https://w3id.org/chaingraph/unit/> .
... @prefix pv: <https://w3id.org/chaingraph/chain/pv/> .
... @prefix r: <https://w3id.org/chaingraph/region/> .
... @prefix co: <https://w3id.org/chaingraph/company/> . @prefix : <urn:t:> .
... :a cg:producer co:a ; cg:stage pv:cell ; cg:site r:CN-630100 ; cg:status cg:InProduction ;
...    cg:capacity [ cg:value 500 ; cg:unit cgu:MW ] .
... :b cg:producer co:b ; cg:stage pv:module ; cg:site r:CN-630100 ; cg:status cg:InProduction ;
...    cg:capacity [ cg:value 815 ; cg:unit cgu:MW ] .
... ''', "urn:test", format=pyoxigraph.RdfFormat.TURTLE)
>>> G = to_networkx(store, "region:CN-630100", lang="en")
>>> report = capacity_balance(G, threshold=0.7)
>>> link = report.link("pv:cell", "pv:module")
>>> link.ratio, link.status, link.weak
(0.613, 'shortfall', True)
>>> capacity_balance(G).link("pv:cell", "pv:module").weak
False
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import cache

import networkx as nx

from ..messages import Message
from ..units import UnitError, quantity
from ._words import in_words, rule_text
from .factindex import FactIndex, fact_index, facts_in

__all__ = [
    "DEFAULT_THRESHOLD",
    "CapacityReport",
    "ConversionFactor",
    "Link",
    "StageCapacity",
    "bundled_conversion_factors",
    "capacity_balance",
    "conversion_factors",
    "stage_capacity",
]

DEFAULT_THRESHOLD = 0.5
_PRODUCING = (None, "cg:InProduction")
# The graphs of the bundled files (GRAPH_BASE + their path in the bundle). Files a user loads
# get graphs under GRAPH_BASE too (file/…, extract/…): those are the user's, not bundled.
_BUNDLED_GRAPHS = tuple(
    f"https://w3id.org/chaingraph/graph/{folder}/" for folder in ("data", "ontology")
)


@dataclass(frozen=True)
class ConversionFactor:
    """Units of ``from_stage`` (``from_unit``) that one ``to_unit`` of ``to_stage`` takes."""

    iri: str
    from_stage: str
    to_stage: str
    factor: float
    from_unit: str
    to_unit: str
    date: str | None = None
    source: str | None = None
    comment: str | None = None
    graph: str | None = None

    @property
    def bundled(self) -> bool:
        return (self.graph or "").startswith(_BUNDLED_GRAPHS)


def _factor_rows(store) -> list[ConversionFactor]:
    from ..queries import named_query
    from ..store import StoreError

    factors = []
    # Plain values (IRIs as CURIEs, numbers as numbers): no rdflib terms on the path of
    # `chaingraph gaps`, whose start-up would otherwise pay for rdflib's import.
    for row in store.select_plain(named_query("conversion-factors").text):
        try:
            value = float(row["value"])
        except ValueError:
            value = float("nan")
        if not value > 0:  # also catches NaN
            raise StoreError(
                "capacity.bad_factor",
                factor=row["factor"],
                graph=row["g"],
                value=str(row["value"]),
            )
        factors.append(
            ConversionFactor(
                iri=row["factor"],
                from_stage=row["from"],
                to_stage=row["to"],
                factor=value,
                from_unit=row["fromUnit"],
                to_unit=row["toUnit"],
                date=str(row["date"]) if row.get("date") is not None else None,
                source=row.get("source"),
                comment=row.get("comment"),
                graph=row["g"],
            )
        )
    return factors


def conversion_factors(store, *, defaults: bool = True) -> dict[tuple[str, str], ConversionFactor]:
    """The factor to use for each (from stage, to stage) pair in ``store``.

    Precedence: a factor from a graph you loaded (any graph but those of the bundled files,
    ``https://w3id.org/chaingraph/graph/data/…`` and ``…/graph/ontology/…``) beats a bundled
    one; then the latest ``dcterms:date``; then the graph and factor IRIs, for a stable
    choice. With ``defaults`` the bundled factors fill in the pairs the store has no factor for
    (a store created before the factors were shipped still gets them).
    """
    chosen: dict[tuple[str, str], ConversionFactor] = (
        dict(bundled_conversion_factors()) if defaults else {}
    )

    def rank(f: ConversionFactor):
        return (not f.bundled, f.date or "", f.graph or "", f.iri)

    for factor in _factor_rows(store):
        key = (factor.from_stage, factor.to_stage)
        if key not in chosen or rank(factor) > rank(chosen[key]):
            chosen[key] = factor
    return chosen


@cache
def bundled_conversion_factors() -> dict[tuple[str, str], ConversionFactor]:
    """The factors of ``data/chains/conversion-factors.ttl`` alone (the default)."""
    from pathlib import Path

    import pyoxigraph as ox

    from ..resources import GRAPH_BASE, bundled_path
    from ..store import OxigraphStore as Store

    store = Store(ox.Store(), None)
    relative = Path("data/chains/conversion-factors.ttl")
    store.load_file(bundled_path(relative), GRAPH_BASE + relative.as_posix())
    return conversion_factors(store, defaults=False)


@dataclass
class StageCapacity:
    """A stage's local capacity: ``value`` in ``unit``, or unknown (``known`` false, see
    ``note``)."""

    stage: str
    label: str
    value: float | None
    unit: str | None
    known: bool
    local: bool
    basis: str
    facts: list[str] = field(default_factory=list)
    without_capacity: list[str] = field(default_factory=list)
    note: Message | str = ""  # why the capacity is unknown: a message, or a unit's error

    @property
    def text(self) -> str:
        if not self.known:
            return "unknown"
        unit = (self.unit or "").split(":")[-1]
        return f"{self.value:g} {unit}".strip()


@dataclass
class Link:
    """Supply of ``from_stage`` against the demand of ``to_stage`` (its next stage)."""

    from_stage: str
    from_label: str
    to_stage: str
    to_label: str
    status: str
    ratio: float | None
    weak: bool
    supply: float | None
    demand: float | None
    unit: str | None
    factor: str | None
    factor_value: float | None
    factor_source: str | None
    rule_code: str  # the rule, as a catalog code (capacity.rule.*) and its parameters
    rule_params: dict
    facts: list[str] = field(default_factory=list)
    rule_lang: str = "zh"  # the language the rule is put into words in (the projection's)

    @property
    def rule(self) -> str:
        """The rule in words, in the projection's language."""
        return rule_text(self.rule_code, self.rule_params, self.rule_lang)

    def to_dict(self) -> dict:
        """Plain data, the rule in words (the ``rule`` key where the code is)."""
        return in_words({**vars(self), "facts": list(self.facts)})


@dataclass
class CapacityReport:
    region: str
    scope_region: str
    threshold: float
    stages: dict[str, StageCapacity]
    links: list[Link]

    def link(self, from_stage: str, to_stage: str) -> Link:
        return next(k for k in self.links if (k.from_stage, k.to_stage) == (from_stage, to_stage))

    def weak(self) -> dict[str, list[Link]]:
        """Links that make their supplying stage a 强链 gap, by supplying stage."""
        found: dict[str, list[Link]] = {}
        for link in self.links:
            if link.weak:
                found.setdefault(link.from_stage, []).append(link)
        return found

    @property
    def data_gaps(self) -> list[Link]:
        return [k for k in self.links if k.status == "data gap"]

    def to_dict(self) -> dict:
        lang = self.links[0].rule_lang if self.links else None
        data = asdict(self)
        data["links"] = [link.to_dict() for link in self.links]
        for stage, stage_data in zip(self.stages.values(), data["stages"].values(), strict=True):
            stage_data["note"] = str(rule_text(stage.note, {}, lang) if stage.note else "")
        return data


def _sum(items: list[tuple[float, str]]):
    """Sum of (value, unit) in the unit of the first; ``None`` if the units do not mix."""
    total = None
    for value, unit in items:
        q = quantity(value, unit)
        if total is None:
            total = q
        elif not q.is_compatible_with(total):
            return None
        else:
            total = total + q.to(total.units)
    return total


def stage_capacity(G: nx.MultiDiGraph, stage: str, scope: set[str]) -> StageCapacity:
    """The local capacity of ``stage`` over the regions in ``scope`` (see the module rules)."""
    facts = [
        (subject, data)
        for subject, _, data in G.in_edges(stage, data=True)
        if (data["predicate"] == "cg:produces" and data.get("site") in scope)
        or (data["predicate"] == "cg:claims" and subject in scope)
    ]
    return _stage_capacity(G, stage, facts)


def _stage_capacity(G: nx.MultiDiGraph, stage: str, local_facts) -> StageCapacity:
    """:func:`stage_capacity` from the stage's local facts, ``(subject, edge data)`` in the
    order of the stage's in-edges (the order decides the unit of a sum)."""
    label = G.nodes[stage].get("label", stage)
    by_company: dict[str, list[tuple[float, str, str]]] = {}
    regional, facts, claims = [], [], 0
    for subject, data in local_facts:
        if data["predicate"] == "cg:produces":
            if data.get("status") not in _PRODUCING:
                continue
            entries = by_company.setdefault(subject, [])
            if data.get("capacity") is not None and data.get("unit"):
                entries.append((data["capacity"], data["unit"], data["fact"]))
        else:
            claims += 1
            if data.get("claim") == "cg:RegionalCapacity" and data.get("capacity") is not None:
                regional.append((data["capacity"], data["unit"], data["fact"]))
    local = bool(by_company or claims)
    if not local:
        return StageCapacity(stage, label, 0.0, None, True, False, "nothing local")
    missing = sorted(c for c, entries in by_company.items() if not entries)
    producer_items = [e for entries in by_company.values() for e in entries]
    facts = sorted({f for *_, f in producer_items} | {f for *_, f in regional})
    try:
        producers_total = _sum([(v, u) for v, u, _ in producer_items]) if producer_items else None
        regional_total = _sum([(v, u) for v, u, _ in regional]) if regional else None
    except UnitError as error:
        return StageCapacity(
            stage, label, None, None, False, True, "unknown unit", facts, missing, str(error)
        )
    if (producer_items and producers_total is None) or (regional and regional_total is None):
        return StageCapacity(
            stage,
            label,
            None,
            None,
            False,
            True,
            "units do not mix",
            facts,
            missing,
            Message("capacity.note.no_mix"),
        )
    if regional_total is not None:
        total, basis = regional_total, "regional capacity"
        if (
            producers_total is not None
            and producers_total.is_compatible_with(regional_total)
            and producers_total.to(regional_total.units) > regional_total
        ):
            total, basis = producers_total, "producers' capacities"
        return StageCapacity(
            stage,
            label,
            float(total.magnitude),
            f"{total.units:~}",
            True,
            True,
            basis,
            facts,
            missing,
        )
    if missing or producers_total is None:
        who = [G.nodes[c].get("label", c) for c in missing]
        note = (
            Message("capacity.note.not_stated_for", who=who)
            if who
            else Message("capacity.note.not_stated")
        )
        return StageCapacity(stage, label, None, None, False, True, "unknown", facts, missing, note)
    return StageCapacity(
        stage,
        label,
        float(producers_total.magnitude),
        f"{producers_total.units:~}",
        True,
        True,
        "producers' capacities",
        facts,
        missing,
    )


_UNKNOWN = Message("capacity.note.unknown")


def _rule(name: str, **params) -> dict:
    """A link's rule as its code and parameters (Link fields): words come when shown."""
    return {"rule_code": f"capacity.rule.{name}", "rule_params": params}


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10_000 else f"{value:.4g}"


def _link(
    a: StageCapacity,
    b: StageCapacity,
    factor: ConversionFactor | None,
    threshold,
    lang: str,
):
    base = dict(
        from_stage=a.stage,
        from_label=a.label,
        to_stage=b.stage,
        to_label=b.label,
        facts=sorted(set(a.facts) | set(b.facts)),
        rule_lang=lang,
    )
    empty = dict(
        ratio=None,
        weak=False,
        supply=None,
        demand=None,
        unit=None,
        factor=None,
        factor_value=None,
        factor_source=None,
    )
    if not b.local:
        return Link(
            **base,
            **empty,
            status="no local demand",
            **_rule("no_demand", a=a.label, b=b.label),
        )
    if not a.local:
        return Link(
            **base,
            **empty,
            status="no local supply",
            **_rule("no_supply", a=a.label, b=b.label),
        )
    unknown = [s for s in (a, b) if not s.known]
    if unknown:
        why = [
            Message("capacity.rule.unknown_one", stage=s.label, note=s.note or _UNKNOWN)
            for s in unknown
        ]
        return Link(**base, **empty, status="data gap", **_rule("unknown", why=why))
    if factor is None:
        return Link(
            **base,
            **empty,
            status="data gap",
            **_rule("no_factor", a=a.label, b=b.label),
        )
    fdata = dict(factor=factor.iri, factor_value=factor.factor, factor_source=factor.source)
    try:
        supply_from = quantity(a.value, a.unit).to(quantity(1, factor.from_unit).units)
        demand = quantity(b.value, b.unit).to(quantity(1, factor.to_unit).units)
    except Exception:  # pint.DimensionalityError and friends
        have = Message("capacity.rule.have", a=a.label, a_unit=a.unit, b=b.label, b_unit=b.unit)
        need = Message(
            "capacity.rule.need",
            from_unit=factor.from_unit.split(":")[-1],
            to_unit=factor.to_unit.split(":")[-1],
        )
        return Link(
            **base,
            **{**empty, **fdata},
            status="data gap",
            **_rule("no_convert", have=have, need=need),
        )
    supply = supply_from.magnitude / factor.factor
    unit = f"{demand.units:~}"
    if demand.magnitude == 0:
        return Link(
            **base,
            **{**empty, **fdata},
            status="data gap",
            **_rule("zero", b=b.label),
        )
    ratio = round(supply / demand.magnitude, 3)
    status = "shortfall" if ratio < 1 else "surplus" if ratio > 1 else "balanced"
    weak = ratio < threshold
    from_unit, to_unit = factor.from_unit.split(":")[-1], factor.to_unit.split(":")[-1]
    rule = _rule(
        "ratio",
        a=a.label,
        supply_from=f"{_fmt(supply_from.magnitude)} {supply_from.units:~}",
        supply=_fmt(supply),
        unit=unit,
        b=b.label,
        factor=f"{factor.factor:g}",
        from_unit=from_unit,
        to_unit=to_unit,
        iri=factor.iri,
        demand=_fmt(demand.magnitude),
        ratio=f"{ratio:.2f}",
        op="<" if weak else "≥",
        threshold=f"{threshold:g}",
    )
    return Link(
        **base,
        status=status,
        ratio=ratio,
        weak=weak,
        supply=round(supply, 6),
        demand=round(demand.magnitude, 6),
        unit=unit,
        **rule,
        **fdata,
    )


def capacity_balance(
    G: nx.MultiDiGraph,
    region: str | None = None,
    *,
    scope_region: str | None = None,
    chains: list[str] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    factors: dict[tuple[str, str], ConversionFactor] | None = None,
) -> CapacityReport:
    """Capacity of each stage and the ratio on every ``cg:nextStage`` link with a local end.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The projection (:func:`chaingraph.to_networkx`).
    region : str, optional
        Region CURIE; default the region ``G`` was projected for.
    scope_region : str, optional
        The region whose facts count as local (default ``region``).
    chains : list of str, optional
        Chain CURIEs to consider (default all).
    threshold : float
        Ratio under which the supplying stage is a 强链 gap (default 0.5).
    factors : dict, optional
        ``(from stage, to stage) -> ConversionFactor``; default the store's factors that
        :func:`~chaingraph.projection.to_networkx` puts in ``G.graph["factors"]``, else
        :func:`bundled_conversion_factors`.

    Returns
    -------
    CapacityReport
        ``stages`` (capacity per stage) and ``links`` (status, ratio, rule per link).

    Examples
    --------
    >>> from chaingraph import open_store, to_networkx
    >>> G = to_networkx(open_store(), "region:CN-630100", lang="en")
    >>> capacity_balance(G).link("of:preform", "of:fibre").status
    'surplus'
    """
    region = region or G.graph["region"]
    index, facts = facts_in(G, fact_index(G).local_regions(scope_region or region))
    return _balance(G, index, facts, region, scope_region, chains, threshold, factors)


def _balance(
    G: nx.MultiDiGraph,
    index: FactIndex,
    facts: dict[str, list],
    region: str,
    scope_region: str | None,
    chains: list[str] | None,
    threshold: float,
    factors: dict | None,
) -> CapacityReport:
    """:func:`capacity_balance` from the index of ``G`` and the local facts of the scope."""
    if factors is None:  # the store's, when G comes from to_networkx; else the bundled ones
        factors = G.graph.get("factors") or bundled_conversion_factors()
    stages = {
        n: _stage_capacity(G, n, facts.get(n, ()))
        for n in index.stages
        if chains is None or G.nodes[n].get("chain") in chains
    }
    links = []
    for a, b in index.next_links:
        if a not in stages or b not in stages:
            continue
        if not (stages[a].local or stages[b].local):
            continue
        links.append(
            _link(stages[a], stages[b], factors.get((a, b)), threshold, G.graph.get("lang", "zh"))
        )
    links.sort(
        key=lambda k: (
            G.nodes[k.from_stage]["chain"],
            G.nodes[k.from_stage]["position"],
            k.from_stage,
            k.to_stage,
        )
    )
    return CapacityReport(region, scope_region or region, threshold, stages, links)
