"""The gap report as a table, CSV, JSON or Markdown, in Chinese or English.

>>> from chaingraph import find_gaps, open_store, to_networkx
>>> G = to_networkx(open_store(), "region:CN-630100", lang="en")
>>> report = find_gaps(G, chains=["chain:of"])
>>> print(render_gaps(report, "csv").splitlines()[0])
chain,chain_label,stage,stage_label,position,verdict,gap_class,gap_class_label,rule,producers,\
capacity,local_inputs,evidence,verdict_detail,weight,capacity_ratio,capacity_status,criticality
"""

from __future__ import annotations

import csv
import io
import json

from rich.console import Group
from rich.text import Text

from ..analysis.gaps import GAP_CLASSES, Evidence, GapReport, StageGap
from ..analysis.overview import GapsOverview
from .registry import register, render
from .tables import console_text, render_rows, rich_table

__all__ = ["render_gaps", "render_gaps_overview"]

_HEADERS = {
    "zh": ["层级", "环节", "判定", "缺口", "本地企业 / 依据", "产能", "本地可供投入"],
    "en": [
        "tier",
        "stage",
        "verdict",
        "gap",
        "local producers / basis",
        "capacity",
        "local inputs",
    ],
}
_SECTION_HEADERS = {
    "zh": {
        "links": ["上游", "下游", "供需比", "状态", "依据"],
        "synergies": ["本地产出", "目标环节", "目标状态", "路径"],
        "single": ["环节", "唯一企业"],
        "hhi": ["环节", "HHI", "份额"],
        "dominators": ["产业链", "环节", "本地", "控制的下游环节"],
        "articulation": ["产业链", "环节", "本地"],
        "betweenness": ["企业", "介数", "环节"],
    },
    "en": {
        "links": ["from", "to", "ratio", "status", "basis"],
        "synergies": ["local output", "target stage", "target state", "path"],
        "single": ["stage", "only producer"],
        "hhi": ["stage", "HHI", "shares"],
        "dominators": ["chain", "stage", "local", "dominates"],
        "articulation": ["chain", "stage", "local"],
        "betweenness": ["company", "betweenness", "stages"],
    },
}
LEVEL_LABELS = {
    "zh": {"park": "园区", "zone": "开发区", "city": "市", "province": "省", "country": "国家"},
    "en": {},
}
STATE_LABELS = {
    "zh": {
        "missing": "空白",
        "weak": "薄弱",
        "asserted only": "仅声明",
        "shortfall": "不足",
        "surplus": "富余",
        "balanced": "平衡",
        "data gap": "数据缺口",
    },
    "en": {},
}
# Evidence kinds and assertion modes in the --explain lines (English as the data spells them).
_EVIDENCE_TERMS = {
    "zh": {
        "production": "生产",
        "project": "项目",
        "claim": "地区声明",
        "capacity": "地区产能",
        "Stated": "明确陈述",
        "Implied": "隐含",
        "GeneralKnowledge": "行业常识",
    },
    "en": {},
}
# The per-stage criticality notes of the CSV.
_NOTES = {
    "zh": {
        "single": "单一来源：{company}",
        "hhi": "HHI {hhi}",
        "dominates": "支配 {n} 个环节",
        "articulation": "关节点",
        "sep": "；",
    },
    "en": {
        "single": "single source: {company}",
        "hhi": "HHI {hhi}",
        "dominates": "dominates {n} stages",
        "articulation": "articulation point",
        "sep": "; ",
    },
}
_WORDS = {
    "zh": {
        "title": "{region}：产业链缺口",
        "chain": "{chain}（完整度 {completeness:.0%}）",
        "claim": "来源声明",
        "pipeline": "在建/规划",
        "implied": "推断",
        "evidence": "证据",
        "rule": "规则",
        "none": "—",
        "checked": "已查：local-production.rq 与 local-claims.rq 在 {where} "
        "中没有关于 {stage} 的事实",
        "weighted": "加权 {weighted:.0%}",
        "scope": "范围：{scope}（{level}）；强链阈值 {threshold:g}",
        "as_of": "；截至 {year} 年",
        "links": "产能平衡（本地供给折算为下游单位 ÷ 下游本地需求）",
        "data_gaps": "数据缺口（产能未知，不作推测）",
        "synergies": "延链机会：本地产出可作其他产业链空白或薄弱环节的投入",
        "criticality": "关键性",
        "single": "单一来源环节",
        "hhi": "产能集中度（HHI）",
        "dominators": "支配环节",
        "articulation": "关节点环节",
        "betweenness": "企业介数中心性",
        "scope_evidence": "范围内",
        "balance": "产能",
        "no_hub": "没有连接不同环节的企业（介数均为 0）",
    },
    "en": {
        "title": "{region}: chain gaps",
        "chain": "{chain} (completeness {completeness:.0%})",
        "claim": "source says so",
        "pipeline": "pipeline",
        "implied": "implied",
        "evidence": "evidence",
        "rule": "rule",
        "none": "—",
        "checked": "checked: local-production.rq and local-claims.rq find no fact on {stage} "
        "in {where}",
        "weighted": "weighted {weighted:.0%}",
        "scope": "scope: {scope} ({level}); 强链 threshold {threshold:g}",
        "as_of": "; as of {year}",
        "links": "Capacity balance (local supply in the next stage's units ÷ its local demand)",
        "data_gaps": "Data gaps (capacity unknown, not guessed)",
        "synergies": "延链 opportunities: local outputs that feed missing or weak stages of "
        "other chains",
        "criticality": "Criticality",
        "single": "Single-source stages",
        "hhi": "Concentration of local capacity (HHI)",
        "dominators": "Dominator stages",
        "articulation": "Articulation stages",
        "betweenness": "Company betweenness",
        "scope_evidence": "in scope",
        "balance": "capacity",
        "no_hub": "no company bridges stages (all 0)",
    },
}


