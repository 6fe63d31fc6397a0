"""The planner's report: for a region, chain by chain, what a planning office hands its 链长.

For every chain of the region (the chains :func:`~chaingraph.analysis.gaps.find_gaps` reports):

- the chain map: the interactive graph of :func:`~chaingraph.render.html.chain_view`
  (HTML only; every chain has its own container and its own JSON data block, and one inlined
  copy of vis-network draws them all), with the stage table as the static fallback;
- the local companies and projects, with status, capacity, site and year;
- the gaps (补链/延链/强链/建链) with the rule, the evidence (sentence and source) and the
  targets (招商, :func:`~chaingraph.analysis.targets.find_targets`) for each;
- the capacity balance of the chain's links (:mod:`chaingraph.analysis.capacity`);
- the data gaps: unknown capacities, capacities that cannot be compared, stages that rest only
  on a claim, and facts that are implied or general knowledge rather than stated.

:func:`build_report` collects plain data; :func:`render_markdown` and :func:`render_report_html`
write it. HTML is made with jinja2 with autoescape, the graphs travel as escaped JSON
(:func:`~chaingraph.render.html.script_json`) and tooltips are built with ``textContent``:
names from the store stay text. The page is one file with no network access (no ``src`` or
``href`` leaves it; its Content-Security-Policy blocks every load) and prints well: graphs
print as a snapshot of fixed height, tables do not split inside rows.

>>> from chaingraph import Workspace
>>> report = build_report(Workspace.open(lang="en"), region="西宁")
>>> [c.chain for c in report.chains][:3]
['chain:pv', 'chain:li', 'chain:nf']
>>> li = report.chain("chain:li")
>>> electrolyte = next(g for g in li.gaps if g["stage"] == "li:electrolyte")
>>> electrolyte["gap_label"], electrolyte["local_inputs"]
('补链 fill', ['Anhydrous hydrogen fluoride → Lithium hexafluorophosphate → Electrolyte'])
>>> [(t["company_label"], t["score"]) for t in electrolyte["targets"]][:1]
[('Guangzhou Tinci Materials Technology Co., Ltd.', '1.5')]
>>> print(render_markdown(report).splitlines()[0])
# Xining: planning report on the industrial chains
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx
from jinja2 import Environment, select_autoescape
from markupsafe import Markup

from .. import __version__
from ..analysis.capacity import capacity_balance
from ..analysis.gaps import GAP_CLASSES, Evidence, GapReport, StageGap, fact_evidence
from ..analysis.targets import Target
from ..labels import LabelIndex
from .files import atomic_write
from .gaps import LEVEL_LABELS, STATE_LABELS
from .html import (
    VIS_NETWORK_VERSION,
    View,
    _csp_hash,
    _static,
    chain_view,
    script_json,
    vis_options,
)
from .registry import register, render

if TYPE_CHECKING:
    from ..workspace import Workspace

__all__ = [
    "ChainSection",
    "PlanningReport",
    "build_report",
    "render_markdown",
    "render_report_html",
    "write_report",
]

FORMATS = ("html", "markdown")  # the formats registered below

WORDS = {
    "zh": {
        "title": "{region}：产业链规划报告",
        "colon": "：",
        "intro": "供链长和招商部门使用。每条产业链：链图、本地企业与项目、缺口（补链/延链/"
        "强链/建链）及其依据与招商目标、产能平衡、数据缺口。每条判定都可追溯到原文句子。",
        "scope": "范围：{scope}（{level}）；强链阈值 {threshold:g}；数据：{triples} 条三元组",
        "contents": "目录",
        "summary": "概览",
        "chain": "产业链",
        "completeness": "完整度",
        "weighted": "加权完整度",
        "data_gaps_n": "数据缺口",
        "map": "链图",
        "map_note": "拖动平移，滚轮缩放，悬停看产能、状态和原文。空心红色虚线框为缺口。",
        "map_print": "（打印版为链图快照；各环节的判定见下表。）",
        "stages": "环节",
        "companies": "本地企业与项目",
        "no_companies": "本地没有点名的企业或项目。",
        "gaps": "缺口",
        "no_gaps": "这条产业链没有缺口。",
        "balance": "产能平衡",
        "no_balance": "没有可比较的产能（见数据缺口）。",
        "data_gaps": "数据缺口",
        "no_data_gaps": "没有数据缺口。",
        "synergies": "跨链延链机会",
        "sources": "来源",
        "tier": "层级",
        "stage": "环节",
        "verdict": "判定",
        "gap": "缺口",
        "basis": "本地企业 / 依据",
        "capacity": "产能",
        "company": "企业",
        "kind": "类型",
        "status": "状态",
        "site": "地点",
        "year": "年份",
        "assertion": "依据类型",
        "fact": "事实",
        "rule": "规则",
        "evidence": "证据",
        "no_evidence": "已查：{where} 内没有关于该环节的事实（生产、项目或声明）。",
        "no_producer": "已查：{where} 内没有投产的企业，也没有声明；在建或规划的项目不算。",
        "local_inputs": "本地可供投入",
        "targets": "招商目标",
        "no_targets": "图中没有区外企业生产这一环节。",
        "rank": "排名",
        "score": "得分",
        "reasons": "理由",
        "from": "上游",
        "to": "下游",
        "ratio": "供需比",
        "what": "说明",
        "claim": "来源声明",
        "pipeline": "在建/规划",
        "production": "生产",
        "project": "项目",
        "capacity_claim": "地区产能",
        "presence_claim": "地区声明",
        "unknown_capacity": "产能未知",
        "not_comparable": "产能无法比较",
        "claim_only": "仅有声明",
        "implied": "隐含",
        "general": "行业常识",
        "claim_only_what": "来源说本地有这些环节，但没有点名企业：{stages}",
        "implied_what": "{company} 生产 {stage}：原文未明说（置信度 {confidence}）",
        "unknown_what": "{stage}：{note}",
        "no_capacity": "未说明产能",
        "no_capacity_of": "{who} 未说明产能",
        "source_of": "来源",
        "path": "路径",
        "target_state": "目标状态",
        "output": "本地产出",
        "generated": "由 chaingraph {version} 生成（vis-network {vis} 内嵌，离线可用）。",
        "states": STATE_LABELS["zh"],
        "levels": LEVEL_LABELS["zh"],
    },
    "en": {
        "title": "{region}: planning report on the industrial chains",
        "colon": ": ",
        "intro": "For the chain chiefs (链长) and the investment-promotion office (招商). For "
        "each chain: the chain map, local companies and projects, the gaps (补链 fill, 延链 "
        "extend, 强链 strengthen, 建链 build) with their evidence and targets, the capacity "
        "balance and the data gaps. Every verdict traces back to a source sentence.",
        "scope": "scope: {scope} ({level}); 强链 threshold {threshold:g}; data: {triples} triples",
        "contents": "Contents",
        "summary": "Summary",
        "chain": "chain",
        "completeness": "completeness",
        "weighted": "weighted",
        "data_gaps_n": "data gaps",
        "map": "Chain map",
        "map_note": "Drag to pan, scroll to zoom, hover for capacity, status and the source "
        "sentence. Hollow red dashed boxes are gaps.",
        "map_print": "(The printed map is a snapshot; the table below gives every stage's "
        "verdict.)",
        "stages": "Stages",
        "companies": "Local companies and projects",
        "no_companies": "No local company or project is named.",
        "gaps": "Gaps",
        "no_gaps": "This chain has no gaps.",
        "balance": "Capacity balance",
        "no_balance": "No capacities to compare (see the data gaps).",
        "data_gaps": "Data gaps",
        "no_data_gaps": "No data gaps.",
        "synergies": "延链 opportunities across chains",
        "sources": "Sources",
        "tier": "tier",
        "stage": "stage",
        "verdict": "verdict",
        "gap": "gap",
        "basis": "local producers / basis",
        "capacity": "capacity",
        "company": "company",
        "kind": "kind",
        "status": "status",
        "site": "site",
        "year": "year",
        "assertion": "assertion",
        "fact": "fact",
        "rule": "rule",
        "evidence": "evidence",
        "no_evidence": "checked: no fact (production, project or claim) on this stage in {where}.",
        "no_producer": "checked: no producer in production and no claim in {where}; projects "
        "under construction or planned do not count.",
        "local_inputs": "local inputs",
        "targets": "Targets (招商)",
        "no_targets": "No company outside the region produces this stage in the graph.",
        "rank": "rank",
        "score": "score",
        "reasons": "reasons",
        "from": "from",
        "to": "to",
        "ratio": "ratio",
        "what": "what",
        "claim": "source says so",
        "pipeline": "pipeline",
        "production": "production",
        "project": "project",
        "capacity_claim": "regional capacity",
        "presence_claim": "regional claim",
        "unknown_capacity": "capacity unknown",
        "not_comparable": "capacities not comparable",
        "claim_only": "claim only",
        "implied": "implied",
        "general": "general knowledge",
        "claim_only_what": "a source says the region has these stages but names no producer: "
        "{stages}",
        "implied_what": "{company} makes {stage}: not stated in the source (confidence "
        "{confidence})",
        "unknown_what": "{stage}: {note}",
        "no_capacity": "no capacity stated",
        "no_capacity_of": "no capacity stated for {who}",
        "source_of": "source",
        "path": "path",
        "target_state": "target state",
        "output": "local output",
        "generated": "Made by chaingraph {version} (vis-network {vis} inlined, works offline).",
        "states": STATE_LABELS["en"],
        "levels": LEVEL_LABELS["en"],
    },
}
_PRODUCING = (None, "cg:InProduction")
_SEP = {"zh": "、", "en": ", "}


# --------------------------------------------------------------------------- the data


@dataclass
class ChainSection:
    """One chain of the report: plain rows for the tables, and the graph view."""

    chain: str
    label: str
    completeness: float
    weighted_completeness: float
    stages: list[dict] = field(default_factory=list)
    companies: list[dict] = field(default_factory=list)
    gaps: list[dict] = field(default_factory=list)
    balance: list[dict] = field(default_factory=list)
    data_gaps: list[dict] = field(default_factory=list)
    view: View | None = None

    def gap_counts(self) -> dict[str, int]:
        counts = {c: 0 for c in GAP_CLASSES}
        for gap in self.gaps:
            counts[gap["gap_class"]] += 1
        return counts


@dataclass
class PlanningReport:
    """The report for a region: a header, one :class:`ChainSection` per chain, synergies."""

    region: str
    region_label: str
    lang: str
    title: str
    scope_line: str
    chains: list[ChainSection]
    synergies: list[dict] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)

    def chain(self, chain: str) -> ChainSection:
        return next(c for c in self.chains if c.chain == chain)

    @property
    def words(self) -> dict:
        return WORDS[self.lang]


class _Context:
    """What the section builders share: the graph, labels, words, and evidence formatting."""

    def __init__(self, G: nx.MultiDiGraph, labels: LabelIndex, report: GapReport, lang: str):
        self.G = G
        self.labels = labels
        self.report = report
        self.lang = lang
        self.words = WORDS[lang]
        self.scope = set(report.regions_in_scope)
        self.sources: dict[str, str] = {}

    def label(self, node: str | None) -> str:
        if not node:
            return ""
        if node in self.G and self.G.nodes[node].get("label"):
            return self.G.nodes[node]["label"]
        return self.labels.pick(node, self.lang)

    def term(self, node: str | None) -> str:
        return self.labels.pick(node, self.lang) if node else ""

    def state(self, state: str) -> str:
        return self.words["states"].get(state, state)

    def gap_label(self, gap_class: str | None) -> str:
        if not gap_class:
            return ""
        names = GAP_CLASSES[gap_class]
        return names["zh"] if self.lang == "zh" else f"{names['zh']} {names['en']}"

    def evidence(self, e: Evidence) -> dict:
        """One fact as the report shows it: who, what kind, the sentence and its source."""
        kinds = {
            "production": "production",
            "project": "project",
            "claim": "presence_claim",
            "capacity": "capacity_claim",
        }
        if e.source:
            self.sources.setdefault(e.source, self.term(e.source))
        return {
            "fact": e.fact,
            "subject": e.subject,
            "subject_label": e.subject_label,
            "kind": self.words.get(kinds.get(e.kind, ""), e.kind),
            "status": self.term(e.status),
            "capacity": _capacity(e) or "",
            "year": e.year or "",
            "assertion": self.term(e.assertion),
            "confidence": "" if e.confidence is None else f"{e.confidence:g}",
            "text": " ".join((e.text or "").split()),
            "source": e.source or "",
            "source_label": self.term(e.source) if e.source else "",
            "span": f"[{e.char_start}:{e.char_end}]" if e.char_start is not None else "",
        }


def _capacity(e: Evidence) -> str | None:
    if e.stated_as:
        return str(e.stated_as)
    if e.capacity is not None:
        unit = (e.unit or "").split(":")[-1]
        return f"{e.capacity:g} {unit}".strip()
    return None


def _stage_rows(ctx: _Context, stages: list[StageGap]) -> list[dict]:
    words = ctx.words
    rows = []
    for s in stages:
        parts = []
        for p in s.producers:
            text = p.subject_label
            if p.assertion not in (None, "cg:Stated"):
                text += f" ({ctx.term(p.assertion)} {p.confidence:g})"
            parts.append(text)
        parts = list(dict.fromkeys(parts))
        if not parts and s.claims:
            parts.append(words["claim"])
        pipeline = list(dict.fromkeys(p.subject_label for p in s.pipeline))
        if pipeline:
            parts.append(f"{words['pipeline']}{words['colon']}" + _SEP[ctx.lang].join(pipeline))
        capacities = [_capacity(e) for e in (*s.producers, *s.claims)]
        rows.append(
            {
                "stage": s.stage,
                "position": s.position,
                "label": s.label,
                "verdict": s.verdict,
                "verdict_label": s.verdict_label,
                "gap_class": s.gap_class,
                "gap_label": ctx.gap_label(s.gap_class),
                "basis": "; ".join(parts),
                "capacity": " + ".join(dict.fromkeys(c for c in capacities if c)),
            }
        )
    return rows


def _company_rows(ctx: _Context, stages: list[StageGap]) -> list[dict]:
    """Every production fact and project on the chain's stages inside the region."""
    rows = []
    for s in stages:
        for subject, _, data in ctx.G.in_edges(s.stage, data=True):
            if data["predicate"] != "cg:produces" or data.get("site") not in ctx.scope:
                continue
            e = fact_evidence(ctx.G, subject, data, data.get("kind", "production"))
            row = ctx.evidence(e)
            row.update(
                stage=s.stage,
                stage_label=s.label,
                position=s.position,
                site=data.get("site"),
                site_label=ctx.label(data.get("site")),
                status=ctx.term(data.get("status") or "cg:InProduction"),
            )
            rows.append(row)
    rows.sort(key=lambda r: (r["position"], r["stage"], r["subject_label"], r["fact"]))
    return rows


