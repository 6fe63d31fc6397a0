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
the path, e.g. anhydrous HF → LiPF6 → electrolyte.

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

from ..project import local_regions

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
_FLOW = ("cg:nextStage", "cg:inputTo")
_PRODUCING = (None, "cg:InProduction")
_INPUT_SEARCH_DEPTH = 2


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
    rule: str
    producers: list[Evidence] = field(default_factory=list)
    pipeline: list[Evidence] = field(default_factory=list)
    claims: list[Evidence] = field(default_factory=list)
    local_inputs: list[list[str]] = field(default_factory=list)
    local_inputs_labels: list[list[str]] = field(default_factory=list)

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
        """Share of stages that are present or asserted."""
        local = sum(s.verdict != "missing" for s in self.stages)
        return round(local / len(self.stages), 3) if self.stages else 0.0


@dataclass
class GapReport:
    region: str
    region_label: str
    lang: str
    regions_in_scope: list[str]
    chains: list[ChainGaps]

    def chain(self, chain: str) -> ChainGaps:
        return next(c for c in self.chains if c.chain == chain)

    def to_dict(self) -> dict:
        """Plain data, the ``gaps --format json`` schema (see the README)."""
        data = asdict(self)
        for chain, chain_data in zip(self.chains, data["chains"], strict=True):
            chain_data["completeness"] = chain.completeness
            chain_data["local_tiers"] = list(chain.local_tiers) if chain.local_tiers else None
        return {"schema": "chaingraph.gaps/1", **data}


def _evidence(G: nx.MultiDiGraph, subject: str, data: dict, kind: str) -> Evidence:
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


def _local_facts(G: nx.MultiDiGraph, stage: str, scope: set[str]):
    producers, pipeline, claims = [], [], []
    for subject, _, data in G.in_edges(stage, data=True):
        if data["predicate"] == "cg:produces" and data.get("site") in scope:
            evidence = _evidence(G, subject, data, data["kind"])
            (producers if data.get("status") in _PRODUCING else pipeline).append(evidence)
        elif data["predicate"] == "cg:claims" and subject in scope:
            kind = "capacity" if data.get("claim") == "cg:RegionalCapacity" else "claim"
            claims.append(_evidence(G, subject, data, kind))
    key = lambda e: (e.subject, e.fact)  # noqa: E731
    return sorted(producers, key=key), sorted(pipeline, key=key), sorted(claims, key=key)


def _feeders(G: nx.MultiDiGraph, stage: str) -> list[str]:
    return sorted({u for u, _, d in G.in_edges(stage, data=True) if d["predicate"] in _FLOW})


def _input_paths(G: nx.MultiDiGraph, stage: str, local: set[str]) -> list[list[str]]:
    """Paths from local stages to ``stage`` through stages that are not local, shortest first."""
    paths, frontier = [], [[stage]]
    for _ in range(_INPUT_SEARCH_DEPTH):
        next_frontier = []
        for path in frontier:
            for feeder in _feeders(G, path[0]):
                if feeder in path:
                    continue
                (paths if feeder in local else next_frontier).append([feeder, *path])
        frontier = next_frontier
    return paths


def _verdict(producers, claims) -> str:
    if producers:
        return "present"
    return "asserted" if claims else "missing"


def _classify(verdict, position, tiers, n_producers, chain_inputs):
    """Gap class and the rule that produced it."""
    if verdict == "present":
        if n_producers == 1:
            return "cg:StrengthenGap", "present with a single local producer"
        return None, f"present with {n_producers} local producers"
    if verdict == "asserted":
        return None, "a source says the region has it; no producer is named"
    if tiers is None:
        if chain_inputs:
            return "cg:BuildGap", "no stage of this chain is local, but local stages feed it"
        return None, "no stage of this chain is local and nothing local feeds it"
    first, last = tiers
    if first <= position <= last:
        return "cg:FillGap", f"missing at tier {position}, within the local tiers {first}–{last}"
    side = "before the first" if position < first else "after the last"
    return "cg:ExtendGap", f"missing at tier {position}, {side} local tier ({first}–{last})"


def _chain_stages(G: nx.MultiDiGraph) -> dict[str, list[str]]:
    chains = defaultdict(list)
    for node, data in G.nodes(data=True):
        if data.get("kind") == "stage":
            chains[data["chain"]].append(node)
    for stages in chains.values():
        stages.sort(key=lambda s: (G.nodes[s]["position"], G.nodes[s]["label"], s))
    return chains


def _most_local_first(chain: ChainGaps) -> tuple:
    verdicts = [s.verdict for s in chain.stages]
    return (-verdicts.count("present"), -verdicts.count("asserted"), chain.chain)


def find_gaps(
    G: nx.MultiDiGraph, region: str | None = None, chains: list[str] | None = None
) -> GapReport:
    """Verdicts and gap classes for every stage of the chains of ``region`` in ``G``.

    ``region`` defaults to the region ``G`` was projected for. ``chains`` (CURIEs) defaults to
    the chains with a local stage, plus those a 建链 rule applies to.
    """
    region = region or G.graph["region"]
    lang = G.graph.get("lang", "zh")
    scope = local_regions(G, region)
    by_chain = _chain_stages(G)

    facts = {s: _local_facts(G, s, scope) for stages in by_chain.values() for s in stages}
    local = {s for s, (prod, _, claims) in facts.items() if prod or claims}

    reports = []
    for chain, stages in sorted(by_chain.items()):
        tiers_seen = [G.nodes[s]["position"] for s in stages if s in local]
        tiers = (min(tiers_seen), max(tiers_seen)) if tiers_seen else None
        chain_inputs = tiers is None and any(_input_paths(G, s, local) for s in stages)
        if chains is None and tiers is None and not chain_inputs:
            continue
        if chains is not None and chain not in chains:
            continue
        rows = []
        for stage in stages:
            producers, pipeline, claims = facts[stage]
            verdict = _verdict(producers, claims)
            n_producers = len({p.subject for p in producers})
            node = G.nodes[stage]
            gap_class, rule = _classify(verdict, node["position"], tiers, n_producers, chain_inputs)
            inputs = _input_paths(G, stage, local) if verdict == "missing" else []
            rows.append(
                StageGap(
                    stage=stage,
                    label=node["label"],
                    position=node["position"],
                    role=node["role"],
                    verdict=verdict,
                    verdict_label=VERDICT_LABELS[verdict][lang],
                    gap_class=gap_class,
                    gap_class_label=GAP_CLASSES[gap_class]["zh"] if gap_class else None,
                    rule=rule,
                    producers=producers,
                    pipeline=pipeline,
                    claims=claims,
                    local_inputs=inputs,
                    local_inputs_labels=[[G.nodes[s]["label"] for s in p] for p in inputs],
                )
            )
        reports.append(ChainGaps(chain, G.nodes[chain]["label"], tiers, rows))
    reports.sort(key=_most_local_first)
    return GapReport(
        region=region,
        region_label=G.nodes[region]["label"] if region in G else region,
        lang=lang,
        regions_in_scope=sorted(scope),
        chains=reports,
    )
