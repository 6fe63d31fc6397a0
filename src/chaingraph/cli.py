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
@click.option(
    "--region", default=DEFAULT_REGION, show_default=True, help="Region name, alias or id."
)
@click.option(
    "--chain",
    "chains",
    multiple=True,
    help="Chain name or id (repeatable). Default: every chain present in the region.",
)
@lang_option
@format_option("table", "json", "csv", "markdown")
@click.option(
    "--explain",
    is_flag=True,
    help="Show the rule and the evidence (facts, source sentences) behind each verdict.",
)
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
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="File to write. Default: CSV on standard output.",
)
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=default_language,
    show_default="zh, or $CHAINGRAPH_LANG",
    help="Language of the headers.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("csv", "xlsx")),
    default=None,
    help="csv or xlsx. Default: from the -o suffix, else csv.",
)
@handle_errors
def template(output, lang, fmt):
    """Write an empty company sheet: the headers and one example row.

    One row = one company producing one stage in one place. Fill it in Excel or any editor and
    bring it in with `chaingraph load FILE`. CSV files are written as UTF-8 with a BOM (Excel
    opens them correctly); XLSX cells are formatted as text so credit codes stay intact.
    """
    from .ingest.template import template_text, write_template

    fmt = fmt or ("xlsx" if output and output.lower().endswith(".xlsx") else "csv")
    if output is None:
        if fmt == "xlsx":
            raise UserError("--format xlsx needs -o FILE.xlsx")
        click.echo(template_text(lang), nl=False)
        return
    path = write_template(output, lang, fmt)
    click.echo(f"wrote {path}", err=True)


@main.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@store_option
@click.option(
    "--shapes",
    type=click.Path(dir_okay=False),
    default=None,
    help="SHACL shapes file. Default: the ontology's shapes.ttl.",
)
@lang_option
@format_option("human", "table", "json", "turtle")
@handle_errors
def validate(files, store, shapes, lang, fmt):
    """Check the store, or FILES (RDF or company sheets), against the SHACL shapes.

    Exit code 0: conforms; 1: violations; 2: an error (unreadable file, bad shapes...).
    FILES are checked in the context of the store (default: the bundled data), and only what
    they describe is reported.
    """
    from .validate import render_validation, validate_files, validate_store

    if files:
        context = open_store(store) if store else None
        report = validate_files(files, shapes, context=context, lang=lang)
    else:
        report = validate_store(open_store(store), shapes, lang=lang)
    click.echo(render_validation(report, fmt), nl=False)
    if not report.conforms:
        sys.exit(1)


if __name__ == "__main__":
    sys.exit(main())
