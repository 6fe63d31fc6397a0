"""SPARQL as the standard says: datasets, base IRIs and exit codes through the library and
`chaingraph query`; the protocol and the safety of `chaingraph serve` (issue 16)."""

from __future__ import annotations

import http.client
import json
import urllib.parse

import pytest
from _servers import start_chaingraph, wait_chaingraph
from click.testing import CliRunner

from chaingraph import open_store
from chaingraph.cli import main
from chaingraph.safety import OutboundRefused
from chaingraph.store.dataset import DEFAULT_BASE, DatasetConflict, with_using

PV = "https://w3id.org/chaingraph/graph/data/chains/pv.ttl"
COUNT = "SELECT (COUNT(*) AS ?n) {} WHERE {{ ?s ?p ?o }}"


@pytest.fixture(scope="module")
def store():
    with open_store(None) as bundled:
        yield bundled


def count(store, dataset: str = "", **options) -> int:
    rows = list(store.query_results(COUNT.format(dataset), **options))
    return int(rows[0][0].value)


# -- datasets ---------------------------------------------------------------------------------


def test_from_selects_a_graph_of_the_store(store):
    everything = count(store)
    pv = count(store, f"FROM <{PV}>")
    assert 0 < pv < everything
    assert pv == len(store.select(f"SELECT * WHERE {{ GRAPH <{PV}> {{ ?s ?p ?o }} }}"))


def test_from_named_alone_leaves_the_default_graph_empty(store):
    assert count(store, f"FROM NAMED <{PV}>") == 0
    rows = store.select(f"SELECT DISTINCT ?g FROM NAMED <{PV}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}")
    assert [str(r["g"]) for r in rows] == [PV]


def test_a_graph_not_in_the_store_is_empty_and_a_remote_one_refused(store):
    assert count(store, "FROM <urn:x-nowhere:graph>") == 0
    with pytest.raises(OutboundRefused):
        count(store, "FROM <http://example.org/graph>")


def test_the_protocols_graphs_override_the_querys_own(store):
    pv = count(store, f"FROM <{PV}>")
    assert count(store, "FROM <urn:x-nowhere:graph>", default_graphs=[PV]) == pv
    assert count(store, named_graphs=[PV]) == 0  # named only: an empty default graph


def test_relative_iris_resolve_against_the_base(store):
    triples = list(store.query_results("CONSTRUCT { <s> <p> 1 } WHERE {}"))
    assert triples[0].subject.value == DEFAULT_BASE + "s"
    triples = list(store.query_results("CONSTRUCT { <s> <p> 1 } WHERE {}", base_iri="http://b/"))
    assert triples[0].subject.value == "http://b/s"


def test_updates_take_using_clauses_from_the_protocol():
    update = "PREFIX x: <urn:x:> INSERT { GRAPH <urn:out> { ?s a x:T } } WHERE { ?s ?p ?o }"
    assert "USING <urn:g> USING NAMED <urn:h> WHERE" in with_using(update, ["urn:g"], ["urn:h"])
    with pytest.raises(DatasetConflict):
        with_using("WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", ["urn:g"], [])
    data = "INSERT DATA { <urn:a> <urn:b> <urn:c> } ; DELETE WHERE { ?s ?p ?o }"
    assert with_using(data, ["urn:g"], []) == data  # no WHERE clause of its own to scope


# -- the command line -------------------------------------------------------------------------


def cli(*args):
    return CliRunner().invoke(main, list(args))


def test_query_from_on_the_command_line():
    result = cli("query", "--format", "csv", COUNT.format(f"FROM <{PV}>"))
    assert result.exit_code == 0, result.output
    bundled = cli("query", "--format", "csv", COUNT.format(""))
    assert int(result.output.split()[1]) < int(bundled.output.split()[1])
    graph = cli("query", "--format", "csv", "--default-graph", PV, COUNT.format(""))
    assert graph.output == result.output


