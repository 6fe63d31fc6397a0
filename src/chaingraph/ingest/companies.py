"""Company sheet rows → RDF: companies, production facts, regions, with provenance per row.

One row = one company producing one stage in one place. Each row becomes a ``cg:Production``
(a ``cg:Project`` when a status is given) with ``cg:producer``, ``cg:stage``, ``cg:site`` and,
when given, capacity, status and year; its evidence is a ``cg:Quote`` holding the row's cells
(``prov:value``) and its row number (``cg:row``), quoted from a ``cg:SourceDocument`` for the
file (name and sha256). Names are resolved against the store *without* the file's own graph,
so reloading a file gives the same result as loading it the first time.

>>> from chaingraph import open_store
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> sheet = folder / "公司.csv"
>>> _ = sheet.write_text("企业,环节,地区,产能,单位\\n高景,硅片,西宁,50,GW\\n", encoding="utf-8")
>>> store = open_store()
>>> report = import_table(store, sheet, graph="urn:example:sheet")
>>> report.rows_imported, report.companies_matched
(1, [('co:gokin-qinghai', '高景')])
>>> store.select("SELECT ?v WHERE { GRAPH <urn:example:sheet> { ?f cg:capacity/cg:value ?v } }")
[{'v': rdflib.term.Literal('50', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#decimal'))}]
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import unquote

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef

from ..labels import LabelIndex
from ..messages import Message
from ..namespaces import CG, PREFIXES, curie, expand
from ..resolve import CompanyIndex, mint_company_iri, uscc_problem
from ..store import Store, graph_for_file
from ..vocabulary import (
    ADMIN_SUFFIXES,
    LEVEL_CLASSES,
    NOT_CAPACITY_UNITS,
    SHEET_UNIT_SPELLINGS,
    STATUS_WORDS,
    UNIT_WORDS,
    ZONE_SUFFIXES,
    mint_place_iri,
    place_level,
    place_stem,
    scaled_unit_words,
)
from ..vocabulary import fold as normalise
from .table import COLUMNS, Problem, Row, Table, TableError, read_table, write_rows

__all__ = ["ImportReport", "default_graph", "import_table", "table_to_rdf"]

CGNS = Namespace(CG)
SKOS = Namespace(PREFIXES["skos"])
PROV = Namespace(PREFIXES["prov"])
DCT = Namespace(PREFIXES["dcterms"])
REGION_TYPES = ("Country", "Province", "City", "DevelopmentZone", "IndustrialPark", "Region")
# Names that are only a suffix (园区, 新区, 县) name no parent region.
_GENERIC_PLACES = {normalise(s) for s in (*ZONE_SUFFIXES, *ADMIN_SUFFIXES)} | {"园"}
# Unit spellings beyond the labels of ontology/units.ttl: text -> (unit CURIE, factor).
UNIT_MULTIPLES = {
    normalise(spelling): unit
    for spelling, unit in scaled_unit_words({**UNIT_WORDS, **SHEET_UNIT_SPELLINGS}).items()
    if unit[0] not in NOT_CAPACITY_UNITS
}
_NUMBER = re.compile(r"^([0-9][0-9,]*(?:\.[0-9]+)?)\s*(.*)$")
# Numbers a planner may type that _NUMBER reads wrongly: a sign, or an exponent (5E+1, 1e400).
_SIGNED = re.compile(r"^[-−－]\s*[0-9]")
_EXPONENT = re.compile(r"^[+]?[0-9][0-9,]*(?:\.[0-9]*)?[eE][+-]?[0-9]+(?:\s|$)")


def _refused_number(text: str) -> Message | None:
    """Why a capacity that starts like a number is refused (negative, exponent), else ``None``.

    >>> _refused_number("-50").code, _refused_number("5E+1").code, _refused_number("50 MW")
    ('input.sheet.capacity_negative', 'input.sheet.capacity_exponent', None)
    """
    if _SIGNED.match(text):
        return Message("input.sheet.capacity_negative", capacity=text)
    if _EXPONENT.match(text):
        return Message("input.sheet.capacity_exponent", capacity=text)
    return None


_YEAR = re.compile(r"^(\d{4})(?:年|\.0+|-\d{2}-\d{2})?$")


def _u(name: str) -> URIRef:
    return URIRef(expand(name))


# --------------------------------------------------------------------------- what the store knows


class Known:
    """Stages, chains, regions, companies, units and statuses in the store, outside one graph."""

    def __init__(self, store: Store, graph: str) -> None:
        outside = f"FILTER(?g != <{graph}>)"

        def rows(body: str, variables: str) -> list[dict]:
            query = f"SELECT DISTINCT {variables} WHERE {{ {body} }}"
            return [{k: curie(str(v)) for k, v in r.items()} for r in store.select(query)]

        self.labels = LabelIndex()
        self.names_of: dict[str, set[str]] = defaultdict(set)
        self.nodes_named: dict[str, set[str]] = defaultdict(set)
        for r in store.select(
            "SELECT ?s ?p ?label WHERE { VALUES ?p { skos:prefLabel skos:altLabel rdfs:label } "
            f"GRAPH ?g {{ ?s ?p ?label }} FILTER(isLiteral(?label)) {outside} }}"
        ):
            lang = (r["label"].language or "").split("-")[0]
            node, text = curie(str(r["s"])), str(r["label"])
            self.labels.add(node, curie(str(r["p"])), text, lang)
            self.names_of[node].add(text)
            self.nodes_named[normalise(text)].add(node)
        self.stage_chain = {
            r["s"]: r["c"]
            for r in rows(f"GRAPH ?g {{ ?s a cg:Stage ; skos:inScheme ?c }} {outside}", "?s ?c")
        }
        self.chains = sorted(r["s"] for r in rows(f"GRAPH ?g {{ ?s a cg:Chain }} {outside}", "?s"))
        types = " ".join(f"cg:{t}" for t in REGION_TYPES)
        self.region_type: dict[str, str] = {}
        self.region_parent: dict[str, str] = {}
        for r in rows(
            f"VALUES ?t {{ {types} }} GRAPH ?g {{ ?s a ?t }} {outside} "
            f"OPTIONAL {{ GRAPH ?h {{ ?s cg:partOf ?p }} FILTER(?h != <{graph}>) }}",
            "?s ?t ?p",
        ):
            if self.region_type.get(r["s"]) in (None, "cg:Region"):
                self.region_type[r["s"]] = r["t"]
            if r.get("p"):
                self.region_parent[r["s"]] = r["p"]
        self.companies = sorted(
            r["s"] for r in rows(f"GRAPH ?g {{ ?s a cg:Company }} {outside}", "?s")
        )
        self.codes = {
            r["s"]: r["code"]
            for r in rows(f"GRAPH ?g {{ ?s cg:creditCode ?code }} {outside}", "?s ?code")
        }
        self.units = [r["s"] for r in rows(f"GRAPH ?g {{ ?s a cg:Unit }} {outside}", "?s")]
        self.statuses = [
            r["s"] for r in rows(f"GRAPH ?g {{ ?s a cg:ProjectStatus }} {outside}", "?s")
        ]

    def label(self, node: str, lang: str = "zh") -> str:
        return self.labels.pick(node, lang)

    def describe_stage(self, stage: str) -> str:
        chain = self.stage_chain.get(stage, "")
        return f"{self.label(stage)} ({stage}, {self.label(chain)})"


# --------------------------------------------------------------------------- report


@dataclass
class ImportReport:
    """What an import did: rows, companies matched and created, regions created, doubts."""

    file: str
    graph: str
    kind: str
    encoding: str | None
    rows_read: int
    rows_imported: int = 0
    rows_rejected: int = 0
    triples: int = 0
    companies_new: list[tuple[str, str]] = field(default_factory=list)
    companies_matched: list[tuple[str, str]] = field(default_factory=list)
    regions_created: list[tuple[str, str, str, str | None]] = field(default_factory=list)
    review: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    rejected: list[Problem] = field(default_factory=list)
    reject_file: str | None = None

    def to_dict(self, lang: str | None = None) -> dict:
        data = {
            k: v
            for k, v in self.__dict__.items()
            if k not in ("review", "notes", "warnings", "rejected")
        }
        for key in ("review", "notes", "warnings", "rejected"):
            data[key] = [p.to_dict(lang) for p in getattr(self, key)]
        return data

    def summary(self, lang: str | None = None) -> str:
        """What the import did, one line per fact, in ``lang`` (default: the default language)."""
        return self.message().text(lang)

    def message(self) -> Message:
        """:meth:`summary` as a message of the catalogs, put into words where it is shown."""
        read = self.kind + (f", {self.encoding}" if self.encoding else "")
        lines = [
            Message(
                "ingest.summary.imported",
                file=self.file,
                imported=self.rows_imported,
                rows=self.rows_read,
                graph=unquote(self.graph),
                triples=self.triples,
                read=read,
            )
        ]
        if self.companies_matched:
            known = [f"{name} → {iri}" for iri, name in self.companies_matched]
            lines.append(Message("ingest.summary.known", companies=known))
        if self.companies_new:
            new = [f"{n} ({i})" for i, n in self.companies_new]
            lines.append(Message("ingest.summary.new", companies=new))
        for iri, label, kind, parent in self.regions_created:
            code = "ingest.summary.region_in" if parent else "ingest.summary.region"
            lines.append(Message(code, label=label, iri=iri, kind=kind, parent=parent))
        for key in ("review", "notes", "warnings"):
            code = f"ingest.summary.{key}"
            lines += [Message(code, problem=p.as_message()) for p in getattr(self, key)]
        if self.rows_rejected:
            lines.append(
                Message("ingest.summary.rejected", count=self.rows_rejected, file=self.reject_file)
            )
            lines += [Message("ingest.table.item", problem=p.as_message()) for p in self.rejected]
        return Message("ingest.lines", lines=lines)


# --------------------------------------------------------------------------- per row


@dataclass
class Parsed:
    row: Row
    company: str | None = None
    company_name: str = ""
    code: str | None = None
    stage: str | None = None
    stage_options: list[str] = field(default_factory=list)
    chain: str | None = None
    site: str | None = None
    capacity: tuple[Decimal, str, str] | None = None  # value, unit CURIE, as stated
    status: str | None = None
    year: str | None = None
    group: str | None = None
    group_name: str = ""
    source: str = ""
    how: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


class RowReader:
    def __init__(self, table: Table, known: Known, report: ImportReport) -> None:
        self.table = table
        self.known = known
        self.report = report
        self.name = table.path.name
        places = [known.labels.pick(node, "zh") for node in known.region_type]
        self.companies = CompanyIndex(places)
        for company in known.companies:
            self.companies.add(company, self._labels_of(company), known.codes.get(company))
        self.new_companies: dict[str, dict] = {}  # iri -> {"names": [...], "code": ...}
        self.added_codes: dict[str, str] = {}  # known company -> credit code from the sheet
        self.created_regions: dict[
            str, tuple[str, str, str | None]
        ] = {}  # iri -> label,type,parent
        self.region_names: dict[str, set[str]] = defaultdict(set)
        for region in known.region_type:
            for label in self._labels_of(region):
                self.region_names[self._place_key(label)].add(region)
        self._unit_index = self._units()
        self.file_codes: dict[str, str] = {}
        for row in table.rows:
            code = row.get("credit_code").upper().replace(" ", "")
            if row.get("company") and code and uscc_problem(code) is None:
                self.file_codes.setdefault(normalise(row.get("company")), code)
        self._status_index = self._statuses()

    # ---- helpers

    def _labels_of(self, node: str) -> list[str]:
        return sorted(self.known.names_of.get(node, ()))

    @staticmethod
    def _place_key(text: str) -> str:
        return place_stem(normalise(text))

    def problem(
        self, parsed: Parsed, key: str | None, message: Message, suggestion: Message | str = ""
    ) -> None:
        column = self.table.header_of(key) if key else None
        parsed.problems.append(Problem(self.name, parsed.row.number, column, message, suggestion))

    def _units(self) -> dict[str, tuple[str, Decimal]]:
        index = {normalise(k): v for k, v in UNIT_MULTIPLES.items()}
        for unit in self.known.units:
            if unit in NOT_CAPACITY_UNITS:
                continue
            for label in self._labels_of(unit):
                index.setdefault(normalise(label), (unit, Decimal(1)))
        return index

    def _statuses(self) -> dict[str, str]:
        index = {normalise(k): v for k, v in STATUS_WORDS.items()}
        for status in self.known.statuses:
            for label in self._labels_of(status):
                index.setdefault(normalise(label), status)
        return index

    # ---- columns

    def read(self, row: Row) -> Parsed:
        parsed = Parsed(row)
        self._company(parsed)
        self._stage(parsed)
        self._region(parsed)
        self._capacity(parsed)
        self._status(parsed)
        self._year(parsed)
        parsed.source = row.get("source")
        if row.get("group"):
            parsed.group_name = row.get("group")
            parsed.group = self._resolve_company(parsed, row.get("group"), None, "group")
        return parsed

    def _company(self, parsed: Parsed) -> None:
        name = parsed.row.get("company")
        code = parsed.row.get("credit_code").upper().replace(" ", "")
        if code:
            problem = uscc_problem(code)
            if problem:
                fix = Message(
                    "ingest.fix.excel_codes"
                    if problem.code == "ingest.code.excel"
                    else "ingest.fix.check_code"
                )
                what = Message("ingest.company.bad_code", code=code, reason=problem)
                self.problem(parsed, "credit_code", what, fix)
                code = ""
        if not name:
            empty, fix = Message("ingest.company.empty"), Message("ingest.fix.company")
            self.problem(parsed, "company", empty, fix)
            return
        parsed.company_name = name
        if not code and not parsed.problems:
            code = self.file_codes.get(normalise(name), "")  # the code another row gives
        parsed.code = code or None
        parsed.company = self._resolve_company(parsed, name, parsed.code, "company")

    def _resolve_company(self, parsed: Parsed, name: str, code: str | None, key: str) -> str | None:
        index = self.companies
        iri = index.by_code(code) if code else None
        how = "code" if iri else None
        if iri is None:
            match = index.match(name)
            if match.how == "ambiguous":
                described = ", ".join(f"{self.known.label(c)} ({c})" for c in match.candidates)
                self.problem(
                    parsed,
                    key,
                    Message(
                        "ingest.company.ambiguous",
                        name=name,
                        count=len(match.candidates),
                        companies=described,
                    ),
                    Message("ingest.fix.full_name"),
                )
                return None
            if match.iri and code and index.codes_of.get(match.iri) not in (None, code):
                self.report.review.append(
                    Problem(
                        self.name,
                        parsed.row.number,
                        self.table.header_of(key),
                        Message("ingest.company.other_code", name=name, company=match.iri),
                        Message("ingest.fix.check_codes"),
                        "review",
                    )
                )
                match.iri = None
            iri, how = match.iri, match.how
            for other, reason in match.review[:3]:
                self.report.review.append(
                    Problem(
                        self.name,
                        parsed.row.number,
                        self.table.header_of(key),
                        Message(
                            "ingest.company.may_be",
                            name=name,
                            label=self.company_label(other),
                            company=other,
                            reason=reason,
                        ),
                        Message("ingest.fix.same_company"),
                        "review",
                    )
                )
        if iri is None:
            iri = curie(mint_company_iri(name, code, self.companies.places))
            how = "new"
        self.companies.add(iri, [name], code)
        if iri in self.new_companies or how == "new" or (iri not in self.known.companies):
            entry = self.new_companies.setdefault(iri, {"names": [], "code": code})
            if name not in entry["names"]:
                entry["names"].append(name)
            entry["code"] = entry["code"] or code
        elif code and iri not in self.known.codes:
            self.added_codes[iri] = code
        parsed.how[key] = how
        return iri

    def company_label(self, iri: str) -> str:
        if iri in self.new_companies:
            return self.new_companies[iri]["names"][0]
        return self.known.label(iri)

    def _chain(self, parsed: Parsed) -> str | None:
        text = parsed.row.get("chain")
        if not text:
            return None
        matches = self.known.labels.find(text, self.known.chains)
        if len(matches) == 1:
            return matches[0]
        close = self.known.labels.closest(text, self.known.chains)
        self.problem(
            parsed,
            "chain",
            Message("ingest.chain.ambiguous" if matches else "ingest.chain.unknown", chain=text),
            Message(
                "ingest.fix.did_you_mean", options=[f"{self.known.label(c)} ({c})" for c in close]
            )
            if close
            else Message(
                "ingest.fix.known_chains", chains=[self.known.label(c) for c in self.known.chains]
            ),
        )
        return None

    def _stage(self, parsed: Parsed) -> None:
        text = parsed.row.get("stage")
        chain = self._chain(parsed)
        parsed.chain = chain
        if not text:
            self.problem(
                parsed, "stage", Message("ingest.stage.empty"), Message("ingest.fix.stage")
            )
            return
        stages = list(self.known.stage_chain)
        options = self.known.labels.find(text, stages)
        if not options and ":" in text and curie(expand(text)) in self.known.stage_chain:
            options = [curie(expand(text))]
        if chain and options:
            in_chain = [s for s in options if self.known.stage_chain[s] == chain]
            if not in_chain:
                found = ", ".join(self.known.describe_stage(s) for s in options)
                self.problem(
                    parsed,
                    "stage",
                    Message(
                        "ingest.stage.other_chain",
                        stage=text,
                        chain=self.known.label(chain),
                        found=found,
                    ),
                    Message("ingest.fix.chain_or_stage"),
                )
                return
            options = in_chain
        if not options:
            among = [s for s in stages if not chain or self.known.stage_chain[s] == chain]
            close = self.known.labels.closest(text, among, n=4)
            what = (
                Message("ingest.stage.unknown_in", stage=text, chain=self.known.label(chain))
                if chain
                else Message("ingest.stage.unknown", stage=text)
            )
            fix = Message(
                "ingest.fix.one_stage_per_row"
                if re.search(r"[、;；,，/]", text)
                else "ingest.fix.stage_name"
            )
            if close:
                options = [self.known.describe_stage(s) for s in close]
                fix = Message("ingest.fix.did_you_mean_then", options=options, then=fix)
            self.problem(parsed, "stage", what, fix)
            return
        if len(options) == 1:
            parsed.stage = options[0]
        else:
            parsed.stage_options = options  # decided later from the company's other rows

    def _region(self, parsed: Parsed) -> None:
        text = parsed.row.get("region")
        if not text:
            self.problem(
                parsed,
                "region",
                Message("ingest.region.empty"),
                Message("ingest.fix.region"),
            )
            return
        parent = None
        parts = [p.strip() for p in re.split(r"[/／>]", text) if p.strip()]
        if not parts:  # only separators ("//"): no place to look up
            self.problem(parsed, "region", Message("input.sheet.region_no_place", region=text))
            return
        for index, part in enumerate(parts):
            explicit = index > 0
            iri = self._find_region(parsed, part, parent)
            if iri is False:
                return
            if iri is None:
                iri = self._create_region(part, parent if explicit else None)
            parent = iri
        parsed.site = parent

    def _find_region(self, parsed: Parsed, name: str, parent: str | None):
        among = set(self.known.region_type) | set(self.created_regions)
        matches = set(self.known.labels.find(name, among))
        matches |= {
            r
            for r in self.created_regions
            if normalise(self.created_regions[r][0]) == normalise(name)
        }
        if not matches:
            matches = set(self.region_names.get(self._place_key(name), set()))
        if len(matches) > 1 and parent:
            matches = {m for m in matches if self._parent(m) == parent} or matches
        if len(matches) > 1:
            self.problem(
                parsed,
                "region",
                Message(
                    "ingest.region.ambiguous",
                    region=name,
                    regions=[f"{self.known.label(m)} ({m})" for m in sorted(matches)],
                ),
                Message("ingest.fix.region_parent"),
            )
            return False
        return next(iter(matches), None)

    def _parent(self, region: str) -> str | None:
        if region in self.created_regions:
            return self.created_regions[region][2]
        return self.known.region_parent.get(region)

    def _create_region(self, name: str, parent: str | None) -> str:
        folded = normalise(name)
        kind = LEVEL_CLASSES.get(place_level(folded) or "region", "cg:Region").removeprefix("cg:")
        if parent is None:
            best = ""
            named = dict(self.known.nodes_named)
            for region, (label, _, _) in self.created_regions.items():
                named[normalise(label)] = {region}
            for label, nodes in named.items():
                regions = [
                    n for n in nodes if n in self.known.region_type or n in self.created_regions
                ]
                if (
                    len(regions) == 1
                    and len(label) >= 2
                    and label not in _GENERIC_PLACES
                    and label != folded
                    and label in folded
                    and len(label) > len(best)
                ):
                    best, parent = label, regions[0]
            if parent is None and kind == "Province" and "region:CN" in self.known.region_type:
                parent = "region:CN"
        iri = curie(mint_place_iri(name))
        self.created_regions[iri] = (name, f"cg:{kind}", parent)
        self.region_names[self._place_key(name)].add(iri)
        return iri

    def _capacity(self, parsed: Parsed) -> None:
        text = parsed.row.get("capacity").replace("，", ",")
        unit_text = parsed.row.get("unit")
        if not text:
            if unit_text:
                self.problem(
                    parsed,
                    "unit",
                    Message("ingest.capacity.unit_alone", unit=unit_text),
                    Message("ingest.fix.capacity_or_unit"),
                )
            return
        if refused := _refused_number(text):
            self.problem(parsed, "capacity", refused)
            return
        match = _NUMBER.match(text)
        if not match:
            self.problem(
                parsed,
                "capacity",
                Message("ingest.capacity.not_a_number", capacity=text),
                Message("ingest.fix.number"),
            )
            return
        number, inline = match.group(1), match.group(2).strip()
        if inline and unit_text and normalise(inline) != normalise(unit_text):
            self.problem(
                parsed,
                "capacity",
                Message("ingest.capacity.two_units", capacity=text, unit=unit_text),
                Message("ingest.fix.one_unit"),
            )
            return
        unit_text = unit_text or inline
        if not unit_text:
            self.problem(
                parsed,
                "unit",
                Message("ingest.capacity.no_unit", capacity=text),
                Message("ingest.fix.unit_column", units=self._known_units()),
            )
            return
        unit = self._unit_index.get(normalise(unit_text))
        if unit is None:
            self.problem(
                parsed,
                "unit",
                Message("ingest.capacity.unknown_unit", unit=unit_text),
                Message("ingest.fix.units", units=self._known_units()),
            )
            return
        try:
            value = Decimal(number.replace(",", "")) * unit[1]
        except InvalidOperation:  # pragma: no cover - the regex admits only numbers
            self.problem(parsed, "capacity", Message("ingest.capacity.not_a_number", capacity=text))
            return
        stated = text if inline else f"{number}{unit_text}"
        parsed.capacity = (
            value.normalize(),
            unit[0],
            stated,
        )

    def _known_units(self) -> str:
        return "GW, MW, GWh, 吨 (t), 千吨, 万吨, 芯公里, 万芯公里, 亿元, 个"

    def _status(self, parsed: Parsed) -> None:
        text = parsed.row.get("status")
        if not text:
            return
        status = self._status_index.get(normalise(text))
        if status is None:
            self.problem(
                parsed,
                "status",
                Message("ingest.status.unknown", status=text),
                Message("ingest.fix.status"),
            )
        parsed.status = status

    def _year(self, parsed: Parsed) -> None:
        text = parsed.row.get("year")
        if not text:
            return
        match = _YEAR.match(text)
        if not match or not 1900 <= int(match.group(1)) <= 2100:
            self.problem(
                parsed,
                "year",
                Message("ingest.year.not_a_year", year=text),
                Message("ingest.fix.year"),
            )
            return
        parsed.year = match.group(1)

    def settle_stages(self, parsed_rows: list[Parsed]) -> None:
        """Ambiguous stages: decided by the chain of the company's other rows, or an error."""
        chains: dict[str, set[str]] = defaultdict(set)
        for p in parsed_rows:
            if p.company and p.stage:
                chains[p.company].add(self.known.stage_chain[p.stage])
        for p in parsed_rows:
            if not p.stage_options:
                continue
            company_chains = chains.get(p.company or "", set())
            if len(company_chains) == 1:
                chosen = [s for s in p.stage_options if self.known.stage_chain[s] in company_chains]
                if len(chosen) == 1:
                    p.stage = chosen[0]
                    self.report.notes.append(
                        Problem(
                            self.name,
                            p.row.number,
                            self.table.header_of("stage"),
                            Message(
                                "ingest.stage.read_as",
                                stage=p.row.get("stage"),
                                read=self.known.describe_stage(p.stage),
                            ),
                            Message("ingest.fix.chain_column"),
                            "note",
                        )
                    )
                    continue
            text = p.row.get("stage")
            options = [self.known.describe_stage(s) for s in p.stage_options]
            chain_names = "/".join(
                self.known.label(self.known.stage_chain[s]) for s in p.stage_options
            )
            self.problem(
                p,
                "stage",
                Message("ingest.stage.ambiguous", stage=text, options=options),
                Message("ingest.fix.chain_with", column=COLUMNS["chain"][0], chains=chain_names),
            )


