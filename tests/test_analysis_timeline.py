"""Timeline: the chains as of a year, and the changes between two years."""

from __future__ import annotations

import json

from analysis_graphs import graph_from, production
from click.testing import CliRunner

from chaingraph.analysis import as_of, diff, find_gaps
from chaingraph.cli import main

FACTS = (
    production("w2020", "a", "pv:wafer", year=2020, value=1, unit="GW")
    + production("c2022", "b", "pv:cell", year=2022, value=2, unit="GW", project=True)
    + production("m", "c", "pv:module")  # undated: assumed to hold already
)


def test_as_of_leaves_out_later_facts():
    G = graph_from(FACTS)
    early = as_of(G, 2021)
    assert early.graph["undated_facts"] == 1
    cell = find_gaps(G, as_of=2021).chain("chain:pv").stage("pv:cell")
    assert cell.verdict == "missing" and cell.gap_class == "cg:FillGap"
    assert find_gaps(G, as_of=2022).chain("chain:pv").stage("pv:cell").verdict == "present"
    assert find_gaps(G, as_of=2021).as_of == 2021
    assert G.number_of_edges() == early.number_of_edges() + 1  # the original is untouched


def test_diff_lists_changes():
    result = diff(graph_from(FACTS), 2021, 2022)
    assert [p["fact"] for p in result["projects_completed"]] == ["urn:test:c2022"]
    assert result["capacity_added"]["pv:cell"]["text"] == "2 GW"
    assert [(g["stage"], g["gap_class"]) for g in result["gaps_closed"]] == []
    assert [(g["stage"], g["before"], g["gap_class"]) for g in result["gaps_reclassified"]] == [
        ("pv:cell", "cg:FillGap", "cg:StrengthenGap")
    ]
    assert {(v["stage"], v["from"], v["to"]) for v in result["verdict_changes"]} == {
        ("pv:cell", "missing", "present")
    }
    assert result["completeness"]["chain:pv"] == {
        "label": "Photovoltaics",
        "from": 0.125,
        "to": 0.188,
    }


def test_cli_diff_and_as_of():
    runner = CliRunner()
    result = runner.invoke(main, ["diff", "--from", "2021", "--to", "2022", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["capacity_added"]["pv:mono-ingot"]["text"] == "30 GW"
    backwards = runner.invoke(main, ["diff", "--lang", "en", "--from", "2022", "--to", "2021"])
    assert backwards.exit_code == 2 and "after" in backwards.output
    csv = runner.invoke(
        main, ["gaps", "--as-of", "2021", "--chain", "锂电", "--format", "csv", "--lang", "en"]
    ).output
    cell = next(line for line in csv.splitlines() if ",li:cell," in line)
    assert ",asserted," in cell  # FinDreams' 10 GW project dates from 2022
