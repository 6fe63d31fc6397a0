"""The ``chaingraph`` command: parses options and calls the library, nothing more.

Exit codes: 0 success; 1 a check failed (e.g. ``validate`` found violations, ``ASK`` was
false); 2 a usage or input error (unknown region or chain, bad file, unreadable store).

Messages follow the command's ``--lang`` (else ``$CHAINGRAPH_LANG``, else zh): the command
raises errors with message codes (:mod:`chaingraph.messages`) and the error handler puts them
into words; click's own usage errors are translated from the same catalogs.
"""

from __future__ import annotations

import functools
import sys

import click

from . import __version__
from .labels import LANGUAGES, default_language
from .messages import ChaingraphError, os_reason, text
from .messages._click import File as ClickFile
from .names import Names
from .store import open_store
from .workspace import Workspace

DEFAULT_REGION = "西宁"


class UserError(ChaingraphError):
    """An error in what the user asked for (a message code and its parameters): printed in
    the command's language without a traceback, exit code 2."""


class OptionsError(UserError):
    """Options that do not go together: shown as click shows a usage error (with the usage)."""


class _Failure(click.ClickException):
    """An error already put into words, as the command line shows it."""

    exit_code = 2


def _language_asked(args: list[str]) -> str:
    """The ``--lang`` on the command line, for messages written before options are parsed
    (click's usage errors); else ``$CHAINGRAPH_LANG``, else zh."""
    for i, arg in enumerate(args):
        if arg == "--":
            break
        value = arg.removeprefix("--lang=") if arg.startswith("--lang=") else None
        if arg == "--lang" and i + 1 < len(args):
            value = args[i + 1]
        if value in LANGUAGES:
            return value
    return default_language()


class _Context(click.Context):
    def get_usage(self) -> str:
        # Only usage errors print this; --help writes its own (English) usage line.
        from .messages._click import gettext

        usage = super().get_usage()
        return gettext("Usage:") + usage.removeprefix("Usage:")


class _Command(click.Command):
    context_class = _Context


class _Group(click.Group):
    """The ``chaingraph`` group: click's own messages in the language of the command line."""

    context_class = _Context
    command_class = _Command

    def main(self, args=None, *rest, **extra):
        from .messages._click import click_messages

        words = list(sys.argv[1:] if args is None else args)
        with click_messages(_language_asked(words)):
            return super().main(args, *rest, **extra)


def store_option(command):
    return click.option(
        "--store",
        "store",
        envvar="CHAINGRAPH_STORE",
        default=None,
        metavar="LOCATION",
        help="Store directory (embedded Oxigraph), or the URL of a SPARQL endpoint "
        "(http[s]://...). Default: the bundled data, in memory.",
    )(command)


def lang_option(command):
    return click.option(
        "--lang",
        type=click.Choice(LANGUAGES),
        default=default_language,
        show_default="zh, or $CHAINGRAPH_LANG",
        help="Language of the output.",
    )(command)


class FormatChoice(click.Choice):
    """The formats registered for some result types (:mod:`chaingraph.render.registry`),
    looked up when needed, so that starting the command line imports no renderer."""

    def __init__(self, *result_types: str) -> None:
        self.result_types = result_types  # "module.Class" names
        self.case_sensitive = True

    @property
    def choices(self) -> tuple[str, ...]:  # asked each time: a format registered later counts
        from .render.registry import formats

        return tuple(dict.fromkeys(f for t in self.result_types for f in formats(t)))


def format_option(
    *result_types: str,
    default: str | None = "table",
    help: str = "Output format.",
    required: bool = False,
):
    """``--format``, its choices the formats registered for ``result_types``."""

    def decorate(command):
        return click.option(
            "--format",
            "fmt",
            type=FormatChoice(*result_types),
            default=default,
            required=required,
            show_default=default is not None,
            help=help,
        )(command)

    return decorate


# The result types of the commands, by name (their modules are imported only when used).
GAP_REPORT = "chaingraph.analysis.gaps.GapReport"
GAPS_OVERVIEW = "chaingraph.analysis.overview.GapsOverview"
TARGETS = "chaingraph.analysis.targets.Targets"
IMPACT = "chaingraph.analysis.impact.ImpactResult"
DIFF = "chaingraph.analysis.timeline.DiffResult"
ROW_TABLE = "chaingraph.render.tables.RowTable"
SOLUTIONS = "pyoxigraph.QuerySolutions"
BOOLEAN = "pyoxigraph.QueryBoolean"
TRIPLES = "pyoxigraph.QueryTriples"
VALIDATION = "chaingraph.validate.ValidationReport"
EXTRACTION = "chaingraph.extract.Extraction"
GRAPH_EXPORT = "chaingraph.render.export.GraphExport"
PLANNING_REPORT = "chaingraph.render.report.PlanningReport"


