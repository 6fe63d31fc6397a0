"""Targets (招商), impact and diff results as a table, JSON, CSV or Markdown.

>>> print(render_targets([], "csv"), end="")
stage,stage_label,state,gap_class,rank,company,company_label,sites,capacity,score,reasons,facts
"""

from __future__ import annotations

import json

from rich.console import Group
from rich.text import Text

from ..analysis.gaps import GAP_CLASSES, VERDICT_LABELS
from ..analysis.impact import ImpactResult
from ..analysis.targets import Targets
from ..analysis.timeline import DiffResult
from .gaps import STATE_LABELS
from .registry import register, render
from .tables import console_text, render_rows, rich_table

__all__ = ["render_diff", "render_impact", "render_targets"]

_TARGET_COLUMNS = [
    "stage",
    "stage_label",
    "state",
    "gap_class",
    "rank",
    "company",
    "company_label",
    "sites",
    "capacity",
    "score",
    "reasons",
    "facts",
]
_TARGET_HEADERS = {
    "zh": ["环节", "状态", "排名", "企业", "所在地", "产能", "得分", "理由"],
    "en": ["stage", "state", "rank", "company", "site", "capacity", "score", "reasons"],
}
_WORDS = {
    "zh": {
        "targets": "{region}：招商目标（区外企业，按得分排序）",
        "no_targets": "图中没有区外企业生产这些缺失或薄弱环节。",
        "impact_remove": "{region}：若 {subject} 退出",
        "impact_complete": "{region}：若 {subject} 建成投产",
        "lost": "失去最后一家本地企业的环节",
        "gained": "新增本地企业的环节",
        "downstream": "失去本地供给的下游环节",
        "capacity": "失去的产能",
        "closed": "关闭的缺口",
        "opened": "新出现的缺口",
        "reclassified": "类别改变的缺口",
        "completeness": "完整度",
        "diff": "{region}：{a} → {b} 的变化",
        "projects": "投产项目",
        "added": "新增产能",
        "verdicts": "判定变化",
        "none": "（无）",
    },
    "en": {
        "targets": "{region}: investment targets (companies outside the region, by score)",
        "no_targets": "No company outside the region produces these missing or weak stages "
        "in the graph.",
        "impact_remove": "{region}: if {subject} leaves",
        "impact_complete": "{region}: if {subject} is completed",
        "lost": "Stages that lose their last local producer",
        "gained": "Stages that gain a local producer",
        "downstream": "Downstream stages that lose local supply",
        "capacity": "Capacity lost",
        "closed": "Gaps closed",
        "opened": "Gaps opened",
        "reclassified": "Gaps reclassified",
        "completeness": "Completeness",
        "diff": "{region}: changes {a} → {b}",
        "projects": "Projects that came into production",
        "added": "Capacity added",
        "verdicts": "Verdict changes",
        "none": "(none)",
    },
}


# Column headers and values of the impact and diff sections in Chinese (English as written).
_COLUMNS_ZH = {
    "stage": "环节",
    "now": "现在",
    "gap": "缺口",
    "rule": "规则",
    "loses": "失去的上游",
    "link": "联系",
    "capacity": "产能",
    "before": "之前",
    "rule now": "现在的规则",
    "chain": "产业链",
    "after": "之后",
    "weighted before": "加权（之前）",
    "weighted after": "加权（之后）",
    "year": "年份",
    "project": "项目",
    "company": "企业",
    "facts": "事实",
    "from": "原判定",
    "to": "现判定",
}
_LINKS_ZH = {"cg:nextStage": "上下游", "cg:inputTo": "跨链投入"}
_REASON_SEP = {"zh": "；", "en": "; "}


def _columns(headers: list[str], lang: str) -> list[str]:
    return [_COLUMNS_ZH.get(h, h) for h in headers] if lang == "zh" else headers


def _verdict(verdict: str, lang: str) -> str:
    return VERDICT_LABELS[verdict][lang] if verdict in VERDICT_LABELS else verdict


def _gap(gap_class: str | None) -> str:
    return GAP_CLASSES[gap_class]["zh"] if gap_class else ""