def _gap_label(row: StageGap, lang: str) -> str:
    if not row.gap_class:
        return ""
    names = GAP_CLASSES[row.gap_class]
    return names["zh"] if lang == "zh" else f"{names['zh']} {names['en']}"


def _capacity(evidence: Evidence) -> str | None:
    if evidence.stated_as:
        return evidence.stated_as
    if evidence.capacity is not None:
        unit = (evidence.unit or "").split(":")[-1]
        return f"{evidence.capacity:g} {unit}".strip()
    return None


def _producer(evidence: Evidence, lang: str) -> str:
    text = evidence.subject_label
    if evidence.assertion not in (None, "cg:Stated"):
        text += f" ({_WORDS[lang]['implied']} {evidence.confidence:g})"
    return text


def _basis(row: StageGap, lang: str) -> str:
    words = _WORDS[lang]
    parts = [_producer(p, lang) for p in row.producers]
    parts = list(dict.fromkeys(parts))
    if not parts and row.claims:
        parts.append(words["claim"])
    pipeline = list(dict.fromkeys(p.subject_label for p in row.pipeline))
    if pipeline:
        parts.append(f"{words['pipeline']}: " + ", ".join(pipeline))
    return "; ".join(parts)


def _capacities(row: StageGap) -> str:
    values = [_capacity(e) for e in (*row.producers, *row.claims)]
    text = " + ".join(dict.fromkeys(v for v in values if v))
    ratios = [k for k in row.balance if k.get("ratio") is not None]
    if ratios:
        worst = min(ratios, key=lambda k: k["ratio"])
        text += f" (×{worst['ratio']:.2f} → {worst['to_label']})"
    return text.strip()


def _verdict(row: StageGap) -> str:
    if row.verdict_detail:
        return f"{row.verdict_label} ({row.verdict_detail})"
    return row.verdict_label


def _ratio(row: StageGap) -> tuple[str, str]:
    ratios = [k for k in row.balance if k.get("ratio") is not None]
    if ratios:
        worst = min(ratios, key=lambda k: k["ratio"])
        return f"{worst['ratio']:.3f}", worst["status"]
    if any(k["status"] == "data gap" for k in row.balance):
        return "", "data gap"
    return "", ""


