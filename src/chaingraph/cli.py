"""The ``chaingraph`` command: parses options and calls the library, nothing more.

Exit codes: 0 success; 1 a check failed (e.g. ``validate`` found violations, ``ASK`` was
false); 2 a usage or input error (unknown region or chain, bad file, unreadable store).
"""

from __future__ import annotations

import functools
import sys

import click

from . import __version__
from .labels import LANGUAGES, default_language
from .names import Names, UnknownName
from .store import StoreError, open_store

DEFAULT_REGION = "西宁"


class UserError(click.ClickException):
    """An error in what the user asked for: printed without a traceback, exit code 2."""

    exit_code = 2


def store_option(command):
    return click.option(
        "--store",
        "store",
        envvar="CHAINGRAPH_STORE",
        default=None,
        metavar="LOCATION",
        help="Store directory (embedded Oxigraph). Default: the bundled data, in memory.",
    )(command)


def lang_option(command):
    return click.option(
        "--lang",
        type=click.Choice(LANGUAGES),
        default=default_language,
        show_default="zh, or $CHAINGRAPH_LANG",
        help="Language of labels.",
    )(command)


def format_option(*choices: str):
    def decorate(command):
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(choices),
            default=choices[0],
            show_default=True,
            help="Output format.",
        )(command)

    return decorate


def handle_errors(command):
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except (StoreError, UnknownName) as error:
            raise UserError(str(error)) from None

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="chaingraph")
def main():
    """chaingraph: a region's industrial chains as a knowledge graph, and where they are broken."""


@main.command()
@store_option
@click.option("--region", default=DEFAULT_REGION, show_default=True, help="Region name, alias or id.")
@click.option("--chain", "chains", multiple=True, help="Chain name or id (repeatable). Default: every chain present in the region.")
@lang_option
@format_option("table", "json", "csv", "markdown")
@click.option("--explain", is_flag=True, help="Show the rule and the evidence (facts, source sentences) behind each verdict.")
@handle_errors
def gaps(store, region, chains, lang, fmt, explain):
    """Find the missing and weak links of a region's industrial chains.

    Each stage gets a verdict: present (named local producers), asserted (a source says the
    region has it, no producer named) or missing; gaps get a class: 补链 (fill), 延链
    (extend), 强链 (strengthen), 建链 (build).
    """
    from .analysis import find_gaps
    from .project import to_networkx
    from .render.gaps import render_gaps

    graph_store = open_store(store)
    names = Names(graph_store, lang)
    region_id = names.region(region)
    chain_ids = [names.chain(c) for c in chains] or None
    G = to_networkx(graph_store, region_id, lang=lang)
    report = find_gaps(G, region_id, chain_ids)
    click.echo(render_gaps(report, fmt, explain=explain), nl=False)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@format_option("turtle", "json", "table")
@click.option(
    "--review",
    is_flag=True,
    help="Print a table to check by hand: kind, what, value, confidence, sentence.",
)
@click.option("--load", is_flag=True, help="Put the facts into --store, one named graph per file.")
@store_option
@click.option(
    "--region",
    default=None,
    help="What 我市/本市 mean. Default: the most frequent city in the text.",
)
@lang_option
@handle_errors
def extract(files, fmt, review, load, store, region, lang):
    """Propose facts from Chinese text (articles, reports) for review.

    Finds companies, places, chain stages and sequences, capacities, projects with their
    status and growth figures; every fact keeps its sentence and character offsets.
    """
    from pathlib import Path

    from .extract import extract_file
    from .extract.to_rdf import graph_iri, review_rows, to_json, to_turtle
    from .render.tables import render_rows

    if load and not store:
        raise UserError("--load needs --store DIR (a persistent store to load the facts into)")
    graph_store = open_store(store)
    for name in files:
        if not Path(name).is_file():
            raise UserError(f"{name}: no such file; give the path of a UTF-8 text file")
    for name in files:
        result = extract_file(name, graph_store, region=region)
        if not result.facts:
            click.echo(f"{name}: no facts found (is it Chinese text about industry?)", err=True)
        if review or fmt == "table":
            headers = ["kind", "what", "value", "confidence", "sentence"]
            rows = review_rows(result, lang)
            click.echo(render_rows(headers, rows, "table", width=200), nl=False)
        elif fmt == "json":
            click.echo(to_json(result, lang))
        else:
            click.echo(to_turtle(result), nl=False)
        if load:
            import pyoxigraph

            graph = graph_iri(result)
            turtle = to_turtle(result)
            added = graph_store.load_data(turtle, graph, format=pyoxigraph.RdfFormat.TURTLE)
            graph_store.flush()
            summary = f"{name}: {len(result.facts)} facts, {added} triples into <{graph}>"
            click.echo(summary, err=True)


if __name__ == "__main__":
    sys.exit(main())