def handle_errors(command):
    """Show the command's errors in its ``--lang``: one line (two with the usage of a usage
    error), no traceback, exit code 2."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        lang = kwargs.get("lang") or default_language()
        try:
            return command(*args, **kwargs)
        except OptionsError as error:
            raise click.UsageError(error.text(lang)) from None
        except ChaingraphError as error:  # StoreError, UnknownName, OutputError ... UserError
            raise _Failure(error.text(lang)) from None

    return wrapper


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="chaingraph")
def main():
    """chaingraph: a region's industrial chains as a knowledge graph, and where they are broken."""


def _named_region(ctx, param, value):
    """``--region ""`` would silently mean every region (or the default): refuse it."""
    if value is not None and not value.strip():
        raise click.BadParameter(text("cli.region_empty", ctx.params.get("lang")))
    return value


def region_option(command):
    return click.option(
        "--region",
        default=DEFAULT_REGION,
        show_default=True,
        callback=_named_region,
        help="Region name, alias or id.",
    )(command)


def chain_option(command):
    return click.option(
        "--chain",
        "chains",
        multiple=True,
        help="Chain name or id (repeatable). Default: every chain present in the region.",
    )(command)


def _workspace(store: str | None, lang: str) -> Workspace:
    """The workspace a read command answers from."""
    return Workspace(open_store(store, read_only=True), lang)


@main.command()
@store_option
@region_option
@chain_option
@click.option(
    "--scope",
    type=click.Choice(["park", "zone", "city", "province", "country"]),
    default=None,
    help="What counts as local: the region's park, zone, city, province or country. "
    "Default: the region's own level.",
)
@click.option(
    "--as-of",
    "as_of",
    type=int,
    default=None,
    metavar="YEAR",
    help="Evaluate the chains as they stood in YEAR (facts dated later are left out).",
)
@click.option(
    "--threshold",
    type=click.FloatRange(0, None),
    default=0.5,
    show_default=True,
    help="Capacity ratio (local supply ÷ next stage's local demand) under which a stage is a "
    "强链 gap.",
)
@lang_option
@format_option(GAP_REPORT, GAPS_OVERVIEW)
@click.option(
    "--explain",
    is_flag=True,
    help="Show the rule and the evidence (facts, source sentences) behind each verdict.",
)
@click.option(
    "--all",
    "all_regions",
    is_flag=True,
    help="One line per region of --level instead of one region's report: chains with a "
    "local stage, stages present/asserted/missing, and gaps of each class.",
)
@click.option(
    "--level",
    type=click.Choice(["city", "province", "zone", "park"]),
    default=None,
    help="With --all: the level of the regions (default city).",
)
@handle_errors
def gaps(store, region, chains, scope, as_of, threshold, lang, fmt, explain, all_regions, level):
    """Find the missing and weak links of a region's industrial chains.

    Each stage gets a verdict: present (named local producers), asserted (a source says the
    region has it, no producer named) or missing; gaps get a class: 补链 (fill), 延链
    (extend), 强链 (strengthen: a single producer, or local supply under --threshold of the
    next stage's demand), 建链 (build). Also: capacity balance, data gaps, 延链 synergies
    across chains and criticality.

    With --all: the gap picture of every region of --level at once, most present stages
    first (the figures of each region's own report).
    """
    from .render.registry import render

    workspace = _workspace(store, lang)
    if all_regions or level:
        _gaps_overview(workspace, chains, scope, as_of, threshold, fmt, explain, level)
        return
    # The table shows verdicts, producers, confidence and capacity, not the sentences: it is
    # projected without them, a third faster at a million triples (same output, tested).
    evidence = explain or fmt != "table"
    report = workspace.gaps(
        region, chains, scope=scope, threshold=threshold, as_of=as_of, evidence=evidence
    )
    click.echo(render(report, fmt, explain=explain), nl=False)


