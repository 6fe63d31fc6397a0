"""Candidate facts as RDF (Turtle), JSON and a review table.

Every fact gets a ``cg:evidence`` quote (``prov:value`` = the sentence with whitespace removed,
``cg:charStart``/``cg:charEnd`` = offsets into the original file, ``prov:wasQuotedFrom`` = a
``cg:SourceDocument`` for the file), a ``cg:confidence`` and a ``cg:assertion``. Companies and
places the graph does not know yet get the IRIs that sheet import mints from the same names
(``co:n-…`` from the core name and its places, ``region:n-…`` from the place name; see
:mod:`chaingraph.vocabulary`), so that facts from several articles and sheets meet.
"""

from __future__ import annotations

import json

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from ..companies import company_iri
from ..namespaces import CG, PREFIXES, expand
from ..resources import GRAPH_BASE
from ..vocabulary import LEVEL_CLASSES, STATUS_LABELS, mint_place_iri
from .model import (
    CapacityFact,
    CompanyFact,
    Entity,
    Fact,
    PlaceFact,
    PresenceFact,
    ProjectFact,
    StatisticFact,
)

__all__ = ["describe", "graph_iri", "review_rows", "to_graph", "to_json", "to_turtle"]

EXTRACT_BASE = "https://w3id.org/chaingraph/data/extract/"
_CG = Namespace(CG)
_FACT_CLASS = {
    "presence": "cg:PresenceClaim",
    "capacity": "cg:RegionalCapacity",
    "statistic": "cg:Observation",
}


def graph_iri(extraction) -> str:
    """The named graph of one extracted file: its name and the start of its SHA-256."""
    return f"{GRAPH_BASE}extract/{extraction.slug}"


def _base(extraction) -> str:
    return f"{EXTRACT_BASE}{extraction.slug}/"


def _known_places(extraction) -> tuple[str, ...]:
    """The names of the regions the store knows, as sheet import passes them to
    :func:`.vocabulary.mint_company_iri` (they are taken off the front or end of a name)."""
    lexicon = extraction.lexicon
    return tuple(lexicon.label(node) for node in lexicon.region_level)


def _entity_iri(extraction, entity: Entity | None, places=()) -> URIRef | None:
    """A known entity's IRI; a new company or place gets the IRI sheet import would mint for
    the same name (:func:`.vocabulary.mint_company_iri`, :func:`.vocabulary.mint_place_iri`),
    so that a company read from a sheet and from a sentence is one node."""
    if entity is None:
        return None
    if entity.ref:
        return URIRef(expand(entity.ref))
    if entity.kind == "company":  # the resolver sheet import uses (keys, curated names)
        return URIRef(expand(company_iri(entity.name)))
    return URIRef(mint_place_iri(entity.name))


def _key_iri(extraction, key: str | None, places=()) -> URIRef | None:
    if not key:
        return None
    if key.startswith("new:"):
        _, kind, name = key.split(":", 2)
        return _entity_iri(extraction, Entity(kind, name), places)
    return URIRef(expand(key))


def label_of(extraction, key: str | None, lang: str) -> str:
    if not key:
        return ""
    if key.startswith("new:"):
        return key.split(":", 2)[2]
    return extraction.lexicon.label(key, lang)