def _gap_rows(ctx: _Context, stages: list[StageGap], targets: dict[str, list[Target]]):
    rows = []
    where = _SEP[ctx.lang].join(ctx.label(r) for r in ctx.report.regions_in_scope)
    for s in stages:
        if not s.gap_class:
            continue
        evidence = [ctx.evidence(e) for e in (*s.producers, *s.pipeline, *s.claims)]
        rows.append(
            {
                "stage": s.stage,
                "label": s.label,
                "position": s.position,
                "gap_class": s.gap_class,
                "gap_label": ctx.gap_label(s.gap_class),
                "verdict_label": s.verdict_label,
                "rule": s.rule,
                "evidence": evidence,
                "checked": ctx.words["no_producer" if evidence else "no_evidence"].format(
                    where=where
                )
                if s.verdict == "missing"
                else "",
                "local_inputs": [" → ".join(path) for path in s.local_inputs_labels],
                "targets": [_target_row(ctx, t) for t in targets.get(s.stage, [])],
            }
        )
    return rows


def _target_row(ctx: _Context, t: Target) -> dict:
    return {
        "rank": t.rank,
        "company": t.company,
        "company_label": t.company_label,
        "sites": _SEP[ctx.lang].join(t.site_labels),
        "capacity": t.capacity or "",
        "score": f"{t.score:g}",
        "reasons": ("；" if ctx.lang == "zh" else "; ").join(t.reasons),
        "state": ctx.state(t.state),
    }


