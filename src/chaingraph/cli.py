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
@store_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=7878,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on (0: any free port).",
)
@click.option(
    "--cors",
    metavar="ORIGIN",
    default=None,
    help="Allow cross-origin requests from ORIGIN (or *). Default: none.",
)
@click.option("--allow-update", is_flag=True, help="Accept SPARQL updates (POST only).")
@click.option(
    "--timeout",
    default=30.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    metavar="SECONDS",
    help="Stop a query running longer than this.",
)
@click.option(
    "--max-request-bytes",
    default=10_000_000,
    show_default=True,
    type=click.IntRange(min=1),
    metavar="N",
    help="Largest request body accepted.",
)
@handle_errors
def serve(store, host, port, cors, allow_update, timeout, max_request_bytes):
    """Serve the store as a SPARQL 1.1 endpoint (/sparql) with a query page (/).

    Read-only unless --allow-update; SERVICE, LOAD and FROM are refused (no outbound
    requests). Listens on 127.0.0.1 only, unless --host says otherwise.
    """
    from .serve import ServeOptions
    from .serve import serve as run_server

    options = ServeOptions(
        host=host,
        port=port,
        cors=cors,
        allow_update=allow_update,
        timeout=timeout,
        max_request_bytes=max_request_bytes,
    )
    run_server(store, options, echo=click.echo)



if __name__ == "__main__":
    sys.exit(main())