def _gaps_overview(workspace, chains, scope, as_of, threshold, fmt, explain, level):
    """``gaps --all``: check the options that do not go with it, then run the overview."""
    from click.core import ParameterSource

    from .render.registry import render

    context = click.get_current_context()
    if not context.params["all_regions"]:
        raise OptionsError("cli.gaps.level_without_all")
    if context.get_parameter_source("region") not in (None, ParameterSource.DEFAULT):
        raise OptionsError("cli.gaps.all_and_region")
    for given, option in ((explain, "--explain"), (scope, "--scope")):
        if given:
            raise OptionsError("cli.gaps.not_with_all", option=option)
    level = level or "city"
    chain_ids = workspace.chains(chains)
    summaries = workspace.overview(level=level, chains=chains, threshold=threshold, as_of=as_of)
    chain_labels = [workspace.label(c) for c in chain_ids or []]
    click.echo(render(summaries, fmt, lang=workspace.lang, chain_labels=chain_labels), nl=False)


@main.command()
@store_option
@region_option
@chain_option
@lang_option
@format_option(TARGETS)
@handle_errors
def targets(store, region, chains, lang, fmt):
    """招商: companies outside the region that make its missing, weak or only asserted stages.

    Ranked by a transparent score: capacity, already in the region, group tie, supplier or
    customer tie, already in the province; each target prints its reasons.
    """
    from .render.registry import render

    workspace = _workspace(store, lang)
    found = workspace.targets(region, chains)
    label = workspace.label(workspace.region(region))
    click.echo(render(found, fmt, lang=lang, region_label=label), nl=False)


@main.command()
@click.argument("company", required=False)
@store_option
@region_option
@click.option("--project", default=None, help="Remove this one project instead of a company.")
@click.option(
    "--complete",
    default=None,
    metavar="PROJECT",
    help="Assume this planned or under-construction project is completed: which gaps close.",
)
@lang_option
@format_option(IMPACT)
@handle_errors
def impact(company, store, region, project, complete, lang, fmt):
    """What the region loses if COMPANY (or --project) leaves, or gains with --complete.

    Lists the stages that lose their last local producer, the downstream stages that lose
    local supply, the capacity lost per stage, the gaps opened and closed and the change in
    chain completeness.
    """
    from .render.registry import render

    if sum(x is not None for x in (company, project, complete)) != 1:
        raise UserError("cli.impact.one_subject")
    workspace = _workspace(store, lang)
    result = workspace.impact(region, company, project=project, complete=complete)
    click.echo(render(result, fmt, lang=lang), nl=False)


@main.command()
@store_option
@region_option
@chain_option
@click.option("--from", "year_from", type=int, required=True, metavar="YEAR", help="First year.")
@click.option("--to", "year_to", type=int, required=True, metavar="YEAR", help="Second year.")
@lang_option
@format_option(DIFF)
@handle_errors
def diff(store, region, chains, year_from, year_to, lang, fmt):
    """What changed between two years: gaps closed and opened, projects that came into
    production, capacity added."""
    from .render.registry import render

    result = _workspace(store, lang).diff(region, year_from, year_to, chains)
    click.echo(render(result, fmt, lang=lang), nl=False)


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
            click.echo("    " + r.summary.replace("\n", "\n    "))


@main.command()
@store_option
@format_option(ROW_TABLE)
@lang_option
@handle_errors
def graphs(store, fmt, lang):
    """List the store's named graphs with the record of each load (file, triples, sha256, time)."""
    from .render.registry import render
    from .render.tables import RowTable

    source = open_store(store, read_only=True)
    records = {r.graph: r for r in source.graph_records()}
    from .store import META_GRAPH

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

    from .store import graph_for_file

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
def query(store, text, file, name, list_, fmt, timeout, lang, update, allow_hosts, region, params):
    """Run a SPARQL query (or, with --update, an update) on the store.

    SELECT prints a table (with a <var>_label column beside IRI columns) or W3C CSV, TSV or
    JSON results; CONSTRUCT/DESCRIBE print Turtle or JSON-LD; ASK prints true or false and
    exits 0 for true, 1 for false. The chaingraph prefixes (cg:, pv:, skos:, ...) are predefined.
    """
    from .queries import named_queries, named_query, parameter_list
    from .render.registry import formats, render
    from .render.tables import RowTable
    from .sparql import check_outbound, query_results, render_result

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
    info = check_outbound(text, allow_hosts)
    if info.is_update and not update:
        raise UserError("queries.needs_update")
    if info.is_update:
        with open_store(store) as target:
            target.allow_hosts = tuple(allow_hosts)  # the store guards every update too
            before = len(target)
            target.update(text, timeout=timeout)
            from .messages import Message  # `text` is the query here

            where = target.location or Message("cli.query.in_memory")
            done = Message("cli.query.update_done", where=where, before=before, after=len(target))
            click.echo(done.text(lang))
        return
    with open_store(store, read_only=True) as source:
        source.allow_hosts = tuple(allow_hosts)  # the store guards every query too
        if name and given_params:  # declared by the named query (checked above)
            text = _bound(named, given_params, Names(source, lang))
        result = query_results(source, text, timeout)
        output = render_result(result, fmt, labels=functools.partial(_labels, source), lang=lang)
    click.echo(output, nl=not output.endswith("\n"))
    if type(result).__name__ == "QueryBoolean" and not result:
        sys.exit(1)


