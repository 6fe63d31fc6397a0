"""Rule texts and reasons follow the projection's language: Chinese under ``--lang zh``.

The English words of the rule tables (gap rules, capacity rules, target and synergy reasons,
criticality notes) must not show up in any Chinese output; English output keeps them (the
golden files pin it byte for byte).
"""

from __future__ import annotations

import csv
import io
import json
import re
import string

import pytest
from analysis_graphs import XINING, graph_from, production, store_with
from click.testing import CliRunner

from chaingraph import open_store, to_networkx
from chaingraph.analysis.capacity import capacity_balance
from chaingraph.analysis.criticality import find_criticality
from chaingraph.analysis.gaps import find_gaps
from chaingraph.analysis.synergy import find_synergies
from chaingraph.analysis.targets import find_targets, with_producers_elsewhere
from chaingraph.cli import main
from chaingraph.messages import catalog
from chaingraph.render import gaps as render_gaps
from chaingraph.render import planning


def _section(prefix: str) -> dict[str, dict[str, str]]:
    """The catalog entries under ``prefix`` (analysis rules live in the catalogs)."""
    return {
        lang: {code: text for code, text in catalog(lang).items() if code.startswith(prefix)}
        for lang in ("zh", "en")
    }


# Every zh/en table of texts, as (name, {"zh": ..., "en": ...}).
TABLES = [
    ("gaps.rule", _section("gaps.rule.")),
    ("capacity.rule", _section("capacity.rule.")),
    ("capacity.note", _section("capacity.note.")),
    ("targets.reason", _section("targets.reason.")),
    ("synergy", _section("synergy.")),
    ("criticality", _section("criticality.")),
    ("timeline", _section("timeline.")),
    ("render.gaps._NOTES", render_gaps._NOTES),
]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _english_words() -> set[str]:
    """The words (4 letters or more) of the English rule tables, placeholders left out."""
    words = set()
    for _, table in TABLES:
        for text in table["en"].values():
            bare = re.sub(r"\{[^}]*\}", " ", text)
            words |= {w.lower() for w in re.findall(r"[A-Za-z]{4,}", bare)}
    words |= {w for key in planning._COLUMNS_ZH for w in re.findall(r"[a-z]{4,}", key)}
    return words


ENGLISH = _english_words()
CURIE = re.compile(r"\b[a-z][\w-]*:[\w./-]+")  # x:proj-..., region:CN-630100, data:factor-...
QUERY = re.compile(r"\b[\w-]+\.rq\b")  # the named queries an --explain line cites
QUOTE = re.compile(r"“[^”]*”")  # source sentences, as the sources wrote them


def _leaked(text: str) -> list[str]:
    """English words of the rule tables in ``text`` (CURIEs, query names, quotes left out)."""
    text = QUOTE.sub(" ", QUERY.sub(" ", CURIE.sub(" ", text)))
    return sorted({w for w in re.findall(r"[A-Za-z]{4,}", text) if w.lower() in ENGLISH})


@pytest.mark.parametrize(("name", "table"), TABLES)
def test_every_text_has_both_languages_with_the_same_fields(name, table):
    assert set(table) == {"zh", "en"}, name
    assert set(table["zh"]) == set(table["en"]), name
    for key, en in table["en"].items():
        assert _fields(table["zh"][key]) == _fields(en), f"{name}[{key!r}]"
        assert not re.search(r"[A-Za-z]{4,}", re.sub(r"\{[^}]*\}", "", table["zh"][key])), (
            f"{name}[{key!r}] zh is not Chinese: {table['zh'][key]!r}"
        )


def test_the_detector_finds_the_english_words():
    assert {"missing", "tier", "local", "producer", "capacity", "ratio", "threshold"} <= ENGLISH
    assert _leaked("规则: missing at tier 3, x:proj-a “a local quote” local-claims.rq") == [
        "missing",
        "tier",
    ]


# ------------------------------------------------------------------ the CLI, bundled data

COMMANDS = {
    "gaps": ["gaps", "--explain"],
    "gaps-markdown": ["gaps", "--format", "markdown", "--explain"],
    "gaps-province": ["gaps", "--scope", "province", "--threshold", "1.1", "--explain"],
    "targets": ["targets"],
    "targets-markdown": ["targets", "--format", "markdown"],
    "impact": ["impact", "弗迪电池"],
    "impact-complete": ["impact", "--complete", "天合光能光伏全产业链项目", "--format", "markdown"],
    "diff": ["diff", "--from", "2020", "--to", "2023"],
    "diff-markdown": ["diff", "--from", "2020", "--to", "2023", "--format", "markdown"],
    "report": ["report", "--format", "markdown"],
}


def _run(args: list[str]) -> str:
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("name", COMMANDS)
def test_chinese_output_has_no_english_rule_words(name):
    zh = _run([*COMMANDS[name], "--lang", "zh"])
    assert _leaked(zh) == [], name


def test_chinese_csv_rule_and_criticality_columns():
    rows = list(csv.DictReader(io.StringIO(_run(["gaps", "--format", "csv", "--lang", "zh"]))))
    assert len(rows) > 50
    for row in rows:
        for column in ("rule", "criticality", "verdict_detail"):
            assert _leaked(row[column]) == [], (row["stage"], column, row[column])
    assert any(row["criticality"].startswith("单一来源：") for row in rows)


@pytest.mark.parametrize("name", ["gaps", "targets", "impact-complete", "diff", "report"])
def test_english_output_keeps_its_rule_words(name):
    assert _leaked(_run([*COMMANDS[name], "--lang", "en"]))