def _balance_rows(ctx: _Context, stages: set[str]) -> list[dict]:
    return [
        {
            "from": k["from_label"],
            "to": k["to_label"],
            "ratio": f"{k['ratio']:.2f}",
            "status": ctx.state(k["status"]) + (" 强链" if k["weak"] else ""),
            "rule": k["rule"],
        }
        for k in ctx.report.capacity_links
        if k["from_stage"] in stages and k["status"] != "data gap"
    ]


def _data_gap_rows(
    ctx: _Context, stages: list[StageGap], capacities, targets: dict[str, list[Target]]
) -> list[dict]:
    words = ctx.words
    rows: list[dict] = []
    ids = {s.stage for s in stages}
    for s in stages:
        if s.capacity_known is False:
            cap = capacities.stages.get(s.stage)
            missing = [ctx.label(c) for c in (cap.without_capacity if cap else [])]
            note = (
                words["no_capacity_of"].format(who=_SEP[ctx.lang].join(missing))
                if missing
                else words["no_capacity"]
            )
            rows.append(
                {
                    "kind": words["unknown_capacity"],
                    "stages": [s.label],
                    "what": words["unknown_what"].format(stage=s.label, note=note),
                    "evidence": [],
                    "targets": [],
                }
            )
    for k in ctx.report.capacity_links:
        if k["from_stage"] in ids and k["status"] == "data gap":
            ends = (capacities.stages.get(k["from_stage"]), capacities.stages.get(k["to_stage"]))
            if any(end is not None and not end.known for end in ends):
                continue  # a capacity unknown: said above, per stage
            rows.append(
                {
                    "kind": words["not_comparable"],
                    "stages": [k["from_label"], k["to_label"]],
                    "what": f"{k['from_label']} → {k['to_label']}{words['colon']}{k['rule']}",
                    "evidence": [],
                    "targets": [],
                }
            )
    claimed: dict[str, list[StageGap]] = defaultdict(list)
    facts: dict[str, Evidence] = {}
    for s in stages:
        if s.verdict == "asserted":
            for e in s.claims:
                claimed[e.fact].append(s)
                facts[e.fact] = e
    for fact, claim_stages in claimed.items():
        labels = [s.label for s in claim_stages]
        rows.append(
            {
                "kind": words["claim_only"],
                "stages": labels,
                "what": words["claim_only_what"].format(stages=_SEP[ctx.lang].join(labels)),
                "evidence": [ctx.evidence(facts[fact])],
                "targets": [
                    {"stage": s.label, **_target_row(ctx, t)}
                    for s in claim_stages
                    for t in targets.get(s.stage, [])
                ],
            }
        )
    implied: dict[str, list[StageGap]] = defaultdict(list)
    for s in stages:
        for e in (*s.producers, *s.pipeline):
            if e.assertion not in (None, "cg:Stated"):
                implied[e.fact].append(s)
                facts[e.fact] = e
    for fact, fact_stages in implied.items():
        e = facts[fact]
        kind = words["general"] if e.assertion == "cg:GeneralKnowledge" else words["implied"]
        labels = list(dict.fromkeys(s.label for s in fact_stages))
        rows.append(
            {
                "kind": kind,
                "stages": labels,
                "what": words["implied_what"].format(
                    company=e.subject_label,
                    stage=_SEP[ctx.lang].join(labels),
                    confidence="?" if e.confidence is None else f"{e.confidence:g}",
                ),
                "evidence": [ctx.evidence(e)],
                "targets": [],
            }
        )
    return rows


