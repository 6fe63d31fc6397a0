"""Named queries: the header grammar, the declared VALUES slots, binding (IRIs checked, literals
escaped, several values), binding that survives reformatting, the every-region variants, the
generated README and `chaingraph query --param`."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef

import chaingraph.queries as queries
from chaingraph.cli import main
from chaingraph.namespaces import expand
from chaingraph.queries import NamedQuery, QueryError, named_queries, named_query, parse
from chaingraph.resources import query_dir
from chaingraph.store import open_store

XINING = "region:CN-630100"
ZONE = "region:xining-etdz"
# A value of each parameter type, for running every shipped query bound.
SAMPLE = {
    "region": XINING,
    "chain": "chain:pv",
    "stage": "pv:wafer",
    "company": "co:jinko",
    "iri": "cg:Stage",
    "string": "x",
    "integer": 1,
    "year": 2024,
}


# These tests read the English messages (the catalogs' other languages: test_messages.py).
pytestmark = pytest.mark.usefixtures("english")


def cli(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def store():
    return open_store()


def as_set(rows, drop=()):
    return {tuple(sorted((k, str(v)) for k, v in row.items() if k not in drop)) for row in rows}


# -- every shipped query ------------------------------------------------------------------------


def test_every_shipped_query_loads_with_one_slot_per_parameter():
    loaded = queries._all_queries()
    files = sorted(query_dir().glob("*.rq")) + sorted(query_dir().glob("internal/*.rq"))
    assert len(loaded) == len(files) > 12
    for query in loaded.values():
        assert query.title != query.name and query.description, query.name
        for name in query.params:
            assert len(queries._slots(query.source, name)) == 1, (query.name, name)
        # Run unbound, the slots are left out (Virtuoso 7.2 answers nothing for UNDEF).
        assert "UNDEF" not in query.text and ("UNDEF" in query.source) == bool(query.params)
    assert not any("/" in name for name in named_queries())
    assert "internal/nodes-of-type" in loaded


@pytest.mark.parametrize("name", sorted(queries._all_queries()))
def test_every_shipped_query_runs_unbound_and_bound(store, name):
    query = named_query(name)
    store.query(query.text)
    if query.params:
        store.query(query.bind(**{p: SAMPLE[param.type] for p, param in query.params.items()}))


def test_binding_is_what_substitution_gives(store):
    """A bound query answers what the unbound one answers with the variable fixed."""
    query = named_query("local-claims")
    bound = store.select(query.bind(region=XINING))
    fixed = store.select(query.text, {"region": URIRef(expand(XINING))})
    assert bound and as_set(bound) == as_set(fixed)


# -- the header grammar -------------------------------------------------------------------------

BODY = "SELECT ?r WHERE {\n  VALUES ?r { UNDEF }\n  ?r a cg:Region .\n}\n"


@pytest.mark.parametrize(
    "text, line, problem",
    [
        ("# titel: T\n" + BODY, 1, "expected '# title:'"),
        ("# title: T\n# param: r region — x\n" + BODY, 2, "expected '# param: NAME (TYPE)"),
        ("# title: T\n# param: r (place) — x\n" + BODY, 2, "unknown parameter type 'place'"),
        ("# param: r (region) — x\n# param: r (iri) — y\n" + BODY, 2, "declared twice"),
        ("# title: T\n# title: U\n" + BODY, 2, "declared twice"),
        ("# title: T\n# a free comment\n# param: r (region) — x\n" + BODY, 3, "go at the top"),
    ],
)
def test_a_malformed_header_names_the_file_and_line(text, line, problem):
    with pytest.raises(QueryError) as error:
        parse("q", text, "ontology/queries/q.rq")
    assert str(error.value).startswith(f"ontology/queries/q.rq, line {line}: ")
    assert problem in str(error.value)


@pytest.mark.parametrize(
    "body, count",
    [
        ("SELECT ?r WHERE { ?r a cg:Region }", 0),
        ("SELECT ?r WHERE { VALUES ?r { UNDEF } { VALUES ?r { UNDEF } } ?r a cg:Region }", 2),
        ("SELECT ?r WHERE { VALUES ?r { UNDEF UNDEF } ?r a cg:Region }", 0),
        ("SELECT ?r WHERE { # VALUES ?r { UNDEF }\n ?r a cg:Region }", 0),
        ("SELECT ?r WHERE { ?r rdfs:label 'VALUES ?r { UNDEF }' }", 0),
    ],
)
def test_a_parameter_needs_exactly_one_slot(body, count):
    with pytest.raises(QueryError, match=rf"'r' needs exactly one .* found {count}$"):
        parse("q", "# title: T\n# param: r (region) — the region\n" + body, "q.rq")


def test_a_header_parses_into_params_and_free_comments_may_follow():
    query = parse(
        "q",
        "#title:  T\n#\n# description: D\n# param: year (year) -- the year\n"
        "# The slot is below; this comment is not header.\n"
        "SELECT ?year WHERE { VALUES ?year { UNDEF } }",
    )
    assert (query.title, query.description) == ("T", "D")
    assert query.params == {"year": queries.Param("year", "year", "the year")}


# -- binding ------------------------------------------------------------------------------------

ECHO = parse("echo", "# param: x (string) — anything\nSELECT ?x WHERE { VALUES ?x { UNDEF } }")


def echo(store, query: NamedQuery, **values):
    return [row.get("x") for row in store.select(query.bind(**values))]


def test_literals_are_escaped(store):
    nasty = "a \"quoted\" 'word'\nsecond line \\ } UNDEF # not a comment"
    assert echo(store, ECHO, x=nasty) == [Literal(nasty)]
    assert echo(store, ECHO) == [None]  # unbound when run as it is
    assert echo(store, ECHO, x=None) == [None]


def test_typed_literals_and_several_values(store):
    typed = {
        t: parse("t", f"# param: x ({t}) — v\nSELECT ?x WHERE {{ VALUES ?x {{ UNDEF }} }}")
        for t in ("integer", "year", "iri", "chain")
    }
    assert echo(store, typed["integer"], x="42") == [Literal(42)]
    (year,) = echo(store, typed["year"], x=2024)
    assert (str(year), str(year.datatype)) == ("2024", "http://www.w3.org/2001/XMLSchema#gYear")
    assert echo(store, typed["iri"], x=["pv:wafer", "https://example.org/a"]) == [
        URIRef(expand("pv:wafer")),
        URIRef("https://example.org/a"),
    ]
    assert echo(store, ECHO, x=("a", "b")) == [Literal("a"), Literal("b")]
    for kind, bad in (
        ("integer", "4.5"),
        ("integer", True),
        ("year", "MMXX"),
        ("iri", "no iri"),
        ("iri", "urn:x> } ?s ?p ?o { <urn:y"),
        ("iri", "urn:a urn:b"),
        ("chain", "pv:wafer x"),
    ):
        with pytest.raises(QueryError, match="the parameter 'x' takes"):
            typed[kind].bind(x=bad)
    with pytest.raises(QueryError, match="at least one value"):
        ECHO.bind(x=[])


def test_an_unknown_parameter_lists_the_declared_ones():
    with pytest.raises(QueryError, match=r"has no parameter 'place'; its parameters: region$"):
        named_query("local-claims").bind(place=XINING)
    with pytest.raises(
        QueryError, match="'stages' has no parameter 'region'; it has no parameters"
    ):
        named_query("stages").bind(region=XINING)


def _reformatted(text: str) -> str:
    """The query laid out differently: re-indented, a comment and a line break between every
    token of the slots, keywords in lower case, blank lines; the same SPARQL."""
    text = "\n\n".join("    " + line.strip() for line in text.splitlines())
    return re.sub(
        r"VALUES (\?\w+) \{ UNDEF \}",
        r"values # a slot\n\1\n  # its value\n{\n undef   }  # end",
        text,
    )


@pytest.mark.parametrize(
    "name", [n for n, q in sorted(queries._all_queries().items()) if "region" in q.params]
)
def test_reformatting_a_file_does_not_break_binding(store, name):
    original = named_query(name)
    moved = parse(name, _reformatted(original.source))
    assert moved.source != original.source and moved.params == original.params
    assert as_set(store.select(moved.bind(region=XINING))) == as_set(
        store.select(original.bind(region=XINING))
    )


def test_the_region_parameter_takes_several_regions(store):
    query = named_query("local-claims")
    both = store.select(query.bind(region=[XINING, ZONE]))
    each = store.select(query.bind(region=XINING)) + store.select(query.bind(region=ZONE))
    assert as_set(both) == as_set(each) and {str(r["region"]) for r in both} == {
        expand(XINING),
        expand(ZONE),
    }


@pytest.mark.parametrize("facts", ["production", "claims"])
@pytest.mark.parametrize("brief", ["", "-brief"])
def test_every_region_variants_read_each_fact_once(store, facts, brief):
    """internal/every-region-* is its local-* twin with the region left out, each row once."""
    scoped = store.select(named_query(f"local-{facts}{brief}").text)
    every = store.select(named_query(f"internal/every-region-{facts}{brief}").text)
    assert len(every) < len(scoped)
    assert as_set(every) == as_set(scoped, drop={"region"})
    assert len(every) == len(as_set(every))


# -- README and the CLI -------------------------------------------------------------------------


def test_the_readme_table_is_generated_from_the_headers(request):
    readme = query_dir() / "README.md"
    if request.config.getoption("--update-golden"):
        readme.write_text(queries.readme(), encoding="utf-8")
    assert readme.read_text(encoding="utf-8") == queries.readme(), (
        "ontology/queries/README.md is stale: "
        "python -m chaingraph.queries > ontology/queries/README.md"
    )
    assert "| `local-production` | Producers in a region | region (region) |" in queries.readme()


def test_query_list_shows_the_parameters():
    rows = json.loads(cli("query", "--list", "--format", "json").output)
    by_name = {row["name"]: row["parameters"] for row in rows}
    assert by_name["local-production"] == "region (region)" and by_name["stages"] == ""
    assert set(by_name) == set(named_queries())  # internal/ queries are not listed
    text = cli("query", "--list").output
    assert "parameters" in text and "region (region)" in text and "internal/" not in text


def _facts(result):
    rows = json.loads(result.output)["results"]["bindings"]
    return {(r["region"]["value"], r["fact"]["value"]) for r in rows}


def test_query_param_binds_like_region():
    param = cli("query", "--name", "local-claims", "--param", "region=西宁", "--format", "json")
    region = cli("query", "--name", "local-claims", "--region", "西宁", "--format", "json")
    assert param.exit_code == region.exit_code == 0
    assert _facts(param) == _facts(region) and _facts(param)
    both = cli(
        "query", "--name", "local-claims", "--param", "region=西宁", "--param", "region=开发区",
        "--format", "json",
    )  # fmt: skip
    zone = cli("query", "--name", "local-claims", "--region", "开发区", "--format", "json")
    assert _facts(both) == _facts(region) | _facts(zone)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--name", "local-claims", "--param", "place=西宁"], "its parameters: region"),
        (["--name", "local-claims", "--param", "region"], "--param takes NAME=VALUE"),
        (["--name", "stages", "--param", "region=西宁"], "'stages' has no parameter 'region'"),
        (["--param", "region=西宁", "ASK {}"], "--param goes with --name"),
        (["--name", "local-claims", "--param", "region=西安"], "unknown region '西安'"),
        (["--name", "internal/nodes-of-type", "--param", "type=not an iri"], "takes an IRI"),
    ],
)
def test_query_param_errors(args, message):
    result = cli("query", *args, "--lang", "en")
    assert result.exit_code == 2 and message in result.output, result.output


def test_an_internal_query_runs_by_name():
    result = cli(
        "query", "--name", "internal/nodes-of-type", "--param", "type=cg:Chain", "--format", "csv"
    )
    assert result.exit_code == 0
    assert "https://w3id.org/chaingraph/chain/pv" in result.output.split()


def test_a_new_parameter_is_one_place(tmp_path, monkeypatch):
    """A contributor adds a parameter by declaring it in the file: the CLI resolves its names."""
    shutil.copytree(query_dir() / "internal", tmp_path / "internal")  # the library's own
    (tmp_path / "chain-stages.rq").write_text(
        "# title: Stages of one chain\n# description: The stages of a chain.\n"
        "# param: chain (chain) — the chain whose stages are listed\n"
        "SELECT ?stage WHERE {\n  VALUES ?chain { UNDEF }\n  ?stage skos:inScheme ?chain .\n}\n"
        "ORDER BY ?stage\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(queries, "query_dir", lambda: tmp_path)
    queries._all_queries.cache_clear()
    try:
        assert "chain (chain)" in cli("query", "--list").output
        result = cli("query", "--name", "chain-stages", "--param", "chain=锂电", "--format", "csv")
        assert result.exit_code == 0, result.output
        stages = result.output.split()[1:]
        assert stages and all(s.startswith("https://w3id.org/chaingraph/chain/li/") for s in stages)
    finally:
        monkeypatch.undo()
        queries._all_queries.cache_clear()