def test_query_base_and_exit_codes():
    result = cli("query", "--base", "http://b/", "--format", "ntriples", "CONSTRUCT {<s> <p> 1} {}")
    assert result.exit_code == 0 and result.output.startswith("<http://b/s> <http://b/p>")
    assert cli("query", "ASK { ?s ?p 'no such thing anywhere' }").exit_code == 1
    assert cli("query", "ASK { ?s ?p ?o }").exit_code == 0
    for broken in ("SELEC ?x WHERE {}", "SELECT * WHERE { ?s ?p }", "ASK {} garbage"):
        failed = cli("query", "--lang", "en", broken)
        assert failed.exit_code == 2 and "Traceback" not in failed.output
        assert "SPARQL syntax error at line 1" in failed.output
    assert cli("query", "--base", "not an iri", "ASK {}").exit_code == 2


def test_query_prints_the_stores_lexical_forms():
    text = 'SELECT ?x ?d WHERE { VALUES (?x ?d) { ("1050"^^xsd:double "PT0S"^^xsd:duration) } }'
    for fmt in ("table", "csv", "tsv", "json", "markdown"):
        output = cli("query", "--format", fmt, text).output
        assert "1050" in output and "PT0S" in output, (fmt, output)
        assert "1050.0" not in output and "P0D" not in output, (fmt, output)


def test_deep_and_large_valid_queries_are_answered():
    deep = "SELECT * WHERE { " + "OPTIONAL { ?s ?p ?o " * 50 + "}" * 50 + " } LIMIT 1"
    assert cli("query", "--format", "csv", deep).exit_code == 0
    nested = "SELECT (" + "(" * 30 + "1" + ")" * 30 + " AS ?x) {}"
    assert cli("query", "--format", "csv", nested).output.split() == ["x", "1"]
    values = " ".join(f'("v{i} from service"@en {i})' for i in range(20_000))
    large = f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES (?l ?i) {{ {values} }} }}"
    assert len(large) > 500_000
    assert cli("query", "--format", "csv", large).output.split() == ["n", "20000"]


# -- serve: the protocol and the safety of an updatable endpoint --------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    logs = tmp_path_factory.mktemp("standard")
    started = wait_chaingraph(
        start_chaingraph(
            logs / "serve.log",
            "--allow-update",
            "--lang",
            "en",
            "--workers",
            "1",
            "--memory-limit",
            "1024",
            "--timeout",
            "300",
            "--allow-host",
            "chaingraph.test",
        )
    )
    yield started
    started.stop()


def request(server, method, path, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        connection.close()


def form(fields: dict) -> tuple[str, dict]:
    return urllib.parse.urlencode(fields), {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.mark.slow
@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "HEAD"])
def test_other_methods_get_405_with_allow(server, method):
    status, headers, _ = request(server, method, "/sparql?query=ASK%7B%7D")
    assert status == 405 and headers["Allow"] == "GET, POST, OPTIONS"


