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


def _output_errors(command):
    """Turn view and output-file errors into a clean message and exit code 2."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from .render.files import OutputError
        from .render.html import ViewError

        try:
            return command(*args, **kwargs)
        except (OutputError, ViewError, OSError) as error:
            raise UserError(str(error)) from None

    return wrapper


@main.command()
@store_option
@click.option(
    "--region", default=DEFAULT_REGION, show_default=True, help="Region name, alias or id."
)
@click.option("--chain", default=None, help="Draw this chain of the region (name or id).")
@click.option("--company", default=None, help="Draw this company's neighbourhood (name or id).")
@click.option(
    "--query",
    "query_file",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Draw the triples of this SPARQL CONSTRUCT query (a .rq file), run on the store.",
)
@lang_option
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False), help="HTML file to write."
)
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the web browser.")
@handle_errors
@_output_errors
def viz(store, region, chain, company, query_file, lang, output, open_browser):
    """Draw a chain, a region overview, a company's neighbourhood or a query as an HTML page.

    The page is one self-contained file (vis-network inlined, no network access). Gaps are
    hollow red dashed stages labelled 补链/延链/强链/建链; hover for capacity, status and the
    source sentence. Default: the overview of every chain in the region.
    """
    from pathlib import Path

    from .render.html import build_view, write_html

    query = None
    if query_file is not None:
        query = Path(query_file).read_text(encoding="utf-8")
    view = build_view(
        open_store(store),
        region=region,
        chain=chain,
        company=company,
        query=query,
        query_name=Path(query_file).name if query_file else "",
        lang=lang,
    )
    path = write_html(view, output, open_browser=open_browser)
    gaps = sum(1 for n in view.nodes if n.get("gap"))
    counts = f"{len(view.nodes)} nodes, {len(view.edges)} edges, {gaps} gaps"
    click.echo(f"{path}: {view.title} — {counts}")


@main.command()
@store_option
@click.option(
    "--region", default=None, help="Region name, alias or id. Default: every region's facts."
)
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(["graphml", "gexf", "turtle", "jsonld", "csv"]),
    help="graphml/gexf: the NetworkX projection; turtle/jsonld: the triples; csv: node and "
    "edge tables.",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(),
    help="File to write. csv: nodes go to FILE, edges to FILE-stem-edges.csv beside it (or "
    "nodes.csv and edges.csv when FILE is a directory).",
)
@lang_option
@click.option("--excel", is_flag=True, help="csv: start the files with a BOM, for Excel.")
@handle_errors
@_output_errors
def export(store, region, fmt, output, lang, excel):
    """Export the graph for Gephi, yEd, Cytoscape, RDF tools or spreadsheets.

    Labels follow --lang (GraphML, GEXF, CSV; both languages are kept as label_zh and
    label_en); JSON-LD groups labels by language. Files are written atomically.
    """
    from .render.export import export as export_graph

    paths = export_graph(open_store(store), fmt, output, region=region, lang=lang, excel=excel)
    for path in paths:
        click.echo(f"{path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    sys.exit(main())