def _dump(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _sections_markdown(
    title: str, sections: list[tuple[str, list[str], list[list]]], lang: str
) -> str:
    none = _WORDS[lang]["none"]
    out = [f"# {title}", ""]
    for name, headers, rows in sections:
        out += [f"## {name}", ""]
        out += [render_rows(headers, rows, "markdown") if rows else none, ""]
    return "\n".join(out)


def _sections_table(
    title: str, sections: list[tuple[str, list[str], list[list]]], lang: str
) -> str:
    none = _WORDS[lang]["none"]
    parts = [Text(title, style="bold")]
    for name, headers, rows in sections:
        parts.append(Text(name, style="bold"))
        parts.append(rich_table(headers, rows) if rows else Text(f"  {none}\n"))
    return console_text(Group(*parts), width=200)


def render_targets(targets, fmt: str = "table", *, lang: str = "en", region_label: str = "") -> str:
    """Targets from :func:`~chaingraph.analysis.targets.find_targets` in ``fmt`` (``table``,
    ``json``, ``csv``, ``markdown`` or any format registered for ``Targets``)."""
    return render(Targets(targets), fmt, lang=lang, region_label=region_label)


@register(Targets, "table")
def _targets_table(targets: Targets, *, lang: str = "en", region_label: str = "") -> str:
    title, rows = _targets_title(lang, region_label), _target_rows(targets, lang)
    if not rows:
        return f"{title}\n{_WORDS[lang]['no_targets']}\n"
    return console_text(
        Group(Text(title, style="bold"), rich_table(_TARGET_HEADERS[lang], rows)), width=200
    )


@register(Targets, "json")
def _targets_json(targets: Targets) -> str:
    return _dump({"schema": "chaingraph.targets/1", "targets": [t.to_dict() for t in targets]})


@register(Targets, "csv")
def _targets_csv(targets: Targets) -> str:
    rows = [
        [
            d["stage"],
            d["stage_label"],
            d["state"],
            d["gap_class"] or "",
            d["rank"],
            d["company"],
            d["company_label"] + (f" ({d['group_label']})" if d.get("group_label") else ""),
            "; ".join(d["site_labels"]),
            d["capacity"] or "",
            d["score"],
            "; ".join(d["reasons"]),
            " ".join(d["facts"]),
        ]
        for d in (t.to_dict() for t in targets)
    ]
    return render_rows(_TARGET_COLUMNS, rows, "csv")


@register(Targets, "markdown")
def _targets_markdown(targets: Targets, *, lang: str = "en", region_label: str = "") -> str:
    title, rows = _targets_title(lang, region_label), _target_rows(targets, lang)
    if not rows:
        return f"{title}\n{_WORDS[lang]['no_targets']}\n"
    return f"# {title}\n\n" + render_rows(_TARGET_HEADERS[lang], rows, "markdown") + "\n"


def _targets_title(lang: str, region_label: str) -> str:
    return _WORDS[lang]["targets"].format(region=region_label)


def _target_rows(targets: Targets, lang: str) -> list[list]:
    """The rows people read: labels, the state in words, reasons joined."""
    return [
        [
            f"{d['stage_label']} {_gap(d['gap_class'])}".strip(),
            STATE_LABELS[lang].get(d["state"], d["state"]),
            d["rank"],
            d["company_label"] + (f" ({d['group_label']})" if d.get("group_label") else ""),
            ", ".join(d["site_labels"]),
            d["capacity"] or "",
            f"{d['score']:g}",
            _REASON_SEP[lang].join(d["reasons"]),
        ]
        for d in (t.to_dict() for t in targets)
    ]


def _impact_sections(result: dict, lang: str):
    words = _WORDS[lang]
    sections = []
    if result["mode"] == "remove":
        sections.append(
            (
                words["lost"],
                _columns(["stage", "now", "gap", "rule"], lang),
                [
                    [r["label"], _verdict(r["verdict"], lang), _gap(r["gap_class"]), r["rule"]]
                    for r in result["stages_lost"]
                ],
            )
        )
        sections.append(
            (
                words["downstream"],
                _columns(["stage", "loses", "link"], lang),
                [
                    [
                        r["label"],
                        r["loses_label"],
                        _LINKS_ZH.get(r["link"], r["link"]) if lang == "zh" else r["link"],
                    ]
                    for r in result["downstream_lost_supply"]
                ],
            )
        )
        sections.append(
            (
                words["capacity"],
                _columns(["stage", "capacity"], lang),
                [[r["label"], r["text"]] for r in result["capacity_lost"].values()],
            )
        )
    else:
        sections.append(
            (
                words["gained"],
                _columns(["stage", "before", "gap", "rule"], lang),
                [
                    [r["label"], _verdict(r["before"], lang), _gap(r["gap_class"]), r["rule"]]
                    for r in result["stages_gained"]
                ],
            )
        )
    sections.append(
        (
            words["closed"],
            _columns(["stage", "gap", "now", "rule now"], lang),
            [
                [r["label"], _gap(r["gap_class"]), _gap(r["now"]), r["now_rule"]]
                for r in result["gaps_closed"]
            ],
        )
    )
    sections.append(
        (
            words["opened"],
            _columns(["stage", "gap", "before", "rule"], lang),
            [
                [r["label"], _gap(r["gap_class"]), _gap(r["before"]), r["rule"]]
                for r in result["gaps_opened"]
            ],
        )
    )
    sections.append(
        (
            words["reclassified"],
            _columns(["stage", "before", "now", "rule"], lang),
            [
                [r["label"], _gap(r["before"]), _gap(r["gap_class"]), r["rule"]]
                for r in result["gaps_reclassified"]
            ],
        )
    )
    sections.append(
        (
            words["completeness"],
            _columns(["chain", "before", "after", "weighted before", "weighted after"], lang),
            [
                [
                    c["label"],
                    f"{c['before']:.0%}",
                    f"{c['after']:.0%}",
                    f"{c['weighted_before']:.0%}",
                    f"{c['weighted_after']:.0%}",
                ]
                for c in result["completeness"].values()
                if c["before"] != c["after"] or c["weighted_before"] != c["weighted_after"]
            ],
        )
    )
    return sections


def render_impact(result: dict, fmt: str = "table", *, lang: str = "en") -> str:
    """A result of :func:`~chaingraph.analysis.impact.impact` in ``fmt`` (``table``, ``json``,
    ``csv``, ``markdown`` or any format registered for ``ImpactResult``)."""
    return render(ImpactResult(result), fmt, lang=lang)


def _impact_title(result: dict, lang: str) -> str:
    key = "impact_remove" if result["mode"] == "remove" else "impact_complete"
    title = _WORDS[lang][key].format(region=result["region_label"], subject=result["subject_label"])
    return title + f" ({', '.join(result['facts'])})"


@register(ImpactResult, "table")
def _impact_table(result: ImpactResult, *, lang: str = "en") -> str:
    return _sections_table(_impact_title(result, lang), _impact_sections(result, lang), lang)


@register(ImpactResult, "json")
def _impact_json(result: ImpactResult) -> str:
    return _dump(result)


@register(ImpactResult, "csv")
def _impact_csv(result: ImpactResult, *, lang: str = "en") -> str:
    return _sections_csv(_impact_sections(result, lang))


@register(ImpactResult, "markdown")
def _impact_markdown(result: ImpactResult, *, lang: str = "en") -> str:
    title = _impact_title(result, lang)
    return _sections_markdown(title, _impact_sections(result, lang), lang)


def _sections_csv(sections: list[tuple[str, list[str], list[list]]]) -> str:
    """Every section's rows in one CSV: the section's name, then up to five cells."""
    rows = [[name, *map(str, row)] for name, _, rows in sections for row in rows]
    return render_rows(
        ["section", "item", "detail", "detail2", "detail3", "detail4"],
        [(r + [""] * 6)[:6] for r in rows],
        "csv",
    )


def _diff_sections(result: dict, lang: str):
    words = _WORDS[lang]
    return [
        (
            words["projects"],
            _columns(["year", "project", "company", "stage", "capacity"], lang),
            [
                [p["year"], p["fact"], p["company_label"], p["stage_label"], p["capacity"] or ""]
                for p in result["projects_completed"]
            ],
        ),
        (
            words["added"],
            _columns(["stage", "capacity", "facts"], lang),
            [
                [c["label"], c["text"], " ".join(c["facts"])]
                for c in result["capacity_added"].values()
            ],
        ),
        (
            words["closed"],
            _columns(["stage", "gap", "now", "rule now"], lang),
            [
                [r["label"], _gap(r["gap_class"]), _gap(r["now"]), r["now_rule"]]
                for r in result["gaps_closed"]
            ],
        ),
        (
            words["opened"],
            _columns(["stage", "gap", "before", "rule"], lang),
            [
                [r["label"], _gap(r["gap_class"]), _gap(r["before"]), r["rule"]]
                for r in result["gaps_opened"]
            ],
        ),
        (
            words["reclassified"],
            _columns(["stage", "before", "now", "rule"], lang),
            [
                [r["label"], _gap(r["before"]), _gap(r["gap_class"]), r["rule"]]
                for r in result["gaps_reclassified"]
            ],
        ),
        (
            words["verdicts"],
            _columns(["stage", "from", "to"], lang),
            [
                [r["label"], _verdict(r["from"], lang), _verdict(r["to"], lang)]
                for r in result["verdict_changes"]
            ],
        ),
        (
            words["completeness"],
            _columns(["chain", str(result["from"]), str(result["to"])], lang),
            [
                [c["label"], f"{c['from']:.0%}", f"{c['to']:.0%}"]
                for c in result["completeness"].values()
                if c["from"] != c["to"]
            ],
        ),
    ]


def render_diff(result: dict, fmt: str = "table", *, lang: str = "en") -> str:
    """A result of :func:`~chaingraph.analysis.timeline.diff` in ``fmt`` (``table``, ``json``,
    ``csv``, ``markdown`` or any format registered for ``DiffResult``)."""
    return render(DiffResult(result), fmt, lang=lang)


def _diff_title(result: dict, lang: str) -> str:
    return _WORDS[lang]["diff"].format(
        region=result["region_label"], a=result["from"], b=result["to"]
    )


@register(DiffResult, "table")
def _diff_table(result: DiffResult, *, lang: str = "en") -> str:
    return _sections_table(_diff_title(result, lang), _diff_sections(result, lang), lang)


@register(DiffResult, "json")
def _diff_json(result: DiffResult) -> str:
    return _dump(result)


@register(DiffResult, "csv")
def _diff_csv(result: DiffResult, *, lang: str = "en") -> str:
    return _sections_csv(_diff_sections(result, lang))


@register(DiffResult, "markdown")
def _diff_markdown(result: DiffResult, *, lang: str = "en") -> str:
    title = _diff_title(result, lang)
    return _sections_markdown(title, _diff_sections(result, lang), lang)