# --------------------------------------------------------------------------- triples


def _text_literal(text: str) -> list[Literal]:
    return [Literal(text, lang="zh")] + ([Literal(text, lang="en")] if text.isascii() else [])


def _build_graph(
    table: Table, reader: RowReader, good: list[Parsed], graph: str, digest: str
) -> Graph:
    g = Graph()
    base = PREFIXES["data"] + "table/" + hashlib.sha1(graph.encode()).hexdigest()[:12] + "/"
    doc = _add_source(g, table, base, digest)
    used_regions: set[str] = set()
    company_regions: dict[str, list[str]] = defaultdict(list)
    company_names: dict[str, list[str]] = defaultdict(list)
    parents: dict[str, str] = {}
    for p in good:
        _add_fact(g, reader, p, base, doc)
        used_regions.add(p.site)
        company_regions[p.company].append(p.site)
        company_names[p.company].append(p.company_name)
        if p.group:
            parents[p.company] = p.group
            company_names[p.group].append(p.group_name)
    _add_companies(g, reader, company_names, company_regions, doc)
    for company, group in parents.items():
        g.add((_u(company), CGNS.parentOrganization, _u(group)))
    _add_created_regions(g, reader, used_regions, doc)
    return g


def _add_source(g: Graph, table: Table, base: str, digest: str) -> URIRef:
    """The ``cg:SourceDocument`` of the sheet: its name, sha256 and format."""
    doc = URIRef(base + "source")
    g.add((doc, RDF.type, CGNS.SourceDocument))
    g.add((doc, SKOS.prefLabel, Literal(table.path.name, lang="zh")))
    g.add((doc, DCT["title"], Literal(table.path.name)))
    g.add((doc, DCT.identifier, Literal("sha256:" + digest)))
    g.add((doc, DCT["format"], Literal("xlsx" if table.kind == "xlsx" else "csv")))
    return doc


