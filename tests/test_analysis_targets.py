"""招商 targets: producers outside the region, ranked by a transparent score."""

from __future__ import annotations

import json

from analysis_graphs import XINING, production, store_with
from click.testing import CliRunner

from chaingraph import open_store, to_networkx
from chaingraph.analysis.targets import find_targets, with_producers_elsewhere
from chaingraph.cli import main

# Local: co:local (group co:grp) makes cells in Xining. Anode makers elsewhere:
#  co:big   — Shenzhen, 40,000 t, no tie
#  co:small — Shenzhen, 10,000 t, supplies co:local
#  co:sib   — Shenzhen, no capacity, same group as co:local
#  co:qh    — Haixi (Qinghai), no capacity
FACTS = (
    production("cells", "local", "li:cell")
    + production("big", "big", "li:anode", site="r:CN-440300", value=4, unit="10kt")
    + production("small", "small", "li:anode", site="r:CN-440300", value=10000, unit="t")
    + production("sib", "sib", "li:anode", site="r:CN-440300")
    + production("qh", "qh", "li:anode", site="r:CN-632800")
    + production("plan", "planned", "li:anode", site="r:CN-440300", status="cg:Planned")
    + """co:local cg:parentOrganization co:grp . co:sib cg:parentOrganization co:grp .
         co:small cg:supplies co:local .\n"""
)


def _targets(stage="li:anode"):
    store = store_with(FACTS)
    G = with_producers_elsewhere(to_networkx(store, XINING, lang="en"), store)
    return [t for t in find_targets(G) if t.stage == stage]


def test_ranking_and_reasons():
    targets = _targets()
    assert [(t.company, t.score, t.rank) for t in targets] == [
        ("co:sib", 2.0, 1),  # group tie
        ("co:small", 1.75, 2),  # capacity 0.25 of the largest + supply tie 1.5
        ("co:big", 1.0, 3),  # the largest capacity
        ("co:qh", 1.0, 4),  # already in Qinghai (ties broken by id)
    ]
    by = {t.company: t for t in targets}
    assert by["co:small"].reasons == [
        "capacity 10000 t (0.25 of the largest candidate)",
        "supply tie: supplies local",
    ]
    assert by["co:sib"].reasons == ["group tie: same group as local (grp)"]
    assert by["co:big"].capacity == "4 wan_t"
    assert by["co:qh"].reasons == ["already in Qinghai"]
    assert "co:planned" not in by  # a planned project elsewhere is not a producer
    assert {t.state for t in targets} == {"missing"}


def test_weak_stage_gets_targets_too():
    store = store_with(
        FACTS + production("cells2", "catl", "li:cell", site="r:CN-440300", value=10, unit="GWh")
    )
    G = with_producers_elsewhere(to_networkx(store, XINING, lang="en"), store)
    cell = [t for t in find_targets(G) if t.stage == "li:cell"]
    assert [(t.company, t.state) for t in cell] == [("co:catl", "weak")]


def test_xining_example_targets():
    store = open_store()
    G = with_producers_elsewhere(to_networkx(store, XINING, lang="en"), store)
    targets = find_targets(G)
    best = {t.stage: t for t in targets if t.rank == 1}
    assert best["pv:eva-film"].company == "co:first-applied"
    assert best["li:ev"].company == "co:byd"
    assert best["li:lithium-salt"].company == "co:qinghai-salt-lake"
    assert best["pv:module"].company == "co:jinko"
    assert "li:separator" not in best  # nobody in the graph makes separators elsewhere


def test_cli_targets_json_and_csv():
    runner = CliRunner()
    result = runner.invoke(main, ["targets", "--lang", "en", "--chain", "光伏", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["schema"] == "chaingraph.targets/1"
    assert {t["stage"] for t in data["targets"]} >= {"pv:pv-glass", "pv:inverter"}
    assert all(t["stage"].startswith("pv:") for t in data["targets"])
    csv = runner.invoke(main, ["targets", "--format", "csv"]).output
    assert csv.splitlines()[0].startswith("stage,stage_label,state,gap_class,rank,company")
