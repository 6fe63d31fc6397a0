"""The gap overview of every region (gaps_overview, gaps --all) and the fact index under it."""

from __future__ import annotations

import json

import pyoxigraph
import pytest
from analysis_graphs import HEADER, XINING, production, store_with
from click.testing import CliRunner

from chaingraph import open_store, to_networkx
from chaingraph.analysis.factindex import fact_index, refresh
from chaingraph.analysis.gaps import find_gaps
from chaingraph.analysis.overview import RegionSummary, gaps_overview, summarise
from chaingraph.analysis.timeline import as_of
from chaingraph.cli import main

CHANGZHOU = "region:CN-320400"
WUXI = "region:CN-320200"
PROVINCE_OF_CHANGZHOU = "region:CN-320000"


def run(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.output


@pytest.fixture(scope="module")
def two_cities():
    """Xining: cells (one producer) and modules (two); Changzhou: wafers (one producer)."""
    store = store_with(
        production("c1", "a", "pv:cell"),
        production("m1", "b", "pv:module"),
        production("m2", "c", "pv:module"),
        production("w1", "d", "pv:wafer", site="r:CN-320400"),
    )
    return to_networkx(store, lang="en")


@pytest.fixture(scope="module")
def all_facts(store):
    return to_networkx(store, lang="en")


def by_region(summaries) -> dict[str, RegionSummary]:
    return {s.region: s for s in summaries}


# --- the library, on a hand-made graph ------------------------------------------------------


def test_counts_on_a_hand_made_graph(two_cities):
    overview = gaps_overview(two_cities)
    cities = {n for n, d in two_cities.nodes(data=True) if d.get("level") == "city"}
    assert {s.region for s in overview} == cities
    xining = by_region(overview)[XINING]
    assert (xining.n_chains, xining.chains, xining.chain_labels) == (
        1,
        ["chain:pv"],
        ["Photovoltaics"],
    )
    stages = sum(1 for _, d in two_cities.nodes(data=True) if d.get("chain") == "chain:pv")
    assert (xining.present, xining.asserted, xining.missing) == (2, 0, stages - 2)
    # local tiers 5 (cell) to 6 (module): the missing stages of tiers 5–6 are 补链, the others
    # 延链; the cell has a single producer (强链), the module two.
    tiers = [two_cities.nodes[s]["position"] for s in ("pv:cell", "pv:module")]
    within = sum(
        1
        for s, d in two_cities.nodes(data=True)
        if d.get("chain") == "chain:pv"
        and tiers[0] <= d["position"] <= tiers[1]
        and s not in ("pv:cell", "pv:module")
    )
    assert (xining.fill, xining.extend, xining.strengthen) == (within, stages - 2 - within, 1)
    assert xining.gaps == xining.fill + xining.extend + xining.strengthen + xining.build
    changzhou = by_region(overview)[CHANGZHOU]
    # tier 4 alone is local: silver paste, also at tier 4, is its one 补链
    assert two_cities.nodes["pv:silver-paste"]["position"] == 4
    assert (changzhou.present, changzhou.strengthen, changzhou.fill) == (1, 1, 1)
    empty = by_region(overview)[WUXI]
    assert (empty.n_chains, empty.present, empty.gaps) == (0, 0, 0)


def test_sorted_by_present_then_region(two_cities):
    overview = gaps_overview(two_cities)
    assert [s.region for s in overview[:2]] == [XINING, CHANGZHOU]
    keys = [(-s.present, s.region) for s in overview]
    assert keys == sorted(keys)


def test_regions_level_and_errors(two_cities, monkeypatch):
    assert [s.region for s in gaps_overview(two_cities, [CHANGZHOU, XINING])] == [
        XINING,
        CHANGZHOU,
    ]
    provinces = gaps_overview(two_cities, level="province")
    assert {s.level for s in provinces} == {"province"}
    assert by_region(provinces)[PROVINCE_OF_CHANGZHOU].present == 1
    monkeypatch.setenv("CHAINGRAPH_LANG", "en")  # the English message
    with pytest.raises(ValueError, match="unknown level 'town'"):
        gaps_overview(two_cities, level="town")


def test_to_dict_is_plain_data(two_cities):
    data = by_region(gaps_overview(two_cities))[XINING].to_dict()
    assert json.loads(json.dumps(data)) == data
    assert list(data)[:4] == ["region", "label", "level", "n_chains"]


# --- the figures are those of the one-region report ------------------------------------------


@pytest.mark.parametrize(
    "options",
    [{}, {"threshold": 1.1}, {"as_of": 2021}, {"chains": ["chain:pv", "chain:li"]}],
    ids=["default", "threshold", "as-of", "chains"],
)
def test_figures_equal_the_one_region_reports(store, all_facts, options):
    overview = by_region(gaps_overview(all_facts, **options))
    assert len(overview) == 17
    for region in (XINING, CHANGZHOU, "region:CN-632800", "region:CN-340100"):
        own = to_networkx(store, region, lang="en")  # projected for the region alone
        report = find_gaps(
            own,
            region,
            options.get("chains"),
            criticality=False,
            **{k: v for k, v in options.items() if k != "chains"},
        )
        assert overview[region] == summarise(report, "city"), region


def test_levels_equal_the_one_region_reports(store, all_facts):
    for level, region in (("province", "region:CN-630000"), ("zone", "region:xining-etdz")):
        (found,) = [s for s in gaps_overview(all_facts, level=level) if s.region == region]
        own = to_networkx(store, region, lang="en")
        assert found == summarise(find_gaps(own, region, criticality=False), level)


def test_as_of_through_the_index_equals_the_copy(all_facts):
    """Without criticality --as-of filters the indexed facts; with it, G is copied as before."""
    for region in (XINING, "region:CN-630000"):
        fast = find_gaps(all_facts, region, as_of=2021, criticality=False).to_dict()
        copied = find_gaps(all_facts, region, as_of=2021).to_dict()
        copied["criticality"] = None
        assert fast == copied
        plain = find_gaps(as_of(all_facts, 2021), region, criticality=False).to_dict()
        assert fast == {**plain, "as_of": 2021}


# --- the index cannot go stale --------------------------------------------------------------


def _fact(G, key):
    return next((u, v, k, d) for u, v, k, d in G.edges(keys=True, data=True) if k == key)


def test_index_is_per_graph_and_rebuilt_after_changes(store):
    G = to_networkx(store, lang="en")
    index = fact_index(G)
    assert fact_index(G) is index
    H = as_of(G, 2021)  # a new graph: its own index, G's untouched
    assert fact_index(H) is not index and fact_index(G) is index
    assert G.copy() is not G and fact_index(G.copy()) is not index
    G.add_node("co:new", kind="company")
    assert fact_index(G) is not index


def test_a_fact_added_is_seen(two_cities):
    G = two_cities.copy()
    before = by_region(gaps_overview(G))[CHANGZHOU]
    data = dict(_fact(G, "urn:test:w1")[3], fact="urn:test:w2")
    G.add_edge("co:e", "pv:cell", key="urn:test:w2", **data)  # as ensure_projected would
    after = by_region(gaps_overview(G))[CHANGZHOU]
    assert (before.present, after.present) == (1, 2)


def test_a_fact_moved_between_regions_with_the_same_edge_count_is_seen(two_cities):
    """One fact removed and another added: the edge count does not change, the figures do."""
    G = two_cities.copy()
    before = by_region(gaps_overview(G))
    edges = G.number_of_edges()
    u, v, k, data = _fact(G, "urn:test:c1")
    G.remove_edge(u, v, k)
    G.add_edge(u, v, key="urn:test:c1-moved", **{**data, "site": CHANGZHOU})
    assert G.number_of_edges() == edges
    after = by_region(gaps_overview(G))
    assert (before[XINING].present, after[XINING].present) == (2, 1)
    assert (before[CHANGZHOU].present, after[CHANGZHOU].present) == (1, 2)
    expected = to_networkx(
        store_with(
            production("m1", "b", "pv:module"),
            production("m2", "c", "pv:module"),
            production("w1", "d", "pv:wafer", site="r:CN-320400"),
            production("c1", "a", "pv:cell", site="r:CN-320400"),
        ),
        lang="en",
    )
    assert by_region(gaps_overview(expected))[CHANGZHOU] == after[CHANGZHOU]


def test_a_site_changed_in_place(two_cities):
    G = two_cities.copy()
    gaps_overview(G)
    G.edges["co:a", "pv:cell", "urn:test:c1"]["site"] = CHANGZHOU  # networkx does not notice
    # the old region finds the fact gone (each fact handed out is checked) ...
    assert by_region(gaps_overview(G, [XINING]))[XINING].present == 1
    # ... and after refresh the new region has it
    refresh(G)
    assert by_region(gaps_overview(G, [CHANGZHOU]))[CHANGZHOU].present == 2


def test_a_view_is_indexed_afresh(two_cities):
    G = two_cities.copy()
    view = G.subgraph(list(G))
    assert fact_index(view) is not fact_index(view)
    G.remove_edge("co:a", "pv:cell", "urn:test:c1")
    assert find_gaps(view, XINING, criticality=False).chain("chain:pv").stage(
        "pv:cell"
    ).verdict == ("missing")


# --- the command ------------------------------------------------------------------------------


def test_cli_zh_table_golden(golden):
    output = run("gaps", "--all", "--lang", "zh")
    assert output.startswith("各市产业链缺口概览\n17 个地区；强链阈值 0.5")
    golden("gaps-overview-zh.txt", output)


def test_cli_en_json_golden(golden):
    output = run("gaps", "--all", "--lang", "en", "--format", "json")
    data = json.loads(output)
    assert data["schema"] == "chaingraph.gaps-overview/1"
    assert (data["level"], data["lang"], data["threshold"], data["as_of"]) == (
        "city",
        "en",
        0.5,
        None,
    )
    golden("gaps-overview-en.json", output)


def test_cli_figures_equal_the_one_region_command():
    data = json.loads(run("gaps", "--all", "--format", "json", "--as-of", "2021"))
    rows = {r["region"]: r for r in data["regions"]}
    assert data["as_of"] == 2021
    for name, region in (("西宁", XINING), ("海西", "region:CN-632800")):
        report = json.loads(run("gaps", "--region", name, "--format", "json", "--as-of", "2021"))
        stages = [s for c in report["chains"] for s in c["stages"]]
        row = rows[region]
        assert row["present"] == sum(s["verdict"] == "present" for s in stages)
        assert row["missing"] == sum(s["verdict"] == "missing" for s in stages)
        assert row["fill"] == sum(s["gap_class"] == "cg:FillGap" for s in stages)
        assert row["strengthen"] == sum(s["gap_class"] == "cg:StrengthenGap" for s in stages)


def test_cli_options():
    province = json.loads(
        run("gaps", "--all", "--level", "province", "--chain", "光伏", "--format", "json")
    )
    assert province["chains"] == ["chain:pv"]
    assert {r["level"] for r in province["regions"]} == {"province"}
    assert all(r["chains"] in ([], ["chain:pv"]) for r in province["regions"])
    strict = json.loads(run("gaps", "--all", "--threshold", "1.1", "--format", "json"))
    assert strict["threshold"] == 1.1
    md = run("gaps", "--all", "--lang", "en", "--format", "markdown", "--level", "park")
    assert md.startswith("# Chain gaps by park\n\n1 regions; 强链 threshold 0.5\n")
    assert "| Nanchuan Industrial Park | region:nanchuan-park |" in md
    csv_text = run("gaps", "--all", "--format", "csv", "--level", "zone")
    header, row = csv_text.splitlines()
    assert header.startswith("region,label,level,n_chains,chains,chain_labels,present")
    assert row.startswith("region:xining-etdz,西宁经济技术开发区,zone,")
    zh_md = run("gaps", "--all", "--format", "markdown", "--as-of", "2021", "--chain", "pv")
    assert "；截至 2021 年；产业链：光伏" in zh_md and "| 地区 | 代码 | 产业链数 |" in zh_md


@pytest.mark.parametrize(
    "args, message",
    [
        (["--region", "西宁"], "--all and --region do not go together"),
        (["--explain"], "--explain does not go with --all"),
        (["--scope", "province"], "--scope does not go with --all"),
    ],
)
def test_cli_usage_errors(args, message):
    result = CliRunner().invoke(main, ["gaps", "--all", *args, "--lang", "en"])
    assert result.exit_code == 2
    assert message in result.output
    alone = CliRunner().invoke(main, ["gaps", "--level", "city", "--lang", "en"])
    assert alone.exit_code == 2 and "--level goes with --all" in alone.output


def test_cli_store(tmp_path):
    location = tmp_path / "s"
    store = open_store(location)
    store.load_data(
        HEADER + production("w", "d", "pv:wafer", site="r:CN-320200"),
        "urn:test",
        format=pyoxigraph.RdfFormat.TURTLE,
    )
    store.flush()
    del store
    data = json.loads(run("gaps", "--all", "--store", str(location), "--format", "json"))
    rows = {r["region"]: r for r in data["regions"]}
    assert rows[WUXI]["present"] == 1 and rows[WUXI]["chains"] == ["chain:pv"]
    assert data["regions"][0]["region"] == WUXI
    assert rows[XINING]["present"] == 0  # a new store holds no example facts