def _add_fact(g: Graph, reader: RowReader, p: Parsed, base: str, doc: URIRef) -> None:
    """One row: a production fact (a project when it has a status) and its quote."""
    fact = URIRef(f"{base}row-{p.row.number}")
    g.add((fact, RDF.type, CGNS.Project if p.status else CGNS.Production))
    if p.status:
        g.add((fact, RDF.type, CGNS.Production))
    label = f"{p.company_name} {reader.known.label(p.stage)}"
    g.add((fact, SKOS.prefLabel, Literal(label, lang="zh")))
    g.add((fact, CGNS.producer, _u(p.company)))
    g.add((fact, CGNS.stage, _u(p.stage)))
    g.add((fact, CGNS.site, _u(p.site)))
    if p.status:
        g.add((fact, CGNS.status, _u(p.status)))
    if p.year:
        g.add((fact, CGNS.year, Literal(p.year, datatype=XSD.gYear)))
    if p.capacity:
        _add_capacity(g, fact, URIRef(f"{base}row-{p.row.number}/capacity"), p.capacity)
    quote = URIRef(f"{base}row-{p.row.number}/quote")
    g.add((fact, CGNS.evidence, quote))
    g.add((fact, CGNS.confidence, Literal(Decimal("1.0"), datatype=XSD.decimal)))
    g.add((fact, CGNS.assertion, CGNS.Stated))
    g.add((fact, PROV.wasDerivedFrom, doc))
    if p.source:
        source = p.source
        link = re.match(r"^https?://\S+$", source)
        g.add((fact, DCT.source, URIRef(source) if link else Literal(source)))
    g.add((quote, RDF.type, CGNS.Quote))
    g.add((quote, PROV.value, Literal(" | ".join(c.strip() for c in p.row.raw if c.strip()))))
    g.add((quote, PROV.wasQuotedFrom, doc))
    g.add((quote, CGNS.row, Literal(p.row.number)))