def _json(args: list[str]) -> dict:
    return json.loads(_run([*args, "--lang", "zh", "--format", "json"]))


def _latin_allowed() -> set[str]:
    """Latin words that the data itself spells in Latin letters (company and stage names)."""
    store = open_store()
    G = with_producers_elsewhere(to_networkx(store, XINING, lang="zh"), store)
    return {
        w for _, label in G.nodes(data="label") for w in re.findall(r"[A-Za-z]{4,}", label or "")
    }


def _rule_texts(data, keys=("rule", "now_rule", "before_rule", "reason", "what", "note")):
    """Every rule, reason and note string in a JSON document, and every target reason."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in keys and isinstance(value, str):
                yield value
            elif key == "reasons":
                yield from value
            else:
                yield from _rule_texts(value, keys)
    elif isinstance(data, list):
        for item in data:
            yield from _rule_texts(item, keys)


def test_json_rule_and_reason_fields_are_chinese():
    allowed = _latin_allowed()
    documents = {
        "gaps": _json(["gaps", "--threshold", "1.1"]),
        "targets": _json(["targets"]),
        "impact": _json(["impact", "--complete", "天合光能光伏全产业链项目"]),
        "diff": _json(["diff", "--from", "2020", "--to", "2023"]),
    }
    for name, data in documents.items():
        texts = list(_rule_texts(data))
        assert texts, name
        for text in texts:
            bare = CURIE.sub(" ", text).replace("core_km", " ").replace("core-km", " ")
            latin = set(re.findall(r"[A-Za-z]{4,}", bare)) - allowed
            assert not latin, f"{name}: {text!r}"
    assert documents["gaps"]["schema"] == "chaingraph.gaps/1"  # keys unchanged
    assert "rule" in documents["gaps"]["chains"][0]["stages"][0]


# ------------------------------------------------------------------ the analyses, small graphs

CELLS_MODULES = production("cells", "a", "pv:cell", value=500, unit="MW") + production(
    "modules", "b", "pv:module", value=815, unit="MW"
)


def test_gap_and_capacity_rules_in_chinese():
    G = graph_from(CELLS_MODULES, lang="zh")
    cell = find_gaps(G, threshold=0.7).chain("chain:pv").stage("pv:cell")
    assert cell.gap_class == "cg:StrengthenGap"
    first, balance = cell.rule.split("；", 1)
    assert first == "本地仅有一家企业投产"
    assert balance == (
        "本地太阳能电池（0.5 GW）按每 GW 组件需 1 GW 太阳能电池（data:factor-pv-cell-module），"
        "可供组件 0.5 GW；本地需求 0.815 GW；供需比 0.61 < 阈值 0.7"
    )
    wafer = find_gaps(G).chain("chain:pv").stage("pv:wafer")
    assert (wafer.verdict, wafer.rule) == ("missing", "第 4 层级缺失，位于本地层级 5–6 上游")
    link = capacity_balance(G).link("pv:wafer", "pv:cell")
    assert link.rule == "本地没有硅片可供太阳能电池使用（缺失环节）"


def test_unknown_capacity_note_in_chinese():
    G = graph_from(
        production("cells", "a", "pv:cell")
        + production("modules", "b", "pv:module", value=815, unit="MW"),
        lang="zh",
    )
    link = capacity_balance(G).link("pv:cell", "pv:module")
    assert link.status == "data gap"
    assert link.rule == "产能未知 — 太阳能电池：a未说明产能"


def test_target_and_synergy_reasons_in_chinese():
    facts = (
        production("cells", "local", "li:cell")
        + production("small", "small", "li:anode", site="r:CN-440300", value=10000, unit="t")
        + production("qh", "qh", "li:anode", site="r:CN-632800")
        + "co:small cg:supplies co:local .\n"
    )
    store = store_with(facts)
    G = with_producers_elsewhere(to_networkx(store, XINING, lang="zh"), store)
    by = {t.company: t for t in find_targets(G) if t.stage == "li:anode"}
    assert by["co:small"].reasons == ["产能 10000 t（为最大候选的 1.00）", "供应关系：供货给local"]
    assert by["co:qh"].reasons == ["已在青海省生产"]
    G = graph_from(production("al", "a", "nf:aluminium"), lang="zh")
    found = find_synergies(G, find_gaps(G))
    foil = next(s for s in found if s.target == "li:aluminium-foil")
    assert foil.reason == "本地电解铝可作铝箔的投入（锂电池产业链的空白环节）"


def test_criticality_note_follows_the_language():
    for lang, start in (("zh", "精确介数：共 "), ("en", "exact betweenness over ")):
        G = graph_from(CELLS_MODULES, lang=lang)
        assert find_criticality(G)["betweenness_method"]["note"].startswith(start)


def test_diff_names_a_chain_missing_from_a_report_in_the_language():
    from chaingraph.analysis.timeline import diff

    facts = production("cells", "a", "pv:cell", year=2022)
    for lang, text in (("zh", "该产业链不在报告中"), ("en", "chain not in the report")):
        change = diff(graph_from(facts, lang=lang), 2020, 2023)
        opened = {g["stage"]: g for g in change["gaps_opened"]}
        assert opened["pv:cell"]["before_rule"] == text
        assert opened["pv:cell"]["rule"] == (
            "本地仅有一家企业投产" if lang == "zh" else "present with a single local producer"
        )
