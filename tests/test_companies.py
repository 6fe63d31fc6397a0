"""Company identity: keys, the resolver, groups, the name-pair benchmark, `chaingraph companies`."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from chaingraph import open_store
from chaingraph.cli import main
from chaingraph.companies import CompanyResolver, company_iri, company_key, group_name, minted_iri
from chaingraph.companies.directory import read_decisions, record_decision
from chaingraph.companies.relations import group_mentions

BENCHMARKS = Path(__file__).parent.parent / "benchmarks"


# --------------------------------------------------------------------------- keys


@pytest.mark.parametrize(
    "a, b",
    [
        ("亚洲硅业（青海）股份有限公司", "亚洲硅业(青海)有限公司"),
        ("亚洲硅业（青海）股份有限公司", "青海亚洲硅业有限公司"),
        ("隆基绿能科技股份有限公司", "隆基绿能科技有限公司"),
        ("Trina Solar Co., Ltd.", "TRINA SOLAR CO.,LTD."),
        ("惠州亿纬锂能股份有限公司", "亿纬锂能（惠州）有限公司"),
    ],
)
def test_one_company_one_key(a, b):
    assert company_key(a) == company_key(b)
    assert minted_iri(a) == minted_iri(b)


@pytest.mark.parametrize(
    "a, b",
    [
        ("晶科能源（乐山）有限公司", "晶科能源股份有限公司"),  # plant and group
        ("亚洲硅业（江苏）有限公司", "亚洲硅业（青海）股份有限公司"),  # sister plants
        ("宁夏宝丰昱能科技有限公司", "昱能科技股份有限公司"),
    ],
)
def test_different_companies_different_keys(a, b):
    assert minted_iri(a) != minted_iri(b)


def test_keys_do_not_depend_on_the_store():
    """The places read off a name are a fixed list: an empty store and a full one agree."""
    before = minted_iri("西宁某某新材料有限公司")
    open_store()  # the bundled data, with its regions
    assert minted_iri("西宁某某新材料有限公司") == before
    assert company_key("西宁某某新材料有限公司") == "某某新材料@西宁"


def test_group_names():
    assert group_name("晶科能源（乐山）有限公司") == "晶科能源"
    assert group_name("四川晶科") == "晶科"
    assert group_name("晶科能源股份有限公司") is None


# --------------------------------------------------------------------------- resolver


def test_curated_names_resolve_without_the_bundled_data_loaded():
    resolver = CompanyResolver()
    for name in ("青海高景太阳能科技有限公司", "高景", "青海高景", "Gokin Solar"):
        decision = resolver.resolve(name)
        assert (decision.iri, decision.rule) == ("co:gokin-qinghai", "alias"), name
    assert resolver.resolve("青海高景太阳能科技股份有限公司").rule == "key"
    assert company_iri("青海高景太阳能科技有限公司") == "co:gokin-qinghai"


def test_a_plant_company_is_not_its_group():
    resolver = CompanyResolver()
    for name in ("四川晶科", "晶科能源（乐山）有限公司"):
        decision = resolver.resolve(name)
        assert decision.is_new and decision.iri != "co:jinko"
        assert resolver.group_of(name) == ("co:jinko", "alias")
        assert [c.iri for c in decision.candidates][:1] == ["co:jinko"]  # for review


def test_credit_code_first_and_conflicts_are_reviewed():
    resolver = CompanyResolver(curated=False)
    resolver.add("co:x", ["甲乙新材料有限公司"], code="91510100MA6CJ00011")
    assert resolver.resolve("完全另一个名字", "91510100MA6CJ00011").iri == "co:x"
    other = resolver.resolve("甲乙新材料有限公司", "91510100MA6CJ00029")
    assert other.is_new and other.candidates[0].rule == "code-conflict"


def test_probable_matches_are_flagged_never_merged():
    resolver = CompanyResolver(curated=False)
    yongxiang = minted_iri("永祥股份")
    resolver.add(yongxiang, ["永祥股份"])
    decision = resolver.resolve("四川永祥股份有限公司")
    assert decision.is_new and decision.iri != yongxiang
    assert [(c.iri, c.rule) for c in decision.candidates] == [(yongxiang, "core")]
    resolver.add(minted_iri("昱能科技股份有限公司"), ["昱能科技股份有限公司"])
    baofeng = resolver.resolve("宁夏宝丰昱能科技有限公司")
    assert baofeng.is_new and baofeng.iri != minted_iri("昱能科技股份有限公司")


def test_a_branch_is_tied_to_its_company_not_reviewed():
    resolver = CompanyResolver(curated=False)
    resolver.add(minted_iri("甲乙新材料股份有限公司"), ["甲乙新材料股份有限公司"])
    branch = resolver.resolve("甲乙新材料股份有限公司西宁分公司")
    assert branch.is_new and branch.candidates == []
    assert resolver.group_of("甲乙新材料股份有限公司西宁分公司")[0] == minted_iri("甲乙新材料")


def test_decisions_are_honoured():
    a, b = minted_iri("天和光能有限公司"), "co:trina"
    assert any(c.iri == b for c in CompanyResolver().resolve("天和光能有限公司").candidates)
    rejected = CompanyResolver(not_same=[(a, b)]).resolve("天和光能有限公司")
    assert rejected.is_new and all(c.iri != b for c in rejected.candidates)
    confirmed = CompanyResolver(same=[(a, b)]).resolve("天和光能有限公司")
    assert (confirmed.iri, confirmed.rule) == (b, "decision")


def test_decisions_are_kept_in_the_store(tmp_path):
    store = open_store(tmp_path / "kg", read_only=False)
    record_decision(store, "co:n-aaa", "co:trina", same=False)
    record_decision(store, "co:n-bbb", "co:jinko", same=True)
    assert read_decisions(store) == ([("co:n-bbb", "co:jinko")], [("co:n-aaa", "co:trina")])
    record_decision(store, "co:n-aaa", "co:trina", same=True)  # a decision changed
    assert read_decisions(store) == (
        [("co:n-aaa", "co:trina"), ("co:n-bbb", "co:jinko")],
        [],
    )


def test_group_ties_from_text():
    ties = [
        (m.company, m.group)
        for m in group_mentions("宜宾锂宝新材料有限公司是天原集团的控股子公司。")
    ]
    assert ties == [("宜宾锂宝新材料有限公司", "天原集团")]
    assert group_mentions("天原集团与宜宾锂宝新材料有限公司签约。") == []


# --------------------------------------------------------------------------- the name pairs


def _benchmark():
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import names
    finally:
        sys.path.remove(str(BENCHMARKS))
    return names


def test_the_name_pair_set_is_large_real_and_split():
    with (BENCHMARKS / "company_names.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) >= 200
    assert {r["split"] for r in rows} == {"dev", "test"}
    assert {"宁夏宝丰昱能科技有限公司", "昱能科技股份有限公司"} <= {r["a"] for r in rows} | {
        r["b"] for r in rows
    }


@pytest.mark.parametrize("split", ["dev", "test"])
def test_no_false_merge_in_the_name_pairs(split):
    names = _benchmark()
    result = names.score(names.read(split))
    assert result["false_merges"] == 0
    assert result["merge_precision"] == 1.0
    assert result["caught_recall"] > 0.7  # merged or put up for review


# --------------------------------------------------------------------------- the command


def _run(*args):
    return CliRunner().invoke(main, [*args, "--lang", "en"])


def test_companies_lists_searches_and_filters():
    listed = _run("companies", "--format", "json")
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.output)
    assert {"co:jinko", "co:gokin-qinghai", "co:btr"} <= {r["id"] for r in rows}
    fudi = next(r for r in rows if r["id"] == "co:fudi-battery")
    assert fudi["group"] == "BYD Company Limited"
    found = json.loads(_run("companies", "--search", "高景", "--format", "json").output)
    assert [r["id"] for r in found] == ["co:gokin-qinghai"]
    wafer = json.loads(_run("companies", "--stage", "硅片", "--format", "json").output)
    assert "co:gokin-qinghai" in {r["id"] for r in wafer}
    xining = _run("companies", "--region", "西宁", "--format", "csv").output
    assert "co:gokin-qinghai" in xining and "co:btr" not in xining


def test_companies_shows_one_with_its_facts_and_sources():
    shown = _run("companies", "晶科能源有限公司", "--format", "json")  # by full legal name
    assert shown.exit_code == 0, shown.output
    rows = json.loads(shown.output)
    assert rows[0]["value"] == "co:jinko"
    facts = [r for r in rows if r["field"] == "fact"]
    assert facts and all(r["source"] for r in facts)
    group = json.loads(_run("companies", "弗迪电池", "--format", "json").output)
    assert {"field": "group", "value": "BYD Company Limited (co:byd)", "source": ""} in group


def test_companies_errors_are_one_line():
    unknown = _run("companies", "不存在的公司")
    assert unknown.exit_code == 2 and "Traceback" not in unknown.output
    both = _run("companies", "晶科", "--review")
    assert both.exit_code == 2 and "one of" in both.output
    no_store = _run("companies", "--same", "晶科", "天合")
    assert no_store.exit_code == 2


def test_companies_records_decisions(tmp_path):
    kg = str(tmp_path / "kg")
    assert CliRunner().invoke(main, ["load", "--store", kg, "--example"]).exit_code == 0
    done = _run("companies", "--store", kg, "--not-same", "晶科", "天合")
    assert done.exit_code == 0, done.output
    assert "different companies" in done.output
    assert read_decisions(open_store(kg))[1] == [("co:jinko", "co:trina")]
    same = _run("companies", "--store", kg, "--same", "晶科", "晶科能源")
    assert "one node already" in same.output


def test_targets_show_the_group_beside_the_company():
    from analysis_graphs import XINING, production, store_with

    from chaingraph import to_networkx
    from chaingraph.analysis.targets import find_targets, with_producers_elsewhere
    from chaingraph.render.planning import render_targets

    facts = (
        production("cells", "local", "li:cell")
        + production("sib", "sib", "li:anode", site="r:CN-440300")
        + "co:sib cg:parentOrganization co:grp .\n"
    )
    store = store_with(facts)
    G = with_producers_elsewhere(to_networkx(store, XINING, lang="en"), store)
    [target] = [t for t in find_targets(G) if t.stage == "li:anode"]
    assert (target.company, target.group, target.group_label) == ("co:sib", "co:grp", "grp")
    assert "sib (grp)" in render_targets([target], "table", lang="en")
    assert json.loads(render_targets([target], "json"))["targets"][0]["group"] == "co:grp"


def test_the_resolution_benchmark_runs_small(capsys):
    """benchmarks/company_resolution.py at a toy size, so that it cannot rot."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import company_resolution
    finally:
        sys.path.remove(str(BENCHMARKS))
    assert company_resolution.main(["--companies", "300", "--rows", "60"]) == 0
    out = capsys.readouterr().out
    assert "300 companies loaded" in out and "60 names resolved" in out
    assert "'alias'" in out and "'new'" in out


