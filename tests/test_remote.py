"""A real Oxigraph server as chaingraph's store, loaded through chaingraph itself."""

from __future__ import annotations

import http.server
import threading

import pytest
from _servers import free_port, oxigraph_binary, start_oxigraph
from click.testing import CliRunner
from rdflib import URIRef
from remote_contract import as_set, check_datasets, check_load_replace_drop, same_output

from chaingraph import StoreError, open_store
from chaingraph.cli import main
from chaingraph.queries import named_queries
from chaingraph.resources import GRAPH_BASE, bundled_files, bundled_path
from chaingraph.store.remote import RemoteStore, update_url_for, with_values

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(oxigraph_binary() is None, reason="pip install oxigraph (test extra)"),
]

XINING = URIRef("https://w3id.org/chaingraph/region/CN-630100")


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    """An Oxigraph server with the bundled data, loaded file by file through RemoteStore."""
    directory = tmp_path_factory.mktemp("oxigraph")
    server = start_oxigraph(directory / "db", directory / "server.log")
    try:
        remote = open_store(f"{server.base}/query")
        for relative in bundled_files("all"):
            remote.load_file(bundled_path(relative), GRAPH_BASE + relative.as_posix())
        yield server
    finally:
        server.stop()


@pytest.fixture
def remote(oxigraph):
    return open_store(f"{oxigraph.base}/query")


def test_open_store_dispatches_urls(remote, oxigraph):
    assert isinstance(remote, RemoteStore)
    assert remote.update_url == f"{oxigraph.base}/update"


def test_datasets_as_on_the_embedded_store(remote, store):
    check_datasets(remote, store)


def test_loaded_through_chaingraph_like_the_memory_store(remote, store):
    assert remote.graphs() == store.graphs()
    assert len(remote) == len(store)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("fmt", ["table", "json"])
@pytest.mark.parametrize("every", [[], ["--all"]], ids=["one-region", "all-regions"])
def test_gaps_on_oxigraph_server_prints_what_memory_prints(oxigraph, lang, fmt, every):
    same_output(f"{oxigraph.base}/query", "gaps", *every, "--lang", lang, "--format", fmt)


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_named_queries_give_the_same_rows(remote, store, name):
    query = named_queries()[name].text
    local_rows = store.select(query)
    assert as_set(remote.select(query)) == as_set(local_rows)
    if "?region" in query:
        bound = {"region": XINING}
        local_rows = store.select(query, bound)
        assert as_set(remote.select(query, bound)) == as_set(local_rows)


def test_ask_and_construct(remote, store):
    assert remote.ask("ASK { pv:wafer a cg:Stage }") is True
    assert remote.ask("ASK { ?r cg:partOf ?region }", {"region": URIRef("urn:none")}) is False
    graph = remote.construct("CONSTRUCT { pv:wafer ?p ?o } WHERE { pv:wafer ?p ?o }")
    rows = store.select("SELECT ?p ?o WHERE { pv:wafer ?p ?o }")
    assert {(p, o) for _, p, o in graph} == {(r["p"], r["o"]) for r in rows}


def test_load_is_all_or_nothing_and_replaces_the_graph(remote, monkeypatch):
    monkeypatch.setenv("CHAINGRAPH_LANG", "en")  # the contract reads English messages
    check_load_replace_drop(remote)


def test_unreachable_endpoint_is_a_clear_error():
    url = f"http://127.0.0.1:{free_port()}/query"
    result = CliRunner().invoke(main, ["gaps", "--store", url])
    assert result.exit_code == 2
    assert url in result.output
    assert "Connection refused" in result.output
    assert "is the server running?" in result.output