@pytest.mark.slow
def test_service_description(server):
    from rdflib import Graph, URIRef

    status, headers, body = request(server, "GET", "/sparql")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=body, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    endpoint = URIRef(f"{server.base}/sparql")
    assert (endpoint, URIRef(sd + "feature"), URIRef(sd + "UnionDefaultGraph")) in graph
    assert (endpoint, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Update")) in graph


@pytest.mark.slow
def test_serve_as_a_remote_store_keeps_the_dataset_semantics(server, store):
    """Before any update of this module: serve's store is the bundled data, as ``store``."""
    from remote_contract import check_datasets

    remote = open_store(f"{server.base}/sparql")
    assert remote.union_default_graph()  # read from the service description
    check_datasets(remote, store)


@pytest.mark.slow
def test_protocol_dataset_and_from(server):
    def n(fields):
        body, headers = form(fields)
        headers["Accept"] = "application/sparql-results+json"
        status, _, answer = request(server, "POST", "/sparql", body, headers)
        assert status == 200, answer
        return int(json.loads(answer)["results"]["bindings"][0]["n"]["value"])

    everything = n({"query": COUNT.format("")})
    pv = n({"query": COUNT.format(f"FROM <{PV}>")})
    assert 0 < pv < everything
    assert n({"query": COUNT.format(""), "default-graph-uri": PV}) == pv
    assert n({"query": COUNT.format("FROM <urn:x:none>"), "default-graph-uri": PV}) == pv
    body, headers = form({"query": "ASK {}", "default-graph-uri": "not an iri"})
    assert request(server, "POST", "/sparql", body, headers)[0] == 400


@pytest.mark.slow
def test_update_dataset_parameters_and_conflicts(server):
    body, headers = form({"update": "INSERT DATA { GRAPH <urn:in> { <urn:a> <urn:p> <urn:b> } }"})
    assert request(server, "POST", "/sparql", body, headers)[0] == 204
    copy = "INSERT { GRAPH <urn:out> { ?s ?p ?o } } WHERE { ?s ?p ?o }"
    body, headers = form({"update": copy, "using-graph-uri": "urn:in"})
    assert request(server, "POST", "/sparql", body, headers)[0] == 204
    asked = {"query": "ASK { GRAPH <urn:out> { <urn:a> <urn:p> <urn:b> } }"}
    assert json.loads(request(server, "GET", "/sparql?" + urllib.parse.urlencode(asked))[2])[
        "boolean"
    ]
    conflict = "WITH <urn:in> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }"
    body, headers = form({"update": conflict, "using-named-graph-uri": "urn:in"})
    status, _, message = request(server, "POST", "/sparql", body, headers)
    assert status == 400 and "names its own dataset" in message


@pytest.mark.slow
def test_relative_iris_resolve_against_the_endpoint(server):
    query = urllib.parse.urlencode({"query": "CONSTRUCT { <s> <p> 1 } WHERE {}"})
    _, _, body = request(
        server, "GET", f"/sparql?{query}", headers={"Accept": "application/n-triples"}
    )
    assert body.startswith(f"<{server.base}/s> <{server.base}/p>")


@pytest.mark.slow
@pytest.mark.parametrize(
    "extra",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site", "Origin": "http://127.0.0.1:1"},
    ],
)
def test_cross_site_writes_are_refused(server, extra):
    update = "INSERT DATA { GRAPH <urn:evil> { <urn:a> <urn:b> <urn:c> } }"
    for body, headers in (
        form({"update": update}),
        (update, {"Content-Type": "application/sparql-update"}),
    ):
        status, response_headers, message = request(
            server, "POST", "/sparql", body, {**headers, **extra}
        )
        assert status == 403 and "another site" in message
        assert "Access-Control-Allow-Origin" not in response_headers  # CORS stays off
    asked = urllib.parse.urlencode({"query": "ASK { GRAPH <urn:evil> { ?s ?p ?o } }"})
    assert '"boolean":false' in request(server, "GET", f"/sparql?{asked}")[2]


@pytest.mark.slow
def test_same_origin_and_program_writes_pass(server):
    update = "INSERT DATA { GRAPH <urn:own> { <urn:a> <urn:b> <urn:c> } }"
    body, headers = form({"update": update})
    own = {"Origin": server.base, "Sec-Fetch-Site": "same-origin"}
    assert request(server, "POST", "/sparql", body, {**headers, **own})[0] == 204
    assert request(server, "POST", "/sparql", body, headers)[0] == 204  # a program: no Origin


@pytest.mark.slow
@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("evil.example", 421),
        ("evil.example:{port}", 421),
        ("127.0.0.1:1", 421),
        ("127.0.0.1:{port}", 200),
        ("localhost:{port}", 200),
        ("chaingraph.test", 200),  # --allow-host
    ],
)
def test_the_host_header_must_name_this_server(server, host, status):
    headers = {"Host": host.format(port=server.port)}
    assert request(server, "GET", "/sparql?query=ASK%7B%7D", headers=headers)[0] == status


@pytest.mark.slow
def test_a_query_over_the_memory_cap_is_stopped_and_the_worker_restarts(server):
    runaway = "SELECT * { ?a ?b ?c . ?d ?e ?f } ORDER BY ?a ?f"
    body, headers = form({"query": runaway})
    status, _, message = request(server, "POST", "/sparql", body, headers)
    assert status == 500 and "--memory-limit" in message
    assert request(server, "GET", "/sparql?query=ASK%7B%7D")[0] == 200