def build_report(
    workspace: Workspace,
    *,
    region: str = "西宁",
    chains: list[str] | None = None,
    views: bool = True,
) -> PlanningReport:
    """Collect the report for ``region`` (a name, alias or id) from ``workspace``, in its
    language.

    ``chains`` (names or ids) limits it to those chains; default every chain of the gap
    report. ``views=False`` skips the graph views (Markdown does not draw them).
    """
    lang = workspace.lang
    region_id = workspace.region(region)
    G = workspace.projection(region_id)
    report = workspace.gaps(region_id, chains, criticality=False)
    capacities = capacity_balance(G, region_id)
    by_stage: dict[str, list[Target]] = defaultdict(list)
    for target in workspace.targets(region_id, [c.chain for c in report.chains]):
        by_stage[target.stage].append(target)
    labels = workspace.names.labels
    ctx = _Context(G, labels, report, lang)
    sections = []
    for chain in report.chains:
        stage_ids = {s.stage for s in chain.stages}
        sections.append(
            ChainSection(
                chain=chain.chain,
                label=chain.label,
                completeness=chain.completeness,
                weighted_completeness=chain.weighted_completeness,
                stages=_stage_rows(ctx, chain.stages),
                companies=_company_rows(ctx, chain.stages),
                gaps=_gap_rows(ctx, chain.stages, by_stage),
                balance=_balance_rows(ctx, stage_ids),
                data_gaps=_data_gap_rows(ctx, chain.stages, capacities, by_stage),
                view=chain_view(G, chain.chain, report, labels) if views else None,
            )
        )
    words = WORDS[lang]
    scope_line = words["scope"].format(
        scope=report.scope_region_label or report.region_label,
        level=words["levels"].get(report.scope or "", report.scope or ""),
        threshold=report.threshold,
        triples=f"{len(workspace.store):,}",
    )
    synergies = [
        {
            "output": s["source_label"],
            "target": s["target_label"],
            "state": ctx.state(s["target_state"]),
            "path": " → ".join(s["path_labels"]),
        }
        for s in report.synergies
    ]
    return PlanningReport(
        region=region_id,
        region_label=report.region_label,
        lang=lang,
        title=words["title"].format(region=report.region_label),
        scope_line=scope_line,
        chains=sections,
        synergies=synergies,
        sources=[{"id": k, "label": v} for k, v in sorted(ctx.sources.items())],
    )