def test_names_from_data_are_not_formulas_in_csv(tmp_path):
    kg = str(tmp_path / "kg")
    sheet = tmp_path / "f.csv"
    sheet.write_text("企业,环节,地区\n=HYPERLINK(1)公司,硅片,西宁\n", encoding="utf-8")
    assert CliRunner().invoke(main, ["load", "--store", kg, str(sheet)]).exit_code == 0
    out = _run("companies", "--store", kg, "--search", "HYPERLINK", "--format", "csv").output
    assert "'=HYPERLINK(1)公司" in out and "\n=" not in out and ",=" not in out


def test_a_decision_file_counts_like_recorded_decisions(tmp_path):
    store = open_store(tmp_path / "kg", read_only=False)
    decisions = tmp_path / "decisions.ttl"
    decisions.write_text(
        "@prefix co: <https://w3id.org/chaingraph/company/> .\n"
        "@prefix cg: <https://w3id.org/chaingraph/ns#> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "co:n-aaa cg:notSame co:trina .\nco:n-bbb owl:sameAs co:jinko .\n"
        "<https://example.org/x> owl:sameAs <https://example.org/y> .\n",  # not companies
        encoding="utf-8",
    )
    store.load_file(decisions)
    assert read_decisions(store) == ([("co:n-bbb", "co:jinko")], [("co:n-aaa", "co:trina")])
    record_decision(store, "co:n-ccc", "co:byd", same=False)  # its own graph only is rewritten
    assert read_decisions(store)[1] == [("co:n-aaa", "co:trina"), ("co:n-ccc", "co:byd")]
