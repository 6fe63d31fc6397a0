"""Which stages of a region's chains are present, only asserted, or missing — and why.

Verdicts, for each stage of a chain in a region (the region and everything inside it):

- **present**: at least one named producer in production;
- **asserted**: a source says the region has the stage (presence claim or regional capacity),
  but names no producer;
- **missing**: neither.

Gap classes, in the chain-chief (链长制) policy vocabulary, each with the rule that gave it:

- **补链** (``cg:FillGap``): a missing stage whose tier lies between the first and the last
  local tier of the chain (local = present or asserted);
- **延链** (``cg:ExtendGap``): a missing stage before the first or after the last local tier;
- **强链** (``cg:StrengthenGap``): a present stage with a single local producer;
- **建链** (``cg:BuildGap``): every stage of a chain with no local stage at all, when some local
  stage of another chain is an input to it.

For each missing stage the report lists the local stages (of any chain) that could feed it, with
the path, e.g. anhydrous HF → LiPF6 → electrolyte (:mod:`.synergy` lists the cross-chain ones as
a section of their own).

What the report adds to the verdicts:

- **scope** (``scope="province"`` …): what counts as local. A stage missing in the region but
  present or asserted elsewhere in the scope gets ``verdict_detail`` "filled within the
  province" and no 补链/延链 class; tiers and capacities are counted over the scope.
- **capacity balance** (:mod:`.capacity`): a stage whose local supply covers less than
  ``threshold`` of the next stage's local demand is a 强链 gap; the rule gives the ratio.
  Unknown capacities are listed in ``data_gaps``, never guessed.
- **as of a year** (:mod:`.timeline`): facts dated after ``as_of`` are left out.
- **completeness** (:mod:`.completeness`) plain and weighted, **synergies** (:mod:`.synergy`)
  and **criticality** (:mod:`.criticality`).

>>> from chaingraph import open_store, to_networkx
>>> report = find_gaps(to_networkx(open_store(), "region:CN-630100", lang="en"))
>>> li = report.chain("chain:li")
>>> li.stage("li:anode").verdict, li.stage("li:anode").gap_class_label
('missing', '补链')
>>> [step for step in li.stage("li:electrolyte").local_inputs[0]]
['ch:ahf', 'li:lipf6', 'li:electrolyte']
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field

import networkx as nx

from .._gc import without_collector
from ..messages import Message, text
from ._words import in_words, rule_text
from .capacity import DEFAULT_THRESHOLD, ConversionFactor, _balance
from .completeness import share, weighted_share
from .factindex import fact_index, facts_in
from .scope import LEVELS, ensure_projected, scope_region
from .synergy import _input_paths, _synergies

__all__ = ["GAP_CLASSES", "ChainGaps", "Evidence", "GapReport", "StageGap", "find_gaps"]

GAP_CLASSES = {
    "cg:FillGap": {"zh": "补链", "en": "fill"},
    "cg:ExtendGap": {"zh": "延链", "en": "extend"},
    "cg:StrengthenGap": {"zh": "强链", "en": "strengthen"},
    "cg:BuildGap": {"zh": "建链", "en": "build"},
}
VERDICT_LABELS = {
    "present": {"zh": "有企业", "en": "present"},
    "asserted": {"zh": "仅有声明", "en": "asserted"},
    "missing": {"zh": "缺失", "en": "missing"},
}
_PRODUCING = (None, "cg:InProduction")
_LINK_SHOWN = ("shortfall", "surplus", "balanced", "data gap")


@dataclass
class Evidence:
    """One fact behind a verdict, and the sentence it comes from."""

    fact: str
    kind: str
    subject: str
    subject_label: str
    confidence: float | None = None
    assertion: str | None = None
    status: str | None = None
    year: str | None = None
    capacity: float | None = None
    unit: str | None = None
    stated_as: str | None = None
    quote: str | None = None
    text: str | None = None
    source: str | None = None
    char_start: int | None = None
    char_end: int | None = None


@dataclass
class StageGap:
    """The verdict on one stage, with the rule that gave its gap class and the evidence."""

    stage: str
    label: str
    position: int
    role: str
    verdict: str
    verdict_label: str
    gap_class: str | None
    gap_class_label: str | None
    rule_code: str  # the rule, as a catalog code (gaps.rule.*, capacity.rule.*) and parameters
    rule_params: dict
    producers: list[Evidence] = field(default_factory=list)
    pipeline: list[Evidence] = field(default_factory=list)
    claims: list[Evidence] = field(default_factory=list)
    local_inputs: list[list[str]] = field(default_factory=list)
    local_inputs_labels: list[list[str]] = field(default_factory=list)
    verdict_detail: str | None = None
    scope_producers: list[Evidence] = field(default_factory=list)
    capacity: str | None = None
    capacity_known: bool | None = None
    weight: float = 1.0
    balance: list[dict] = field(default_factory=list)
    rule_lang: str = "zh"  # the language the rule is put into words in (the report's)

    @property
    def rule(self) -> str:
        """The rule in words, in the report's language."""
        return rule_text(self.rule_code, self.rule_params, self.rule_lang)

    @property
    def producer_labels(self) -> list[str]:
        return sorted({p.subject_label for p in self.producers})