def _add_capacity(g: Graph, fact: URIRef, cap: URIRef, capacity: tuple) -> None:
    value, unit, stated = capacity
    g.add((fact, CGNS.capacity, cap))
    g.add((cap, RDF.type, CGNS.Capacity))
    g.add((cap, CGNS.value, Literal(format(value, "f"), datatype=XSD.decimal)))
    g.add((cap, CGNS.unit, _u(unit)))
    g.add((cap, CGNS.statedAs, Literal(stated)))


def _add_companies(
    g: Graph,
    reader: RowReader,
    company_names: dict[str, list[str]],
    company_regions: dict[str, list[str]],
    doc: URIRef,
) -> None:
    """New companies get a type, labels and a location; known ones new aliases only."""
    for company, names in company_names.items():
        entry = reader.new_companies.get(company)
        if entry is not None:
            regions = list(dict.fromkeys(company_regions.get(company, [])))
            _add_new_company(g, _u(company), entry, regions, doc)
        else:
            _add_aliases(g, reader, company, names)


def _add_new_company(g: Graph, node: URIRef, entry: dict, regions: list[str], doc: URIRef):
    names_in_order = sorted(dict.fromkeys(entry["names"]), key=lambda n: (-len(n), n))
    pref, *others = names_in_order
    g.add((node, RDF.type, CGNS.Company))
    for literal in _text_literal(pref):
        g.add((node, SKOS.prefLabel, literal))
    for other in others:
        g.add((node, SKOS.altLabel, Literal(other, lang="zh")))
    for region in regions:
        g.add((node, CGNS.locatedIn, _u(region)))
    if not regions:
        g.add((node, CGNS.locatedIn, _u("region:CN")))
        g.add((node, RDFS.comment, Literal(_PARENT_ONLY, lang="en")))
    if entry["code"]:
        g.add((node, CGNS.creditCode, Literal(entry["code"])))
    g.add((node, PROV.wasDerivedFrom, doc))