def _inputs(row: StageGap) -> str:
    return "; ".join(" → ".join(path) for path in row.local_inputs_labels)


def _evidence_lines(row: StageGap, lang: str, scope: list[str]) -> list[str]:
    words, terms, states = _WORDS[lang], _EVIDENCE_TERMS[lang], STATE_LABELS[lang]
    lines = [f"    {words['rule']}: {row.rule}"]
    if row.verdict == "missing":
        where = ", ".join(scope)
        lines.append(f"    {words['checked'].format(stage=row.stage, where=where)}")
    for link in row.balance:
        facts = " ".join(link.get("facts") or [])
        source = f" {link['factor_source']}" if link.get("factor_source") else ""
        status = states.get(link["status"], link["status"])
        lines.append(f"    {words['balance']}: {status}: {link['rule']}{source}")
        if facts:
            lines.append(f"      {words['evidence']}: {facts}")
    for e in row.scope_producers:
        where = f"    {words['scope_evidence']}: {e.subject_label} — {e.fact}"
        lines.append(f"{where} {e.source or ''}".rstrip())
    for e in (*row.producers, *row.pipeline, *row.claims):
        mode = (e.assertion or "").split(":")[-1]
        mode = terms.get(mode, mode)
        kind = terms.get(e.kind, e.kind)
        confidence = f" {e.confidence:g}" if e.confidence is not None else ""
        where = f" [{e.char_start}:{e.char_end}]" if e.char_start is not None else ""
        lines.append(
            f"    {words['evidence']}: {e.fact} ({kind}, {mode}{confidence}) {e.source}{where}"
        )
        if e.text:
            lines.append(f"      “{e.text}”")
    return lines


def _header(report: GapReport) -> str:
    words = _WORDS[report.lang]
    text = words["scope"].format(
        scope=report.scope_region_label or report.region_label,
        level=LEVEL_LABELS[report.lang].get(report.scope or "", report.scope or ""),
        threshold=report.threshold,
    )
    if report.as_of is not None:
        text += words["as_of"].format(year=report.as_of)
    return text


def _chain_title(chain, lang: str) -> str:
    words = _WORDS[lang]
    title = words["chain"].format(chain=chain.label, completeness=chain.completeness)
    weighted = words["weighted"].format(weighted=chain.weighted_completeness)
    return title[:-1] + ("，" if lang == "zh" else ", ") + weighted + title[-1]


