"""The command line, through click's CliRunner."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from wcwidth import wcswidth

from chaingraph.cli import main


def run(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.output


@pytest.mark.parametrize(
    "lang, fmt, name",
    [
        ("zh", "table", "gaps-xining-zh.txt"),
        ("en", "table", "gaps-xining-en.txt"),
        ("en", "json", "gaps-xining-en.json"),
        ("zh", "csv", "gaps-xining-zh.csv"),
        ("zh", "markdown", "gaps-xining-zh.md"),
    ],
)
def test_gaps_report_matches_the_golden_file(golden, lang, fmt, name):
    golden(name, run("gaps", "--lang", lang, "--format", fmt))


def test_gaps_explain_traces_verdicts_to_sentences(golden):
    output = run("gaps", "--chain", "锂电池", "--lang", "en", "--explain")
    assert "x:proj-fudi-battery" in output
    assert "弗迪电池10GW动力电池等项目建成投产" in output
    assert "rule: missing at tier 3, within the local tiers 3–5" in output
    golden("gaps-xining-li-explain-en.txt", output)


def test_gaps_json_has_the_documented_schema():
    data = json.loads(run("gaps", "--format", "json", "--chain", "pv"))
    assert data["schema"] == "chaingraph.gaps/1"
    assert data["region"] == "region:CN-630100"
    stage = data["chains"][0]["stages"][0]
    assert {
        "stage",
        "label",
        "position",
        "verdict",
        "gap_class",
        "gap_class_label",
        "rule",
        "producers",
        "pipeline",
        "claims",
        "local_inputs",
    } <= set(stage)
    producer = next(s for s in data["chains"][0]["stages"] if s["producers"])["producers"][0]
    assert {"fact", "subject", "confidence", "assertion", "text", "source"} <= set(producer)


def test_gaps_csv_is_one_row_per_stage():
    rows = list(csv.DictReader(io.StringIO(run("gaps", "--format", "csv", "--chain", "光伏"))))
    assert len(rows) == 16
    ingot = next(r for r in rows if r["stage"] == "pv:mono-ingot")
    assert ingot["verdict"] == "present" and "阿特斯" in ingot["producers"]


def test_table_aligns_cjk_text():
    """The verdict column starts at the same display column (CJK = 2 cells) on every row."""
    lines = run("gaps", "--chain", "pv", "--lang", "zh").splitlines()
    header = next(line for line in lines if "层级" in line)
    column = wcswidth(header[: header.index("判定")])
    rows = [line for line in lines if any(v in line for v in ("有企业", "仅有声明", "缺失"))]
    assert len(rows) == 16
    for row in rows:
        verdict_at = min(row.index(v) for v in ("有企业", "仅有声明", "缺失") if v in row)
        assert wcswidth(row[:verdict_at]) == column, row


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--region", "西安", "--lang", "en"], "Did you mean"),
        (["--region", "Atlantis", "--lang", "en"], "Known regions"),
        (["--chain", "光富"], "光伏 (chain:pv)"),
    ],
)
def test_unknown_names_exit_2_with_suggestions(args, expected):
    output = run("gaps", *args, code=2)
    assert expected in output
    assert "Traceback" not in output


def test_region_by_alias_and_id_give_the_same_report():
    by_alias = run("gaps", "--region", "青海国家高新技术产业开发区", "--format", "json")
    by_id = run("gaps", "--region", "region:xining-etdz", "--format", "json")
    assert by_alias == by_id


def test_every_command_has_help():
    for name, command in main.commands.items():
        assert command.help, f"{name} has no help text"
        assert "Usage" in run(name, "--help")


def test_every_command_is_documented_in_the_readme():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for name in main.commands:
        assert f"chaingraph {name}" in readme, f"README does not document `chaingraph {name}`"
