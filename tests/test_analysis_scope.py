"""Region scope: a stage missing in the city but present in the province is filled there."""

from __future__ import annotations

import pytest
from analysis_graphs import QINGHAI, XINING, graph_from, production
from click.testing import CliRunner

from chaingraph.analysis import find_gaps
from chaingraph.analysis.scope import scope_region
from chaingraph.cli import main

# Xining makes cells and modules; wafers are made in Haixi (Qinghai), not in Xining.
FACTS = (
    production("cell", "a", "pv:cell")
    + production("module", "a", "pv:module")
    + production("wafer", "h", "pv:wafer", site="r:CN-632800")
)


def test_city_scope_sees_a_fill_gap():
    report = find_gaps(graph_from(FACTS, region=QINGHAI), XINING)
    wafer = report.chain("chain:pv").stage("pv:wafer")
    assert (wafer.verdict, wafer.gap_class, wafer.verdict_detail) == (
        "missing",
        "cg:ExtendGap",
        None,
    )
    assert report.scope == "city" and report.scope_region == XINING


def test_province_scope_fills_within_the_province():
    report = find_gaps(graph_from(FACTS, region=QINGHAI), XINING, scope="province")
    wafer = report.chain("chain:pv").stage("pv:wafer")
    assert wafer.verdict == "missing"
    assert wafer.verdict_detail == "filled within the province"
    assert wafer.gap_class is None
    assert "Qinghai has it" in wafer.rule
    assert [e.fact for e in wafer.scope_producers] == ["urn:test:wafer"]
    # the province's wafers count as a local tier
    assert report.chain("chain:pv").local_tiers == (4, 6)
    assert report.scope_region == QINGHAI and "region:CN-632800" in report.regions_in_scope


def test_scope_needs_the_wider_projection():
    G = graph_from(FACTS, region=XINING)
    with pytest.raises(ValueError, match="project it with to_networkx"):
        find_gaps(G, XINING, scope="province")


def test_scope_levels():
    G = graph_from(FACTS, region=QINGHAI)
    assert scope_region(G, XINING, "country") == "region:CN"
    with pytest.raises(ValueError, match="smaller than Xining"):
        scope_region(G, XINING, "zone")


def test_cli_scope_on_the_xining_data():
    runner = CliRunner()
    result = runner.invoke(
        main, ["gaps", "--lang", "en", "--chain", "锂电", "--scope", "province", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    salts = next(
        line
        for line in result.output.splitlines()
        if line.startswith("chain:li,Lithium-ion batteries,li:lithium-salt")
    )
    assert "filled within the province" in salts
    bad = runner.invoke(main, ["gaps", "--lang", "en", "--scope", "park"])
    assert bad.exit_code == 2 and "smaller than" in bad.output
