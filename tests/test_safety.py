"""check_outbound: SPARQL that would reach the network is refused, however it is written."""

from __future__ import annotations

import pytest

from chaingraph.namespaces import sparql_prefixes
from chaingraph.safety import OutboundRefused, check_outbound
from chaingraph.store import StoreError

E = "<http://127.0.0.1:9/sparql>"


@pytest.mark.parametrize(
    "query",
    [
        f"SELECT * WHERE {{ service {E} {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE#comment\n {E} {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SeRvIcE SILENT {E} {{ ?s ?p ?o }} }}",
        "SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }",
        f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE {E} {{ ?s ?q ?r }} }} }}",
        f"SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ SERVICE {E} {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE {E} {{ ?s ?p ?o }} }} }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o MINUS {{ SERVICE {E} {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o FILTER NOT EXISTS {{ SERVICE {E} {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ GRAPH ?g {{ SERVICE {E} {{ ?s ?p ?o }} }} }}",
        f"ASK {{ SERVICE {E} {{ ?s ?p ?o }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE {E} {{ ?s ?p ?o }} }}",
        f"DESCRIBE ?s WHERE {{ SERVICE {E} {{ ?s ?p ?o }} }}",
        "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }",
        f"SELECT * FROM {E} WHERE {{ ?s ?p ?o }}",
        f"select * from named {E} where {{ graph ?g {{ ?s ?p ?o }} }}",
    ],
)
def test_outbound_queries_are_refused(query):
    with pytest.raises(OutboundRefused, match="refused"):
        check_outbound(query)


@pytest.mark.parametrize(
    "update",
    [
        f"load {E}",
        f"LOAD SILENT {E} INTO GRAPH <urn:g>",
        f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE {E} {{ ?s ?p ?o }} }}",
        f"DELETE {{ ?s ?p ?o }} USING {E} WHERE {{ ?s ?p ?o }}",
        f"INSERT DATA {{ <urn:a> <urn:b> <urn:c> }} ; LOAD {E}",
        # A \\u0022 escape is a quote once SPARQL expands it: the LOAD is code, not a string.
        'INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> "x\\u0022 } } ; LOAD <http://127.0.0.1:9/x> '
        '; INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> \\u0022" . } }',
    ],
)
def test_outbound_updates_are_refused(update):
    with pytest.raises(OutboundRefused, match="refused"):
        check_outbound(update)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("SELECT ?s WHERE { ?s a cg:Stage ; rdfs:comment 'SERVICE <http://x> { }' }", "select"),
        ("ASK { ?service ?p ?o } # SERVICE <http://x> { }", "ask"),
        ("CONSTRUCT WHERE { ?s cg:service ?o }", "construct"),
        ("DESCRIBE pv:wafer", "describe"),
    ],
)
def test_local_queries_pass(text, kind):
    assert check_outbound(text).kind == kind


def test_an_allowed_host_passes_and_local_graphs_are_not_fetched():
    assert check_outbound(f"SELECT * WHERE {{ SERVICE {E} {{ ?s ?p ?o }} }}", ["127.0.0.1:9"])
    local = "https://w3id.org/chaingraph/graph/ontology/chaingraph.ttl"
    assert check_outbound(f"SELECT * FROM <{local}> WHERE {{ ?s ?p ?o }}", (), [local])


def test_data_loads_pass_quickly_even_with_braces_in_strings():
    """RemoteStore's own loads (DROP SILENT GRAPH + INSERT DATA) pass without the slow parser."""
    triples = "".join(
        f'<urn:s{i}> <urn:p> "x }} }} ; LOAD <http://127.0.0.1:9/x> # {i}"@en .\n'
        for i in range(2000)
    )
    update = (
        sparql_prefixes()
        + f"DROP SILENT GRAPH <urn:g> ;\nINSERT DATA {{ GRAPH <urn:g> {{\n{triples}}} }}"
    )
    assert check_outbound(update).kind == "update"


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize("text", ["SELEC ?x WHERE {}", "INSERT { WHERE"])
def test_syntax_errors(text):
    """The guard reads tokens, not the grammar: Oxigraph's one parse reports the error."""
    from chaingraph import open_store

    store = open_store(None, example=False)
    with pytest.raises(StoreError, match="SPARQL syntax error"):
        store.query_results(text)
    with pytest.raises(StoreError, match="SPARQL syntax error"):
        store.update(text)


@pytest.mark.parametrize(
    "text",
    [
        # a prefixed name whose prefix is the keyword: a parser may read SERVICE and :x
        "PREFIX : <http://127.0.0.1:9/> SELECT * WHERE { SERVICE:x { ?s ?p ?o } }",
        # an escaped '#' in a local name is no comment: the SERVICE after it is code
        "PREFIX e: <urn:e:> SELECT * WHERE { ?s e:a\\# ?o . SERVICE <http://127.0.0.1:9/> {} }",
        # an escaped "'" in a local name starts no string
        "PREFIX e: <urn:e:> SELECT * { ?s e:a\\' ?o . SERVICE <http://127.0.0.1:9/> {} # '\n}",
        # "<'a>" is less-than and a string to the parser: refused as ambiguous
        "SELECT * WHERE { ?s ?p ?o FILTER(?o<'a>') SERVICE <http://127.0.0.1:9/> {} # '\n}",
        # a prefix declared twice: either namespace may be meant
        "PREFIX r: <urn:x:> PREFIX r: <http://127.0.0.1:9/> SELECT * { SERVICE r:s {} }",
        # a BASE that makes a relative FROM graph remote
        "BASE <http://127.0.0.1:9/> SELECT * FROM <g> WHERE { ?s ?p ?o }",
        "SELECT * WHERE { SERVICE <\\u0068ttp://127.0.0.1:9/> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE\\u0020<http://127.0.0.1:9/> { ?s ?p ?o } }",
        # Oxigraph reads "a\u0022b" as one string: the SERVICE after it is code, though the
        # escape expanded would end the string and start another around the SERVICE
        'SELECT * WHERE { BIND("a\\u0022b" AS ?x) SERVICE <http://127.0.0.1:9/> {} '
        'BIND("c" AS ?y) }',
        "SELECT * WHERE { BIND('a\\u0027b' AS ?x) SERVICE <http://127.0.0.1:9/> {} "
        "BIND('c' AS ?y) }",
    ],
)
@pytest.mark.usefixtures("english")
def test_tricky_spellings_are_refused(text):
    with pytest.raises(OutboundRefused, match="refused"):
        check_outbound(text)


def test_from_a_graph_that_names_nothing_on_the_network_is_an_empty_graph():
    info = check_outbound("SELECT * FROM <urn:x:nowhere> WHERE { ?s ?p ?o }")
    assert info.from_graphs and info.kind == "select"
    with pytest.raises(OutboundRefused):
        check_outbound("SELECT * FROM <http://example.org/nowhere> WHERE { ?s ?p ?o }")


def test_words_in_strings_and_comments_are_not_code():
    text = 'SELECT ?s WHERE { ?s ?p "x\\" SERVICE <http://127.0.0.1:9/> {}" } # LOAD <http://a/>'
    assert check_outbound(text).targets == []
