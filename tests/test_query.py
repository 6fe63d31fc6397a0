"""`chaingraph query` and chaingraph.query(): result formats (W3C JSON, CSV, TSV), label
columns, ASK exit codes, named queries, the update guard, time limits and the guard against
outbound requests (checked with a local HTTP server that records every request)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef

import chaingraph
from chaingraph.cli import main
from chaingraph.queries import named_queries
from chaingraph.sparql import OutboundRefused, check_outbound
from chaingraph.store import StoreError, open_store

CHAIN = "https://w3id.org/chaingraph/chain/"
STAGES = "SELECT ?stage ?label ?pos WHERE { ?stage skos:inScheme chain:pv ; cg:position ?pos ; skos:prefLabel ?label FILTER(lang(?label) = 'en') } ORDER BY ?pos ?stage LIMIT 4"  # noqa: E501
EXPLOSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


# These tests read the English messages (the catalogs' other languages: test_messages.py).
pytestmark = pytest.mark.usefixtures("english")


def cli(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def oxigraph_reference():
    """The same query run by Oxigraph directly, with its own W3C result serializers."""
    from chaingraph.namespaces import PREFIXES

    inner = open_store()._inner

    def run(query: str, fmt: ox.QueryResultsFormat) -> bytes:
        results = inner.query(query, prefixes=PREFIXES, use_default_graph_as_union=True)
        return results.serialize(format=fmt)

    return run


def test_csv_is_the_w3c_csv_results_format(oxigraph_reference):
    result = cli("query", "--format", "csv", STAGES)
    assert result.exit_code == 0
    # (CliRunner's .output turns CRLF into LF; the bytes are what a user gets)
    assert result.stdout_bytes == oxigraph_reference(STAGES, ox.QueryResultsFormat.CSV)
    lines = result.stdout_bytes.decode().split("\r\n")
    assert lines[0] == "stage,label,pos"
    assert lines[1].startswith(CHAIN + "pv/")  # plain IRIs, no <> and no CURIEs


def test_tsv_and_json_mean_what_oxigraph_means(oxigraph_reference):
    for fmt, ox_fmt in (("tsv", ox.QueryResultsFormat.TSV), ("json", ox.QueryResultsFormat.JSON)):
        result = cli("query", "--format", fmt, STAGES)
        assert result.exit_code == 0
        ours = ox.parse_query_results(result.output, format=ox_fmt)
        theirs = ox.parse_query_results(oxigraph_reference(STAGES, ox_fmt), format=ox_fmt)
        assert [v.value for v in ours.variables] == ["stage", "label", "pos"]
        assert [list(s) for s in ours] == [list(s) for s in theirs]
    document = json.loads(cli("query", "--format", "json", STAGES).output)
    first = document["results"]["bindings"][0]
    assert document["head"] == {"vars": ["stage", "label", "pos"]}
    assert first["stage"]["type"] == "uri"
    assert first["label"] == {"type": "literal", "value": first["label"]["value"], "xml:lang": "en"}
    assert first["pos"]["datatype"] == "http://www.w3.org/2001/XMLSchema#integer"
    header = cli("query", "--format", "tsv", STAGES).output.splitlines()[0]
    assert header == "?stage\t?label\t?pos"


def test_table_has_label_columns_in_the_chosen_language():
    zh = cli("query", "--lang", "zh", "SELECT ?stage WHERE { BIND(pv:wafer AS ?stage) }")
    en = cli(
        "query",
        "--lang",
        "en",
        "--format",
        "markdown",
        "SELECT ?stage WHERE { BIND(pv:wafer AS ?stage) }",
    )
    assert zh.exit_code == en.exit_code == 0
    assert "stage_label" in zh.output and "pv:wafer" in zh.output and "硅片" in zh.output
    assert en.output.splitlines()[0] == "| stage | stage_label |"
    assert en.output.splitlines()[2] == "| pv:wafer | Silicon wafer |"
    literal_only = cli("query", "SELECT ?n WHERE { BIND(1 AS ?n) }")
    assert "n_label" not in literal_only.output


def test_ask_prints_true_or_false_and_sets_the_exit_code():
    yes = cli("query", "ASK { pv:wafer a cg:Stage }")
    no = cli("query", "ASK { pv:wafer a cg:Chain }")
    assert (yes.exit_code, yes.output) == (0, "true\n")
    assert (no.exit_code, no.output) == (1, "false\n")
    assert json.loads(cli("query", "--format", "json", "ASK {}").output) == {
        "head": {},
        "boolean": True,
    }


def test_construct_prints_turtle_or_json_ld():
    text = "CONSTRUCT { ?s skos:inScheme chain:pv } WHERE { ?s skos:inScheme chain:pv }"
    expected = len(open_store().select("SELECT ?s WHERE { ?s skos:inScheme chain:pv }"))
    turtle = cli("query", text)
    assert turtle.exit_code == 0 and "@prefix pv:" in turtle.output
    assert len(Graph().parse(data=turtle.output, format="turtle")) == expected
    jsonld = cli("query", "--format", "jsonld", text)
    assert len(list(ox.parse(jsonld.output, format=ox.RdfFormat.JSON_LD))) == expected
    wrong = cli("query", "--format", "turtle", STAGES)
    assert wrong.exit_code == 2 and "is for CONSTRUCT/DESCRIBE" in wrong.output


def test_named_queries_list_and_run(tmp_path):
    listing = cli("query", "--list")
    assert listing.exit_code == 0
    for query in named_queries().values():
        assert query.name in listing.output and query.title in listing.output
    stages = cli("query", "--name", "stages", "--format", "csv")
    assert stages.exit_code == 0 and stages.stdout_bytes.startswith(
        b"chain,stage,position,role,weight\r\n"
    )
    unknown = cli("query", "--name", "nope")
    assert unknown.exit_code == 2 and "no query named 'nope'" in unknown.output
    path = tmp_path / "q.rq"
    path.write_text("ASK { pv:wafer a cg:Stage }", encoding="utf-8")
    assert cli("query", "-f", str(path)).output == "true\n"
    both = cli("query", "-f", str(path), "ASK {}")
    assert both.exit_code == 2 and "exactly one of" in both.output


def test_region_binds_a_scoped_named_query():
    every = cli("query", "--name", "local-claims", "--format", "json")
    xining = cli("query", "--name", "local-claims", "--region", "西宁", "--format", "json")
    zone = cli("query", "--name", "local-claims", "--region", "开发区", "--format", "json")
    assert every.exit_code == xining.exit_code == zone.exit_code == 0

    def facts(result, region=None):
        rows = json.loads(result.output)["results"]["bindings"]
        return {r["fact"]["value"] for r in rows if region in (None, r["region"]["value"])}

    city = "https://w3id.org/chaingraph/region/CN-630100"
    assert facts(xining) == facts(every, city) and facts(xining)
    assert facts(zone) < facts(xining)
    unscoped = cli("query", "--name", "stages", "--region", "西宁")
    assert unscoped.exit_code == 2 and "has no ?region; these do: " in unscoped.output
    assert "local-production" in unscoped.output and "regions," not in unscoped.output
    free = cli("query", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "--region", "西宁")
    assert free.exit_code == 2 and "--region goes with --name" in free.output
    unknown = cli("query", "--lang", "en", "--name", "local-claims", "--region", "西安")
    assert unknown.exit_code == 2 and "unknown region '西安'" in unknown.output


def test_syntax_errors_say_where():
    result = cli("query", "SELECT ?s WHERE {\n  ?s ?p \n}")
    assert result.exit_code == 2
    # Oxigraph's parser, the only one, says where it stopped: at the "}" that ends too soon
    assert "line 3, column 2 (near '}')" in result.output


def test_updates_need_the_update_flag(tmp_path, monkeypatch):
    store = tmp_path / "store"
    insert = "INSERT DATA { GRAPH <urn:x:g> { pv:wafer rdfs:comment 'note' } }"
    refused = cli("query", "--store", str(store), insert)
    assert refused.exit_code == 2
    assert "add --update" in refused.output
    ask = "ASK { pv:wafer rdfs:comment 'note' }"
    assert cli("query", "--store", str(store), ask).exit_code == 1
    done = cli("query", "--store", str(store), "--update", insert)
    assert done.exit_code == 0 and "Update done" in done.output
    assert cli("query", "--store", str(store), ask).exit_code == 0
    monkeypatch.setenv("CHAINGRAPH_LANG", "en")  # the English message
    with pytest.raises(StoreError, match="read-only"):
        chaingraph.query(insert, store)


def test_timeout_stops_a_runaway_query_and_the_store_still_works(tmp_path):
    store = tmp_path / "store"
    open_store(store).close()
    for args in (["--store", str(store)], []):
        started = time.monotonic()
        result = cli("query", *args, "--timeout", "1.5", EXPLOSIVE)
        elapsed = time.monotonic() - started
        assert result.exit_code == 2
        assert "longer than 1.5 s and was stopped" in result.output
        assert elapsed >= 1.5  # stopped by its timeout (how much later depends on the machine)
        assert cli("query", *args, "ASK { pv:wafer a cg:Stage }").exit_code == 0
    # An update with a time limit runs in the worker too, and keeps working afterwards.
    done = cli(
        "query", "--store", str(store), "--update", "--timeout", "30",
        "INSERT DATA { GRAPH <urn:x:g> { pv:wafer rdfs:comment 'timed' } }",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert cli("query", "--store", str(store), "ASK { ?s rdfs:comment 'timed' }").exit_code == 0
    runaway = (
        "DELETE { GRAPH ?g { ?a ?b ?c } } WHERE "
        "{ GRAPH ?g { ?a ?b ?c } GRAPH ?h { ?d ?e ?f } GRAPH ?i { ?j ?k ?l } }"
    )
    before = len(open_store(store, read_only=True))
    stopped = cli("query", "--store", str(store), "--update", "--timeout", "1.5", runaway)
    assert stopped.exit_code == 2 and "was stopped; nothing was changed" in stopped.output
    assert len(open_store(store, read_only=True)) == before
    assert cli("query", "--store", str(store), "ASK { ?s rdfs:comment 'timed' }").exit_code == 0


def test_python_api_rows_labels_timeout_and_dataframe():
    rows = chaingraph.query(STAGES)
    assert rows.vars == ["stage", "label", "pos"]
    assert rows[0]["pos"] == Literal(1)
    labelled = chaingraph.query("SELECT ?c WHERE { BIND(chain:pv AS ?c) }", lang="zh")
    assert labelled == [{"c": URIRef(CHAIN + "pv"), "c_label": Literal("光伏")}]
    frame = chaingraph.query(STAGES, dataframe=True, timeout=30)
    assert list(frame.columns) == ["stage", "label", "pos"]
    assert frame["pos"].tolist() == [r["pos"].toPython() for r in rows]
    assert frame["stage"].iloc[0].startswith(CHAIN)
    with pytest.raises(StoreError, match="stopped"):
        chaingraph.query(EXPLOSIVE, timeout=1)
    assert chaingraph.query("ASK { pv:wafer a cg:Stage }") is True


def test_dataframe_without_pandas_says_how_to_install_it():
    code = (
        "import sys; sys.modules['pandas'] = None; import chaingraph\n"
        "try:\n    chaingraph.query('SELECT * { ?s a cg:Chain }', dataframe=True)\n"
        "except chaingraph.StoreError as e:\n    print(e)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "pip install 'chaingraph[pandas]'" in out.stdout


# -- no outbound requests -----------------------------------------------------------------------


class _Recorder(BaseHTTPRequestHandler):
    requests: list[str]

    def _answer(self) -> None:
        self.requests.append(f"{self.command} {self.path}")
        body = b'{"head": {"vars": []}, "results": {"bindings": [{}]}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def recorder():
    """A local HTTP server on a free port that records every request it gets."""
    requests: list[str] = []
    handler = type("Handler", (_Recorder,), {"requests": requests})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}", requests
    server.shutdown()
    server.server_close()
    thread.join()


OBFUSCATED = [
    "SELECT * WHERE { SERVICE <http://{host}/sparql> { ?s ?p ?o } }",
    "select * where { service <http://{host}/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE#comment\n<http://{host}/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?x a cg:Stage OPTIONAL { SERVICE SILENT <http://{host}/a> { ?x ?p ?o } } }",
    "SELECT * WHERE { { ?x a cg:Stage } UNION { SERVICE <http://{host}/b> { ?x ?p ?o } } }",
    "SELECT * WHERE { ?x a cg:Stage MINUS { SERVICE <http://{host}/c> { ?x ?p ?o } } }",
    "SELECT * WHERE { ?x a cg:Stage FILTER EXISTS { SERVICE <http://{host}/d> { ?x ?p ?o } } }",
    "SELECT * WHERE { { SELECT ?x WHERE { SERVICE <http://{host}/e> { ?x ?p ?o } } } }",
    "PREFIX r: <http://{host}/> SELECT * WHERE { SERVICE r:f { ?s ?p ?o } }",
    "BASE <http://{host}/> SELECT * WHERE { SERVICE <g> { ?s ?p ?o } }",
    "SELECT * WHERE { \\u0053ERVICE <http://{host}/h> { ?s ?p ?o } }",
    "SELECT * WHERE { BIND(<http://{host}/i> AS ?e) SERVICE ?e { ?s ?p ?o } }",
    "ASK { SERVICE <http://{host}/j> { ?s ?p ?o } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://{host}/k> { ?s ?p ?o } }",
    "SELECT * FROM <http://{host}/graph> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <http://{host}/graph> WHERE { GRAPH ?g { ?s ?p ?o } }",
]


@pytest.mark.parametrize("template", OBFUSCATED)
def test_outbound_forms_are_refused_and_nothing_is_sent(recorder, template):
    host, requests = recorder
    result = cli("query", template.replace("{host}", host))
    assert result.exit_code == 2, result.output
    assert "refused" in result.output and "Nothing was run" in result.output
    assert requests == []


def test_load_in_an_update_is_refused(recorder, tmp_path):
    host, requests = recorder
    store = str(tmp_path / "store")
    for text in (
        f"LOAD <http://{host}/data.ttl>",
        f"load silent <http://{host}/x> into graph <urn:g>",
    ):
        result = cli("query", "--store", store, "--update", text)
        assert result.exit_code == 2 and "--allow-host 127.0.0.1" in result.output
    assert requests == []


def test_an_allowed_host_is_contacted(recorder):
    host, requests = recorder
    text = f"SELECT * WHERE {{ SERVICE <http://{host}/sparql> {{ ?s ?p ?o }} }}"
    result = cli("query", "--allow-host", "127.0.0.1", "--format", "json", text)
    assert result.exit_code == 0, result.output
    assert len(requests) >= 1 and "/sparql" in requests[0]


def test_local_graphs_in_from_are_fine():
    graph = "https://w3id.org/chaingraph/graph/data/chains/pv.ttl"
    result = cli("query", f"ASK FROM <{graph}> {{ pv:wafer a cg:Stage }}")
    assert (result.exit_code, result.output) == (0, "true\n")
    with pytest.raises(OutboundRefused):
        check_outbound("SELECT * FROM <http://example.org/elsewhere> { ?s ?p ?o }")


def test_json_ld_with_a_remote_context_is_refused_without_a_request(recorder, tmp_path):
    host, requests = recorder
    path = tmp_path / "facts.jsonld"
    path.write_text(
        json.dumps({"@context": f"http://{host}/context.jsonld", "@id": "urn:x:a", "name": "x"}),
        encoding="utf-8",
    )
    result = cli("load", "--store", str(tmp_path / "store"), str(path))
    assert result.exit_code == 2
    assert "remote" in result.output and "nothing was loaded" in result.output
    nested = tmp_path / "nested.jsonld"
    nested.write_text(
        json.dumps(
            {"@context": {"@vocab": "urn:v:"}, "@graph": [{"@context": [f"http://{host}/c"]}]}
        ),
        encoding="utf-8",
    )
    assert cli("load", "--store", str(tmp_path / "store"), str(nested)).exit_code == 2
    # And Oxigraph itself, asked directly, does not fetch it either.
    with pytest.raises(SyntaxError):
        ox.Store().load(path.read_bytes(), format=ox.RdfFormat.JSON_LD)
    assert requests == []


def test_csv_values_round_trip_through_a_csv_reader():
    text = 'SELECT ?a ?b WHERE { VALUES (?a ?b) { ("x, \\"y\\"" UNDEF) } }'
    rows = list(
        csv.reader(io.StringIO(cli("query", "--format", "csv", text).stdout_bytes.decode()))
    )
    assert rows == [["a", "b"], ['x, "y"', ""]]


def test_the_named_query_readme_lists_every_query():
    from chaingraph.resources import query_dir

    readme = (query_dir() / "README.md").read_text(encoding="utf-8")
    for name in named_queries():
        assert f"| `{name}` |" in readme