def _sections(report: GapReport) -> list[tuple[str, list[str], list[list]]]:
    """The report's sections after the chain tables: (title, headers, rows)."""
    lang = report.lang
    words, heads = _WORDS[lang], _SECTION_HEADERS[lang]
    sections = []
    links = [k for k in report.capacity_links if k["status"] != "data gap"]
    if links:
        rows = [
            [
                k["from_label"],
                k["to_label"],
                f"{k['ratio']:.2f}",
                STATE_LABELS[lang].get(k["status"], k["status"]) + (" 强链" if k["weak"] else ""),
                k["rule"],
            ]
            for k in links
        ]
        sections.append((words["links"], heads["links"], rows))
    if report.data_gaps:
        labels = {k["from_stage"]: k["from_label"] for k in report.capacity_links}
        labels.update({k["to_stage"]: k["to_label"] for k in report.capacity_links})
        rows = [
            [
                labels.get(d["stage"], d["stage"]),
                labels.get(d["next_stage"], d["next_stage"]),
                "",
                STATE_LABELS[lang].get("data gap", "data gap"),
                d["what"],
            ]
            for d in report.data_gaps
        ]
        sections.append((words["data_gaps"], heads["links"], rows))
    if report.synergies:
        states = STATE_LABELS[lang]
        rows = [
            [
                s["source_label"],
                s["target_label"],
                states.get(s["target_state"], s["target_state"]),
                " → ".join(s["path_labels"]),
            ]
            for s in report.synergies
        ]
        sections.append((words["synergies"], heads["synergies"], rows))
    crit = report.criticality
    if crit:
        meanings = crit["meanings"]
        chain_names = {c.chain: c.label for c in report.chains}
        stage_names = {r.stage: r.label for c in report.chains for r in c.stages}
        if crit["single_source"]:
            rows = [[r["label"], r["company_label"]] for r in crit["single_source"]]
            sections.append(
                (f"{words['single']}: {meanings['single_source']}", heads["single"], rows)
            )
        if crit["concentration"]:
            companies = {
                e.subject: e.subject_label
                for c in report.chains
                for r in c.stages
                for e in r.producers
            }
            rows = [
                [
                    r["label"],
                    f"{r['hhi']:.2f}",
                    ", ".join(f"{companies.get(c, c)} {v:.0%}" for c, v in r["shares"].items()),
                ]
                for r in crit["concentration"]
            ]
            sections.append((f"{words['hhi']}: {meanings['concentration']}", heads["hhi"], rows))
        rows = [
            [
                chain_names.get(r["chain"], r["chain"]),
                r["label"],
                "✓" if r["local"] else "",
                ", ".join(stage_names.get(s, s) for s in r["dominates"]),
            ]
            for r in crit["dominators"]
        ]
        if rows:
            sections.append(
                (f"{words['dominators']}: {meanings['dominators']}", heads["dominators"], rows)
            )
        rows = [
            [chain_names.get(r["chain"], r["chain"]), r["label"], "✓" if r["local"] else ""]
            for r in crit["articulation"]
        ]
        if rows:
            sections.append(
                (
                    f"{words['articulation']}: {meanings['articulation']}",
                    heads["articulation"],
                    rows,
                )
            )
        rows = [
            [
                r["label"],
                f"{r['betweenness']:.3f}",
                ", ".join(r.get("stage_labels") or r["stages"]),
            ]
            for r in crit["betweenness"]
            if r["betweenness"] > 0
        ]
        note = crit["betweenness_method"]["note"]
        note = f"（{note}）" if lang == "zh" else f" ({note})"
        title = f"{words['betweenness']}: {meanings['betweenness']}{note}"
        if not rows:
            rows = [[words["no_hub"], "0", ""]]
        sections.append((title, heads["betweenness"], rows))
    return sections


@register(GapReport, "table")
def _table(report: GapReport, *, explain: bool = False) -> str:
    lang = report.lang
    words = _WORDS[lang]
    parts = [
        Text(words["title"].format(region=report.region_label), style="bold"),
        Text(_header(report)),
    ]
    for chain in report.chains:
        rows = [
            [
                row.position,
                row.label,
                _verdict(row),
                _gap_label(row, lang),
                _basis(row, lang),
                _capacities(row),
                _inputs(row),
            ]
            for row in chain.stages
        ]
        parts.append(Text(_chain_title(chain, lang), style="bold"))
        parts.append(rich_table(_HEADERS[lang], rows))
        if explain:
            lines = []
            for row in chain.stages:
                head = f"  {row.label} — {_verdict(row)} {_gap_label(row, lang)}"
                lines.append(head.rstrip())
                lines.extend(_evidence_lines(row, lang, report.regions_in_scope))
            parts.append(Text("\n".join(lines) + "\n"))
    for title, headers, rows in _sections(report):
        parts.append(Text(title, style="bold"))
        parts.append(rich_table(headers, rows))
    return console_text(Group(*parts), width=200)


def _critical_notes(report: GapReport) -> dict[str, str]:
    """One short note per stage: single source, HHI, what it dominates, articulation point."""
    crit = report.criticality or {}
    words = _NOTES.get(report.lang, _NOTES["en"])
    notes: dict[str, list[str]] = {}
    for r in crit.get("single_source", []):
        notes.setdefault(r["stage"], []).append(words["single"].format(company=r["company"]))
    for r in crit.get("concentration", []):
        notes.setdefault(r["stage"], []).append(words["hhi"].format(hhi=f"{r['hhi']:.2f}"))
    for r in crit.get("dominators", []):
        notes.setdefault(r["stage"], []).append(words["dominates"].format(n=len(r["dominates"])))
    for r in crit.get("articulation", []):
        notes.setdefault(r["stage"], []).append(words["articulation"])
    return {stage: words["sep"].join(items) for stage, items in notes.items()}