def describe(extraction, fact: Fact, lang: str = "zh") -> tuple[str, str]:
    """(what, value) of a fact, for the review table."""
    label = lambda key: label_of(extraction, key, lang)  # noqa: E731
    stages = lambda keys: ("、" if lang == "zh" else ", ").join(label(k) for k in keys)  # noqa: E731
    if isinstance(fact, CompanyFact):
        where = f" @ {fact.located_in.name}" if fact.located_in else ""
        return fact.company.name + where, ("known" if fact.company.ref else "new")
    if isinstance(fact, PlaceFact):
        return fact.place.name, fact.place.level or ""
    if isinstance(fact, PresenceFact):
        return f"{_name(fact.region)}: {stages(fact.stages)}", label(fact.chain)
    if isinstance(fact, CapacityFact):
        return f"{_name(fact.region)}: {label(fact.stage)}", _value(fact.quantity)
    if isinstance(fact, ProjectFact):
        who = fact.company.name if fact.company else "?"
        status = STATUS_LABELS.get(fact.status or "", ("状态不明", "status unknown"))
        more = "…" if len(fact.stages) > 4 else ""
        what = f"{who}: {stages(fact.stages[:4])}{more} · {status[0 if lang == 'zh' else 1]}"
        return what, _value(fact.quantity) if fact.quantity else ""
    if isinstance(fact, StatisticFact):
        indicator = label(fact.indicator) if fact.indicator else (fact.metric or fact.family)
        return f"{fact.about_label or '?'}: {indicator}", _value(fact.quantity)
    return "", ""


def _name(entity) -> str:
    return entity.name if entity is not None else "?"


def _value(quantity) -> str:
    if quantity is None:
        return ""
    value = f"{quantity.value:,.10g}"
    if quantity.low is not None:
        value = f"{quantity.low:,.10g}–{value}"
    return f"{value} {quantity.unit.split(':')[-1]} ({quantity.stated})"


def review_rows(extraction, lang: str = "zh", width: int = 36) -> list[list[str]]:
    rows = []
    for fact in extraction.facts:
        what, value = describe(extraction, fact, lang)
        excerpt = fact.sentence.value
        if len(excerpt) > width:
            excerpt = excerpt[: width - 1] + "…"
        rows.append([fact.kind, what, value, f"{fact.confidence:.2f}", excerpt])
    return rows


def to_graph(extraction) -> Graph:
    """The candidate facts of one extraction as RDF, each with its quote and provenance."""
    writer = _GraphWriter(extraction)
    for counter, fact in enumerate(extraction.facts, start=1):
        writer.add(fact, counter)
    return writer.g


def _decimal(value: float) -> Literal:
    return Literal(f"{value:.6f}".rstrip("0").rstrip(".") or "0", datatype=XSD.decimal)


