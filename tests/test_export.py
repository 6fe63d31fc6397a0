"""Exports: GraphML/GEXF round-trip through NetworkX, Turtle and JSON-LD parse back to the same
triples, CSV tables are UTF-8 (BOM for Excel) and safe from formula injection, region scope."""

from __future__ import annotations

import csv
import json

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner

from chaingraph import open_store, to_networkx
from chaingraph.cli import main
from chaingraph.render.export import csv_paths, export, guard_cell, rdf_graph, scalar_graph
from chaingraph.workspace import Workspace

XINING = "region:CN-630100"

SHENZHEN_FACT = """
@prefix cg: <https://w3id.org/chaingraph/ns#> .
@prefix co: <https://w3id.org/chaingraph/company/> .
@prefix pv: <https://w3id.org/chaingraph/chain/pv/> .
@prefix region: <https://w3id.org/chaingraph/region/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix x: <https://w3id.org/chaingraph/data/xining-2022/> .
co:formula a cg:Company ; skos:prefLabel "=HYPERLINK(\\"http://x\\",\\"y\\")"@zh, "@SUM(1)"@en .
x:sz-prod a cg:Production ; cg:producer co:formula ; cg:stage pv:cell ;
    cg:site region:CN-440300 ; cg:status cg:InProduction ; cg:capacity x:sz-cap .
x:sz-cap a cg:Capacity ; cg:value 5.0 ; cg:unit <https://w3id.org/chaingraph/unit/GW> ;
    cg:statedAs "-5GW" .
x:xn-prod a cg:Production ; cg:producer co:formula ; cg:stage pv:wafer ;
    cg:site region:CN-630100 ; cg:status cg:InProduction .
"""


@pytest.fixture(scope="module")
def mixed_store():
    """The bundled store plus one company with a formula-like name, making cells in Shenzhen
    and wafers in Xining."""
    store = open_store()
    store.load_data(SHENZHEN_FACT, "urn:test:shenzhen", format=ox.RdfFormat.TURTLE)
    return store


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graph_formats_round_trip(store, tmp_path, fmt):
    path = tmp_path / f"xining.{fmt}"
    assert export(Workspace(store, "en"), fmt, path, region="西宁") == [path]
    G = to_networkx(store, XINING, lang="en")
    H = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
    assert H.number_of_nodes() == G.number_of_nodes()
    assert H.number_of_edges() == G.number_of_edges()
    assert H.nodes["pv:wafer"]["label"] == "Silicon wafer"
    assert H.nodes["pv:wafer"]["label_zh"] == "硅片"
    assert int(H.nodes["pv:wafer"]["position"]) == 4
    facts = {key: data for _, _, key, data in H.edges(keys=True, data=True)}
    csi = facts["x:proj-csi-ingot"]
    assert float(csi["capacity"]) == 10.0 and csi["statedAs"] == "10GW" and csi["evidence"]


def test_scalar_graph_has_string_ids_and_scalars(xining_graph):
    H = scalar_graph(xining_graph, "zh")
    assert all(isinstance(n, str) for n in H)
    assert all(isinstance(k, str) for *_, k in H.edges(keys=True))
    values = [v for _, d in H.nodes(data=True) for v in d.values()]
    values += [v for *_, d in H.edges(data=True) for v in d.values()]
    assert all(isinstance(v, str | int | float | bool) for v in values)
    assert H.nodes["pv:wafer"]["label"] == "硅片"


def test_turtle_and_jsonld_hold_the_triples(store, tmp_path):
    expected = rdf_graph(store)
    export(Workspace(store), "turtle", tmp_path / "all.ttl")
    export(Workspace(store), "jsonld", tmp_path / "all.jsonld")
    turtle = rdflib.Graph().parse(tmp_path / "all.ttl", format="turtle")
    # JSON-LD read back by a second, independent parser (Oxigraph's).
    jsonld = set(ox.parse(path=str(tmp_path / "all.jsonld"), format=ox.RdfFormat.JSON_LD))
    assert len(turtle) == len(jsonld) == len(expected) > 3000
    doc = json.loads((tmp_path / "all.jsonld").read_text(encoding="utf-8"))
    assert doc["@context"]["label"] == {"@id": "skos:prefLabel", "@container": "@language"}
    wafer = next(n for n in doc["@graph"] if n["@id"] == "pv:wafer")
    assert wafer["label"] == {"zh": "硅片", "en": "Silicon wafer"}
    assert "@prefix pv: <https://w3id.org/chaingraph/chain/pv/> ." in (
        tmp_path / "all.ttl"
    ).read_text(encoding="utf-8")