@register(GapReport, "json")
def _json(report: GapReport) -> str:
    """Always with the evidence."""
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"


@register(GapReport, "csv")
def _csv(report: GapReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "chain",
            "chain_label",
            "stage",
            "stage_label",
            "position",
            "verdict",
            "gap_class",
            "gap_class_label",
            "rule",
            "producers",
            "capacity",
            "local_inputs",
            "evidence",
            "verdict_detail",
            "weight",
            "capacity_ratio",
            "capacity_status",
            "criticality",
        ]
    )
    critical = _critical_notes(report)
    for chain in report.chains:
        for row in chain.stages:
            facts = [e.fact for e in (*row.producers, *row.pipeline, *row.claims)]
            writer.writerow(
                [
                    chain.chain,
                    chain.label,
                    row.stage,
                    row.label,
                    row.position,
                    row.verdict,
                    row.gap_class or "",
                    row.gap_class_label or "",
                    row.rule,
                    "; ".join(row.producer_labels),
                    _capacities(row),
                    _inputs(row),
                    " ".join(dict.fromkeys(facts)),
                    row.verdict_detail or "",
                    row.weight,
                    *_ratio(row),
                    critical.get(row.stage, ""),
                ]
            )
    return out.getvalue()


@register(GapReport, "markdown")
def _markdown(report: GapReport, *, explain: bool = False) -> str:
    lang = report.lang
    words = _WORDS[lang]
    out = [f"# {words['title'].format(region=report.region_label)}", "", _header(report), ""]
    for chain in report.chains:
        out += [f"## {_chain_title(chain, lang)}", ""]
        out.append("| " + " | ".join(_HEADERS[lang]) + " |")
        out.append("|" + "---|" * len(_HEADERS[lang]))
        for row in chain.stages:
            cells = [
                str(row.position),
                row.label,
                _verdict(row),
                _gap_label(row, lang),
                _basis(row, lang),
                _capacities(row),
                _inputs(row),
            ]
            out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        if explain:
            out.append("")
            for row in chain.stages:
                lines = (
                    line.strip() for line in _evidence_lines(row, lang, report.regions_in_scope)
                )
                out.append(f"- **{row.label}**: " + "\n  ".join(lines))
        out.append("")
    for title, headers, rows in _sections(report):
        out += [f"## {title}", "", render_rows(headers, rows, "markdown"), ""]
    return "\n".join(out)


def render_gaps(report: GapReport, fmt: str = "table", *, explain: bool = False) -> str:
    """The report in ``table``, ``json``, ``csv``, ``markdown`` or any format registered for
    :class:`~chaingraph.analysis.gaps.GapReport`; JSON always carries evidence."""
    return render(report, fmt, explain=explain)


_OVERVIEW_HEADERS = {
    "zh": [
        "地区",
        "代码",
        "产业链数",
        "有本地环节的产业链",
        "有企业",
        "仅有声明",
        "缺失",
        "补链",
        "延链",
        "强链",
        "建链",
    ],
    "en": [
        "region",
        "id",
        "chains",
        "chains with a local stage",
        "present",
        "asserted",
        "missing",
        "补链 fill",
        "延链 extend",
        "强链 strengthen",
        "建链 build",
    ],
}
_OVERVIEW_CSV = [
    "region",
    "label",
    "level",
    "n_chains",
    "chains",
    "chain_labels",
    "present",
    "asserted",
    "missing",
    "fill",
    "extend",
    "strengthen",
    "build",
]
_OVERVIEW_WORDS = {
    "zh": {
        "title": "各{level}产业链缺口概览",
        "regions": "{n} 个地区；强链阈值 {threshold:g}",
        "as_of": "；截至 {year} 年",
        "chains": "；产业链：{chains}",
        "sep": "、",
    },
    "en": {
        "title": "Chain gaps by {level}",
        "regions": "{n} regions; 强链 threshold {threshold:g}",
        "as_of": "; as of {year}",
        "chains": "; chains: {chains}",
        "sep": ", ",
    },
}


