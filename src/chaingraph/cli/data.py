"""Commands that put data in a store or check it: load, graphs, drop, template, validate,
extract."""

from __future__ import annotations

import sys

import click

from ..labels import LANGUAGES, default_language
from ..messages import Message, text
from ..names import Names
from ..store import open_store
from . import (
    EXTRACTION,
    ROW_TABLE,
    VALIDATION,
    UserError,
    _named_region,
    format_option,
    handle_errors,
    lang_option,
    main,
    store_option,
)


def _need_store(store: str | None, command: str) -> str:
    if not store:
        raise UserError("cli.need_store", command=command)
    return store


class _LoadProgress:
    """A rich progress bar on stderr while big files are parsed and written; silent elsewhere."""

    def __init__(self, verbose: bool, lang: str) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self.verbose = verbose
        self.lang = lang
        console = Console(stderr=True)
        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[detail]}"),
            TimeElapsedColumn(),
            console=console,
            disable=not console.is_terminal,
            transient=True,
        )
        self.tasks: dict[str, int] = {}

    def __call__(self, what: str, done: int, total: int) -> None:
        writing = what == "writing"
        if what not in self.tasks:
            writing_text = text("cli.load.writing", self.lang, triples=total)
            description = writing_text if writing else what
            if self.verbose:
                parsing = text("cli.load.parsing", self.lang, file=what)
                click.echo(writing_text if writing else parsing, err=True)
            self.tasks[what] = self.bar.add_task(description, total=total, detail="")
            self.bar.start()
        detail = f"{done:,}/{total:,}" if writing else f"{done / 1e6:.1f}/{total / 1e6:.1f} MB"
        self.bar.update(self.tasks[what], completed=done, detail=detail)

    def stop(self) -> None:
        self.bar.stop()


@main.command()
@store_option
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option(
    "--format",
    "fmt",
    default=None,
    metavar="F",
    help="Input format (turtle, ntriples, nquads, trig, jsonld, rdfxml or an alias). "
    "Default: from the file extension.",
)
@click.option("--replace", is_flag=True, help="Replace files that are already loaded.")
@click.option("--example", is_flag=True, help="Also load the bundled Xining example facts.")
@click.option(
    "--skip-bad-rows",
    is_flag=True,
    help="Company sheets: load the good rows and write the bad ones, with an error column, to "
    "NAME.rejected.EXT beside the sheet.",
)
@click.option(
    "-v", "--verbose", is_flag=True, help="Say on stderr what is being parsed and written."
)
@lang_option
@handle_errors
def load(store, files, fmt, replace, example, skip_bad_rows, verbose, lang):
    """Load RDF files (or company sheets) into a store, each into its own named graph.

    Every file is checked before anything is written, then all of them go in together with a
    record of each load in the metadata graph: a syntax error, a crash or a kill leaves the
    store as it was. Large RDF files are bulk-loaded (several times faster) and count only once
    their records are written; readers never see half of one. Loading a file again needs
    --replace.
    """
    location = _need_store(store, "load")
    if not files and not example:
        raise UserError("cli.nothing_to_load")
    progress = _LoadProgress(verbose, lang)
    options = {"skip_bad_rows": True} if skip_bad_rows else None
    with open_store(location) as target:
        try:
            records = target.load_files(
                list(files),
                format=fmt,
                replace=replace,
                progress=progress,
                options=options,
                example=example,
            )
        finally:
            progress.stop()
    total = sum(r.triples for r in records)
    click.echo(text("cli.load.done", lang, files=len(records), triples=total, store=location))
    for r in records:
        click.echo(text("cli.load.file", lang, file=r.name, triples=r.triples, graph=r.graph))
        if r.summary:
            summary = r.summary.text(lang) if isinstance(r.summary, Message) else str(r.summary)
            click.echo("    " + summary.replace("\n", "\n    "))