def test_region_leaves_out_other_regions_facts(mixed_store):
    everything = rdf_graph(mixed_store)
    xining = rdf_graph(mixed_store, XINING)
    sz, xn = (
        rdflib.URIRef("https://w3id.org/chaingraph/data/xining-2022/sz-prod"),
        rdflib.URIRef("https://w3id.org/chaingraph/data/xining-2022/xn-prod"),
    )
    cap = rdflib.URIRef("https://w3id.org/chaingraph/data/xining-2022/sz-cap")
    assert (sz, None, None) in everything and (sz, None, None) not in xining
    assert (cap, None, None) in everything and (cap, None, None) not in xining
    assert (xn, None, None) in xining
    bundled = open_store()  # its own facts outside Xining (the example producers) aside
    baseline = len(rdf_graph(bundled)) - len(rdf_graph(bundled, XINING))
    assert len(everything) - len(xining) == baseline + 10  # 6 fact + 4 capacity triples


def test_csv_tables_guard_formulas_and_excel_bom(mixed_store, tmp_path):
    nodes_path, edges_path = export(
        Workspace(mixed_store, "zh"), "csv", tmp_path / "xining.csv", region="西宁", excel=True
    )
    assert edges_path == tmp_path / "xining-edges.csv"
    raw = nodes_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and edges_path.read_bytes().startswith(b"\xef\xbb\xbf")
    with open(nodes_path, encoding="utf-8-sig", newline="") as f:
        nodes = {row["id"]: row for row in csv.DictReader(f)}
    assert nodes["co:formula"]["label"] == '\'=HYPERLINK("http://x","y")'
    assert nodes["co:formula"]["label_en"] == "'@SUM(1)"
    assert nodes["pv:wafer"]["label"] == "硅片" and nodes["pv:wafer"]["label_en"] == "Silicon wafer"
    with open(edges_path, encoding="utf-8-sig", newline="") as f:
        edges = list(csv.DictReader(f))
    G = to_networkx(mixed_store, XINING, lang="zh")
    assert len(nodes) == G.number_of_nodes() and len(edges) == G.number_of_edges()
    assert {e["fact"] for e in edges} >= {"x:xn-prod"}
    assert "x:sz-prod" not in {e["fact"] for e in edges}  # Shenzhen is outside Xining
    for row in [*nodes.values(), *edges]:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_csv_without_excel_has_no_bom_and_directory_target(store, tmp_path):
    export(Workspace(store), "csv", tmp_path, region="西宁")
    assert (tmp_path / "nodes.csv").read_bytes().startswith(b"id,")
    assert (tmp_path / "edges.csv").read_bytes().startswith(b"from,")
    assert csv_paths(tmp_path / "out.csv")[1] == tmp_path / "out-edges.csv"


def test_guard_cell():
    assert [guard_cell(v) for v in ["=1+1", "+1", "-1", "@x", "\tx", "\rx", "a=b", 3, -2.5]] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@x",
        "'\tx",
        "'\rx",
        "a=b",
        3,
        -2.5,
    ]


def test_cli_export(tmp_path):
    runner = CliRunner()
    out = tmp_path / "xining.gexf"
    result = runner.invoke(main, ["export", "--region", "西宁", "--format", "gexf", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert str(out) in result.output and nx.read_gexf(out).number_of_nodes() > 100
    result = runner.invoke(main, ["export", "--format", "csv", "-o", str(tmp_path / "t.csv")])
    assert result.exit_code == 0 and "t-edges.csv" in result.output
    result = runner.invoke(main, ["export", "--format", "xml", "-o", str(tmp_path / "t.xml")])
    assert result.exit_code == 2
    result = runner.invoke(
        main, ["export", "--lang", "en", "--format", "turtle", "-o", str(tmp_path / "no" / "t.ttl")]
    )
    assert result.exit_code == 2 and "does not exist" in result.output
    result = runner.invoke(
        main,
        [
            "export",
            "--lang",
            "en",
            "--region",
            "火星",
            "--format",
            "turtle",
            "-o",
            str(tmp_path / "m.ttl"),
        ],
    )
    assert result.exit_code == 2 and "unknown region" in result.output
    assert not (tmp_path / "m.ttl").exists()