class _GraphWriter:
    """The graph of one extraction, written fact by fact: quotes are written once per sentence
    and new companies and places once per IRI."""

    def __init__(self, extraction) -> None:
        self.extraction = extraction
        self.places = _known_places(extraction)
        self.g = g = Graph()
        for prefix, namespace in PREFIXES.items():
            g.bind(prefix, Namespace(namespace), override=True)
        self.base = base = _base(extraction)
        g.bind("ex", Namespace(base))
        self.source = source = URIRef(base + "source")
        g.add((source, RDF.type, _CG.SourceDocument))
        g.add((source, _CG.sourceFile, Literal(extraction.source_name)))
        g.add((source, DCTERMS.language, Literal("zh")))
        g.add((source, SKOS.prefLabel, Literal(extraction.source_name)))
        g.add((source, RDFS.comment, Literal(f"sha256 {extraction.digest}", lang="en")))
        if extraction.region:
            g.add((source, DCTERMS.spatial, self.iri(extraction.region)))
        self.quotes: dict[int, URIRef] = {}

    def iri(self, entity: Entity | None) -> URIRef | None:
        return _entity_iri(self.extraction, entity, self.places)

    def quote_of(self, fact: Fact) -> URIRef:
        s = fact.sentence
        if s.index not in self.quotes:
            q = URIRef(f"{self.base}q{s.index + 1:03d}")
            self.g.add((q, RDF.type, _CG.Quote))
            self.g.add((q, PROV.wasQuotedFrom, self.source))
            self.g.add((q, _CG.charStart, Literal(s.raw_start)))
            self.g.add((q, _CG.charEnd, Literal(s.raw_end)))
            self.g.add((q, PROV.value, Literal(s.value, lang="zh")))
            self.quotes[s.index] = q
        return self.quotes[s.index]

    def entity(self, e: Entity | None) -> URIRef | None:
        """The IRI of a company or place; a new one is typed and labelled the first time."""
        iri = self.iri(e)
        if iri is None or e.ref:
            return iri
        g = self.g
        if (iri, RDF.type, None) not in g:
            cls = "cg:Company" if e.kind == "company" else LEVEL_CLASSES.get(e.level or "")
            g.add((iri, RDF.type, URIRef(expand(cls or "cg:Region"))))
            g.add((iri, SKOS.prefLabel, Literal(e.name, lang="zh")))
            g.add((iri, PROV.wasDerivedFrom, self.source))
        elif (iri, SKOS.prefLabel, Literal(e.name, lang="zh")) not in g:
            # another spelling of the same company (（青海） / (青海)): one node, both names
            g.add((iri, SKOS.altLabel, Literal(e.name, lang="zh")))
        return iri

    def capacity(self, node: URIRef, quantity) -> None:
        cap = BNode()
        self.g.add((node, _CG.capacity, cap))
        self.g.add((cap, RDF.type, _CG.Capacity))
        self.g.add((cap, _CG.value, _decimal(quantity.value)))
        self.g.add((cap, _CG.unit, URIRef(expand(quantity.unit))))
        self.g.add((cap, _CG.statedAs, Literal(quantity.stated)))

    def stages(self, node: URIRef, stages, chain: str | None) -> None:
        for stage in stages:
            self.g.add((node, _CG.stage, URIRef(expand(stage))))
        if chain:
            self.g.add((node, _CG.chain, URIRef(expand(chain))))

    # -- one fact ---------------------------------------------------------------------------

    def add(self, fact: Fact, counter: int) -> None:
        evidence = self.quote_of(fact)
        if isinstance(fact, CompanyFact):
            node = self.company(fact, counter)
        elif isinstance(fact, PlaceFact):
            node = self.place(fact)
        else:
            node = URIRef(f"{self.base}{fact.kind}-{counter:03d}")
            self.claim(node, fact)
        g = self.g
        g.add((node, _CG.evidence, evidence))
        g.add((node, _CG.confidence, Literal(f"{fact.confidence:.2f}", datatype=XSD.decimal)))
        g.add((node, _CG.assertion, URIRef(expand(fact.assertion))))
        g.add((node, PROV.wasDerivedFrom, self.source))
        if fact.rule:
            g.add((node, RDFS.comment, Literal(f"extraction rule: {fact.rule}", lang="en")))

    def company(self, fact: CompanyFact, counter: int) -> URIRef:
        """A new company is its own node; a known one gets a mention node pointing to it."""
        node = self.entity(fact.company)
        if fact.company.ref:
            node = URIRef(f"{self.base}mention-{counter:03d}")
            self.g.add((node, RDF.type, _CG.Fact))
            self.g.add((node, RDFS.comment, Literal(f"mentions {fact.company.ref}", lang="en")))
        else:
            for short in fact.short_names:
                self.g.add((node, SKOS.altLabel, Literal(short, lang="zh")))
        if fact.located_in:
            self.g.add((node, _CG.locatedIn, self.entity(fact.located_in)))
        return node

    def place(self, fact: PlaceFact) -> URIRef:
        node = self.entity(fact.place)
        home = self.extraction.region
        inside_home = fact.place.level in ("zone", "park", "district")
        if home is not None and inside_home and home.key != fact.place.key:
            # a zone, park or district named in an article about a city lies in that city
            self.g.add((node, _CG.partOf, self.entity(home)))
            comment = Literal("cg:partOf read from the text's city", lang="en")
            self.g.add((node, RDFS.comment, comment))
        return node

    def claim(self, node: URIRef, fact: Fact) -> None:
        """A project, presence claim, regional capacity or observation."""
        if isinstance(fact, ProjectFact):
            self.project(node, fact)
        else:
            self.g.add((node, RDF.type, URIRef(expand(_FACT_CLASS[fact.kind]))))
        region = getattr(fact, "region", None)
        if region is not None and not isinstance(fact, StatisticFact):
            self.g.add((node, _CG.region, self.entity(region)))
        if isinstance(fact, PresenceFact):
            self.stages(node, fact.stages, fact.chain)
        elif isinstance(fact, CapacityFact):
            self.g.add((node, _CG.stage, URIRef(expand(fact.stage))))
            self.capacity(node, fact.quantity)
            if fact.year:
                self.g.add((node, _CG.year, Literal(fact.year, datatype=XSD.gYear)))
        elif isinstance(fact, StatisticFact):
            self.statistic(node, fact)

    def project(self, node: URIRef, fact: ProjectFact) -> None:
        g = self.g
        g.add((node, RDF.type, _CG.Project))
        if fact.company:
            g.add((node, _CG.producer, self.entity(fact.company)))
        if fact.status:
            g.add((node, _CG.status, URIRef(expand(fact.status))))
        if fact.site:
            g.add((node, _CG.site, self.entity(fact.site)))
        if fact.product:
            g.add((node, _CG.product, Literal(fact.product, lang="zh")))
        if fact.year:
            g.add((node, _CG.year, Literal(fact.year, datatype=XSD.gYear)))
        if fact.quantity:
            self.capacity(node, fact.quantity)
        self.stages(node, fact.stages, fact.chain)

    def statistic(self, node: URIRef, fact: StatisticFact) -> None:
        g = self.g
        if fact.region:
            g.add((node, _CG.region, self.entity(fact.region)))
        about = _key_iri(self.extraction, fact.about, self.places)
        if about is not None:
            if fact.about.startswith("new:"):
                kind, name = fact.about.split(":", 2)[1:]
                self.entity(Entity(kind, name))
            g.add((node, _CG.about, about))
        if fact.indicator:
            g.add((node, _CG.indicator, URIRef(expand(fact.indicator))))
        if fact.metric:
            g.add((node, RDFS.label, Literal(fact.metric, lang="zh")))
        q = fact.quantity
        g.add(
            (
                node,
                _CG.value,
                Literal(f"{q.value:.6f}".rstrip("0").rstrip("."), datatype=XSD.decimal),
            )
        )
        g.add((node, _CG.unit, URIRef(expand(q.unit))))
        g.add((node, _CG.statedAs, Literal(q.stated)))
        if fact.period:
            g.add((node, _CG.period, Literal(fact.period, datatype=XSD.gYear)))
        if fact.compared_with:
            g.add((node, _CG.comparedWith, self.entity(fact.compared_with)))