# --------------------------------------------------------------------------- Markdown


def _md(text) -> str:
    """Text from the data, safe in Markdown: no raw HTML, no table breaks, one line."""
    text = " ".join(str(text).split())
    return text.replace("<", "&lt;").replace(">", "&gt;")


def _md_table(headers: list[str], rows: list[list]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_md(c).replace("|", "\\|") for c in row) + " |" for row in rows]
    return [*lines, ""]


def _md_source(e: dict) -> str:
    """A fact's sentence and where it is, for a table cell."""
    sentence = f"“{e['text']}”" if e["text"] else ""
    where = f"{e['source_label']} {e['span']}".strip()
    return " — ".join(part for part in (sentence, where) if part)


def _md_evidence(e: dict, words: dict) -> str:
    who = f"{e['subject_label']} ({e['kind']}"
    if e["status"]:
        who += f", {e['status']}"
    if e["capacity"]:
        who += f", {e['capacity']}"
    if e["year"]:
        who += f", {e['year']}"
    who += f"; {e['assertion']} {e['confidence']}".rstrip() + ")"
    line = f"{_md(who)}, `{e['fact']}`"
    if e["text"]:
        line += f": “{_md(e['text'])}”"
    if e["source"]:
        source = f"{_md(e['source_label'])} (`{e['source']}` {e['span']})"
        line += f" — {words['source_of']}{words['colon']}{source}"
    return line


