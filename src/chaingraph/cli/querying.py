"""SPARQL from the command line: query."""

from __future__ import annotations

import functools
import sys

import click

from ..messages._click import File as ClickFile
from ..names import Names
from ..store import open_store
from . import (
    BOOLEAN,
    SOLUTIONS,
    TRIPLES,
    UserError,
    _named_region,
    format_option,
    handle_errors,
    lang_option,
    main,
    store_option,
)


@main.command()
@store_option
@click.argument("text", required=False, metavar="QUERY")
@click.option(
    "-f",
    "--file",
    "file",
    type=ClickFile("r", encoding="utf-8"),
    help="Read the query from a file (- for stdin).",
)
@click.option("--name", help="Run a named query from ontology/queries (see --list).")
@click.option("--list", "list_", is_flag=True, help="List the named queries.")
@format_option(
    SOLUTIONS,
    BOOLEAN,
    TRIPLES,
    help="Output format; csv/tsv/json/xml are the W3C SPARQL results formats; "
    "turtle/ntriples/jsonld/rdfxml for CONSTRUCT and DESCRIBE (default turtle).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    metavar="SECONDS",
    help="Stop the query after this many seconds.",
)
@lang_option
@click.option(
    "--update",
    is_flag=True,
    help="Allow a SPARQL UPDATE (it changes the store, in one transaction). In updates the "
    "default graph is the store's own (empty) one: match data with GRAPH ?g { ... }.",
)
@click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    metavar="HOST",
    help="Allow SERVICE/LOAD requests to this host (repeatable). Default: no outbound requests.",
)
@click.option(
    "--default-graph",
    "default_graphs",
    multiple=True,
    metavar="IRI",
    help="Query this graph of the store as the default graph (repeatable; as the protocol's "
    "default-graph-uri, it overrides the query's FROM). Default: FROM, else every graph.",
)
@click.option(
    "--named-graph",
    "named_graphs",
    multiple=True,
    metavar="IRI",
    help="Make this graph of the store visible to GRAPH (repeatable; as named-graph-uri).",
)
@click.option(
    "--base",
    default=None,
    metavar="IRI",
    help="Resolve relative IRIs (<s>) in the query or update against IRI. Default: "
    "https://w3id.org/chaingraph/base/ (a BASE in the text comes first).",
)
@click.option(
    "--region",
    default=None,
    callback=_named_region,
    help="With --name: bind the query's ?region to this region (name, alias or id), e.g. "
    "--name local-production --region 西宁. Unbound, such a query covers every region.",
)
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="With --name: bind a parameter the query declares (--list shows them; repeatable, "
    "a parameter given twice takes both values). Regions, chains, stages and companies are "
    "given by name, alias or id, e.g. --param chain=锂电.",
)
@handle_errors
def query(
    store,
    text,
    file,
    name,
    list_,
    fmt,
    timeout,
    lang,
    update,
    allow_hosts,
    default_graphs,
    named_graphs,
    base,
    region,
    params,
):
    """Run a SPARQL query (or, with --update, an update) on the store.

    SELECT prints a table (with a <var>_label column beside IRI columns) or W3C CSV, TSV or
    JSON results; CONSTRUCT/DESCRIBE print Turtle or JSON-LD; ASK prints true or false and
    exits 0 for true, 1 for false; any error exits 2. The chaingraph prefixes (cg:, pv:,
    skos:, ...) are predefined. FROM / FROM NAMED select graphs of the store (`chaingraph
    graphs` lists them); without them the default graph is the union of all graphs.
    """
    from ..queries import named_queries, named_query, parameter_list
    from ..render.registry import formats, render
    from ..render.tables import RowTable
    from ..safety import looks_like_update
    from ..sparql import check_outbound, render_result

    if list_:
        rows = [[q.name, q.title, parameter_list(q)] for q in named_queries().values()]
        table = RowTable(["name", "title", "parameters"], rows)
        out = render(table, fmt if fmt in formats(RowTable) else "table")
        click.echo(out, nl=not out.endswith("\n"))
        return
    given = [x for x in (text, file, name) if x]
    if len(given) != 1:
        raise UserError("queries.one_query")
    if region and not name:
        raise UserError("queries.region_without_name")
    if params and not name:
        raise UserError("queries.param_without_name")
    if name:
        named = named_query(name)  # UnknownQuery: in the catalogs, shown like a UserError
        text = named.text
        given_params = _given_params(named, params, region)
    elif file:
        text = _read_query_file(file)
    for iri in (*(() if base is None else (base,)), *default_graphs, *named_graphs):
        _check_base(iri)
    info = check_outbound(text, allow_hosts)
    if info.is_update and not update and looks_like_update(text):
        raise UserError("queries.needs_update")
    if info.is_update and update:
        with open_store(store) as target:
            target.allow_hosts = tuple(allow_hosts)  # the store guards every update too
            before = len(target)
            target.update(text, timeout=timeout, base_iri=base)
            from ..messages import Message  # `text` is the query here

            where = target.location or Message("cli.query.in_memory")
            done = Message("cli.query.update_done", where=where, before=before, after=len(target))
            click.echo(done.text(lang))
        return
    with open_store(store, read_only=True) as source:
        source.allow_hosts = tuple(allow_hosts)  # the store guards every query too
        if name and given_params:  # declared by the named query (checked above)
            text = _bound(named, given_params, Names(source, lang))
        result = source.query_results(
            text,
            timeout=timeout,
            base_iri=base,
            default_graphs=list(default_graphs),
            named_graphs=list(named_graphs),
        )
        output = render_result(result, fmt, labels=functools.partial(_labels, source), lang=lang)
    click.echo(output, nl=not output.endswith("\n"))
    if type(result).__name__ == "QueryBoolean" and not result:
        sys.exit(1)


def _check_base(base: str) -> None:
    """``--base`` must be an absolute IRI."""
    import pyoxigraph as ox

    try:
        ox.NamedNode(base)
    except ValueError:
        raise UserError("sparql.cli.bad_base", base=base) from None


def _read_query_file(file) -> str:
    """The text of ``query -f FILE``; a file that is not UTF-8 is a one-line error."""
    try:
        return file.read()
    except UnicodeDecodeError as error:
        raise UserError("sparql.file_not_utf8", file=file.name, reason=error.reason) from None


def _given_params(named, params, region) -> list[tuple[str, str]]:
    """``--region`` and the ``--param NAME=VALUE`` options, each checked against the query."""
    from ..queries import named_queries

    given = [("region", region)] if region else []
    for option in params:
        key, equals, value = option.partition("=")
        if not equals or not key.strip():
            raise UserError("queries.param_syntax", option=option)
        given.append((key.strip(), value))
    if region and "region" not in named.params:
        scoped = [q.name for q in named_queries().values() if "region" in q.params]
        raise UserError("queries.no_region", query=named.name, scoped=scoped)
    named.check(*(key for key, _ in given))  # QueryError: in the catalogs
    return given


def _bound(named, given: list[tuple[str, str]], names) -> str:
    """The named query with the given values bound; names of nodes resolved by ``names``."""
    from ..queries import NODE_TYPES

    values: dict[str, list[str]] = {}
    for key, value in given:
        kind = named.params[key].type
        values.setdefault(key, []).append(
            names.resolve(value, kind) if kind in NODE_TYPES else value
        )
    return named.bind(**values)  # QueryError: in the catalogs, shown like a UserError


def _labels(source, iris: list[str] | None):
    """The labels of ``iris`` (all labels for ``None``), for the label columns of a table."""
    from ..labels import LabelIndex

    return LabelIndex.from_store(source, nodes=iris, preferred=True)
