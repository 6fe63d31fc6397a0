"""Impact: what a region loses if a company leaves, or gains if a project is completed."""

from __future__ import annotations

import json

import pytest
from analysis_graphs import graph_from, production
from click.testing import CliRunner

from chaingraph.analysis.impact import impact
from chaingraph.cli import main

# co:a makes wafers (2 GW) and cells (1 GW); co:b makes wafers (1 GW); co:c makes modules.
# co:d builds an ingot project (under construction).
FACTS = (
    production("wa", "a", "pv:wafer", value=2, unit="GW")
    + production("ca", "a", "pv:cell", value=1000, unit="MW")
    + production("wb", "b", "pv:wafer", value=1, unit="GW")
    + production("mc", "c", "pv:module", value=1, unit="GW")
    + production("ingot", "d", "pv:mono-ingot", status="cg:UnderConstruction", project=True)
)


def test_removing_a_company():
    result = impact(graph_from(FACTS), "co:a")
    assert result["facts"] == ["urn:test:ca", "urn:test:wa"]
    assert [s["stage"] for s in result["stages_lost"]] == ["pv:cell"]  # wafers keep co:b
    assert [(d["stage"], d["loses"]) for d in result["downstream_lost_supply"]] == [
        ("pv:module", "pv:cell")
    ]
    assert {k: v["text"] for k, v in result["capacity_lost"].items()} == {
        "pv:cell": "1000 MW",
        "pv:wafer": "2 GW",
    }
    pv = result["completeness"]["chain:pv"]
    assert (pv["before"], pv["after"]) == (round(3 / 16, 3), round(2 / 16, 3))
    # wafers now have a single producer: a 强链 gap opens
    assert [(g["stage"], g["gap_class"]) for g in result["gaps_opened"]] == [
        ("pv:wafer", "cg:StrengthenGap")
    ]


def test_completing_a_project():
    result = impact(graph_from(FACTS), complete="urn:test:ingot")
    assert result["mode"] == "complete"
    assert [s["stage"] for s in result["stages_gained"]] == ["pv:mono-ingot"]
    # ingots get a producer; diamond wire (tier 3) now lies within the local tiers 3–6
    assert [(g["stage"], g["before"], g["gap_class"]) for g in result["gaps_reclassified"]] == [
        ("pv:diamond-wire", "cg:ExtendGap", "cg:FillGap"),
        ("pv:mono-ingot", "cg:ExtendGap", "cg:StrengthenGap"),
    ]
    assert result["completeness"]["chain:pv"]["after"] == 0.25


def test_removing_a_project_and_bad_input():
    G = graph_from(FACTS)
    assert impact(G, project="urn:test:ca")["stages_lost"][0]["stage"] == "pv:cell"
    with pytest.raises(ValueError, match="no production fact"):
        impact(G, "co:nobody")
    with pytest.raises(ValueError, match="exactly one"):
        impact(G, "co:a", complete="urn:test:ingot")


def test_cli_impact_on_xining():
    runner = CliRunner()
    result = runner.invoke(main, ["impact", "弗迪电池", "--lang", "en", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [s["stage"] for s in data["stages_lost"]] == ["li:cell", "li:pack"]
    assert data["capacity_lost"]["li:cell"]["text"] == "10 GW"
    done = runner.invoke(main, ["impact", "--complete", "天合光能光伏全产业链项目", "--lang", "en"])
    assert done.exit_code == 0, done.output
    assert "if Trina Solar full PV chain project is completed" in done.output
    assert runner.invoke(main, ["impact"]).exit_code == 2
    unknown = runner.invoke(main, ["impact", "no such company", "--lang", "en"])
    assert unknown.exit_code == 2 and "unknown company" in unknown.output
    elsewhere = runner.invoke(main, ["impact", "比亚迪", "--lang", "en"])
    assert elsewhere.exit_code == 2 and "nothing to change" in elsewhere.output
