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

from .. import __version__
from ..labels import LANGUAGES, default_language
from ..messages import ChaingraphError, text
from ..store import open_store
from ..workspace import Workspace

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
        from ..messages._click import gettext

        usage = super().get_usage()
        return gettext("Usage:") + usage.removeprefix("Usage:")


class _Command(click.Command):
    context_class = _Context


class _Group(click.Group):
    """The ``chaingraph`` group: click's own messages in the language of the command line."""

    context_class = _Context
    command_class = _Command

    def main(self, args=None, *rest, **extra):
        from ..messages._click import click_messages

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
        from ..render.registry import formats

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


# The commands register themselves on `main` when their modules are imported.
from . import analysis, companies, data, output, querying, serving  # noqa: E402, F401
