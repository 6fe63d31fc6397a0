"""Interactive HTML graphs: one self-contained page per view, drawn with pyvis and vis-network.

A *view* (:class:`View`) is the plain data of a drawing: vis-network node and edge objects with
positions computed here, tooltips as plain text and a legend. Four views:

- :func:`chain_view`: one chain in a region, stages left to right in chain order
  (``cg:position``), local producers below their stages, projects and the region's claims
  above;
- :func:`region_view`: every chain of the region, one band each, with cross-chain inputs;
- :func:`company_view`: a company, the stages it makes, their neighbours and its competitors;
- :func:`query_view`: the triples of a SPARQL CONSTRUCT query.

Gaps (from :func:`chaingraph.analysis.gaps.find_gaps`) are hollow red dashed stage nodes
labelled with their class (补链, 延链, 强链, 建链). :func:`render_html` turns a view into a page:
a :class:`pyvis.network.Network` filled in bulk and rendered with chaingraph's own template,
which inlines the vendored vis-network script (no CDN, works offline). Data never becomes
markup: the graph travels as escaped JSON and tooltips are DOM elements built with
``textContent``.

>>> from chaingraph import Workspace
>>> view = build_view(Workspace.open(lang="en"), region="西宁", chain="光伏")
>>> view.title
'Xining: Photovoltaics chain'
>>> [(n["id"], n.get("gap_label")) for n in view.nodes if n["kind"] == "stage"][:3]
[('pv:industrial-silicon', '延链'), ('pv:polysilicon', None), ('pv:quartz-crucible', '补链')]
>>> page = render_html(view)
>>> "<script src=" in page, "network = new vis.Network" in page
(False, True)
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import webbrowser
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx
from jinja2 import Environment, select_autoescape
from markupsafe import Markup
from pyvis.network import Network
from rdflib.term import BNode, Literal, URIRef

from .. import __version__
from ..analysis.gaps import GAP_CLASSES, GapReport, StageGap
from ..labels import LabelIndex, default_language
from ..messages import ChaingraphError
from ..namespaces import curie
from ..projection import to_networkx
from .files import atomic_write

if TYPE_CHECKING:
    from ..store import Store
    from ..workspace import Workspace

__all__ = [
    "VIS_NETWORK_VERSION",
    "View",
    "ViewError",
    "build_view",
    "chain_view",
    "company_view",
    "iframe_html",
    "query_view",
    "region_view",
    "render_html",
    "script_json",
    "to_network",
    "write_html",
]

VIS_NETWORK_VERSION = "10.1.5"

# Tableau 10: one colour per chain, in the order of the chain ids.
PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b",
    "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#aec7e8",
)  # fmt: skip
GAP_RED = "#d62728"
REGION_GOLD = "#d4a017"
NEUTRAL = "#6b7785"
DX, DY = 230, 78  # horizontal step between tiers, vertical step between stages
_FONTS = "Noto Sans CJK SC, WenQuanYi Micro Hei, Microsoft YaHei, PingFang SC, sans-serif"

_WORDS = {
    "zh": {
        "chain_title": "{region}：{chain}产业链",
        "region_title": "{region}：产业链总览",
        "company_title": "{company}：关联企业与环节",
        "query_title": "查询结果：{name}",
        "subtitle": "缺口按 find_gaps 判定（{region}）；空心红色虚线框为缺口。"
        "拖动平移，滚轮缩放，悬停看详情。",
        "kinds": "节点类型",
        "stage": "环节",
        "company": "企业",
        "region": "地区",
        "project": "项目",
        "chain": "产业链",
        "literal": "字面值",
        "chains": "产业链颜色",
        "stages": "环节状态",
        "present": "有本地企业",
        "asserted": "有来源声明，未点名企业",
        "missing": "缺失（无缺口类别）",
        "gap": "缺口：{classes}",
        "edges": "连线",
        "next": "上下游（cg:nextStage）",
        "input": "跨链投入（cg:inputTo）",
        "recycled": "回收利用（cg:recycledInto）",
        "produces": "生产",
        "produces_width": "生产（线宽 = 产能）",
        "project_edge": "项目（虚线）",
        "claims": "地区声明 / 地区产能",
        "id": "标识",
        "tier": "层级",
        "verdict": "判定",
        "gap_class": "缺口",
        "rule": "规则",
        "producers": "本地企业",
        "status": "状态",
        "capacity": "产能",
        "year": "年份",
        "site": "地点",
        "confidence": "置信度",
        "assertion": "依据类型",
        "source": "来源",
        "sentence": "原文",
        "predicate": "关系",
        "value": "值",
        "stages_of": "环节",
    },
    "en": {
        "chain_title": "{region}: {chain} chain",
        "region_title": "{region}: all chains",
        "company_title": "{company}: stages and neighbours",
        "query_title": "Query result: {name}",
        "subtitle": "Gaps as found by find_gaps ({region}); hollow red dashed boxes are gaps. "
        "Drag to pan, scroll to zoom, hover for details.",
        "kinds": "Node kinds",
        "stage": "stage",
        "company": "company",
        "region": "region",
        "project": "project",
        "chain": "chain",
        "literal": "literal",
        "chains": "Chains",
        "stages": "Stage status",
        "present": "local producer named",
        "asserted": "a source says so, no producer named",
        "missing": "missing (no gap class)",
        "gap": "gap: {classes}",
        "edges": "Edges",
        "next": "next stage (cg:nextStage)",
        "input": "cross-chain input (cg:inputTo)",
        "recycled": "recycled into (cg:recycledInto)",
        "produces": "produces",
        "produces_width": "produces (width = capacity)",
        "project_edge": "project (dashed)",
        "claims": "regional claim / capacity",
        "id": "id",
        "tier": "tier",
        "verdict": "verdict",
        "gap_class": "gap",
        "rule": "rule",
        "producers": "local producers",
        "status": "status",
        "capacity": "capacity",
        "year": "year",
        "site": "site",
        "confidence": "confidence",
        "assertion": "assertion",
        "source": "source",
        "sentence": "sentence",
        "predicate": "predicate",
        "value": "value",
        "stages_of": "stages",
    },
}


class ViewError(ChaingraphError, ValueError):
    """A view cannot be drawn from what was asked (a catalog code, ``views.*``)."""


@dataclass
class View:
    """What a page draws: vis-network nodes and edges (positions set), legend and titles."""

    title: str
    subtitle: str
    lang: str
    nodes: list[dict] = field(default_factory=list)
    edges: list[dict] = field(default_factory=list)
    legend: list[dict] = field(default_factory=list)

    def node(self, node_id: str) -> dict:
        return next(n for n in self.nodes if n["id"] == node_id)


# --------------------------------------------------------------------------- colours, styles


def _mix(colour: str, amount: float) -> str:
    """``colour`` mixed with white; ``amount`` 0 keeps it, 1 gives white."""
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * amount):02x}" for c in rgb)


def chain_colours(chains: Iterable[str]) -> dict[str, str]:
    """A colour per chain id, stable for a given set of chains.

    >>> chain_colours(["chain:pv", "chain:li"])
    {'chain:li': '#1f77b4', 'chain:pv': '#ff7f0e'}
    """
    return {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(sorted(set(chains)))}


class _Builder:
    """Collects nodes and edges of one view, with the styling rules shared by every view."""

    def __init__(
        self, G: nx.MultiDiGraph, lang: str, labels: LabelIndex | None, report: GapReport | None
    ) -> None:
        self.G = G
        self.lang = lang
        self.words = _WORDS[lang]
        self.labels = labels
        self.report = report
        self.gaps: dict[str, StageGap] = (
            {s.stage: s for c in report.chains for s in c.stages} if report else {}
        )
        self.scope = set(report.regions_in_scope) if report else None
        chains = [n for n, d in G.nodes(data=True) if d.get("kind") == "chain"]
        self.colours = chain_colours(chains)
        self.nodes: dict[str, dict] = {}
        self.edges: list[dict] = []
        self.chains_seen: set[str] = set()

    # labels ---------------------------------------------------------------------------------
    def label(self, node: str) -> str:
        if node in self.G:
            return self.G.nodes[node].get("label") or node
        if self.labels is not None:
            return self.labels.pick(node, self.lang)
        return node

    def term(self, value) -> str:
        """A CURIE value (status, assertion, unit) as a label; other values as text."""
        if isinstance(value, str) and ":" in value and self.labels is not None:
            return self.labels.pick(value, self.lang)
        return str(value)

    # nodes ----------------------------------------------------------------------------------
    def chain_colour(self, chain: str | None) -> str:
        return self.colours.get(chain, NEUTRAL) if chain else NEUTRAL

    def add_stage(self, stage: str, x: float, y: float) -> dict:
        data = self.G.nodes[stage]
        chain = data.get("chain")
        self.chains_seen.add(chain)
        colour = self.chain_colour(chain)
        gap = self.gaps.get(stage)
        w = self.words
        rows = [[w["id"], stage], [w["chain"], self.label(chain)], [w["tier"], data["position"]]]
        node = {
            "id": stage,
            "label": data["label"],
            "kind": "stage",
            "chain": chain,
            "shape": "box",
            "x": x,
            "y": y,
            "borderWidth": 2,
            "margin": 8,
            "color": {"background": _mix(colour, 0.45), "border": colour},
            "font": {"color": "#111111"},
        }
        if gap is not None:
            rows.append([w["verdict"], gap.verdict_label])
            node["verdict"] = gap.verdict
            if gap.producers:
                rows.append([w["producers"], "、".join(gap.producer_labels)])
            if gap.gap_class:
                name = GAP_CLASSES[gap.gap_class]
                gap_label = name["zh"] if self.lang == "zh" else f"{name['zh']} {name['en']}"
                rows.append([w["gap_class"], gap_label])
                node.update(
                    label=f"{data['label']}\n[{gap_label}]",
                    gap=gap.gap_class,
                    gap_label=name["zh"],
                    borderWidth=3,
                    color={"background": "#ffffff", "border": GAP_RED},
                    shapeProperties={"borderDashes": [7, 4]},
                    font={"color": GAP_RED},
                )
            elif gap.verdict == "asserted":
                node["color"] = {"background": _mix(colour, 0.8), "border": colour}
            elif gap.verdict == "missing":
                node.update(
                    color={"background": "#ffffff", "border": "#9a9a9a"},
                    shapeProperties={"borderDashes": [2, 3]},
                    font={"color": "#777777"},
                )
            rows.append([w["rule"], gap.rule])
        node["tip"] = {"head": data["label"], "rows": rows}
        self.nodes[stage] = node
        return node

    def add_company(self, company: str, x: float = 0.0, y: float = 0.0) -> dict:
        if company in self.nodes:
            return self.nodes[company]
        stages = sorted(
            {
                v
                for _, v, d in self.G.out_edges(company, data=True)
                if d["predicate"] == "cg:produces"
            }
        )
        chains = {self.G.nodes[s].get("chain") for s in stages}
        colour = self.chain_colour(chains.pop()) if len(chains) == 1 else NEUTRAL
        w = self.words
        node = {
            "id": company,
            "label": self.label(company),
            "kind": "company",
            "shape": "dot",
            "size": 13,
            "x": x,
            "y": y,
            "color": {"background": colour, "border": "#333333"},
            "tip": {
                "head": self.label(company),
                "rows": [
                    [w["id"], company],
                    [w["stages_of"], "、".join(self.label(s) for s in stages)],
                ],
            },
        }
        self.nodes[company] = node
        return node

    def add_region(self, region: str, x: float = 0.0, y: float = 0.0) -> dict:
        if region in self.nodes:
            return self.nodes[region]
        node = {
            "id": region,
            "label": self.label(region),
            "kind": "region",
            "shape": "star",
            "size": 17,
            "x": x,
            "y": y,
            "color": {"background": REGION_GOLD, "border": "#7a5c00"},
            "tip": {"head": self.label(region), "rows": [[self.words["id"], region]]},
        }
        self.nodes[region] = node
        return node

    def add_project(self, fact: str, stage: str, x: float = 0.0, y: float = 0.0) -> dict:
        colour = self.chain_colour(self.G.nodes[stage].get("chain"))
        label = self.labels.pick(fact, self.lang) if self.labels else fact
        node = {
            "id": fact,
            "label": label,
            "kind": "project",
            "shape": "diamond",
            "size": 12,
            "x": x,
            "y": y,
            "color": {"background": _mix(colour, 0.55), "border": colour},
            "tip": {"head": label, "rows": [[self.words["id"], fact]]},
        }
        self.nodes[fact] = node
        return node

    # edges ----------------------------------------------------------------------------------
    def edge(self, source: str, target: str, predicate: str, **style) -> dict:
        edge = {
            "id": f"e{len(self.edges)}",
            "from": source,
            "to": target,
            "predicate": predicate,
            "arrows": "to",
            **style,
        }
        self.edges.append(edge)
        return edge

    def stage_link(self, source: str, target: str, predicate: str) -> dict:
        if predicate == "cg:inputTo":
            colour = self.chain_colour(self.G.nodes[source].get("chain"))
            return self.edge(
                source,
                target,
                predicate,
                color=colour,
                width=2.5,
                dashes=[8, 4],
                smooth={"type": "curvedCW", "roundness": 0.2},
            )
        if predicate == "cg:recycledInto":
            return self.edge(
                source,
                target,
                predicate,
                color="#2ca02c",
                width=1.5,
                dashes=[2, 4],
                smooth={"type": "curvedCCW", "roundness": 0.3},
            )
        return self.edge(source, target, predicate, color="#8a8a8a", width=1.5)

    def fact_rows(self, data: dict) -> list[list]:
        w, rows = self.words, []
        if data.get("status"):
            rows.append([w["status"], self.term(data["status"])])
        capacity = _capacity_text(data, self)
        if capacity:
            rows.append([w["capacity"], capacity])
        if data.get("year") is not None:
            rows.append([w["year"], str(data["year"])])
        if data.get("site"):
            rows.append([w["site"], self.label(data["site"])])
        if data.get("confidence") is not None:
            rows.append([w["confidence"], data["confidence"]])
        if data.get("assertion"):
            rows.append([w["assertion"], self.term(data["assertion"])])
        if data.get("source"):
            rows.append([w["source"], self.term(data["source"])])
        if data.get("evidence"):
            rows.append([w["sentence"], data["evidence"]])
        rows.append([w["id"], data["fact"]])
        return rows

    def fact_edge(self, source: str, target: str, data: dict, **style) -> dict:
        head = self.labels.pick(data["fact"], self.lang) if self.labels else data["fact"]
        return self.edge(
            source,
            target,
            data["predicate"],
            fact=data["fact"],
            capacity=data.get("capacity"),
            unit=data.get("unit"),
            tip={"head": head, "rows": self.fact_rows(data)},
            **style,
        )

    def add_facts(self, stages: Iterable[str], place, claims: bool = True) -> None:
        """Producers, projects and claims of ``stages`` in scope; ``place(node, stage, kind)``."""
        for stage in stages:
            for subject, _, _key, data in sorted(
                self.G.in_edges(stage, keys=True, data=True), key=lambda e: (str(e[0]), str(e[2]))
            ):
                predicate = data["predicate"]
                if predicate == "cg:produces":
                    if self.scope is not None and data.get("site") not in self.scope:
                        continue
                    company = self.add_company(subject)
                    colour = company["color"]["background"]
                    if data.get("kind") == "project":
                        project = self.add_project(data["fact"], stage)
                        place(project, stage, "project")
                        self.edge(
                            subject,
                            data["fact"],
                            "cg:producer",
                            color="#9a9a9a",
                            width=1,
                            arrows="",
                        )
                        self.fact_edge(data["fact"], stage, data, color=colour, dashes=[6, 4])
                        place(company, stage, "project")
                    else:
                        self.fact_edge(subject, stage, data, color=colour)
                        place(company, stage, "company")
                elif predicate == "cg:claims" and claims:
                    if self.scope is not None and subject not in self.scope:
                        continue
                    region = self.add_region(subject)
                    place(region, stage, "region")
                    self.fact_edge(subject, stage, data, color=REGION_GOLD, dashes=[1, 5])

    # output ---------------------------------------------------------------------------------
    def scale_widths(self) -> None:
        """Edge width by capacity, relative to the largest capacity in the same unit."""
        largest: dict[str, float] = defaultdict(float)
        for edge in self.edges:
            if isinstance(edge.get("capacity"), int | float) and edge.get("unit"):
                largest[edge["unit"]] = max(largest[edge["unit"]], float(edge["capacity"]))
        for edge in self.edges:
            if "fact" not in edge:
                continue
            value, unit = edge.get("capacity"), edge.get("unit")
            if isinstance(value, int | float) and largest.get(unit):
                edge["width"] = round(1.5 + 6.5 * math.sqrt(max(value, 0) / largest[unit]), 2)
            else:
                edge["width"] = 1.5
            edge["value_known"] = isinstance(value, int | float)

    def view(self, title: str, subtitle: str) -> View:
        self.scale_widths()
        for node in self.nodes.values():
            node["x"], node["y"] = round(float(node["x"]), 1), round(float(node["y"]), 1)
        return View(
            title=title,
            subtitle=subtitle,
            lang=self.lang,
            nodes=list(self.nodes.values()),
            edges=self.edges,
            legend=self.legend(),
        )

    def legend(self) -> list[dict]:
        w = self.words
        kinds = {n["kind"] for n in self.nodes.values()}
        shapes = {
            "stage": ("sw-box", "background:#dddddd", ""),
            "company": ("sw-dot", "background:#6b7785", ""),
            "project": ("sw-diamond", "background:#cccccc", ""),
            "region": ("sw-star", "", "★"),
            "chain": ("", "border:none;font-weight:bold", "A"),
            "literal": ("sw-box", "background:#f4f4f4", ""),
        }
        sections = [
            {
                "title": w["kinds"],
                "items": [
                    {
                        "css": shapes[k][0],
                        "style": shapes[k][1],
                        "glyph": shapes[k][2],
                        "text": w[k],
                    }
                    for k in ("stage", "company", "project", "region", "chain", "literal")
                    if k in kinds
                ],
            }
        ]
        chains = sorted(c for c in self.chains_seen if c)
        if chains:
            sections.append(
                {
                    "title": w["chains"],
                    "items": [
                        {
                            "css": "sw-box",
                            "style": f"background:{self.chain_colour(c)}",
                            "glyph": "",
                            "text": self.label(c),
                        }
                        for c in chains
                    ],
                }
            )
        if self.gaps and "stage" in kinds:
            classes = " ".join(
                v["zh"] if self.lang == "zh" else f"{v['zh']} {v['en']}"
                for v in GAP_CLASSES.values()
            )
            sections.append(
                {
                    "title": w["stages"],
                    "items": [
                        {
                            "css": "sw-box",
                            "style": "background:#9cc3e4;border-color:#1f77b4",
                            "glyph": "",
                            "text": w["present"],
                        },
                        {
                            "css": "sw-box",
                            "style": "background:#dcebf6;border-color:#1f77b4",
                            "glyph": "",
                            "text": w["asserted"],
                        },
                        {
                            "css": "sw-gap",
                            "style": "",
                            "glyph": "",
                            "text": w["gap"].format(classes=classes),
                        },
                        {
                            "css": "sw-box",
                            "style": "background:#fff;border:1px dotted #9a9a9a",
                            "glyph": "",
                            "text": w["missing"],
                        },
                    ],
                }
            )
        predicates = {e["predicate"] for e in self.edges}
        # Widths follow capacity only where an edge states one (not in a query's own triples).
        sized = any(
            isinstance(e.get("capacity"), int | float) and e.get("unit") for e in self.edges
        )
        produces = w["produces_width"] if sized else w["produces"]
        edge_items = [
            ("cg:nextStage", "border-top-color:#8a8a8a", w["next"]),
            ("cg:inputTo", "border-top-style:dashed;border-top-color:#e377c2", w["input"]),
            ("cg:recycledInto", "border-top-style:dotted;border-top-color:#2ca02c", w["recycled"]),
            ("cg:produces", "border-top-width:5px;border-top-color:#6b7785", produces),
            ("cg:producer", "border-top-style:dashed;border-top-color:#6b7785", w["project_edge"]),
            ("cg:claims", "border-top-style:dotted;border-top-color:#d4a017", w["claims"]),
        ]
        items = [
            {"css": "sw-line", "style": style, "glyph": "", "text": text}
            for predicate, style, text in edge_items
            if predicate in predicates
        ]
        if items:
            sections.append({"title": w["edges"], "items": items})
        return sections


def _capacity_text(data: dict, builder: _Builder) -> str | None:
    if data.get("statedAs"):
        return str(data["statedAs"])
    if data.get("capacity") is not None:
        unit = builder.term(data["unit"]) if data.get("unit") else ""
        return f"{data['capacity']:g} {unit}".strip()
    return None


# --------------------------------------------------------------------------- the four views


def _stack(nodes_at: dict, key, node: dict, x: float, y0: float, step: float) -> None:
    """Put ``node`` at ``x``, the next free slot from ``y0`` in direction ``step``."""
    if node.get("_placed"):
        return
    k = nodes_at[key]
    nodes_at[key] += 1
    node["x"], node["y"] = x, y0 + k * step
    node["_placed"] = True


def _finish(nodes: Iterable[dict]) -> None:
    for node in nodes:
        node.pop("_placed", None)


def _tier_x(G: nx.MultiDiGraph, stages: list[str]) -> dict[str, float]:
    tiers = sorted({G.nodes[s]["position"] for s in stages})
    rank = {t: i for i, t in enumerate(tiers)}
    return {s: rank[G.nodes[s]["position"]] * DX for s in stages}


def _chain_stages(G: nx.MultiDiGraph, chain: str) -> list[str]:
    return sorted(
        (n for n, d in G.nodes(data=True) if d.get("kind") == "stage" and d.get("chain") == chain),
        key=lambda s: (G.nodes[s]["position"], G.nodes[s]["label"], s),
    )


def _stage_links(builder: _Builder, stages: set[str]) -> None:
    for u, v, data in sorted(builder.G.edges(data=True), key=lambda e: (e[0], e[1])):
        if data["predicate"] in ("cg:nextStage", "cg:inputTo", "cg:recycledInto") and (
            u in stages and v in stages
        ):
            builder.stage_link(u, v, data["predicate"])


def chain_view(
    G: nx.MultiDiGraph, chain: str, report: GapReport, labels: LabelIndex | None = None
) -> View:
    """One chain in the region of ``report``: stages by tier, producers below, projects above."""
    lang = G.graph.get("lang") or report.lang
    builder = _Builder(G, lang, labels, report)
    stages = _chain_stages(G, chain)
    if not stages:
        raise ViewError("views.no_stages", chain=chain).speaking(lang)
    xs = _tier_x(G, stages)
    by_tier: dict[float, list[str]] = defaultdict(list)
    for stage in stages:
        by_tier[xs[stage]].append(stage)
    top, bottom = {}, {}
    for x, column in by_tier.items():
        for i, stage in enumerate(column):
            y = (i - (len(column) - 1) / 2) * DY
            builder.add_stage(stage, x, y)
        top[x], bottom[x] = -(len(column) - 1) / 2 * DY, (len(column) - 1) / 2 * DY
    _stage_links(builder, set(stages))

    below, above = defaultdict(int), defaultdict(int)
    claimed: dict[str, list[float]] = defaultdict(list)

    def place(node: dict, stage: str, kind: str) -> None:
        x = xs[stage]
        if kind == "company":
            _stack(below, x, node, x, bottom[x] + 95, 60)
        elif kind == "project":
            _stack(above, x, node, x, top[x] - 95, -60)
        else:
            claimed[node["id"]].append(x)

    builder.add_facts(stages, place)
    high = min(top[x] - 95 - 60 * above[x] for x in top) - 30
    for i, (region, columns) in enumerate(sorted(claimed.items())):
        node = builder.nodes[region]
        node["x"] = sum(columns) / len(columns) + i * 60
        node["y"] = high - i * 60
    _finish(builder.nodes.values())
    words = builder.words
    region_label = report.region_label
    title = words["chain_title"].format(region=region_label, chain=builder.label(chain))
    return builder.view(title, words["subtitle"].format(region=region_label))


# networkx's spring layout needs scipy from this many nodes on, and its all-pairs forces grow
# with the square of the nodes: larger views get the linear placements below instead.
_LARGE = 500
_GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))


def _sunflower(i: int, spacing: float) -> tuple[float, float]:
    """Offset of the ``i``-th point of a sunflower spiral: evenly filled discs, no overlaps.

    >>> [tuple(round(c, 1) for c in _sunflower(i, 10.0)) for i in range(3)]
    [(0.0, 0.0), (-7.4, 6.8), (1.2, -14.1)]
    """
    radius = spacing * math.sqrt(i)
    return radius * math.cos(i * _GOLDEN_ANGLE), radius * math.sin(i * _GOLDEN_ANGLE)


def _bfs_order(H: nx.Graph) -> list:
    """Nodes in breadth-first order from the best-connected one, so that neighbours come close
    together (ties broken by node order, for stable pages)."""
    start = max(H, key=H.degree)  # the first of the best-connected nodes
    order = [start, *(v for _, v in nx.bfs_edges(H, start))]
    seen = set(order)
    return order + [n for n in H if n not in seen]


def _spiral_layout(H: nx.Graph) -> dict:
    """A large component on one sunflower spiral in breadth-first order, scaled to [-1, 1]."""
    order = _bfs_order(H)
    last = max(1, len(order) - 1)
    return {n: _sunflower(i, 1 / math.sqrt(last)) for i, n in enumerate(order)}


def _anchored_layout(H: nx.Graph, pos: dict, fixed: set, spacing: float) -> dict:
    """Each free node near the fixed nodes it links to: nodes with the same anchors share a
    sunflower below their anchors' centre; free nodes linked only to free nodes follow in
    breadth-first order; the rest go on a spiral below everything."""
    placed = {n: pos[n] for n in fixed}
    groups: dict[tuple, list] = defaultdict(list)
    for n in H:
        if n not in fixed:
            anchors = tuple(sorted(str(m) for m in H[n] if m in fixed))
            groups[anchors].append(n)
    used: dict[tuple, int] = defaultdict(int)  # groups whose anchors share a centre share a disc
    for anchors, members in groups.items():
        if not anchors:
            continue
        points = [placed[m] for m in H[members[0]] if m in fixed]
        centre = (
            round(sum(p[0] for p in points) / len(points), 6),
            round(sum(p[1] for p in points) / len(points) + 3 * spacing, 6),
        )
        for n in members:
            dx, dy = _sunflower(used[centre], spacing)
            used[centre] += 1
            placed[n] = (centre[0] + dx, centre[1] + abs(dy))
    rest = list(groups.get((), []))
    for n in list(rest):  # next to a placed neighbour, if any
        near = next((placed[m] for m in H[n] if m in placed), None)
        if near is not None:
            dx, dy = _sunflower(used[near] + 1, spacing)
            used[near] += 1
            placed[n] = (near[0] + dx, near[1] + abs(dy))
            rest.remove(n)
    bottom = max((p[1] for p in placed.values()), default=0.0) + 6 * spacing
    for i, n in enumerate(rest):
        dx, dy = _sunflower(i, spacing)
        placed[n] = (dx, bottom + abs(dy) + spacing * math.sqrt(len(rest)))
    return placed


def _free_layout(builder: _Builder, seed: int = 7, wrap: float = 2400.0) -> None:
    """Lay out every node with nothing fixed: a spring layout per connected component, sized by
    the component, components packed in rows (largest first)."""
    H = nx.Graph()
    H.add_nodes_from(builder.nodes)
    H.add_edges_from((e["from"], e["to"]) for e in builder.edges)
    x0 = y0 = row_height = 0.0
    for component in sorted(nx.connected_components(H), key=lambda c: (-len(c), min(c))):
        radius = 95.0 * math.sqrt(len(component))
        if len(component) == 1:
            pos = {next(iter(component)): (0.0, 0.0)}
        elif len(component) >= _LARGE:
            pos = _spiral_layout(H.subgraph(component))
        else:
            pos = nx.spring_layout(H.subgraph(component), seed=seed, iterations=100,
                                   method="force")  # fmt: skip
        if x0 > 0 and x0 + 2 * radius > wrap:
            x0, y0, row_height = 0.0, y0 + row_height + 120, 0.0
        for n, (x, y) in pos.items():
            builder.nodes[n]["x"], builder.nodes[n]["y"] = (
                x0 + radius * (1 + x),
                y0 + radius * (1 + y),
            )
        x0 += 2 * radius + 120
        row_height = max(row_height, 2 * radius)


def _spring(builder: _Builder, fixed: set[str], seed: int = 7) -> None:
    """Place the nodes not in ``fixed`` with a NetworkX spring layout around the fixed ones."""
    nodes = builder.nodes
    free = [n for n in nodes if n not in fixed]
    if not free:
        return
    if not fixed:
        _free_layout(builder, seed)
        return
    H = nx.Graph()
    H.add_nodes_from(nodes)
    H.add_edges_from((e["from"], e["to"]) for e in builder.edges)
    scale = 1000.0
    pos = {}
    for n, node in nodes.items():
        if n in fixed:
            pos[n] = (node["x"] / scale, node["y"] / scale)
    for i, n in enumerate(free):
        anchors = [pos[m] for m in H[n] if m in pos]
        if anchors:
            ax = sum(a[0] for a in anchors) / len(anchors)
            ay = sum(a[1] for a in anchors) / len(anchors)
        else:
            ax, ay = 0.0, 0.0
        pos[n] = (ax + 0.03 * math.cos(i), ay + 0.15 + 0.03 * math.sin(i))
    if len(H) >= _LARGE:
        result = _anchored_layout(H, pos, fixed & set(H), spacing=0.04)
    else:
        result = nx.spring_layout(
            H, pos=pos, fixed=list(fixed & set(H)), k=0.09, iterations=60, seed=seed, method="force"
        )
    for n in free:
        nodes[n]["x"], nodes[n]["y"] = result[n][0] * scale, result[n][1] * scale


def region_view(
    G: nx.MultiDiGraph, report: GapReport, labels: LabelIndex | None = None, columns: int = 2
) -> View:
    """Every chain of the region in its own band (bands in ``columns`` columns), cross-chain
    inputs and local producers; the region's claims show as the stages' status."""
    lang = G.graph.get("lang") or report.lang
    builder = _Builder(G, lang, labels, report)
    bands = []
    for chain_gaps in report.chains:
        stages = [s.stage for s in chain_gaps.stages]
        xs = _tier_x(G, stages)
        by_tier: dict[float, list[str]] = defaultdict(list)
        for stage in stages:
            by_tier[xs[stage]].append(stage)
        height = max(len(c) for c in by_tier.values())
        bands.append((chain_gaps, by_tier, height, max(xs.values())))
    width = max((b[3] for b in bands), default=0) + 2 * DX
    column_y = [0.0] * max(1, min(columns, len(bands)))
    all_stages: list[str] = []
    for chain_gaps, by_tier, height, _ in bands:
        column = column_y.index(min(column_y))
        x0, y = column * (width + DX), column_y[column]
        middle = y + (height - 1) * DY / 2
        for x, stages in by_tier.items():
            for i, stage in enumerate(stages):
                builder.add_stage(stage, x0 + x, middle + (i - (len(stages) - 1) / 2) * DY)
                all_stages.append(stage)
        colour = builder.chain_colour(chain_gaps.chain)
        builder.nodes[chain_gaps.chain] = {
            "id": chain_gaps.chain,
            "label": chain_gaps.label,
            "kind": "chain",
            "shape": "text",
            "x": x0 - 0.8 * DX,
            "y": middle,
            "font": {"size": 22, "color": colour, "bold": True},
            "tip": {"head": chain_gaps.label, "rows": [[builder.words["id"], chain_gaps.chain]]},
        }
        builder.chains_seen.add(chain_gaps.chain)
        column_y[column] += height * DY + 2.5 * DY
    _stage_links(builder, set(all_stages))
    builder.add_facts(all_stages, lambda node, stage, kind: None, claims=False)
    fixed = set(all_stages) | {c.chain for c in report.chains}
    _spring(builder, fixed)
    words = builder.words
    title = words["region_title"].format(region=report.region_label)
    return builder.view(title, words["subtitle"].format(region=report.region_label))


def company_view(
    G: nx.MultiDiGraph,
    company: str,
    report: GapReport | None = None,
    labels: LabelIndex | None = None,
) -> View:
    """A company, the stages it makes or builds, their neighbour stages and other producers.

    ``G`` should hold every region's facts (``to_networkx(store)``); ``report`` marks gaps.
    """
    lang = G.graph.get("lang") or (report.lang if report else default_language())
    builder = _Builder(G, lang, labels, report)
    builder.scope = None
    if company not in G:
        raise ViewError("views.no_company_facts", company=company).speaking(lang)
    own = sorted(
        {v for _, v, d in G.out_edges(company, data=True) if d["predicate"] == "cg:produces"}
    )
    neighbours = set(own)
    for stage in own:
        for u, v, d in [*G.in_edges(stage, data=True), *G.out_edges(stage, data=True)]:
            if d["predicate"] in ("cg:nextStage", "cg:inputTo"):
                neighbours.update((u, v))
    for stage in sorted(neighbours):
        builder.add_stage(stage, 0.0, 0.0)
    builder.add_company(company)
    _stage_links(builder, neighbours)
    builder.add_facts(own, lambda node, stage, kind: None, claims=False)
    for fact_node in [n for n in builder.nodes.values() if n["kind"] in ("company", "project")]:
        for _, _, d in G.out_edges(fact_node["id"], data=True):
            if d.get("site") and d["site"] in G and d["predicate"] == "cg:produces":
                builder.add_region(d["site"])
    for u, v, key, d in G.edges(keys=True, data=True):
        if d["predicate"] == "cg:produces" and u in builder.nodes and v in own:
            source = key if key in builder.nodes else u
            if d.get("site") in builder.nodes:
                builder.edge(
                    source, d["site"], "cg:site", color="#c9b26b", width=1, dashes=[2, 3], arrows=""
                )
    xs = _tier_x(G, sorted(neighbours))
    rows: dict[float, int] = defaultdict(int)
    for stage in sorted(neighbours, key=lambda s: (xs[s], s)):
        builder.nodes[stage]["x"] = xs[stage]
        builder.nodes[stage]["y"] = rows[xs[stage]] * DY * 1.4
        rows[xs[stage]] += 1
    _spring(builder, neighbours)
    words = builder.words
    title = words["company_title"].format(company=builder.label(company))
    region_label = report.region_label if report else ""
    return builder.view(title, words["subtitle"].format(region=region_label))


def query_view(
    store: Store,
    query: str,
    *,
    name: str = "",
    lang: str | None = None,
    report: GapReport | None = None,
    G: nx.MultiDiGraph | None = None,
) -> View:
    """The triples of a CONSTRUCT ``query`` on ``store``: IRIs and literals as nodes."""
    lang = lang or default_language()
    if G is None:
        G = to_networkx(store, lang=lang)
    labels = LabelIndex.from_store(store)
    triples = store.construct(query)
    builder = _Builder(G, lang, labels, report)
    projects = {
        d["fact"] for *_, d in G.edges(data=True) if d.get("kind") == "project" and "fact" in d
    }
    w = builder.words

    def node_for(term) -> str:
        if isinstance(term, Literal):
            node_id = f"_literal:{len(builder.nodes)}"
            text = str(term)
            short = text if len(text) <= 24 else text[:23] + "…"
            rows = [[w["value"], text]]
            if term.language:
                rows.append(["lang", term.language])
            elif term.datatype:
                rows.append(["datatype", curie(str(term.datatype))])
            builder.nodes[node_id] = {
                "id": node_id,
                "label": short,
                "kind": "literal",
                "shape": "box",
                "x": 0.0,
                "y": 0.0,
                "color": {"background": "#f4f4f4", "border": "#b0b0b0"},
                "font": {"size": 11},
                "tip": {"head": short, "rows": rows},
            }
            return node_id
        node_id = curie(str(term)) if isinstance(term, URIRef) else f"_:{term}"
        if node_id in builder.nodes:
            return node_id
        kind = G.nodes[node_id].get("kind") if node_id in G else None
        if kind == "stage":
            builder.add_stage(node_id, 0.0, 0.0)
        elif kind == "company":
            builder.add_company(node_id)
        elif kind == "region":
            builder.add_region(node_id)
        elif node_id in projects:
            stage = next(v for *_, v, d in G.edges(data=True) if d.get("fact") == node_id)
            builder.add_project(node_id, stage)
        else:
            label = labels.pick(node_id, lang) if isinstance(term, URIRef) else node_id
            is_chain = kind == "chain"
            colour = builder.chain_colour(node_id) if is_chain else NEUTRAL
            builder.nodes[node_id] = {
                "id": node_id,
                "label": label,
                "kind": "chain" if is_chain else "resource",
                "shape": "ellipse",
                "x": 0.0,
                "y": 0.0,
                "color": {"background": _mix(colour, 0.7), "border": colour},
                "tip": {"head": label, "rows": [[w["id"], node_id]]},
            }
            if is_chain:
                builder.chains_seen.add(node_id)
        return node_id

    for s, p, o in triples:
        if isinstance(s, BNode | URIRef) and isinstance(p, URIRef):
            source, target = node_for(s), node_for(o)
            predicate = curie(str(p))
            builder.edge(
                source,
                target,
                predicate,
                label=labels.pick(predicate, lang),
                color="#8a8a8a",
                width=1.2,
                font={"size": 10, "color": "#555555"},
                tip={"head": predicate, "rows": [[w["predicate"], predicate]]},
            )
    _spring(builder, set())
    title = w["query_title"].format(name=name or "CONSTRUCT")
    region_label = report.region_label if report else ""
    return builder.view(title, w["subtitle"].format(region=region_label))


def build_view(
    workspace: Workspace,
    *,
    region: str = "西宁",
    chain: str | None = None,
    company: str | None = None,
    query: str | None = None,
    query_name: str = "",
) -> View:
    """The view the ``viz`` command draws, from names as a user types them, in the
    workspace's language.

    ``query`` (CONSTRUCT text) wins over ``company``, which wins over ``chain``; with none of
    them, the region overview. A query that would reach outside the machine (``SERVICE``,
    ``LOAD``, a remote ``FROM``) is refused by the store before it runs.
    """
    everything = workspace.projection(None) if query is not None or company else None
    if query is not None:  # the store's own guard refuses an outbound query
        report = workspace.gaps(region)
        return query_view(
            workspace.store,
            query,
            name=query_name,
            lang=workspace.lang,
            report=report,
            G=everything,
        )
    labels = workspace.names.labels
    if company is not None:
        return company_view(everything, workspace.company(company), workspace.gaps(region), labels)
    G = workspace.projection(region)
    if chain is not None:
        report = workspace.gaps(region, [chain])
        return chain_view(G, workspace.chain(chain), report, labels)
    return region_view(G, workspace.gaps(region), labels)


# --------------------------------------------------------------------------- the page

_JSON_ESCAPES = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def script_json(data) -> str:
    """JSON that is safe inside a ``<script>`` element: ``</script>`` cannot close it.

    >>> script_json({"name": "</script><b>&\u2028"})
    '{"name":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026\\\\u2028"}'
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.translate(_JSON_ESCAPES)