def to_turtle(extraction) -> str:
    return to_graph(extraction).serialize(format="turtle")


def to_json(extraction, lang: str = "zh") -> str:
    out = []
    for fact in extraction.facts:
        what, value = describe(extraction, fact, lang)
        item = {
            "kind": fact.kind,
            "what": what,
            "value": value,
            "confidence": fact.confidence,
            "assertion": fact.assertion,
            "rule": fact.rule,
            "sentence": fact.sentence.value,
            "charStart": fact.sentence.raw_start,
            "charEnd": fact.sentence.raw_end,
        }
        for name in (
            "stages",
            "stage",
            "chain",
            "status",
            "indicator",
            "family",
            "about",
            "period",
            "year",
        ):
            value_ = getattr(fact, name, None)
            if value_:
                item[name] = list(value_) if isinstance(value_, tuple) else value_
        for name in ("company", "region", "site", "place", "located_in", "compared_with"):
            e = getattr(fact, name, None)
            if e is not None:
                item[name] = {"name": e.name, "id": e.ref}
        q = getattr(fact, "quantity", None)
        if q is not None:
            item["quantity"] = {
                "value": q.value,
                "unit": q.unit,
                "statedAs": q.stated,
                "low": q.low,
            }
        out.append(item)
    return json.dumps(out, ensure_ascii=False, indent=2)