_PARENT_ONLY = "Named as a parent company; its location is not in the sheet."


def _add_aliases(g: Graph, reader: RowReader, company: str, names: list[str]) -> None:
    """A known company: the names the sheet gives it that the store does not, and its code."""
    node = _u(company)
    known = {normalise(n) for n in reader._labels_of(company)}
    for name in dict.fromkeys(names):
        if normalise(name) not in known:
            g.add((node, SKOS.altLabel, Literal(name, lang="zh")))
    if company in reader.added_codes:
        g.add((node, CGNS.creditCode, Literal(reader.added_codes[company])))


def _add_created_regions(g: Graph, reader: RowReader, used: set[str], doc: URIRef) -> None:
    """Regions created by this sheet, and their created parents."""
    todo = [r for r in used if r in reader.created_regions]
    done = set()
    while todo:
        region = todo.pop()
        if region in done:
            continue
        done.add(region)
        label, kind, parent = reader.created_regions[region]
        node = _u(region)
        g.add((node, RDF.type, _u(kind)))
        g.add((node, SKOS.prefLabel, Literal(label, lang="zh")))
        g.add((node, PROV.wasDerivedFrom, doc))
        if parent:
            g.add((node, CGNS.partOf, _u(parent)))
            if parent in reader.created_regions:
                todo.append(parent)
    reader.report.regions_created = sorted((r, *reader.created_regions[r]) for r in done)