@dataclass
class ChainGaps:
    chain: str
    label: str
    local_tiers: tuple[int, int] | None
    stages: list[StageGap]

    def stage(self, stage: str) -> StageGap:
        return next(s for s in self.stages if s.stage == stage)

    @property
    def completeness(self) -> float:
        """Share of stages that are present or asserted (see :mod:`.completeness`)."""
        return share(s.verdict for s in self.stages)

    @property
    def weighted_completeness(self) -> float:
        """Like :attr:`completeness`, each stage counted with its ``cg:weight``."""
        return weighted_share((s.verdict, s.weight) for s in self.stages)


@dataclass
class GapReport:
    region: str
    region_label: str
    lang: str
    regions_in_scope: list[str]
    chains: list[ChainGaps]
    scope: str | None = None
    scope_region: str | None = None
    scope_region_label: str | None = None
    threshold: float = DEFAULT_THRESHOLD
    as_of: int | None = None
    local_stages: list[str] = field(default_factory=list)
    capacity_links: list[dict] = field(default_factory=list)
    data_gaps: list[dict] = field(default_factory=list)
    synergies: list[dict] = field(default_factory=list)
    criticality: dict | None = None

    def chain(self, chain: str) -> ChainGaps:
        return next(c for c in self.chains if c.chain == chain)

    def to_dict(self) -> dict:
        """Plain data, the ``gaps --format json`` schema (see the README).

        Schema ``chaingraph.gaps/1``; the fields added since (scope, capacity, synergies,
        criticality, weighted completeness …) are additions, so consumers of the first
        version keep working.
        """
        data = asdict(self)
        for chain, chain_data in zip(self.chains, data["chains"], strict=True):
            chain_data["stages"] = [
                in_words(data, stage.rule)  # asdict made the rule's messages into dicts
                for stage, data in zip(chain.stages, chain_data["stages"], strict=True)
            ]
            chain_data["completeness"] = chain.completeness
            chain_data["weighted_completeness"] = chain.weighted_completeness
            chain_data["local_tiers"] = list(chain.local_tiers) if chain.local_tiers else None
        return {"schema": "chaingraph.gaps/1", **data}


def fact_evidence(G: nx.MultiDiGraph, subject: str, data: dict, kind: str) -> Evidence:
    """The evidence object of one fact edge of the projection (``data``) into its stage."""
    return Evidence(
        fact=data["fact"],
        kind=kind,
        subject=subject,
        subject_label=G.nodes[subject].get("label", subject),
        confidence=data.get("confidence"),
        assertion=data.get("assertion"),
        status=data.get("status"),
        year=data.get("year"),
        capacity=data.get("capacity"),
        unit=data.get("unit"),
        stated_as=data.get("statedAs"),
        quote=data.get("quote"),
        text=data.get("evidence"),
        source=data.get("source"),
        char_start=data.get("char_start"),
        char_end=data.get("char_end"),
    )


