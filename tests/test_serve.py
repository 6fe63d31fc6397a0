"""`chaingraph serve` as a real subprocess, queried by real SPARQL clients over HTTP."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
import pytest
from _servers import start_chaingraph, wait_chaingraph
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, POST, POSTDIRECTLY, TURTLE, XML, SPARQLWrapper

from chaingraph import StoreError, open_store
from chaingraph.cli import main
from chaingraph.namespaces import expand
from chaingraph.store import to_rdflib
from chaingraph.store.remote import RemoteStore

pytestmark = pytest.mark.slow

WAFER = URIRef(expand("pv:wafer"))
LABELS = "SELECT ?l WHERE { pv:wafer skos:prefLabel ?l } ORDER BY ?l"
ORIGIN = "https://planner.example.org"
TIMEOUT = 6  # generous: on a busy machine a normal request must never hit it
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
# The tests that see a worker busy read its CPU time in /proc (Linux).
needs_proc = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc")


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """A default (read-only) server and a read-write one with CORS, a short timeout and a
    small body limit; both started at once so they load in parallel."""
    logs = tmp_path_factory.mktemp("serve")
    read_only = start_chaingraph(logs / "read-only.log")
    writable = start_chaingraph(
        logs / "writable.log",
        "--allow-update",
        "--cors",
        ORIGIN,
        "--timeout",
        str(TIMEOUT),
        "--max-request-bytes",
        "20000",
        "--workers",
        "2",
    )
    try:
        started = time.monotonic()
        wait_chaingraph(read_only)
        wait_chaingraph(writable)
        print(f"servers ready in {time.monotonic() - started:.2f} s")
        yield read_only, writable
    finally:
        read_only.stop()
        writable.stop()


@pytest.fixture(scope="module")
def server(servers):
    return servers[0]


@pytest.fixture(scope="module")
def writable(servers):
    return servers[1]


def http(url, *, data=None, headers=None, method=None):
    """(status, headers, body text) of a request; HTTP errors are returned, not raised."""
    if isinstance(data, dict):
        data = urllib.parse.urlencode(data).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=600) as response:  # a slow machine
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def get(server, query, accept=None):
    url = f"{server.base}/sparql?" + urllib.parse.urlencode({"query": query})
    return http(url, headers={"Accept": accept} if accept else {})


def wrapper(server, query, fmt, method=None):
    client = SPARQLWrapper(f"{server.base}/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    if method == POSTDIRECTLY:
        client.setMethod(POST)
        client.setRequestMethod(POSTDIRECTLY)
    elif method:
        client.setMethod(method)
    return client.query()


def local_labels(store):
    return sorted(str(row["l"]) for row in store.select(LABELS))


def test_startup_message_gives_triple_count_and_url(server, store):
    out = server.output()
    assert f"{len(store)} triples from the bundled data, in memory" in out
    assert f"SPARQL endpoint: http://127.0.0.1:{server.port}/sparql (read-only" in out


@pytest.mark.parametrize("method", [None, POST, POSTDIRECTLY])
def test_sparqlwrapper_select_json(server, store, method):
    result = wrapper(server, LABELS, JSON, method).convert()
    assert result["head"]["vars"] == ["l"]
    assert sorted(b["l"]["value"] for b in result["results"]["bindings"]) == local_labels(store)


def test_sparqlwrapper_select_xml_and_csv(server, store):
    document = wrapper(server, LABELS, XML).convert()
    values = sorted(node.firstChild.data for node in document.getElementsByTagName("literal"))
    assert values == local_labels(store)
    rows = list(csv.DictReader(io.StringIO(wrapper(server, LABELS, CSV).convert().decode())))
    assert sorted(r["l"] for r in rows) == local_labels(store)


@pytest.mark.parametrize("fmt", [JSON, XML])
def test_sparqlwrapper_ask(server, fmt):
    yes = wrapper(server, "ASK { pv:wafer a cg:Stage }", fmt).convert()
    no = wrapper(server, "ASK { pv:wafer a cg:Company }", fmt).convert()
    if fmt == JSON:
        assert (yes["boolean"], no["boolean"]) == (True, False)
    else:
        assert [d.getElementsByTagName("boolean")[0].firstChild.data for d in (yes, no)] == [
            "true",
            "false",
        ]


@pytest.mark.parametrize("fmt", [TURTLE, JSONLD])
def test_sparqlwrapper_construct(server, store, fmt):
    query = "CONSTRUCT { pv:wafer ?p ?o } WHERE { pv:wafer ?p ?o }"
    result = wrapper(server, query, fmt)
    if fmt == TURTLE:
        graph = set(Graph().parse(data=result.convert(), format="turtle"))
    else:  # rdflib's JSON-LD parser warns (deprecated ConjunctiveGraph): read it with Oxigraph
        triples = ox.parse(result.response.read(), format=ox.RdfFormat.JSON_LD)
        graph = {
            (to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)) for t in triples
        }
    expected = {(WAFER, r["p"], r["o"]) for r in store.select("SELECT ?p ?o { pv:wafer ?p ?o }")}
    assert graph == expected
    assert len(expected) > 5


def test_construct_as_ntriples(server):
    status, headers, body = get(
        server, "CONSTRUCT WHERE { pv:wafer skos:prefLabel ?l }", "application/n-triples"
    )
    assert status == 200
    assert headers["Content-Type"] == "application/n-triples"
    assert f'<{WAFER}> <{SKOS.prefLabel}> "Silicon wafer"@en .' in body.splitlines()


def test_rdflib_sparqlstore(server, store):
    remote = Graph(SPARQLStore(f"{server.base}/sparql"))
    labels = sorted(str(o) for _, _, o in remote.triples((WAFER, SKOS.prefLabel, None)))
    assert labels == local_labels(store)
    rows = remote.query("SELECT ?s WHERE { ?s skos:inScheme chain:pv ; cg:position 1 }")
    assert {row.s for row in rows} == {
        r["s"] for r in store.select("SELECT ?s { ?s skos:inScheme chain:pv ; cg:position 1 }")
    }


def test_tsv_and_content_type(server):
    status, headers, body = get(server, LABELS, "text/tab-separated-values")
    assert status == 200
    assert headers["Content-Type"].startswith("text/tab-separated-values")
    assert body.splitlines()[0] == "?l"
    assert '"Silicon wafer"@en' in body


def test_dataset_parameters_choose_the_default_graph(server):
    xining = "https://w3id.org/chaingraph/graph/data/regions/xining-2022.ttl"
    query = "SELECT (COUNT(*) AS ?n) WHERE { pv:wafer skos:prefLabel ?l }"
    url = f"{server.base}/sparql?" + urllib.parse.urlencode(
        {"query": query, "default-graph-uri": xining}
    )
    status, _, body = http(url)
    assert status == 200
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "0"  # labels live elsewhere


def test_update_over_get_is_refused(writable):
    url = f"{writable.base}/sparql?" + urllib.parse.urlencode(
        {"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}
    )
    status, _, body = http(url)
    assert status == 400
    assert "POST" in body


@pytest.mark.parametrize("as_form", [True, False])
def test_update_to_read_only_endpoint_is_forbidden(server, as_form):
    update = "INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }"
    if as_form:
        status, _, body = http(f"{server.base}/sparql", data={"update": update})
    else:
        status, _, body = http(
            f"{server.base}/sparql",
            data=update.encode(),
            headers={"Content-Type": "application/sparql-update"},
        )
    assert status == 403
    assert "--allow-update" in body
    assert get(server, "ASK { <urn:a> ?p ?o }")[2] == '{"head":{},"boolean":false}'


def test_malformed_query_is_400_with_parser_message(server):
    url = f"{server.base}/sparql?" + urllib.parse.urlencode(
        {"query": "SELEC ?x WHERE { ?x ?p ?o }"}
    )
    status, headers, body = http(url, headers={"Accept-Language": "en"})
    assert status == 400
    assert headers["Content-Type"].startswith("text/plain")
    assert "SPARQL syntax error" in body and "SELEC" in body


def test_bad_accept_is_406(server):
    status, _, body = get(server, LABELS, "image/png")
    assert status == 406
    assert "application/sparql-results+json" in body
    assert get(server, "CONSTRUCT WHERE { ?s ?p ?o }", "text/csv")[0] == 406


def test_oversize_body_is_413(writable):
    query = "SELECT * WHERE { ?s ?p ?o } # " + "x" * 30000
    status, _, body = http(
        f"{writable.base}/sparql",
        data=query.encode(),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert status == 413
    assert "--max-request-bytes" in body


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { service <{url}> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE#comment\n <{url}> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s a cg:Stage OPTIONAL { SERVICE SILENT <{url}> { ?s ?p ?o } } }",
        "SELECT * WHERE { { ?s a cg:Stage } UNION { SERVICE <{url}> { ?s ?p ?o } } }",
        "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <{url}> { ?s ?p ?o } } } }",
        "SELECT * FROM <{url}> WHERE { ?s ?p ?o }",
    ],
)
def test_outbound_queries_are_refused_and_nothing_is_fetched(server, query):
    with socket.socket() as listener:  # a real address the query points at
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.settimeout(0.3)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
        status, _, body = get(server, query.replace("{url}", url))
        assert status == 403
        assert body.startswith("refused:")
        with pytest.raises(TimeoutError):
            listener.accept()


def test_load_update_is_refused(writable):
    status, _, body = http(
        f"{writable.base}/sparql", data={"update": "LOAD <http://127.0.0.1:1/x>"}
    )
    assert status == 403
    assert "LOAD" in body


def test_cors_absent_by_default_present_with_option(server, writable):
    assert "Access-Control-Allow-Origin" not in get(server, LABELS)[1]
    assert get(writable, LABELS)[1]["Access-Control-Allow-Origin"] == ORIGIN
    status, headers, _ = http(
        f"{writable.base}/sparql",
        method="OPTIONS",
        headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"},
    )
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "POST" in headers["Access-Control-Allow-Methods"]


def test_query_page_is_offline(server):
    status, headers, page = http(server.base + "/")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert "<textarea" in page and "fetch(" in page
    assert not re.search(r"""(src|href|action)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert not re.search(r"<(link|iframe|img)\b|<script[^>]*\bsrc\b", page, re.I)
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert "textContent" in page and "innerHTML" not in page