def _overview_rows(summaries, lang: str) -> list[list]:
    sep = _OVERVIEW_WORDS[lang]["sep"]
    return [
        [
            s.label,
            s.region,
            s.n_chains,
            sep.join(s.chain_labels),
            s.present,
            s.asserted,
            s.missing,
            s.fill,
            s.extend,
            s.strengthen,
            s.build,
        ]
        for s in summaries
    ]


def render_gaps_overview(
    summaries,
    fmt: str = "table",
    *,
    lang: str = "zh",
    level: str = "city",
    threshold: float = 0.5,
    as_of: int | None = None,
    chains: list[str] | None = None,
    chain_labels: list[str] | None = None,
) -> str:
    """Region summaries (see :func:`~chaingraph.analysis.overview.gaps_overview`) in ``table``,
    ``json``, ``csv``, ``markdown`` or any format registered for
    :class:`~chaingraph.analysis.overview.GapsOverview`.

    ``level``, ``threshold``, ``as_of`` and ``chains`` (CURIEs; ``chain_labels`` to show them)
    are what the overview was made with; they go into the title line and the JSON.

    >>> from chaingraph import open_store, to_networkx
    >>> from chaingraph.analysis.overview import gaps_overview
    >>> G = to_networkx(open_store(), lang="en")
    >>> text = render_gaps_overview(gaps_overview(G, level="zone"), "markdown", lang="en",
    ...                             level="zone")
    >>> print(text.splitlines()[0])
    # Chain gaps by zone
    """
    overview = GapsOverview(summaries, level=level, threshold=threshold, as_of=as_of, chains=chains)
    return render(overview, fmt, lang=lang, chain_labels=chain_labels)


@register(GapsOverview, "table")
def _overview_table(
    overview: GapsOverview, *, lang: str = "zh", chain_labels: list[str] | None = None
) -> str:
    title, line = _overview_title(overview, lang, chain_labels)
    headers, rows = _OVERVIEW_HEADERS[lang], _overview_rows(overview, lang)
    parts = [Text(title, style="bold"), Text(line), rich_table(headers, rows)]
    return console_text(Group(*parts), width=200)


@register(GapsOverview, "json")
def _overview_json(overview: GapsOverview, *, lang: str = "zh") -> str:
    data = {
        "schema": "chaingraph.gaps-overview/1",
        "level": overview.level,
        "lang": lang,
        "threshold": overview.threshold,
        "as_of": overview.as_of,
        "chains": list(overview.chains) if overview.chains else None,
        "regions": [s.to_dict() for s in overview],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


@register(GapsOverview, "csv")
def _overview_csv(overview: GapsOverview) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_OVERVIEW_CSV)
    for s in overview:
        row = s.to_dict()
        row["chains"] = " ".join(s.chains)
        row["chain_labels"] = "; ".join(s.chain_labels)
        writer.writerow([row[k] for k in _OVERVIEW_CSV])
    return out.getvalue()


@register(GapsOverview, "markdown")
def _overview_markdown(
    overview: GapsOverview, *, lang: str = "zh", chain_labels: list[str] | None = None
) -> str:
    title, line = _overview_title(overview, lang, chain_labels)
    table = render_rows(_OVERVIEW_HEADERS[lang], _overview_rows(overview, lang), "markdown")
    return "\n".join([f"# {title}", "", line, "", table, ""])


def _overview_title(
    overview: GapsOverview, lang: str, chain_labels: list[str] | None
) -> tuple[str, str]:
    """The title and the line under it: level, number of regions, threshold, year, chains."""
    words = _OVERVIEW_WORDS[lang]
    title = words["title"].format(level=LEVEL_LABELS[lang].get(overview.level, overview.level))
    line = words["regions"].format(n=len(overview), threshold=overview.threshold)
    if overview.as_of is not None:
        line += words["as_of"].format(year=overview.as_of)
    if overview.chains:
        line += words["chains"].format(chains=words["sep"].join(chain_labels or overview.chains))
    return title, line