def _local_facts(G: nx.MultiDiGraph, facts):
    """Producers, pipeline and claims among a stage's local ``(subject, edge data)``."""
    producers, pipeline, claims = [], [], []
    for subject, data in facts:
        if data["predicate"] == "cg:produces":
            evidence = fact_evidence(G, subject, data, data["kind"])
            (producers if data.get("status") in _PRODUCING else pipeline).append(evidence)
        else:
            kind = "capacity" if data.get("claim") == "cg:RegionalCapacity" else "claim"
            claims.append(fact_evidence(G, subject, data, kind))
    key = lambda e: (e.subject, e.fact)  # noqa: E731
    return sorted(producers, key=key), sorted(pipeline, key=key), sorted(claims, key=key)


def _verdict(producers, claims) -> str:
    if producers:
        return "present"
    return "asserted" if claims else "missing"


def _classify(verdict, position, tiers, n_producers, chain_inputs) -> tuple[str | None, Message]:
    """Gap class and the rule that produced it (a message: words come when shown).

    >>> gap_class, rule = _classify("missing", 3, (2, 5), 0, False)
    >>> gap_class, rule.text("zh")
    ('cg:FillGap', '第 3 层级缺失，处在本地层级 2–5 之内')
    >>> _classify("missing", 6, (2, 5), 0, False)[1].text("en")
    'missing at tier 6, after the last local tier (2–5)'
    """
    if verdict == "present":
        if n_producers == 1:
            return "cg:StrengthenGap", Message("gaps.rule.single")
        return None, Message("gaps.rule.several", n=n_producers)
    if verdict == "asserted":
        return None, Message("gaps.rule.asserted")
    if tiers is None:
        if chain_inputs:
            return "cg:BuildGap", Message("gaps.rule.build")
        return None, Message("gaps.rule.none")
    first, last = tiers
    tier = dict(position=position, first=first, last=last)
    if first <= position <= last:
        return "cg:FillGap", Message("gaps.rule.fill", **tier)
    side = "before" if position < first else "after"
    return "cg:ExtendGap", Message(f"gaps.rule.{side}", **tier)


def _chain_stages(G: nx.MultiDiGraph, stages: list[str]) -> dict[str, list[str]]:
    chains = defaultdict(list)
    for node in stages:
        chains[G.nodes[node]["chain"]].append(node)
    for members in chains.values():
        members.sort(key=lambda s: (G.nodes[s]["position"], G.nodes[s]["label"], s))
    return chains


def _level_word(level: str | None) -> Message | str:
    """A region level in words (``analysis.level.city`` ...); an unknown level as it is."""
    return Message(f"analysis.level.{level}") if level in LEVELS else level or ""


def _site(subject: str, data: dict) -> str | None:
    """Where a fact is: a production's site, a claim's region."""
    return data.get("site") if data["predicate"] == "cg:produces" else subject


def _most_local_first(chain: ChainGaps) -> tuple:
    verdicts = [s.verdict for s in chain.stages]
    return (-verdicts.count("present"), -verdicts.count("asserted"), chain.chain)


@dataclass
class _Context:
    """What every stage row of one region's report reads (see :func:`_stage_gap`)."""

    G: nx.MultiDiGraph
    lang: str
    facts: dict  # stage -> (producers, pipeline, claims) in the region
    scope_facts: dict  # stage -> producers and claims elsewhere in the scope
    filled: set  # stages missing in the region but found in the scope
    local_wide: set  # stages present or asserted in the scope
    weak: dict  # capacity links making a stage a 强链 gap, by supplying stage
    capacities: dict  # the capacity balance's stages
    shown: dict  # the capacity links a stage's row shows
    feeders: dict
    scope_word: Message | str  # the scope's level in words (analysis.level.*)
    wide_label: str


