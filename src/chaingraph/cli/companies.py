"""What the graph believes about companies: list, search, show one, review probable matches."""

from __future__ import annotations

import click

from ..messages import text
from ..store import open_store
from . import ROW_TABLE, UserError, format_option, handle_errors, lang_option, main, store_option


@main.command()
@store_option
@click.argument("name", required=False)
@click.option("--search", metavar="TEXT", help="Companies one of whose names contains TEXT.")
@click.option("--stage", metavar="STAGE", help="Companies producing this stage (name or id).")
@click.option("--region", metavar="REGION", help="Companies in this region or a place inside it.")
@click.option(
    "--review",
    is_flag=True,
    help="List the probable matches loads found and did not merge (pending ones).",
)
@click.option(
    "--same",
    nargs=2,
    metavar="COMPANY OTHER",
    help="Record that COMPANY is OTHER (owl:sameAs; OTHER's id is kept). Loads honour it.",
)
@click.option(
    "--not-same",
    "not_same",
    nargs=2,
    metavar="COMPANY OTHER",
    help="Record that COMPANY and OTHER are different companies (cg:notSame).",
)
@format_option(ROW_TABLE)
@lang_option
@handle_errors
def companies(store, name, search, stage, region, review, same, not_same, fmt, lang):
    """List the companies (filtered by --search, --stage, --region), show one company
    (NAME: its names, credit code, group, plants, every fact and its source), or review the
    pairs of companies that loads found may be one."""
    from ..render.registry import render

    actions = [bool(name), review, bool(same), bool(not_same)]
    if sum(actions) > 1:
        raise UserError("companies.one_action")
    if same or not_same:
        _decide(store, *(same or not_same), same=bool(same), lang=lang)
        return
    source = open_store(store, read_only=True)
    if review:
        table = _review_table(source, lang)
    elif name:
        table = _profile_table(source, name, lang)
    else:
        table = _list_table(source, search, stage, region, lang)
    if table is None:
        return
    if fmt in ("csv", "tsv"):  # a name from a sheet must not run as a spreadsheet formula
        from ..render.export import guard_cell
        from ..render.tables import RowTable

        table = RowTable(table.headers, [[guard_cell(c) for c in row] for row in table.rows])
    output = render(table, fmt)
    click.echo(output, nl=not output.endswith("\n"))


def _joined(lang: str, items) -> str:
    return text("list.separator", lang).join(items)


def _headers(lang: str, *keys: str) -> list[str]:
    return [text(f"companies.header.{key}", lang) for key in keys]


def _list_table(source, search, stage, region, lang):
    from ..companies.directory import all_names, list_companies, matching
    from ..names import Names
    from ..render.tables import RowTable

    summaries = list_companies(source, lang=lang)
    names = Names(source, lang)
    if search:
        summaries = matching(summaries, search, all_names(source))
    if stage:
        wanted = names.resolve(stage, "stage")
        summaries = [s for s in summaries if wanted in s.stage_ids]
    if region:
        inside = _places_in(source, names.region(region))
        summaries = [s for s in summaries if s.region_ids & inside]
    if not summaries:
        click.echo(text("companies.none_found", lang))
        return None
    rows = [
        [s.iri, s.name, s.group, _joined(lang, s.regions), _joined(lang, s.stages), s.facts]
        for s in summaries
    ]
    return RowTable(_headers(lang, "id", "name", "group", "regions", "stages", "facts"), rows)


def _places_in(source, region: str) -> set[str]:
    from ..queries import named_query

    query = named_query("internal/places-in-region").bind(region=region)
    return {row["r"] for row in source.select_plain(query)}


def _profile_table(source, name, lang):
    from ..companies.directory import company_profile
    from ..render.tables import RowTable
    from ..workspace import Workspace

    iri = Workspace(source, lang).company(name)
    profile = company_profile(source, iri, lang=lang)

    def field(key: str) -> str:
        return text(f"companies.field.{key}", lang)

    rows = [
        [field("id"), profile.iri, ""],
        [field("name"), profile.name, ""],
        [field("aliases"), _joined(lang, profile.aliases), ""],
    ]
    if profile.code:
        rows.append([field("code"), profile.code, ""])
    if profile.group:
        rows.append([field("group"), f"{profile.group[1]} ({profile.group[0]})", ""])
    rows += [[field("plants"), f"{label} ({iri_})", ""] for iri_, label in profile.plants]
    if profile.regions:
        rows.append([field("regions"), _joined(lang, profile.regions), ""])
    rows += [[field("same_as"), other, ""] for other in profile.same_as]
    rows += [[field("not_same"), other, ""] for other in profile.not_same]
    for fact in profile.facts:
        said = " ".join(
            part for part in (fact.stage, fact.site, fact.status, fact.year, fact.capacity) if part
        )
        rows.append([field("fact"), said, f"{fact.source}: {fact.evidence}".strip(": ")])
    return RowTable(_headers(lang, "field", "value", "source"), rows)


def _review_table(source, lang):
    from ..companies.directory import review_pairs
    from ..render.tables import RowTable

    pairs = review_pairs(source, lang=lang)
    if not pairs:
        click.echo(text("companies.no_review", lang))
        return None
    rows = [
        [
            p.company,
            p.company_name,
            p.candidate,
            p.candidate_name,
            text(f"companies.rule.{p.rule}", lang),
            f"{p.score:.2f}",
            p.source,
            p.row if p.row is not None else "",
        ]
        for p in pairs
    ]
    click.echo(text("companies.review_hint", lang), err=True)
    keys = ("company", "company_name", "candidate", "candidate_name", "rule", "score")
    return RowTable(_headers(lang, *keys, "source", "row"), rows)


def _decide(store, company, other, *, same, lang):
    from ..companies.directory import record_decision
    from ..workspace import Workspace

    if not store:
        raise UserError("cli.need_store", command="companies")
    target = open_store(store, read_only=False)
    workspace = Workspace(target, lang)
    first, second = workspace.company(company), workspace.company(other)
    if first == second:
        click.echo(text("companies.same_node", lang, a=first, b=second))
        return
    record_decision(target, first, second, same=same)
    code = "companies.recorded_same" if same else "companies.recorded_not_same"
    click.echo(text(code, lang, a=first, b=second))