def _read_query_file(file) -> str:
    """The text of ``query -f FILE``; a file that is not UTF-8 is a one-line error."""
    try:
        return file.read()
    except UnicodeDecodeError as error:
        raise UserError("sparql.file_not_utf8", file=file.name, reason=error.reason) from None


def _given_params(named, params, region) -> list[tuple[str, str]]:
    """``--region`` and the ``--param NAME=VALUE`` options, each checked against the query."""
    from .queries import named_queries

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
    from .queries import NODE_TYPES

    values: dict[str, list[str]] = {}
    for key, value in given:
        kind = named.params[key].type
        values.setdefault(key, []).append(
            names.resolve(value, kind) if kind in NODE_TYPES else value
        )
    return named.bind(**values)  # QueryError: in the catalogs, shown like a UserError


def _labels(source, iris: list[str] | None):
    """The labels of ``iris`` (all labels for ``None``), for the label columns of a table."""
    from .labels import LabelIndex

    return LabelIndex.from_store(source, nodes=iris, preferred=True)


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
    from .render.registry import render
    from .validate import validate_files, validate_store

    if files:
        context = open_store(store, read_only=True) if store else None
        report = validate_files(files, shapes, context=context, lang=lang)
    else:
        report = validate_store(open_store(store, read_only=True), shapes, lang=lang)
    click.echo(render(report, fmt), nl=False)
    if not report.conforms:
        sys.exit(1)


def _output_errors(command):
    """Turn view and file-system errors into user errors (output files raise their own
    :class:`~chaingraph.render.files.OutputError`, shown by :func:`handle_errors`)."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from .render.html import ViewError

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

    from .render.html import write_html

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
@click.option(
    "--workers",
    default=None,
    type=click.IntRange(min=1),
    metavar="N",
    help="Worker processes answering queries at once. Default: 2, or 1 on a 1-CPU machine.",
)
@click.option(
    "--max-connections",
    default=64,
    show_default=True,
    type=click.IntRange(min=1),
    metavar="N",
    help="Connections served at once; one more gets 503 (Retry-After) at once.",
)
@click.option(
    "--connection-timeout",
    default=30.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    metavar="SECONDS",
    help="Disconnect a client that sends nothing for this long (idle or slow connections).",
)
@lang_option
@handle_errors
def serve(
    store,
    host,
    port,
    cors,
    allow_update,
    timeout,
    max_request_bytes,
    workers,
    max_connections,
    connection_timeout,
    lang,
):
    """Serve the store as a SPARQL 1.1 endpoint (/sparql) with a query page (/).

    Read-only unless --allow-update; SERVICE, LOAD and FROM are refused (no outbound
    requests). Listens on 127.0.0.1 only, unless --host says otherwise.

    Queries run in --workers processes, so a slow query does not hold up the others; a
    query that finds every worker busy waits for one (at most --timeout). A directory
    --store stays locked while the server runs: to add data meanwhile, use --allow-update
    and `chaingraph load FILE --store http://HOST:PORT/sparql`. An update waits for the
    running queries; every query answered after it sees it.
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
        workers=workers,
        max_connections=max_connections,
        connection_timeout=connection_timeout,
    )
    run_server(store, options, echo=click.echo)


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

    from .extract import extract_file
    from .extract.to_rdf import graph_iri, to_turtle
    from .render.registry import render

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
    from .render.registry import render
    from .render.report import write_report

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


if __name__ == "__main__":
    sys.exit(main())
