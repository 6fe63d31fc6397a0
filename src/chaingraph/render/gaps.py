"""The gap report as a table, CSV, JSON or Markdown, in Chinese or English.

>>> from chaingraph import find_gaps, open_store, to_networkx
>>> G = to_networkx(open_store(), "region:CN-630100", lang="en")
>>> report = find_gaps(G, chains=["chain:of"])
>>> print(render_gaps(report, "csv").splitlines()[0])
chain,chain_label,stage,stage_label,position,verdict,gap_class,gap_class_label,rule,producers,capacity,local_inputs,evidence
"""

from __future__ import annotations

import csv
import io
import json

from rich.console import Group
from rich.text import Text

from ..analysis.gaps import GAP_CLASSES, Evidence, GapReport, StageGap
from .tables import console_text, rich_table

__all__ = ["render_gaps"]

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
_WORDS = {
    "zh": {
        "title": "{region}：产业链缺口",
        "chain": "{chain}（完整度 {completeness:.0%}）",
        "claim": "来源声明",
        "pipeline": "在建/规划",
        "implied": "推断",
        "evidence": "证据",
        "rule": "规则",
        "checked": "已查：local-production.rq 与 local-claims.rq 在 {where} "
        "中没有关于 {stage} 的事实",
    },
    "en": {
        "title": "{region}: chain gaps",
        "chain": "{chain} (completeness {completeness:.0%})",
        "claim": "source says so",
        "pipeline": "pipeline",
        "implied": "implied",
        "evidence": "evidence",
        "rule": "rule",
        "checked": "checked: local-production.rq and local-claims.rq find no fact on {stage} "
        "in {where}",
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
    return " + ".join(dict.fromkeys(v for v in values if v))


def _inputs(row: StageGap) -> str:
    return "; ".join(" → ".join(path) for path in row.local_inputs_labels)


def _evidence_lines(row: StageGap, lang: str, scope: list[str]) -> list[str]:
    words = _WORDS[lang]
    lines = [f"    {words['rule']}: {row.rule}"]
    if row.verdict == "missing":
        where = ", ".join(scope)
        lines.append(f"    {words['checked'].format(stage=row.stage, where=where)}")
    for e in (*row.producers, *row.pipeline, *row.claims):
        mode = (e.assertion or "").split(":")[-1]
        confidence = f" {e.confidence:g}" if e.confidence is not None else ""
        where = f" [{e.char_start}:{e.char_end}]" if e.char_start is not None else ""
        lines.append(
            f"    {words['evidence']}: {e.fact} ({e.kind}, {mode}{confidence}) {e.source}{where}"
        )
        if e.text:
            lines.append(f"      “{e.text}”")
    return lines


def _table(report: GapReport, explain: bool) -> str:
    lang = report.lang
    words = _WORDS[lang]
    parts = [Text(words["title"].format(region=report.region_label), style="bold")]
    for chain in report.chains:
        rows = [
            [
                row.position,
                row.label,
                row.verdict_label,
                _gap_label(row, lang),
                _basis(row, lang),
                _capacities(row),
                _inputs(row),
            ]
            for row in chain.stages
        ]
        title = words["chain"].format(chain=chain.label, completeness=chain.completeness)
        parts.append(rich_table(_HEADERS[lang], rows, title=title))
        if explain:
            lines = []
            for row in chain.stages:
                lines.append(
                    f"  {row.label} — {row.verdict_label} {_gap_label(row, lang)}".rstrip()
                )
                lines.extend(_evidence_lines(row, lang, report.regions_in_scope))
            parts.append(Text("\n".join(lines) + "\n"))
    return console_text(Group(*parts), width=200)


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
        ]
    )
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
                ]
            )
    return out.getvalue()


def _markdown(report: GapReport, explain: bool) -> str:
    lang = report.lang
    words = _WORDS[lang]
    out = [f"# {words['title'].format(region=report.region_label)}", ""]
    for chain in report.chains:
        out += [
            f"## {words['chain'].format(chain=chain.label, completeness=chain.completeness)}",
            "",
        ]
        out.append("| " + " | ".join(_HEADERS[lang]) + " |")
        out.append("|" + "---|" * len(_HEADERS[lang]))
        for row in chain.stages:
            cells = [
                str(row.position),
                row.label,
                row.verdict_label,
                _gap_label(row, lang),
                _basis(row, lang),
                _capacities(row),
                _inputs(row),
            ]
            out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        if explain:
            out.append("")
            for row in chain.stages:
                out.append(
                    f"- **{row.label}**: "
                    + "\n  ".join(
                        line.strip() for line in _evidence_lines(row, lang, report.regions_in_scope)
                    )
                )
        out.append("")
    return "\n".join(out)


def render_gaps(report: GapReport, fmt: str = "table", *, explain: bool = False) -> str:
    """The report in ``table``, ``csv``, ``json`` or ``markdown``; JSON always carries evidence."""
    if fmt == "table":
        return _table(report, explain)
    if fmt == "json":
        return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return _csv(report)
    if fmt == "markdown":
        return _markdown(report, explain)
    raise ValueError(f"unknown format {fmt!r}; choose table, json, csv or markdown")