def default_graph(path: str | Path) -> str:
    """The named graph of a table file (:func:`chaingraph.store.graph_for_file`)."""
    return graph_for_file(path)


def import_table(
    store: Store,
    path: str | Path,
    *,
    graph: str | None = None,
    skip_bad_rows: bool = False,
    reject_file: str | Path | None = None,
    lang: str | None = None,
) -> ImportReport:
    """Import a company sheet into ``store``, replacing the file's named graph; all or nothing.

    Every row is checked first; when any row has an error, :class:`TableError` lists all of them
    (file, row, column, what, how to fix) and the store is unchanged — unless ``skip_bad_rows``,
    which imports the good rows and writes the bad ones, with an ``error`` column, to
    ``reject_file`` (default ``<name>.rejected<suffix>`` next to the file), in the file's format.
    ``graph`` defaults to the file's graph (:func:`chaingraph.store.graph_for_file`); the
    ``error`` column of the reject file is written in ``lang`` (default: the default language).
    """
    rdf, report = table_to_rdf(
        store, path, graph=graph, skip_bad_rows=skip_bad_rows, reject_file=reject_file, lang=lang
    )
    store.load_data(rdf, report.graph, format=ox.RdfFormat.TURTLE)
    return report


def table_to_rdf(
    store: Store,
    path: str | Path,
    *,
    graph: str | None = None,
    skip_bad_rows: bool = False,
    reject_file: str | Path | None = None,
    lang: str | None = None,
) -> tuple[bytes, ImportReport]:
    """What :func:`import_table` would load, without loading it: ``(turtle, report)``.

    For loaders that check several files before writing any. Names are resolved against
    ``store`` minus the graph ``graph``.
    """
    path = Path(path)
    graph = graph or default_graph(path)
    table = read_table(path)
    known = Known(store, graph)
    report = ImportReport(
        file=path.name,
        graph=graph,
        kind=table.kind,
        encoding=table.encoding,
        rows_read=len(table.rows),
    )
    report.warnings = [
        Problem(
            path.name,
            table.header_row,
            h,
            Message("ingest.table.unused_column"),
            Message(
                "ingest.fix.known_columns",
                columns=", ".join(f"{zh}/{en}" for zh, en, _ in COLUMNS.values()),
            ),
            "warning",
        )
        for h in table.ignored_columns
    ]
    reader = RowReader(table, known, report)
    parsed_rows = [reader.read(row) for row in table.rows]
    reader.settle_stages(parsed_rows)
    bad = [p for p in parsed_rows if p.problems]
    good = [p for p in parsed_rows if not p.problems]
    problems = [problem for p in bad for problem in p.problems]
    if not table.rows:
        raise TableError(
            [
                Problem(
                    path.name,
                    None,
                    None,
                    Message("ingest.table.no_rows"),
                    Message("ingest.fix.add_rows"),
                )
            ]
        )
    if bad and not skip_bad_rows:
        raise TableError(
            problems,
            Message(
                "ingest.table.problems_in_rows",
                file=path.name,
                count=len(problems),
                bad=len(bad),
                rows=len(parsed_rows),
            ),
        )
    if bad:
        target = (
            Path(reject_file)
            if reject_file
            else path.with_name(f"{path.stem}.rejected{path.suffix}")
        )
        width = len(table.headers)
        write_rows(
            table,
            [*table.headers, "error"],
            [
                [
                    *(p.row.raw + [""] * width)[:width],
                    Message("list.semicolon")
                    .text(lang)
                    .join(q.reason().text(lang) for q in p.problems),
                ]
                for p in bad
            ],
            target,
        )
        report.reject_file = str(target)
        report.rows_rejected = len(bad)
        report.rejected = problems
    if not good:
        raise TableError(
            problems,
            Message("ingest.table.no_good_rows_in", file=path.name, reject=report.reject_file)
            if report.reject_file
            else Message("ingest.table.no_good_rows", file=path.name),
        )
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    g = _build_graph(table, reader, good, graph, digest)
    for p in good:
        how = p.how.get("company")
        if how in ("label", "name", "code") and p.company in known.companies:
            report.companies_matched.append((p.company, p.company_name))
    report.companies_matched = sorted(set(report.companies_matched))
    used = {p.company for p in good} | {p.group for p in good}
    report.companies_new = sorted(
        (iri, entry["names"][0]) for iri, entry in reader.new_companies.items() if iri in used
    )
    report.triples = len(g)
    report.rows_imported = len(good)
    # N-Triples is Turtle, and rdflib writes it far faster than pretty Turtle.
    return g.serialize(format="nt", encoding="utf-8"), report
