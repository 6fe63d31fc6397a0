"""The gaps command with its new options, on the bundled Xining data."""

from __future__ import annotations

import json

import pyoxigraph
from analysis_graphs import HEADER, production
from click.testing import CliRunner

from chaingraph import open_store
from chaingraph.cli import main


def test_gaps_json_keeps_the_first_schema_and_adds_sections():
    result = CliRunner().invoke(main, ["gaps", "--format", "json", "--lang", "en"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["schema"] == "chaingraph.gaps/1"
    for key in ("region", "region_label", "lang", "regions_in_scope", "chains"):
        assert key in data
    for key in ("scope", "threshold", "capacity_links", "data_gaps", "synergies", "criticality"):
        assert key in data
    stage = data["chains"][0]["stages"][0]
    for key in (
        "stage",
        "verdict",
        "gap_class",
        "rule",
        "producers",
        "local_inputs",
        "verdict_detail",
        "balance",
        "weight",
    ):
        assert key in stage
    assert data["criticality"]["meanings"]["dominators"]


def test_gaps_table_and_markdown_show_the_new_sections():
    runner = CliRunner()
    table = runner.invoke(main, ["gaps", "--lang", "en", "--chain", "光纤"]).output
    assert "Capacity balance" in table and "1.08" in table and "surplus" in table
    assert "Dominator stages" in table
    md = runner.invoke(main, ["gaps", "--format", "markdown", "--chain", "锂电"]).output
    assert "## 延链" in md or "延链机会" in md
    assert "无水氟化氢 → 六氟磷酸锂 → 电解液" in md


def test_explain_traces_the_capacity_verdict(tmp_path):
    store = open_store(tmp_path / "s")
    store.load_data(
        HEADER
        + production("cells", "a", "pv:cell", value=500, unit="MW")
        + production("modules", "b", "pv:module", value=815, unit="MW"),
        "urn:test",
        format=pyoxigraph.RdfFormat.TURTLE,
    )
    store.flush()
    del store
    runner = CliRunner()
    args = ["gaps", "--store", str(tmp_path / "s"), "--lang", "en", "--explain"]
    strict = runner.invoke(main, [*args, "--threshold", "0.7"])
    assert strict.exit_code == 0, strict.output
    assert "ratio 0.61 < threshold 0.7" in strict.output
    assert "data:factor-pv-cell-module" in strict.output
    assert "urn:test:cells" in strict.output
    loose = runner.invoke(main, [*args, "--threshold", "0.5"]).output
    assert "ratio 0.61 ≥ threshold 0.5" in loose
    bad = runner.invoke(main, [*args, "--threshold", "-1"])
    assert bad.exit_code == 2
