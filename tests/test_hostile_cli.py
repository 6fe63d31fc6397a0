"""Hostile queries and names on the command line: an answer (exit 0) or a one-line error with
exit 2, never a traceback; and in `serve`, never a 500 for valid SPARQL."""

from __future__ import annotations

import string

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chaingraph import open_store
from chaingraph.cli import main
from chaingraph.safety import MAX_NESTING
from chaingraph.serve import execute


def parentheses(n: int) -> str:
    return "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * n + "true" + ")" * n + ") } LIMIT 1"


def groups(n: int) -> str:
    return "SELECT * WHERE " + "{ " * n + "?s ?p ?o " + "}" * n + " LIMIT 1"


def optionals(n: int) -> str:
    return "SELECT * WHERE { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o " * n + "}" * n + " } LIMIT 1"


DEEP_VALID = {
    "30 parentheses": parentheses(30),
    "40 groups": groups(40),
    "50 groups": groups(50),
    "40 optionals": optionals(40),
    "50 optionals": optionals(50),
}


@pytest.fixture(scope="module")
def runner():
    return CliRunner()


@pytest.fixture(scope="module")
def store():
    with open_store(None) as bundled:
        yield bundled


def one_line_error(result) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.output.strip().count("\n") <= 3  # the error (and click's usage lines)


@pytest.mark.parametrize("name", DEEP_VALID)
def test_deeply_nested_valid_query_is_answered(runner, name):
    result = runner.invoke(main, ["query", "--format", "csv", DEEP_VALID[name]])
    assert result.exit_code == 0, result.output
    assert result.exception is None


@pytest.mark.parametrize("name", DEEP_VALID)
def test_deeply_nested_valid_query_is_answered_by_serve(store, name):
    reply = execute(store, {"op": "query", "text": DEEP_VALID[name]})
    assert reply.status == 200, reply.body


@pytest.mark.parametrize("make", [parentheses, groups, optionals])
def test_query_nested_to_the_limit_is_read_by_the_guard_on_a_large_stack(make):
    from chaingraph.safety import check_outbound

    assert check_outbound(make(MAX_NESTING - 2)).kind == "select"  # no RecursionError, no crash


def test_query_nested_beyond_the_limit_is_a_one_line_error(runner, store):
    text = groups(MAX_NESTING + 50)
    one_line_error(runner.invoke(main, ["query", text]))
    assert execute(store, {"op": "query", "text": text}).status == 400


def test_query_file_not_utf8_is_a_one_line_error(runner, tmp_path):
    query = tmp_path / "q.rq"
    query.write_bytes("SELECT * WHERE { ?s ?p '中' }".encode("gb18030"))
    result = runner.invoke(main, ["query", "-f", str(query), "--lang", "en"])
    one_line_error(result)
    assert "not UTF-8" in result.output


@pytest.mark.parametrize("region", ["region:a b", "foo:bar"])
def test_extract_region_that_is_no_known_id_is_an_error(runner, tmp_path, region):
    text = tmp_path / "t.txt"
    text.write_text("西宁市的某公司年产10万吨碳酸锂。", encoding="utf-8")
    result = runner.invoke(main, ["extract", "--region", region, str(text), "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "unknown region" in result.output


@pytest.mark.parametrize("command", [["gaps"], ["export"], ["extract", "x.txt"], ["query"]])
def test_empty_region_is_an_error_not_every_region(runner, command):
    extra = ["--name", "local-production"] if command == ["query"] else []
    result = runner.invoke(main, [*command, *extra, "--region", " ", "--lang", "en"])
    one_line_error(result)
    assert "--region" in result.output


def test_load_into_a_store_that_cannot_be_made_is_a_one_line_error(runner, tmp_path):
    data = tmp_path / "a.ttl"
    data.write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    for location in ("/proc/chaingraph-store", str(blocker / "store")):
        one_line_error(runner.invoke(main, ["load", "--store", location, str(data)]))


# -- fuzz: bounded, no deadline (a busy machine is slow) -----------------------------------------

SPARQL_BITS = st.sampled_from(
    [
        "SELECT", "ASK", "CONSTRUCT", "WHERE", "{", "}", "(", ")", "[", "]", "?s", "?p", "?o",
        "SERVICE", "service", "LOAD", "SILENT", "FROM", "NAMED", "USING", "OPTIONAL", "FILTER",
        "EXISTS", "UNION", "MINUS", "BIND", "AS", "<http://127.0.0.1:9/x>", "<x>", "BASE",
        "PREFIX", "p:", "p:x", "#c\n", "\\u0053", "'s'", '"', ".", ";", ",", "*", "a",
        "INSERT", "DELETE", "DATA", "GRAPH", "1", "true", "\x00", "中",
    ]
)  # fmt: skip
QUERIES = st.one_of(
    st.lists(SPARQL_BITS, max_size=25).map(" ".join),
    st.text(max_size=80),
)
NAMES = st.one_of(
    st.text(max_size=20),
    st.text(alphabet=string.ascii_letters + ":/ -_", max_size=20),
    st.sampled_from(["region:", ":", "region:CN-630100", "西宁", "co:", "co:x y", "//"]),
)
FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(text=QUERIES)
def test_fuzz_query_is_answered_or_a_one_line_error(runner, text):
    result = runner.invoke(main, ["query", "--format", "csv", text])
    assert result.exit_code in (0, 1, 2), result.output  # 1: a false ASK
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert not isinstance(result.exception, Exception) or isinstance(
            result.exception, SystemExit
        )


@FUZZ
@given(text=QUERIES)
def test_fuzz_serve_never_answers_500_for_what_the_guard_reads(store, text):
    reply = execute(store, {"op": "query", "text": text})
    assert reply.status in (200, 400, 403, 406), reply.body


@FUZZ
@given(name=NAMES)
def test_fuzz_region_names_are_resolved_or_a_one_line_error(runner, name):
    result = runner.invoke(main, ["gaps", "--region", name, "--format", "json"])
    assert result.exit_code in (0, 2), result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@FUZZ
@given(name=NAMES)
def test_fuzz_company_names_are_resolved_or_a_one_line_error(runner, name):
    result = runner.invoke(main, ["impact", name])
    assert result.exit_code in (0, 2), result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
