"""Analysis commands: gaps, targets, impact, diff."""

from __future__ import annotations

import click

from . import (
    DIFF,
    GAP_REPORT,
    GAPS_OVERVIEW,
    IMPACT,
    TARGETS,
    OptionsError,
    UserError,
    _workspace,
    chain_option,
    format_option,
    handle_errors,
    lang_option,
    main,
    region_option,
    store_option,
)


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
    from ..render.registry import render

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

    from ..render.registry import render

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
    from ..render.registry import render

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
    from ..render.registry import render

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
    from ..render.registry import render

    result = _workspace(store, lang).diff(region, year_from, year_to, chains)
    click.echo(render(result, fmt, lang=lang), nl=False)