def _md_targets(targets: list[dict], words: dict, with_stage: bool = False) -> list[str]:
    headers = [words["rank"], words["company"], words["site"], words["capacity"]]
    headers += [words["score"], words["reasons"]]
    rows = [
        [t["rank"], t["company_label"], t["sites"], t["capacity"], t["score"], t["reasons"]]
        for t in targets
    ]
    if with_stage:
        headers = [words["stage"], *headers]
        rows = [[t["stage"], *row] for t, row in zip(targets, rows, strict=True)]
    return _md_table(headers, rows)


def render_markdown(report: PlanningReport) -> str:
    """The report as Markdown (no graphs: the stage table stands for the chain map)."""
    w = report.words
    out = [f"# {_md(report.title)}", "", _md(w["intro"]), "", _md(report.scope_line), ""]
    out += [f"## {w['summary']}", ""]
    classes = [GAP_CLASSES[c]["zh"] for c in GAP_CLASSES]
    out += _md_table(
        [w["chain"], w["completeness"], w["weighted"], *classes, w["data_gaps_n"]],
        [
            [
                c.label,
                f"{c.completeness:.0%}",
                f"{c.weighted_completeness:.0%}",
                *c.gap_counts().values(),
                len(c.data_gaps),
            ]
            for c in report.chains
        ],
    )
    for c in report.chains:
        out += [f"## {_md(c.label)}", ""]
        out += [
            f"{w['completeness']} {c.completeness:.0%}, {w['weighted']} "
            f"{c.weighted_completeness:.0%}",
            "",
        ]
        out += [f"### {w['stages']}", ""]
        out += _md_table(
            [w["tier"], w["stage"], w["verdict"], w["gap"], w["basis"], w["capacity"]],
            [
                [
                    s["position"],
                    s["label"],
                    s["verdict_label"],
                    s["gap_label"],
                    s["basis"],
                    s["capacity"],
                ]
                for s in c.stages
            ],
        )
        out += [f"### {w['companies']}", ""]
        if c.companies:
            out += _md_table(
                [
                    w["company"],
                    w["stage"],
                    w["kind"],
                    w["status"],
                    w["capacity"],
                    w["site"],
                    w["year"],
                    w["assertion"],
                    w["fact"],
                    w["evidence"],
                ],
                [
                    [
                        r["subject_label"],
                        r["stage_label"],
                        r["kind"],
                        r["status"],
                        r["capacity"],
                        r["site_label"],
                        r["year"],
                        f"{r['assertion']} {r['confidence']}".strip(),
                        r["fact"],
                        _md_source(r),
                    ]
                    for r in c.companies
                ],
            )
        else:
            out += [w["no_companies"], ""]
        out += [f"### {w['gaps']}", ""]
        if not c.gaps:
            out += [w["no_gaps"], ""]
        for g in c.gaps:
            out += [f"#### {_md(g['label'])} · {g['gap_label']}", ""]
            out.append(f"- {w['verdict']}{w['colon']}{_md(g['verdict_label'])}")
            out.append(f"- {w['rule']}{w['colon']}{_md(g['rule'])}")
            for e in g["evidence"]:
                out.append(f"- {w['evidence']}{w['colon']}{_md_evidence(e, w)}")
            if g["checked"]:
                out.append(f"- {w['evidence']}{w['colon']}{_md(g['checked'])}")
            for path in g["local_inputs"]:
                out.append(f"- {w['local_inputs']}{w['colon']}{_md(path)}")
            out += ["", f"{w['targets']}{w['colon'].strip()}", ""]
            out += _md_targets(g["targets"], w) if g["targets"] else [w["no_targets"], ""]
        out += [f"### {w['balance']}", ""]
        if c.balance:
            out += _md_table(
                [w["from"], w["to"], w["ratio"], w["status"], w["rule"]],
                [[k["from"], k["to"], k["ratio"], k["status"], k["rule"]] for k in c.balance],
            )
        else:
            out += [w["no_balance"], ""]
        out += [f"### {w['data_gaps']}", ""]
        if not c.data_gaps:
            out += [w["no_data_gaps"], ""]
        for d in c.data_gaps:
            out.append(f"- **{d['kind']}**{w['colon']}{_md(d['what'])}")
            for e in d["evidence"]:
                out.append(f"  - {w['evidence']}{w['colon']}{_md_evidence(e, w)}")
            if d["targets"]:
                out += ["", f"  {w['targets']}{w['colon'].strip()}", ""]
                out += ["  " + line if line else "" for line in _md_targets(d["targets"], w, True)]
        out.append("")
    if report.synergies:
        out += [f"## {w['synergies']}", ""]
        out += _md_table(
            [w["output"], w["stage"], w["target_state"], w["path"]],
            [[s["output"], s["target"], s["state"], s["path"]] for s in report.synergies],
        )
    out += [f"## {w['sources']}", ""]
    out += [f"- `{s['id']}`: {_md(s['label'])}" for s in report.sources]
    out.append("")
    text = "\n".join(out)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text