@main.command()
@store_option
@format_option(ROW_TABLE)
@lang_option
@handle_errors
def graphs(store, fmt, lang):
    """List the store's named graphs with the record of each load (file, triples, sha256, time)."""
    from ..render.registry import render
    from ..render.tables import RowTable

    source = open_store(store, read_only=True)
    records = {r.graph: r for r in source.graph_records()}
    from ..store import META_GRAPH

    rows = []
    for graph in sorted(set(source.graphs()) | set(records)):
        if graph == META_GRAPH:
            continue
        r = records.get(graph)
        rows.append(
            [graph, r.name, r.triples, r.sha256[:12], r.loaded] if r else [graph, "", "", "", ""]
        )
    headers = ["graph", "file", "triples", "sha256", "loaded"]
    text = render(RowTable(headers, rows), fmt)
    click.echo(text, nl=not text.endswith("\n"))


@main.command()
@store_option
@click.argument("graph_or_file")
@lang_option
@handle_errors
def drop(store, graph_or_file, lang):
    """Remove a loaded file's graph and its load record (by graph IRI, file path or file name)."""
    with open_store(_need_store(store, "drop")) as target:
        _drop(target, graph_or_file, lang)


def _drop(target, graph_or_file: str, lang: str) -> None:
    from pathlib import Path

    from ..store import graph_for_file

    records = target.graph_records()
    known = set(target.graphs()) | {r.graph for r in records}
    if graph_or_file in known:
        graph = graph_or_file
    elif Path(graph_or_file).is_file() and graph_for_file(graph_or_file) in known:
        graph = graph_for_file(graph_or_file)
    else:
        matches = [r.graph for r in records if r.name == graph_or_file]
        if len(matches) != 1:
            code = "cli.drop.ambiguous" if matches else "cli.drop.unknown"
            loaded = ", ".join(sorted(r.name for r in records))  # file names: no translation
            raise UserError(code, name=graph_or_file, loaded=loaded)
        graph = matches[0]
    before = len(target)
    record = target.drop_graph(graph)
    if record:
        n = record.triples
        click.echo(text("cli.drop.done_file", lang, graph=graph, file=record.name, triples=n))
    else:
        click.echo(text("cli.drop.done", lang, graph=graph, triples=before - len(target)))


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
    from ..ingest.template import template_text, write_template

    fmt = fmt or ("xlsx" if output and output.lower().endswith(".xlsx") else "csv")
    if output is None:
        if fmt == "xlsx":
            raise UserError("cli.template.xlsx_needs_output")
        click.echo(template_text(lang), nl=False)
        return
    path = write_template(output, lang, fmt)
    click.echo(text("cli.wrote", lang, path=path), err=True)


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
@format_option(VALIDATION, default="human")
@handle_errors
def validate(files, store, shapes, lang, fmt):
    """Check the store, or FILES (RDF or company sheets), against the SHACL shapes.

    Exit code 0: conforms; 1: violations; 2: an error (unreadable file, bad shapes...).
    FILES are checked in the context of the store (default: the bundled data), and only what
    they describe is reported.
    """
    from ..render.registry import render
    from ..validate import validate_files, validate_store

    if files:
        context = open_store(store, read_only=True) if store else None
        report = validate_files(files, shapes, context=context, lang=lang)
    else:
        report = validate_store(open_store(store, read_only=True), shapes, lang=lang)
    click.echo(render(report, fmt), nl=False)
    if not report.conforms:
        sys.exit(1)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@format_option(EXTRACTION, default="turtle")
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
    callback=_named_region,
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

    from ..extract import extract_file
    from ..extract.to_rdf import graph_iri, to_turtle
    from ..render.registry import render

    if load and not store:
        raise UserError("cli.extract.load_needs_store")
    graph_store = open_store(store, read_only=not load)
    if region is not None and ":" in region:
        # An id must name a region of the store: a made-up one would be written into the data.
        region = Names(graph_store, lang).region(region)
    for name in files:
        if not Path(name).is_file():
            raise UserError("cli.extract.no_file", file=name)
    for name in files:
        result = extract_file(name, graph_store, region=region)
        if not result.facts:
            click.echo(text("cli.extract.no_facts", lang, file=name), err=True)
        click.echo(render(result, "table" if review else fmt, lang=lang), nl=False)
        if load:
            import pyoxigraph

            graph = graph_iri(result)
            turtle = to_turtle(result)
            added = graph_store.load_data(turtle, graph, format=pyoxigraph.RdfFormat.TURTLE)
            graph_store.flush()
            facts = len(result.facts)
            summary = text(
                "cli.extract.loaded", lang, file=name, facts=facts, triples=added, graph=graph
            )
            click.echo(summary, err=True)
