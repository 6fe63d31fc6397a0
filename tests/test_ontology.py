"""The shipped ontology and data: every file parses, conforms to the shapes, and every quote
is found in its source document at its offsets."""

from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
import rdflib
from rdflib import RDF, Literal, Namespace, URIRef

from chaingraph.resources import bundled_files, bundled_path, data_dir, ontology_dir

CG = Namespace("https://w3id.org/chaingraph/ns#")
PROV = Namespace("http://www.w3.org/ns/prov#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
TURTLE_FILES = sorted([*ontology_dir().glob("*.ttl"), *data_dir().rglob("*.ttl")])


@pytest.fixture(scope="module")
def union() -> rdflib.Graph:
    graph = rdflib.Graph()
    for relative in bundled_files("all"):
        graph.parse(bundled_path(relative))
    return graph


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(ontology_dir() / "shapes.ttl")


def validate(graph, shapes):
    conforms, _, text = pyshacl.validate(graph, shacl_graph=shapes, advanced=True)
    return conforms, text


@pytest.mark.parametrize("path", TURTLE_FILES, ids=lambda p: p.name)
def test_every_shipped_turtle_file_parses(path: Path):
    assert len(rdflib.Graph().parse(path)) > 0


def test_every_shipped_file_is_loaded():
    loaded = {bundled_path(p).resolve() for p in bundled_files("all")}
    shipped = {p.resolve() for p in TURTLE_FILES if p.name != "shapes.ttl"}
    assert shipped <= loaded, f"shipped but never loaded: {shipped - loaded}"


def test_bundled_data_conforms_to_the_shapes(union, shapes):
    conforms, text = validate(union, shapes)
    assert conforms, text


@pytest.mark.parametrize(
    "broken, message",
    [
        ([(CG.Company, None)], "every company has a location"),
        ([(CG.Stage, None)], "every stage belongs to exactly one chain"),
        ([(CG.Production, "implied")], "an implied fact says why"),
        ([(CG.PresenceClaim, "no-provenance")], "a fact needs provenance"),
    ],
)
def test_shapes_catch_broken_data(union, shapes, broken, message):
    graph = rdflib.Graph()
    graph += union
    node = URIRef("https://w3id.org/chaingraph/test/broken")
    for cls, variant in broken:
        graph.add((node, RDF.type, cls))
        graph.add((node, SKOS.prefLabel, Literal("坏", lang="zh")))
        if variant == "implied":
            graph.add((node, CG.assertion, CG.Implied))
            graph.add((node, CG.confidence, Literal("1.0", datatype=rdflib.XSD.decimal)))
            graph.add(
                (node, CG.evidence, URIRef("https://w3id.org/chaingraph/data/xining-2022/q01"))
            )
    conforms, text = validate(graph, shapes)
    assert not conforms
    assert message in text


def _squeeze(text: str) -> str:
    return "".join(text.split())


def test_every_quote_is_in_its_source_at_its_offsets(union):
    quotes = list(union.subjects(RDF.type, CG.Quote))
    assert len(quotes) >= 15
    for quote in quotes:
        document = union.value(quote, PROV.wasQuotedFrom)
        source = data_dir() / str(union.value(document, CG.sourceFile))
        raw = source.read_text(encoding="utf-8")
        start, end = (int(union.value(quote, p)) for p in (CG.charStart, CG.charEnd))
        assert _squeeze(raw[start:end]) == str(union.value(quote, PROV.value)), quote


def test_every_xining_fact_carries_provenance(union):
    facts = {
        s
        for cls in (
            CG.Production,
            CG.Project,
            CG.PresenceClaim,
            CG.RegionalCapacity,
            CG.Observation,
        )
        for s in union.subjects(RDF.type, cls)
    }
    assert len(facts) >= 40
    for fact in facts:
        assert union.value(fact, CG.evidence) or union.value(fact, PROV.wasDerivedFrom), fact
        assert union.value(fact, CG.confidence) is not None, fact


def test_the_article_numbers_are_all_in_the_graph(union):
    """Each figure of the article appears as a typed value in some fact."""
    values = {float(o) for o in union.objects(None, CG.value)}
    article = [
        6.0,
        1.5,
        1.0,
        1.7,
        1.8,
        50.2,
        27,
        183,
        1386.2,
        57.3,
        43.4,
        27.3,
        400,
        13_000_000,
        1000,
        11_000,
        800_000,
        1_000_000,
        240_000,
        100_000,
        50_000,
        15,
        197.6,
        100,
        61,
        10.3,
        26.9,
        5.5,
        11.4,
        70,
        10,
        20,
        3,
    ]
    missing = [v for v in article if float(v) not in values]
    assert not missing


def test_implied_facts_are_marked_and_weaker(union):
    implied = set(union.subjects(CG.assertion, CG.Implied))
    asia_silicon = URIRef(
        "https://w3id.org/chaingraph/data/xining-2022/prod-asia-silicon-polysilicon"
    )
    assert asia_silicon in implied
    assert float(union.value(asia_silicon, CG.confidence)) < 1