@needs_proc
def test_update_then_runaway_query_is_stopped_and_the_others_go_on(writable):
    update = 'INSERT DATA { GRAPH <urn:test> { <urn:a> <urn:b> "<b>x</b>" } }'
    status, _, _ = http(
        f"{writable.base}/sparql",
        data=update.encode(),
        headers={"Content-Type": "application/sparql-update"},
    )
    assert status == 204
    assert json.loads(get(writable, "ASK { <urn:a> <urn:b> ?o }")[2])["boolean"] is True

    answer = {}

    def runaway():
        started = time.monotonic()
        answer["reply"] = get(writable, RUNAWAY)
        answer["elapsed"] = time.monotonic() - started

    workers = worker_pids(writable)
    thread = threading.Thread(target=runaway)
    thread.start()
    wait_until_working(*workers)  # the runaway query is on a worker now
    assert http(writable.base + "/")[0] == 200  # the server answers while the query runs
    page_while_running = thread.is_alive()
    # and so does another worker, a query sent after the slow one
    quick_status, quick_headers, quick_body = get(writable, LABELS)
    slow_running = thread.is_alive()
    thread.join()  # the server answers it: its timeout stops the query
    status, _, body = answer["reply"]
    elapsed = answer["elapsed"]
    assert page_while_running
    assert quick_status == 200 and "Silicon wafer" in quick_body
    assert slow_running  # answered while the runaway query still ran
    print(f"runaway query answered 503 after {elapsed:.2f} s (timeout {TIMEOUT} s)")
    assert status == 503
    assert "timeout" in body
    assert elapsed >= TIMEOUT
    assert answer["reply"][1]["Chaingraph-Worker"] != quick_headers["Chaingraph-Worker"]

    # The worker was replaced; the in-memory update was replayed into it.
    status, _, body = get(writable, "SELECT ?o WHERE { <urn:a> <urn:b> ?o }")
    assert status == 200
    assert json.loads(body)["results"]["bindings"][0]["o"]["value"] == "<b>x</b>"

    status, _, _ = http(f"{writable.base}/sparql", data={"update": "DROP GRAPH <urn:test>"})
    assert status == 204
    assert json.loads(get(writable, "ASK { <urn:a> ?p ?o }")[2])["boolean"] is False