def test_http_errors_name_url_status_and_hint(oxigraph):
    wrong = RemoteStore(f"{oxigraph.base}/nowhere")
    with pytest.raises(StoreError, match=r"/nowhere answered HTTP 404[\s\S]*hint: check the URL"):
        wrong.select("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    remote = RemoteStore(f"{oxigraph.base}/query")
    with pytest.raises(StoreError, match=r"HTTP 400"):
        remote.select("SELECT * WHERE { ?s ?p }")


def test_timeout_is_a_clear_error():
    """A server that accepts the connection and never answers."""

    class Silent(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            done.wait()  # until the test is over: the client's timeout must fire first

        def log_message(self, *args):
            pass

    done = threading.Event()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Silent)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/query"
        with pytest.raises(StoreError, match=r"did not answer within 0.5 s"):
            RemoteStore(url, timeout=0.5).select("SELECT * WHERE { ?s ?p ?o }")
    finally:
        done.set()
        server.shutdown()
        server.server_close()


def test_credentials_come_from_the_environment(monkeypatch):
    """HTTP basic credentials from CHAINGRAPH_USER / CHAINGRAPH_PASSWORD reach the server."""
    seen = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # the service description: none here
            seen.append(self.headers.get("Authorization"))
            self.send_error(404)

        def do_POST(self):
            seen.append(self.headers.get("Authorization"))
            form = self.rfile.read(int(self.headers["Content-Length"]))
            body = b'{"head":{},"boolean":true}'
            if b"SELECT" in form:  # the list of named graphs
                body = b'{"head":{"vars":["g"]},"results":{"bindings":[]}}'
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/sparql"
        monkeypatch.setenv("CHAINGRAPH_USER", "planner")
        monkeypatch.setenv("CHAINGRAPH_PASSWORD", "s3cret")
        assert RemoteStore(url).ask("ASK {}") is True
        monkeypatch.delenv("CHAINGRAPH_USER")
        assert RemoteStore(url).ask("ASK {}") is True
    finally:
        server.shutdown()
        server.server_close()
    # Each: the service description, the named graphs (asked twice: none), the query.
    assert seen == ["Basic cGxhbm5lcjpzM2NyZXQ="] * 4 + [None] * 4


def test_credentials_in_the_url_are_refused_and_not_echoed():
    result = CliRunner().invoke(
        main, ["gaps", "--store", "http://planner:s3cret@127.0.0.1:1/query"]
    )
    assert result.exit_code == 2
    assert "CHAINGRAPH_USER" in result.output
    assert "s3cret" not in result.output


def test_update_url_convention(monkeypatch):
    monkeypatch.delenv("CHAINGRAPH_UPDATE_URL", raising=False)
    assert update_url_for("http://h:7878/query") == "http://h:7878/update"
    assert update_url_for("http://h:3030/ds/sparql") == "http://h:3030/ds/sparql"
    monkeypatch.setenv("CHAINGRAPH_UPDATE_URL", "http://h:3030/ds/update")
    assert RemoteStore("http://h:3030/ds/sparql").update_url == "http://h:3030/ds/update"


def test_values_go_into_the_where_group_not_into_strings_or_templates():
    bound = {"r": URIRef("https://example.org/r")}
    query = 'CONSTRUCT { ?r <urn:p> "{ WHERE }" } WHERE { ?r ?p ?o } # { comment'
    assert with_values(query, bound) == (
        'CONSTRUCT { ?r <urn:p> "{ WHERE }" } WHERE { VALUES ?r { <https://example.org/r> } '
        "?r ?p ?o } # { comment"
    )
    assert with_values("ASK { ?r ?p ?o }", bound).startswith("ASK { VALUES ?r {")
    with pytest.raises(ValueError):
        with_values("SELECT ?x WHERE { ?x ?p ?o }", {"x": URIRef("bad iri")})


def test_load_example_into_an_empty_server_brings_the_ontology_too(tmp_path):
    """`chaingraph load --store URL --example` on an empty server gives a usable store."""
    server = start_oxigraph(tmp_path / "db", tmp_path / "server.log")
    try:
        url = f"{server.base}/query"
        runner = CliRunner()
        loaded = runner.invoke(main, ["load", "--store", url, "--example"])
        assert loaded.exit_code == 0, loaded.output
        assert "ontology/chaingraph.ttl" in loaded.output
        remote = runner.invoke(main, ["gaps", "--store", url, "--format", "json"])
        assert remote.exit_code == 0, remote.output
        assert remote.output == runner.invoke(main, ["gaps", "--format", "json"]).output
    finally:
        server.stop()
