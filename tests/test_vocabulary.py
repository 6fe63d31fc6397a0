"""One vocabulary for sheets and text: the same company and place get the same IRI."""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox
import pytest

from chaingraph import open_store
from chaingraph.extract import extract_text
from chaingraph.extract.rules import status_of
from chaingraph.extract.to_rdf import graph_iri, to_turtle
from chaingraph.ingest import import_table, table_to_rdf
from chaingraph.vocabulary import (
    LEGAL_FORMS,
    STATUS_WORDS,
    TEXT_LEGAL_FORMS,
    fold,
    mint_company_iri,
    mint_place_iri,
    place_level,
    scaled_unit_words,
)

COMPANY = "阳光能源（曲靖）有限公司"
PLACE = "曲靖市"
SENTENCE = f"2023年，{COMPANY}在{PLACE}建成10GW单晶硅棒项目。"
SHEET_GRAPH = "urn:test:sheet"


def write_sheet(path, rows):
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(
        [["企业", "环节", "地区", "产能", "单位"], *rows]
    )
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def load_text(store, base):
    """Extract the sentence against ``base`` and load its facts into ``store``."""
    result = extract_text(SENTENCE, base, source_name="qujing.txt")
    store.load_data(to_turtle(result), graph_iri(result), format=ox.RdfFormat.TURTLE)
    return result


def load_sheet(store, base, tmp_path):
    sheet = write_sheet(tmp_path / "曲靖.csv", [[COMPANY, "单晶硅棒", PLACE, "10", "GW"]])
    text, _ = table_to_rdf(base, sheet, graph=SHEET_GRAPH)
    store.load_data(text, SHEET_GRAPH, format=ox.RdfFormat.TURTLE)


def nodes(store, cls, label):
    rows = store.select(f'SELECT DISTINCT ?n WHERE {{ ?n a {cls} ; skos:prefLabel "{label}"@zh }}')
    return {str(r["n"]) for r in rows}


@pytest.mark.parametrize("order", ["independent", "sheet first", "text first"])
def test_a_company_from_a_sheet_and_from_a_sentence_is_one_node(tmp_path, order):
    store = open_store(example=False)
    if order == "independent":  # both read against the same store before either is loaded
        base = open_store(example=False)
        load_sheet(store, base, tmp_path)
        result = load_text(store, base)
    elif order == "sheet first":
        load_sheet(store, store, tmp_path)
        result = load_text(store, store)
    else:
        result = load_text(store, store)
        load_sheet(store, store, tmp_path)
    (project,) = [f for f in result.facts if f.kind == "project"]
    assert project.company.name == COMPANY and project.site.name == PLACE
    [company] = nodes(store, "cg:Company", COMPANY)
    [place] = nodes(store, "cg:City", PLACE)
    assert company.rsplit("/", 1)[-1].startswith("n-")  # minted from the name, by both sides
    producers = store.select("SELECT DISTINCT ?c WHERE { ?f cg:producer ?c }")
    assert {str(r["c"]) for r in producers} == {company}
    sites = store.select("SELECT DISTINCT ?s WHERE { ?f cg:site ?s }")
    assert {str(r["s"]) for r in sites} == {place}
    # both sources say it: the sheet's row and the sentence's project
    facts = store.select(f"SELECT ?f ?g WHERE {{ GRAPH ?g {{ ?f cg:producer <{company}> }} }}")
    assert {str(r["g"]) for r in facts} == {SHEET_GRAPH, graph_iri(result)}


def test_minted_iris_do_not_depend_on_spelling():
    assert mint_company_iri(COMPANY) == mint_company_iri("阳光能源(曲靖)有限公司")
    assert mint_company_iri(COMPANY) == mint_company_iri("阳光能源（曲靖）股份有限公司")
    assert mint_company_iri(COMPANY) != mint_company_iri("阳光能源（昆明）有限公司")
    assert mint_place_iri("曲靖市") == mint_place_iri("曲靖 市")
    assert mint_place_iri("吉林省") != mint_place_iri("吉林市")


def test_the_union_of_both_sides_words():
    # status words a sheet used to know and the text did not, and the other way round
    for word, status in [
        ("已投产", "cg:InProduction"),
        ("规划中", "cg:Planned"),
        ("签约落地", "cg:Planned"),
        ("开工建设", "cg:UnderConstruction"),
        ("建设中", "cg:UnderConstruction"),
    ]:
        assert STATUS_WORDS[word] == status
        assert status_of(f"项目{word}")[0] == status
    assert {"公司", "分公司"} <= set(LEGAL_FORMS)
    assert {"公司", "分公司"} <= set(TEXT_LEGAL_FORMS)
    assert list(STATUS_WORDS) == sorted(STATUS_WORDS, key=len, reverse=True)
    assert list(LEGAL_FORMS[:12]) == sorted(LEGAL_FORMS[:12], key=len, reverse=True)
    assert place_level("达拉特旗") == "district" and place_level("三江新区") == "zone"
    units = scaled_unit_words()
    assert units["万吨"] == ("cgu:t", 10000) and units["亿千瓦时"][0] == "cgu:GWh"
    assert fold("ＡＢ（Ｃ） d") == "ab(c)d"


def test_a_sheet_accepts_the_texts_status_words_and_units(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text(
        "企业,环节,地区,产能,单位,状态\n甲新材料有限公司,硅片,西宁,500,千瓦,开工建设\n",
        encoding="utf-8",
    )
    store = open_store()
    import_table(store, path, graph=SHEET_GRAPH)
    rows = store.select(
        f"""SELECT ?v ?u ?s WHERE {{ GRAPH <{SHEET_GRAPH}> {{
              ?f cg:status ?s ; cg:capacity [ cg:value ?v ; cg:unit ?u ] }} }}"""
    )
    [row] = rows
    assert (float(row["v"]), str(row["u"]).rsplit("/", 1)[-1]) == (0.5, "MW")
    assert str(row["s"]).endswith("#UnderConstruction")