def test_serve_is_a_remote_store_for_gaps(server):
    runner = CliRunner()
    for lang in ("zh", "en"):
        local = runner.invoke(main, ["gaps", "--lang", lang])
        remote = runner.invoke(main, ["gaps", "--lang", lang, "--store", f"{server.base}/sparql"])
        assert local.exit_code == remote.exit_code == 0, remote.output
        assert remote.output == local.output


def test_serve_refuses_a_remote_store():
    result = CliRunner().invoke(
        main, ["serve", "--lang", "en", "--store", "http://127.0.0.1:1/sparql"]
    )
    assert result.exit_code == 2
    assert "serve needs a local store" in result.output


def test_literal_results_keep_language_and_datatype(server):
    status, _, body = get(server, "SELECT ?p WHERE { pv:wafer cg:position ?p }")
    assert status == 200
    term = json.loads(body)["results"]["bindings"][0]["p"]
    assert term["datatype"] == "http://www.w3.org/2001/XMLSchema#integer"
    assert Literal(term["value"], datatype=URIRef(term["datatype"])).value >= 1


def test_query_page_in_headless_chromium_escapes_values(writable, tmp_path):
    """The page's script really runs the query and shows markup from the data as text."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium is not installed")
    value = '<b id="injected">bold</b> & <img src=x onerror=alert(1)>'
    update = f"INSERT DATA {{ GRAPH <urn:page> {{ <urn:page> <urn:says> {json.dumps(value)} }} }}"
    assert http(f"{writable.base}/sparql", data={"update": update})[0] == 204
    try:
        query = "SELECT ?s ?says WHERE { ?s <urn:says> ?says }"
        url = f"{writable.base}/?" + urllib.parse.urlencode({"query": query})
        command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom"]
        command += [f"--user-data-dir={tmp_path}", "--virtual-time-budget=10000", url]
        dom = subprocess.run(command, capture_output=True, text=True, timeout=60).stdout
    finally:
        http(f"{writable.base}/sparql", data={"update": "DROP GRAPH <urn:page>"})
    assert "<th>s</th><th>says</th>" in dom
    assert f"<td>{html.escape(value, quote=False)}</td>" in dom
    assert "<b " not in dom and "<img" not in dom  # the markup stayed text, no element


def on_every_worker(server, query, workers=2):
    """(answers, worker names) of ``query`` sent by ``workers`` clients at once, repeated
    until every worker has answered it (an idle worker is reused first, so one client at a
    time would keep meeting the same one)."""
    answers, seen = [], set()
    with ThreadPoolExecutor(workers) as pool:
        for _ in range(50):
            for status, headers, body in pool.map(lambda _: get(server, query), range(workers)):
                assert status == 200, body
                answers.append(json.loads(body)["boolean"])
                seen.add(headers["Chaingraph-Worker"])
            if len(seen) == workers:
                break
    return answers, seen


def slow_and_quick(server):
    """Send a runaway query, then, once a worker is running it, a quick one on another
    connection.

    Returns both replies and, in seconds from when the runaway query was sent, when the quick
    one was answered and when the runaway one was.
    """
    slow = {}
    began = time.monotonic()

    def runaway():
        slow["reply"] = get(server, RUNAWAY)
        slow["done"] = time.monotonic() - began

    workers = worker_pids(server)
    thread = threading.Thread(target=runaway)
    thread.start()
    wait_until_working(*workers)  # the runaway query is on a worker now
    quick = get(server, LABELS)
    quick_done = time.monotonic() - began
    thread.join()  # the server answers it: its timeout stops the query
    print(f"quick query answered at {quick_done:.2f} s, the slow one at {slow['done']:.2f} s")
    return quick, quick_done, slow["reply"], slow["done"]


def test_in_memory_update_is_seen_by_every_worker(writable):
    insert = 'INSERT DATA { GRAPH <urn:every> { <urn:every> <urn:is> "there" } }'
    ask = "ASK { <urn:every> <urn:is> 'there' }"
    try:
        for round in range(2):  # the update runs on one worker; the others replay it
            assert http(f"{writable.base}/sparql", data={"update": insert})[0] == 204
            answers, seen = on_every_worker(writable, ask)
            assert seen == {"1", "2"}
            assert all(answers), (round, answers)
            assert (
                http(f"{writable.base}/sparql", data={"update": "DROP GRAPH <urn:every>"})[0] == 204
            )
            answers, seen = on_every_worker(writable, ask)
            assert seen == {"1", "2"}
            assert not any(answers), (round, answers)
    finally:
        http(f"{writable.base}/sparql", data={"update": "DROP SILENT GRAPH <urn:every>"})


def test_workers_option_must_be_positive():
    result = CliRunner().invoke(main, ["serve", "--workers", "0"])
    assert result.exit_code == 2
    assert "--workers" in result.output


@needs_proc
def test_directory_store_is_served_and_updates_persist(tmp_path, monkeypatch):
    location = tmp_path / "store"
    server = start_chaingraph(
        tmp_path / "dir.log",
        "--store",
        str(location),
        "--allow-update",
        "--timeout",
        "4",
        "--workers",
        "2",
    )
    try:
        wait_chaingraph(server)
        assert f"triples from store {location}" in server.output()
        assert "read-write, timeout 4 s, 2 query workers" in server.output()
        ask = "ASK { <urn:a> <urn:b> 'kept' }"
        answers, seen = on_every_worker(server, ask)
        assert seen == {"1", "2"} and not any(answers)
        update = 'INSERT DATA { GRAPH <urn:kept> { <urn:a> <urn:b> "kept" } }'
        assert http(f"{server.base}/sparql", data={"update": update})[0] == 204
        answers, seen = on_every_worker(server, ask)  # the read-only workers reopened
        assert seen == {"1", "2"} and all(answers)
        monkeypatch.setenv("CHAINGRAPH_LANG", "en")  # the English message
        with pytest.raises(StoreError, match="locked"):  # the server holds the lock
            open_store(location)
        with pytest.raises(StoreError, match="being written"):  # it may write at any time
            open_store(location, read_only=True)

        # Updates wait for the running queries; a query sent after an update answers sees it.
        count = "SELECT (COUNT(*) AS ?n) WHERE { <urn:c> <urn:d> ?o }"
        failures, stop = [], threading.Event()

        def reader():
            while not stop.is_set():
                status, _, body = get(server, count)
                if status != 200:
                    failures.append((status, body))

        readers = [threading.Thread(target=reader) for _ in range(2)]
        for thread in readers:
            thread.start()
        try:
            for n in range(1, 9):
                insert = f"INSERT DATA {{ GRAPH <urn:count> {{ <urn:c> <urn:d> {n} }} }}"
                assert http(f"{server.base}/sparql", data={"update": insert})[0] == 204
                status, _, body = get(server, count)
                assert status == 200
                assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == str(n)
        finally:
            stop.set()
            for thread in readers:
                thread.join(30)
        assert failures == []

        quick, quick_done, slow, slow_done = slow_and_quick(server)
        assert quick[0] == 200 and "Silicon wafer" in quick[2]
        assert quick_done < slow_done  # another worker answered: it did not wait for the slow one
        assert slow[0] == 503  # the worker was killed and reopens the store
        answers, seen = on_every_worker(server, ask)
        assert seen == {"1", "2"} and all(answers)
    finally:
        server.stop()
    reopened = open_store(location)
    assert reopened.ask("ASK { <urn:a> <urn:b> 'kept' }")
    assert "urn:kept" in reopened.graphs()


def worker_pids(server) -> list[int]:
    """Process ids of the server's query workers (its children, less multiprocessing's
    resource tracker)."""
    pid = server.process.pid
    children = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            children += [int(c) for c in (task / "children").read_text().split()]
        except FileNotFoundError:  # a request thread that ended meanwhile
            continue
    return [c for c in children if b"resource_tracker" not in cmdline(c)]


def cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def cpu_ticks(pid: int) -> int:
    """User plus system CPU time of a process, in clock ticks (``/proc/PID/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def wait_until_working(*pids: int, ticks: int = 5) -> None:
    """Return once one of ``pids`` has used ``ticks`` more clock ticks of CPU: it is running a
    query. An event, not a delay: however slow the machine, it happens while the query runs."""
    start = {pid: cpu_ticks(pid) for pid in pids}
    while all(cpu_ticks(pid) < start[pid] + ticks for pid in pids):
        time.sleep(0.01)


# Long enough to be seen running (millions of rows), short enough to finish: not a runaway.
BUSY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"


@needs_proc
def test_read_only_directory_server_keeps_other_writers_out(tmp_path):
    """The server holds the store's lock (reading while another process writes is undefined
    in Oxigraph): `chaingraph load` is told so and changes nothing. With one worker, a query
    waits for the busy worker instead of failing.

    The timeout is far longer than any query here takes, so that the waiting query cannot run
    out of time on a slow machine; that the worker is busy is seen from its CPU time, not
    guessed from a delay."""
    location = tmp_path / "store"
    server = start_chaingraph(
        tmp_path / "ro.log", "--store", str(location), "--timeout", "600", "--workers", "1"
    )
    try:
        wait_chaingraph(server)
        assert "read-only, timeout 600 s, 1 query worker)" in server.output()
        data = tmp_path / "extra.ttl"
        data.write_text('<https://example.org/a> <https://example.org/b> "loaded" .\n')
        result = CliRunner().invoke(
            main, ["load", "--lang", "en", str(data), "--store", str(location)]
        )
        assert result.exit_code == 2
        assert "is locked by another process" in result.output
        assert open_store(location, read_only=True).ask("ASK { ?s ?p 'loaded' }") is False

        # One worker, busy with a long query: a quick query sent meanwhile waits, then answers.
        (worker,) = worker_pids(server)
        with ThreadPoolExecutor(2) as pool:
            busy = pool.submit(get, server, BUSY)
            wait_until_working(worker)
            sent_while_busy = not busy.done()
            quick = pool.submit(get, server, LABELS)
            busy, quick = busy.result(), quick.result()
        print(f"quick query sent while the busy one ran: {sent_while_busy}")
        assert busy[0] == 200, busy[2]
        assert quick[0] == 200 and "Silicon wafer" in quick[2]
        assert busy[1]["Chaingraph-Worker"] == quick[1]["Chaingraph-Worker"] == "1"
    finally:
        server.stop()
    result = CliRunner().invoke(main, ["load", str(data), "--store", str(location)])
    assert result.exit_code == 0, result.output  # the lock went with the server


def test_remote_store_loads_through_serve_only_when_writable(server, writable):
    data = '@prefix ex: <https://example.org/> . ex:a ex:b "x } } ; LOAD <http://127.0.0.1:9/>" .'
    graph = "https://example.org/graph/loaded"
    read_only = RemoteStore(f"{server.base}/sparql")
    with pytest.raises(StoreError, match=r"HTTP 403[\s\S]*--allow-update"):
        read_only.load_data(data, graph, format=ox.RdfFormat.TURTLE)
    remote = RemoteStore(f"{writable.base}/sparql")
    assert remote.update_url == f"{writable.base}/sparql"
    before = len(remote)
    assert remote.load_data(data, graph, format=ox.RdfFormat.TURTLE) == 1
    after = len(remote)
    assert after > before  # the triple and its load record
    with pytest.raises(StoreError, match="graph/loaded:1:"):
        remote.load_data(
            "@prefix ex: <https://example.org/> . ex:a ex:b", graph, format=ox.RdfFormat.TURTLE
        )
    assert len(remote) == after
    assert remote.select("SELECT ?o WHERE { ?s <https://example.org/b> ?o }")[0]["o"].startswith(
        "x }"
    )
    remote.drop_graph(graph)
    assert len(remote) == before