# --------------------------------------------------------------------------- HTML


def _environment() -> Environment:
    return Environment(
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_report_html(report: PlanningReport) -> str:
    """The report as one self-contained HTML page: every chain map inlined, no network."""
    vis_js = _static("vis-network/vis-network.min.js")
    page_js = _static("tooltip.js") + "\n" + _static("report.js")
    csp = (
        f"default-src 'none'; script-src {_csp_hash(vis_js)} {_csp_hash(page_js)}; "
        "style-src 'unsafe-inline'; img-src data:; font-src data:"
    )
    graphs = []
    for i, c in enumerate(report.chains):
        if c.view is None:
            graphs.append(None)
            continue
        payload = {
            "nodes": c.view.nodes,
            "edges": c.view.edges,
            "options": vis_options(len(c.view.nodes)),
        }
        graphs.append(
            {"id": f"cg-net-{i}", "data": Markup(script_json(payload)), "legend": c.view.legend}
        )
    template = _environment().from_string(_static("report.html.jinja"))
    return template.render(
        report=report,
        w=report.words,
        graphs=graphs,
        classes=[GAP_CLASSES[c]["zh"] for c in GAP_CLASSES],
        csp=Markup(csp),
        vis_js=Markup(vis_js),
        page_js=Markup(page_js),
        version=__version__,
        vis_version=VIS_NETWORK_VERSION,
    )


# The report's formats, html the default.
register(PlanningReport, "html")(render_report_html)
register(PlanningReport, "markdown")(render_markdown)


def write_report(report: PlanningReport, path: str | os.PathLike[str], fmt: str = "html") -> Path:
    """Write the report atomically to ``path`` as ``html``, ``markdown`` or any format
    registered for :class:`PlanningReport`."""
    return atomic_write(path, render(report, fmt))
