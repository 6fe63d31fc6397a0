"""`chaingraph validate`: SHACL on the store or on files, labelled messages, exit codes 0/1/2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner

from chaingraph import open_store
from chaingraph.cli import main
from chaingraph.ingest import import_table
from chaingraph.validate import store_to_rdflib, validate_files, validate_store

HERE = Path(__file__).parent
MINI = HERE / "data" / "sheets-shapes.ttl"
OFFICIAL = HERE.parent / "ontology" / "shapes.ttl"
SHAPES = [MINI, *([OFFICIAL] if OFFICIAL.exists() else [])]

PREFIXES = """@prefix cg: <https://w3id.org/chaingraph/ns#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix co: <https://w3id.org/chaingraph/company/> .
@prefix region: <https://w3id.org/chaingraph/region/> .
@prefix pv: <https://w3id.org/chaingraph/chain/pv/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix ex: <https://example.org/> .
"""
GOOD = (
    PREFIXES
    + """
co:test-good a cg:Company ; skos:prefLabel "好公司"@zh, "Good Co"@en ;
    cg:locatedIn region:CN-630100 .
ex:fact a cg:Production ; cg:producer co:test-good ; cg:stage pv:wafer ; cg:site region:CN-630100 ;
    cg:confidence 1.0 ; prov:wasDerivedFrom ex:doc .
"""
)
BAD = (
    PREFIXES
    + """
co:test-bad a cg:Company ; skos:prefLabel "坏公司"@zh, "Bad Co"@en .
ex:fact2 a cg:Production ; cg:producer co:test-bad ; cg:confidence 1.0 ;
    prov:wasDerivedFrom ex:doc .
"""
)


@pytest.fixture
def files(tmp_path):
    (tmp_path / "good.ttl").write_text(GOOD, encoding="utf-8")
    (tmp_path / "bad.ttl").write_text(BAD, encoding="utf-8")
    broken = PREFIXES + 'co:x a cg:Company ; skos:prefLabel "open .\n'
    (tmp_path / "broken.ttl").write_text(broken, encoding="utf-8")
    return tmp_path


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_the_union_of_the_store_is_an_rdflib_graph(store):
    graph = store_to_rdflib(store)
    assert len(graph) == len(set(store_to_rdflib(store))) > 1000
    assert (
        rdflib.URIRef("https://w3id.org/chaingraph/company/gokin-qinghai"),
        rdflib.RDF.type,
        rdflib.URIRef("https://w3id.org/chaingraph/ns#Company"),
    ) in graph


@pytest.mark.parametrize("shapes", SHAPES, ids=lambda p: p.name)
def test_the_bundled_store_conforms(store, shapes):
    report = validate_store(store, shapes)
    assert report.conforms, report.violations


@pytest.mark.parametrize("shapes", SHAPES, ids=lambda p: p.name)
def test_violations_name_nodes_by_label(files, shapes):
    report = validate_files([files / "bad.ttl"], shapes, lang="zh")
    assert not report.conforms
    focus = {v.focus: v.focus_label for v in report.violations}
    assert focus["co:test-bad"] == "坏公司"
    # only the file's nodes are reported, not the context's
    assert {v.focus for v in report.violations} <= {"co:test-bad", "https://example.org/fact2"}
    en = validate_files([files / "bad.ttl"], shapes, lang="en")
    assert {v.focus_label for v in en.violations if v.focus == "co:test-bad"} == {"Bad Co"}
    messages = " ".join(v.message for v in en.violations)
    assert "every company has a location" in messages
    assert "a production fact names the stage it produces" in messages
    # the shipped shapes say it in Chinese too (sh:message "…"@zh); other shapes fall back
    zh = " ".join(v.message for v in report.violations)
    chinese = shapes.name == "shapes.ttl" and shapes.parent.name == "ontology"
    assert ("每家企业须有所在地" in zh) is chinese
    assert ("every company has a location" in zh) is not chinese


def test_cli_exit_codes(files):
    result = run("validate", "--lang", "en", "--shapes", str(MINI))
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output

    result = run("validate", "--shapes", str(MINI), str(files / "good.ttl"))
    assert result.exit_code == 0, result.output

    result = run("validate", "--shapes", str(MINI), "--lang", "zh", str(files / "bad.ttl"))
    assert result.exit_code == 1, result.output
    assert "坏公司 (co:test-bad) cg:locatedIn: every company has a location" in result.output

    result = run("validate", "--shapes", str(MINI), str(files / "broken.ttl"))
    assert result.exit_code == 2, result.output
    assert "broken.ttl" in result.output and "Traceback" not in result.output

    result = run("validate", "--shapes", str(files / "nowhere.ttl"))
    assert result.exit_code == 2
    result = run("validate", "--lang", "en", "--shapes", str(MINI), str(files / "missing.ttl"))
    assert result.exit_code == 2 and "no such file" in result.output


def test_cli_formats(files):
    bad = str(files / "bad.ttl")
    result = run("validate", "--shapes", str(MINI), "--format", "json", "--lang", "en", bad)
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["conforms"] is False and data["schema"] == "chaingraph.validate/1"
    assert {"focus": "co:test-bad", "focus_label": "Bad Co"}.items() <= data["violations"][
        0
    ].items()

    result = run("validate", "--shapes", str(MINI), "--format", "turtle", bad)
    assert result.exit_code == 1
    results = rdflib.Graph().parse(data=result.output, format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    assert len(list(results.subjects(rdflib.RDF.type, sh.ValidationResult))) >= 2

    result = run("validate", "--shapes", str(MINI), "--format", "table", "--lang", "zh", bad)
    assert result.exit_code == 1
    assert "坏公司" in result.output and "cg:locatedIn" in result.output


def test_a_store_directory_with_an_imported_sheet_validates(tmp_path):
    sheet = tmp_path / "s.csv"
    sheet.write_text("企业,环节,地区,产能,单位\n新公司,硅片,西宁,5,GW\n", encoding="utf-8")
    store = open_store(tmp_path / "db")
    import_table(store, sheet)
    store.flush()
    del store
    result = run("validate", "--store", str(tmp_path / "db"), "--shapes", str(MINI))
    assert result.exit_code == 0, result.output
    result = run("validate", "--shapes", str(MINI), str(sheet))
    assert result.exit_code == 0, result.output