def _outside_facts(G: nx.MultiDiGraph, by_chain: dict, wide_facts: dict, own: set) -> dict:
    """Per stage, the producers and claims in the scope but outside the region itself."""
    scope_facts = {}
    for stages in by_chain.values():
        for s in stages:
            outside = [(u, d) for u, d in wide_facts.get(s, ()) if _site(u, d) not in own]
            producers, _, claims = _local_facts(G, outside)
            scope_facts[s] = producers + claims
    return scope_facts


def _stage_gap(context: _Context, stage: str, tiers, chain_inputs: bool) -> StageGap:
    """The verdict, gap class and rule of one stage, with its evidence and capacity."""
    G, lang = context.G, context.lang
    producers, pipeline, claims = context.facts[stage]
    verdict = _verdict(producers, claims)
    n_producers = len({p.subject for p in producers})
    node = G.nodes[stage]
    gap_class, rule = _classify(verdict, node["position"], tiers, n_producers, chain_inputs)
    detail = None
    if stage in context.filled:
        detail = text("gaps.filled_within", lang, scope=context.scope_word)
        names = sorted({e.subject_label for e in context.scope_facts[stage]})
        gap_class = None
        rule = Message("gaps.rule.filled", scope=context.wide_label, names=names)
    if stage in context.weak:
        worst = min(context.weak[stage], key=lambda k: k.ratio)
        gap_class = "cg:StrengthenGap"
        link_rule = Message(worst.rule_code, **worst.rule_params)
        single = verdict == "present" and n_producers == 1
        rule = Message("gaps.rule.then", first=rule, then=link_rule) if single else link_rule
    inputs = (
        _input_paths(G, stage, context.local_wide, feeders=context.feeders)
        if verdict == "missing" and stage not in context.filled
        else []
    )
    cap = context.capacities.get(stage)
    return StageGap(
        stage=stage,
        label=node["label"],
        position=node["position"],
        role=node["role"],
        verdict=verdict,
        verdict_label=VERDICT_LABELS[verdict][lang],
        gap_class=gap_class,
        gap_class_label=GAP_CLASSES[gap_class]["zh"] if gap_class else None,
        rule_code=rule.code,
        rule_params=dict(rule.params),
        rule_lang=lang,
        producers=producers,
        pipeline=pipeline,
        claims=claims,
        local_inputs=inputs,
        local_inputs_labels=[[G.nodes[s]["label"] for s in p] for p in inputs],
        verdict_detail=detail,
        scope_producers=context.scope_facts[stage],
        capacity=cap.text if cap is not None and cap.local else None,
        capacity_known=cap.known if cap is not None and cap.local else None,
        weight=float(node.get("weight", 1.0)),
        balance=[k.to_dict() for k in context.shown.get(stage, ())],
    )


