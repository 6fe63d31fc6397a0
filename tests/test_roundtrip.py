"""Property tests: any label, Chinese or not, survives Turtle, JSON-LD, the store and CSV."""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox
import rdflib
from hypothesis import given, settings
from hypothesis import strategies as st

from chaingraph import open_store
from chaingraph.render.tables import render_rows

SUBJECT = rdflib.URIRef("https://w3id.org/chaingraph/company/test")
LABEL = rdflib.URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")

labels = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),  # CJK ideographs
        st.sampled_from("（）()【】“”\"'\\<>&;,，。、=+-@ \t\nAZaz09"),
    ),
    min_size=1,
    max_size=40,
)


def _graph(text: str) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.add((SUBJECT, LABEL, rdflib.Literal(text, lang="zh")))
    return graph


@settings(max_examples=60, deadline=None)
@given(labels)
def test_labels_round_trip_through_turtle_and_jsonld(text):
    """Written by rdflib, read back by Oxigraph (the parser chaingraph loads files with)."""
    for fmt, syntax in (("turtle", ox.RdfFormat.TURTLE), ("json-ld", ox.RdfFormat.JSON_LD)):
        data = _graph(text).serialize(format=fmt)
        (triple,) = list(ox.parse(data, format=syntax))
        assert triple.object.value == text
        assert triple.object.language == "zh"


@settings(max_examples=30, deadline=None)
@given(labels)
def test_labels_round_trip_through_the_store(text):
    store = open_store(example=False)
    turtle = _graph(text).serialize(format="turtle")
    store.load_data(turtle, "https://w3id.org/chaingraph/graph/test", format=ox.RdfFormat.TURTLE)
    rows = store.select("SELECT ?l WHERE { co:test skos:prefLabel ?l }")
    assert [str(r["l"]) for r in rows] == [text]


@settings(max_examples=60, deadline=None)
@given(st.lists(labels, min_size=1, max_size=5))
def test_cells_round_trip_through_csv(cells):
    text = render_rows([f"c{i}" for i in range(len(cells))], [cells], "csv")
    assert list(csv.reader(io.StringIO(text)))[1] == cells
