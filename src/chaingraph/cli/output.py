"""Commands that write pages and files: viz, export, report."""

from __future__ import annotations

import functools

import click

from ..messages import os_reason, text
from . import (
    DEFAULT_REGION,
    GRAPH_EXPORT,
    PLANNING_REPORT,
    UserError,
    _named_region,
    _workspace,
    format_option,
    handle_errors,
    lang_option,
    main,
    region_option,
    store_option,
)


def _output_errors(command):
    """Turn view and file-system errors into user errors (output files raise their own
    :class:`~chaingraph.render.files.OutputError`, shown by :func:`handle_errors`)."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from ..render.html import ViewError

        try:
            return command(*args, **kwargs)
        except ViewError as error:
            raise UserError(error.code, **error.params) from None
        except OSError as error:
            if error.filename is None:
                raise UserError(str(error)) from None
            reason = os_reason(error)
            raise UserError("files.failed", path=error.filename, reason=reason) from None

    return wrapper


@main.command()
@store_option
@click.option(
    "--region",
    default=DEFAULT_REGION,
    show_default=True,
    callback=_named_region,
    help="Region name, alias or id.",
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

    from ..render.html import write_html

    query = None
    if query_file is not None:
        query = Path(query_file).read_text(encoding="utf-8")
    view = _workspace(store, lang).view(
        region,
        chain=chain,
        company=company,
        query=query,
        query_name=Path(query_file).name if query_file else "",
    )
    path = write_html(view, output, open_browser=open_browser)
    gaps = sum(1 for n in view.nodes if n.get("gap"))
    counts = dict(nodes=len(view.nodes), edges=len(view.edges), gaps=gaps)
    click.echo(text("cli.viz.wrote", lang, path=path, title=view.title, **counts))


@main.command()
@store_option
@click.option(
    "--region",
    default=None,
    callback=_named_region,
    help="Region name, alias or id. Default: every region's facts.",
)
@format_option(
    GRAPH_EXPORT,
    default=None,
    help="graphml/gexf: the NetworkX projection; turtle/jsonld: the triples; csv: node and "
    "edge tables.",
    required=True,
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
    paths = _workspace(store, lang).export(fmt, output, region=region, excel=excel)
    for path in paths:
        click.echo(text("cli.export.wrote", lang, path=path, size=path.stat().st_size))


@main.command()
@store_option
@region_option
@lang_option
@format_option(
    PLANNING_REPORT,
    default=None,
    help="html (one self-contained page) or markdown. Default: markdown when -o ends in .md, "
    "else html.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="File to write (atomically). Markdown without -o goes to standard output.",
)
@handle_errors
@_output_errors
def report(store, region, lang, fmt, output):
    """The planner's report for a region: per chain, the chain map, local companies and
    projects, the gaps with their evidence and targets, capacity balance and data gaps.

    HTML is one file that works offline and prints (graphs as snapshots, tables kept whole);
    headings and fixed text follow --lang.
    """
    from ..render.registry import render
    from ..render.report import write_report

    if fmt is None:
        fmt = "markdown" if output and output.lower().endswith((".md", ".markdown")) else "html"
    if fmt == "html" and output is None:
        raise UserError("cli.report.html_needs_output")
    result = _workspace(store, lang).report(region, views=fmt == "html")
    if output is None:
        click.echo(render(result, fmt), nl=False)
        return
    path = write_report(result, output, fmt)
    gaps = sum(len(c.gaps) for c in result.chains)
    counts = dict(chains=len(result.chains), gaps=gaps)
    click.echo(text("cli.report.wrote", lang, path=path, title=result.title, **counts))