@cache
def _static(name: str) -> str:
    return (resources.files("chaingraph.render") / "static" / name).read_text(encoding="utf-8")


def _csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def vis_options(n_nodes: int) -> dict:
    """vis-network options: physics off (positions are computed), hover tooltips."""
    return {
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False},
        "interaction": {"hover": n_nodes <= 2000, "tooltipDelay": 150, "multiselect": True},
        "nodes": {"font": {"size": 14, "face": _FONTS}},
        "edges": {"smooth": False, "selectionWidth": 2},
    }


class OfflineNetwork(Network):
    """A pyvis network rendered with chaingraph's template: one file, no CDN, data as JSON."""

    def __init__(self, view: View, **kwargs) -> None:
        super().__init__(
            directed=True,
            height="100%",
            width="100%",
            cdn_resources="in_line",
            heading=view.title,
            **kwargs,
        )
        self.view = view
        self.environment = Environment(autoescape=select_autoescape(default=True))
        self.template = self.environment.from_string(_static("viz.html.jinja"))

    def generate_html(self, name="index.html", local=True, notebook=False) -> str:
        view = self.view
        vis_js = _static("vis-network/vis-network.min.js")
        page_js = _static("tooltip.js") + "\n" + _static("viz.js")
        payload = {"nodes": self.nodes, "edges": self.edges, "options": self.options}
        csp = (
            f"default-src 'none'; script-src {_csp_hash(vis_js)} {_csp_hash(page_js)}; "
            "style-src 'unsafe-inline'; img-src data:; font-src data:"
        )
        self.html = self.template.render(
            lang=view.lang,
            title=view.title,
            subtitle=view.subtitle,
            legend=view.legend,
            bgcolor=self.bgcolor,
            csp=Markup(csp),
            version=__version__,
            vis_version=VIS_NETWORK_VERSION,
            vis_js=Markup(vis_js),
            page_js=Markup(page_js),
            data_json=Markup(script_json(payload)),
        )
        return self.html

    def write_html(self, name, local=True, notebook=False, open_browser=False) -> None:
        write_html(self.view, name, open_browser=open_browser, network=self)


