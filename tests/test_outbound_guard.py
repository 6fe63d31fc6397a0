"""One outbound-request guard on every path that evaluates SPARQL.

Each payload tries to make the store send a request to a listener on 127.0.0.1 (SERVICE in
every case and spelling, with comments, ``\\u`` escapes, prefixed names, BASE plus relative
IRIs, in subqueries and FILTER EXISTS, in updates, LOAD SILENT, USING, FROM / FROM NAMED).
Every path must refuse it (a clean error) and the listener must see nothing.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest
from click.testing import CliRunner

import chaingraph
from chaingraph import StoreError, open_store
from chaingraph.cli import main
from chaingraph.safety import check_outbound
from chaingraph.serve import execute

pytestmark = pytest.mark.slow


class Listener:
    """A TCP listener on 127.0.0.1 that counts the connections it is sent."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.seen: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    self.seen.append(conn.recv(200) or b"(connected)")
                except OSError:
                    self.seen.append(b"(connected)")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(10)
        self.sock.close()


@pytest.fixture(scope="module")
def listener():
    listening = Listener()
    yield listening
    listening.close()
    assert listening.seen == [], listening.seen  # and once more, after every path ran


def payloads(port: int) -> dict[str, str]:
    url = f"http://127.0.0.1:{port}/sparql"
    host = f"http://127.0.0.1:{port}/"
    escaped = url.replace(":", "\\u003A", 1)
    triple = "{ ?s ?p ?o }"
    select = "SELECT * WHERE"
    return {
        "service": f"SELECT * WHERE {{ SERVICE <{url}> {triple} }}",
        "service lower case": f"select * where {{ service <{url}> {triple} }}",
        "service mixed case silent": f"SeLeCt * WhErE {{ SeRvIcE SiLeNt <{url}> {triple} }}",
        "service with comments": f"SELECT * WHERE {{ # x\n SERVICE # y\n <{url}> # z\n {triple} }}",
        "service escaped keyword": f"SELECT * WHERE {{ \\u0053ERVICE <{url}> {triple} }}",
        "service escaped iri": f"SELECT * WHERE {{ SERVICE <{escaped}> {triple} }}",
        "service prefixed name": f"PREFIX r: <{host}> {select} {{ SERVICE r:sparql {triple} }}",
        "service base relative": f"BASE <{host}> SELECT * WHERE {{ SERVICE <sparql> {triple} }}",
        "service variable": f"SELECT * WHERE {{ BIND(<{url}> AS ?e) SERVICE ?e {triple} }}",
        "service in subquery": f"{select} {{ {{ {select} {{ SERVICE <{url}> {triple} }} }} }}",
        "service in filter exists": (
            f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}> {triple} }} }} LIMIT 1"
        ),
        "service in optional": f"{select} {{ ?s ?p ?o OPTIONAL {{ SERVICE <{url}> {triple} }} }}",
        "service in union": f"{select} {{ {{ ?s ?p ?o }} UNION {{ SERVICE <{url}> {triple} }} }}",
        "service in minus": f"SELECT * WHERE {{ ?s ?p ?o MINUS {{ SERVICE <{url}> {triple} }} }}",
        "service in ask": f"ASK {{ SERVICE <{url}> {triple} }}",
        "service in construct": f"CONSTRUCT {triple} WHERE {{ SERVICE <{url}> {triple} }}",
        "service in describe": f"DESCRIBE ?s WHERE {{ SERVICE <{url}> {triple} }}",
        "from remote": f"SELECT * FROM <{url}> WHERE {triple}",
        "from named remote": f"SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {triple} }}",
        "construct from remote": f"CONSTRUCT {triple} FROM <{url}> WHERE {triple}",
        "update service": f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {triple} }}",
        "update load": f"LOAD <{url}>",
        "update load silent": f"LOAD SILENT <{url}>",
        "update load silent into": f"load silent <{url}> into graph <urn:g>",
        "update using": f"DELETE {{ ?s ?p ?o }} USING <{url}> WHERE {triple}",
        "update using named": f"DELETE {{ ?s ?p ?o }} USING NAMED <{url}> WHERE {triple}",
        "update second operation": f"INSERT DATA {{ <urn:a> <urn:b> <urn:c> }} ; LOAD <{url}>",
    }


NAMES = list(payloads(1))


@pytest.fixture(scope="module")
def store():
    with open_store(None) as bundled:
        yield bundled


@pytest.fixture(scope="module")
def runner():
    return CliRunner()


def refused_cleanly(result) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("name", NAMES)
def test_guard_refuses_every_payload(listener, name):
    with pytest.raises(StoreError):
        check_outbound(payloads(listener.port)[name])


@pytest.mark.parametrize("name", NAMES)
def test_query_command_sends_nothing(listener, runner, name):
    refused_cleanly(runner.invoke(main, ["query", payloads(listener.port)[name]]))
    refused_cleanly(runner.invoke(main, ["query", "--update", payloads(listener.port)[name]]))
    assert listener.seen == []


@pytest.mark.parametrize("name", ["service", "update load silent", "from remote"])
def test_query_file_sends_nothing(listener, runner, tmp_path, name):
    query = tmp_path / "q.rq"
    query.write_text(payloads(listener.port)[name], encoding="utf-8")
    refused_cleanly(runner.invoke(main, ["query", "-f", str(query)]))
    assert listener.seen == []


@pytest.mark.parametrize("name", [n for n in NAMES if "construct" in n or n == "service"])
def test_viz_query_sends_nothing(listener, runner, tmp_path, name):
    query = tmp_path / "q.rq"
    query.write_text(payloads(listener.port)[name], encoding="utf-8")
    out = tmp_path / "view.html"
    refused_cleanly(runner.invoke(main, ["viz", "--query", str(query), "-o", str(out)]))
    assert listener.seen == []


@pytest.mark.parametrize("name", NAMES)
def test_notebook_helper_sends_nothing(listener, store, name):
    with pytest.raises(StoreError):
        chaingraph.query(payloads(listener.port)[name], store)
    assert listener.seen == []


@pytest.mark.parametrize("name", NAMES)
def test_store_api_sends_nothing(listener, store, name):
    """The guard is inside the store's entry points: the Python API cannot skip it."""
    text = payloads(listener.port)[name]
    for call in (store.select, store.ask, store.construct, store.query_results, store.update):
        with pytest.raises(StoreError):
            call(text)
    assert listener.seen == []


@pytest.mark.parametrize("name", ["service", "service in filter exists", "update load silent"])
def test_store_api_with_timeout_sends_nothing(listener, store, name):
    text = payloads(listener.port)[name]
    with pytest.raises(StoreError):
        store.select(text, timeout=60)
    with pytest.raises(StoreError):
        store.update(text, timeout=60)
    assert listener.seen == []


@pytest.mark.parametrize("name", NAMES)
def test_serve_sends_nothing(listener, store, name):
    text = payloads(listener.port)[name]
    for op in ("query", "update"):
        reply = execute(store, {"op": op, "text": text})
        assert reply.status in (400, 403), reply.body
    assert listener.seen == []


def test_allowed_host_is_reached(listener, store):
    """The guard refuses, not the network: allowing the host lets the request through."""
    before = len(listener.seen)
    # The listener answers nothing useful: the query fails, after reaching it.
    with store.allowing(["127.0.0.1"]), pytest.raises((StoreError, OSError)):
        store.select(payloads(listener.port)["service"])
    deadline = time.monotonic() + 60
    while len(listener.seen) == before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(listener.seen) > before
    listener.seen.clear()
