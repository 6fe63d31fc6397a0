"""One company whatever the order of loading: sheets, the bundled example and text.

Every permutation of four loads (two sheets, the bundled Xining example, a text extraction)
must give the same companies, the same group ties and the same gap verdicts.
"""

from __future__ import annotations

import itertools

import pytest

from chaingraph import find_gaps, open_store, to_networkx
from chaingraph.companies import minted_iri
from chaingraph.extract import extract_text
from chaingraph.extract.to_rdf import graph_iri, to_turtle
from chaingraph.ingest import import_table

XINING = "region:CN-630100"
SHEET_A = (
    "企业,环节,地区,产能,单位,状态,年份\n"
    "青海高景太阳能科技有限公司,硅片,西宁,30,GW,在产,2024\n"
    "晶科能源（乐山）有限公司,组件,西宁,5,GW,在产,2024\n"
)
SHEET_B = (
    "企业,环节,地区\n"
    "高景,单晶硅棒,西宁\n"
    "西宁新能新材料有限公司,多晶硅,西宁\n"
    "四川永祥股份有限公司,多晶硅,西宁\n"
)
TEXT = (
    "2024年，西宁新能新材料有限公司年产5万吨多晶硅项目在西宁市建成投产。"
    "青海高景太阳能科技有限公司的硅片项目也已投产。"
)


def _load(store, what: str, folder) -> None:
    if what == "example":
        store.load_files([], example=True)
    elif what == "text":
        extraction = extract_text(TEXT, store, source_name="news.txt")
        store.load_data(to_turtle(extraction), graph_iri(extraction), format="turtle")
    else:
        path = folder / f"{what}.csv"
        path.write_text(SHEET_A if what == "sheet-a" else SHEET_B, encoding="utf-8")
        import_table(store, path)


def _what_the_graph_believes(store) -> tuple:
    companies = {
        str(r["c"])
        for r in store.select("SELECT DISTINCT ?c WHERE { GRAPH ?g { ?f cg:producer ?c } }")
    }
    ties = {
        (str(r["c"]), str(r["p"]))
        for r in store.select("SELECT ?c ?p WHERE { GRAPH ?g { ?c cg:parentOrganization ?p } }")
    }
    report = find_gaps(to_networkx(store, XINING, lang="zh"), XINING, ["chain:pv"])
    verdicts = {
        (row.stage, row.verdict, row.gap_class, tuple(sorted(p.subject for p in row.producers)))
        for row in report.chain("chain:pv").stages
    }
    return companies, ties, verdicts


LOADS = ("sheet-a", "example", "text", "sheet-b")


@pytest.fixture(scope="module")
def first_order(tmp_path_factory):
    store = open_store(example=False)
    for what in LOADS:
        _load(store, what, tmp_path_factory.mktemp("loads"))
    return _what_the_graph_believes(store)


@pytest.mark.parametrize("order", list(itertools.permutations(LOADS))[1:])
def test_every_order_of_loading_gives_the_same_graph(order, first_order, tmp_path):
    store = open_store(example=False)
    for what in order:
        _load(store, what, tmp_path)
    assert _what_the_graph_believes(store) == first_order


def test_what_the_loads_agree_on(first_order):
    companies, ties, verdicts = first_order
    expanded = {c.rsplit("/", 1)[-1] for c in companies}
    assert "gokin-qinghai" in expanded  # one 青海高景: sheet, short name, text and example
    assert not any(c.startswith("n-") and "gokin" in c for c in expanded)
    assert minted_iri("西宁新能新材料有限公司").removeprefix("co:") in expanded  # sheet = text
    leshan = minted_iri("晶科能源（乐山）有限公司").removeprefix("co:")
    assert leshan in expanded and "jinko" in expanded  # the plant is not its group
    assert any(c.endswith(leshan) and p.endswith("/jinko") for c, p in ties)
    wafer = next(v for v in verdicts if v[0] == "pv:wafer")
    assert {p.rsplit(":", 1)[-1] for p in wafer[3]} == {"gokin-qinghai"}  # one producer
    assert wafer[2] == "cg:StrengthenGap"  # so 硅片 keeps its 强链 gap