@without_collector
def find_gaps(
    G: nx.MultiDiGraph,
    region: str | None = None,
    chains: list[str] | None = None,
    *,
    scope: str | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    as_of: int | None = None,
    factors: dict[tuple[str, str], ConversionFactor] | None = None,
    criticality: bool = True,
) -> GapReport:
    """Verdicts and gap classes for every stage of the chains of ``region`` in ``G``.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The projection (:func:`chaingraph.to_networkx`).
    region : str, optional
        Region CURIE; default the region ``G`` was projected for.
    chains : list of str, optional
        Chain CURIEs; default the chains with a local stage, plus those a 建链 rule applies to.
    scope : {"park", "zone", "city", "province", "country"}, optional
        What counts as local (default the region's own level); ``G`` must then be projected
        for the region of that level (:func:`~chaingraph.analysis.scope.project_for_scope`).
    threshold : float
        Capacity ratio under which a stage is a 强链 gap (default 0.5).
    as_of : int, optional
        Evaluate the chains as they stood in this year (facts dated later are left out).
    factors : dict, optional
        Conversion factors (default: the bundled ones).
    criticality : bool
        Also compute :func:`~chaingraph.analysis.criticality.find_criticality`.

    Returns
    -------
    GapReport
        Per chain and stage: verdict, gap class, rule and evidence; plus capacity links, data
        gaps, synergies and criticality.

    Examples
    --------
    >>> from chaingraph import open_store, to_networkx
    >>> G = to_networkx(open_store(), "region:CN-630100", lang="en")
    >>> report = find_gaps(G, chains=["chain:of"], threshold=1.1)
    >>> preform = report.chain("chain:of").stage("of:preform")
    >>> preform.gap_class, preform.rule.split("; ")[-1]
    ('cg:StrengthenGap', 'ratio 1.08 < threshold 1.1')
    """
    year = None
    if as_of is not None and criticality:
        from .timeline import as_of as _as_of

        G = _as_of(G, as_of)
    elif as_of is not None:
        year = as_of  # the same facts left out, read through the index: no copy of G
    region = region or G.graph["region"]
    lang = G.graph.get("lang", "zh")
    wide_region = scope_region(G, region, scope) if region in G else region
    ensure_projected(G, wide_region)
    index = fact_index(G)
    own = index.local_regions(region)
    wide = index.local_regions(wide_region)
    index, own_facts = facts_in(G, own, year, index)
    index, wide_facts = (index, own_facts) if wide == own else facts_in(G, wide, year, index)
    by_chain = _chain_stages(G, index.stages)

    facts = {s: _local_facts(G, own_facts.get(s, ())) for ss in by_chain.values() for s in ss}
    scope_facts = _outside_facts(G, by_chain, wide_facts, own)
    local = {s for s, (prod, _, claims) in facts.items() if prod or claims}
    filled = {s for s, found in scope_facts.items() if found and s not in local}
    balance = _balance(G, index, wide_facts, region, wide_region, None, threshold, factors)
    shown = defaultdict(list)  # the links a stage's row shows, by supplying stage
    for link in balance.links:
        if link.status in _LINK_SHOWN:
            shown[link.from_stage].append(link)
    scope_level = G.nodes[wide_region].get("level") if wide_region in G else None
    context = _Context(
        G=G,
        lang=lang,
        facts=facts,
        scope_facts=scope_facts,
        filled=filled,
        local_wide=local | filled,
        weak=balance.weak(),
        capacities=balance.stages,
        shown=shown,
        feeders=index.feeders,
        scope_word=_level_word(scope_level),
        wide_label=G.nodes[wide_region].get("label", wide_region) if wide_region in G else "",
    )
    local_wide, wide_label = context.local_wide, context.wide_label

    reports = []
    for chain, stages in sorted(by_chain.items()):
        tiers_seen = [G.nodes[s]["position"] for s in stages if s in local_wide]
        tiers = (min(tiers_seen), max(tiers_seen)) if tiers_seen else None
        chain_inputs = tiers is None and any(
            _input_paths(G, s, local_wide, feeders=index.feeders) for s in stages
        )
        if chains is None and tiers is None and not chain_inputs:
            continue
        if chains is not None and chain not in chains:
            continue
        rows = [_stage_gap(context, stage, tiers, chain_inputs) for stage in stages]
        reports.append(ChainGaps(chain, G.nodes[chain]["label"], tiers, rows))
    reports.sort(key=_most_local_first)
    in_report = {s.stage for c in reports for s in c.stages}
    links = [
        k.to_dict()
        for k in balance.links
        if k.status in _LINK_SHOWN and (k.from_stage in in_report or k.to_stage in in_report)
    ]
    data_gaps = [
        {"stage": k["from_stage"], "next_stage": k["to_stage"], "what": k["rule"]}
        for k in links
        if k["status"] == "data gap"
    ]
    report = GapReport(
        region=region,
        region_label=G.nodes[region]["label"] if region in G else region,
        lang=lang,
        regions_in_scope=sorted(wide),
        chains=reports,
        scope=scope_level,
        scope_region=wide_region,
        scope_region_label=wide_label,
        threshold=threshold,
        as_of=as_of,
        local_stages=sorted(local_wide),
        capacity_links=links,
        data_gaps=data_gaps,
    )
    report.synergies = [s.to_dict() for s in _synergies(G, report, index.feeders)]
    if criticality:
        from .criticality import find_criticality

        report.criticality = find_criticality(
            G, region, chains=[c.chain for c in reports], scope_region=wide_region
        )
    return report
