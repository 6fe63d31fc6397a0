"""The W3C SPARQL 1.1 Protocol tests (tests/w3c/sparql11/protocol/manifest.ttl) against a real
`chaingraph serve --allow-update`, in manifest order (later tests clear what earlier ones
wrote), each request as the manifest writes it: method, path, headers, body and its encoding.
"""

from __future__ import annotations

import http.client

import pytest
from _servers import start_chaingraph, wait_chaingraph
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.collection import Collection
from w3c_suite import W3C

pytestmark = pytest.mark.slow

MANIFEST = W3C / "protocol" / "manifest.ttl"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")

FORMATS = {
    "boolean": {"application/sparql-results+json", "application/sparql-results+xml"},
    "tabular": {
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    },
    "RDF": {"application/rdf+xml", "text/turtle", "application/n-triples"},
}


def _manifest():
    graph = Graph().parse(MANIFEST, format="turtle", publicID=MANIFEST.as_uri())
    entries = next(graph.objects(None, MF.entries))
    return graph, [node for node in Collection(graph, entries)]


GRAPH, ENTRIES = _manifest()
NAMES = [str(node).rsplit("#", 1)[-1] for node in ENTRIES]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    logs = tmp_path_factory.mktemp("protocol")
    started = wait_chaingraph(start_chaingraph(logs / "serve.log", "--allow-update"))
    yield started
    started.stop()


def _send(server, method: str, path: str, headers: dict[str, str], body: bytes | None):
    path = "/sparql" + path.removeprefix("/sparql")  # "/sparql/?..." as the manifest allows
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type") or "", response.read()
    finally:
        connection.close()


def _load_graph_data(server, node) -> None:
    """The test's ut:graphData files into the graphs its labels name (one update)."""
    blocks = []
    for item in GRAPH.objects(node, UT.graphData):
        file = MANIFEST.parent / str(GRAPH.value(item, UT.graph)).rsplit("/", 1)[-1]
        name = str(GRAPH.value(item, RDFS_LABEL))
        blocks.append(f"GRAPH <{name}> {{ {file.read_text(encoding='utf-8')} }}")
    if blocks:
        update = "INSERT DATA { " + "\n".join(blocks) + " }"
        status, _, body = _send(
            server,
            "POST",
            "/sparql",
            {"Content-Type": "application/sparql-update"},
            update.encode("utf-8"),
        )
        assert status == 204, body


def _request_parts(request):
    method = str(GRAPH.value(request, HT.methodName))
    path = str(GRAPH.value(request, HT.absolutePath))
    headers = {}
    header_list = GRAPH.value(request, HT.headers)
    for header in Collection(GRAPH, header_list) if header_list is not None else ():
        headers[str(GRAPH.value(header, HT.fieldName))] = str(GRAPH.value(header, HT.fieldValue))
    body = None
    content = GRAPH.value(request, HT.body)
    if content is not None:
        encoding = str(GRAPH.value(content, CNT.characterEncoding) or "UTF-8")
        body = str(GRAPH.value(content, CNT.chars)).encode(encoding.lower())
    return method, path, headers, body


def _check(response, status: int, content_type: str, body: bytes, name: str) -> None:
    wanted = set(GRAPH.objects(response, MF.expectedStatus))
    classes = {HTS.StatusCode2xx: 2, HTS.StatusCode3xx: 3, HTS.StatusCode4xx: 4}
    assert status // 100 in {classes[w] for w in wanted}, (name, status, body[:300])
    media = content_type.split(";")[0].strip()
    expected_format = GRAPH.value(response, MF.expectedFormat)
    if expected_format is not None:
        assert media in FORMATS[str(expected_format)], (name, media)
    expected_boolean = GRAPH.value(response, MF.expectedBoolean)
    if expected_boolean is not None:
        import json

        assert media == "application/sparql-results+json", (name, media)
        assert json.loads(body)["boolean"] is expected_boolean.toPython(), (name, body)


@pytest.mark.parametrize("name", NAMES)
def test_protocol(server, name):
    node = ENTRIES[NAMES.index(name)]
    assert (node, RDF.type, MF.ProtocolTest) in GRAPH
    _load_graph_data(server, node)
    requests = GRAPH.value(GRAPH.value(node, MF.action), HT.requests)
    for request in Collection(GRAPH, requests):
        method, path, headers, body = _request_parts(request)
        headers.setdefault(
            "Accept", "application/sparql-results+json, text/turtle;q=0.9, */*;q=0.1"
        )
        status, content_type, answer = _send(server, method, path, headers, body)
        _check(GRAPH.value(request, HT.resp), status, content_type, answer, name)


def test_every_protocol_test_is_run():
    assert len(NAMES) == 34 and len(set(NAMES)) == 34