def to_network(view: View) -> OfflineNetwork:
    """A pyvis network holding the view; nodes and edges assigned in bulk (no add_edge)."""
    net = OfflineNetwork(view)
    net.nodes = view.nodes
    net.edges = view.edges
    net.node_ids = [n["id"] for n in view.nodes]
    net.node_map = {n["id"]: n for n in view.nodes}
    net.toggle_physics(False)
    net.options = vis_options(len(view.nodes))
    return net


def render_html(view: View) -> str:
    """The page for ``view``: one self-contained HTML document."""
    return to_network(view).generate_html()


def write_html(
    view: View,
    path: str | Path,
    *,
    open_browser: bool = False,
    network: OfflineNetwork | None = None,
) -> Path:
    """Write the page atomically to ``path``; open it in the browser if asked."""
    html = (network or to_network(view)).generate_html()
    target = atomic_write(path, html)
    if open_browser:
        webbrowser.open(target.resolve().as_uri())
    return target


def iframe_html(view: View, height: int = 560) -> str:
    """The page for ``view`` inside an ``<iframe srcdoc=...>`` (in a ``<div>``), for Jupyter.

    ``IPython.display.HTML(iframe_html(view))`` draws the graph inline. The whole page is one
    escaped attribute value, so it stays self-contained and offline, keeps its own
    Content-Security-Policy and cannot clash with the notebook's scripts.

    >>> from chaingraph import Workspace
    >>> frame = iframe_html(build_view(Workspace.open(lang="en"), chain="光纤"), height=400)
    >>> frame.startswith('<div class="chaingraph-view"><iframe srcdoc="&lt;!DOCTYPE html&gt;')
    True
    >>> "<script" in frame, frame.endswith("</iframe></div>")
    (False, True)
    """
    import html as htmllib

    page = htmllib.escape(render_html(view), quote=True)
    title = htmllib.escape(view.title, quote=True)
    return (
        f'<div class="chaingraph-view"><iframe srcdoc="{page}" title="{title}" '
        'sandbox="allow-scripts" '
        f'style="width: 100%; height: {int(height)}px; border: 1px solid #ddd"></iframe></div>'
    )
