"""Candidate facts as RDF (Turtle), JSON and a review table.

Every fact gets a ``cg:evidence`` quote (``prov:value`` = the sentence with whitespace removed,
``cg:charStart``/``cg:charEnd`` = offsets into the original file, ``prov:wasQuotedFrom`` = a
``cg:SourceDocument`` for the file), a ``cg:confidence`` and a ``cg:assertion``. Companies and
places the graph does not know yet get IRIs from their names (``co:四川时代新能源科技有限公司``,
``region:宜宾市``), so that facts from several articles meet.
"""

from __future__ import annotations

import json
from urllib.parse import quote

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from ..namespaces import CG, PREFIXES, expand
from ..resources import GRAPH_BASE
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
_LEVEL_CLASS = {
    "province": "cg:Province",
    "city": "cg:City",
    "zone": "cg:DevelopmentZone",
    "park": "cg:IndustrialPark",
}
# the preferred labels of the statuses in ontology/chaingraph.ttl
STATUS_LABELS = {
    "cg:Planned": ("规划", "planned"),
    "cg:UnderConstruction": ("在建", "under construction"),
    "cg:InProduction": ("投产", "in production"),
}
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


def _entity_iri(extraction, entity: Entity | None) -> URIRef | None:
    if entity is None:
        return None
    if entity.ref:
        return URIRef(expand(entity.ref))
    # Named by the name the text gives: a full legal name is unique, so two articles naming
    # the same new company (or city) meet in one node; curated ids are ASCII and never clash.
    namespace = PREFIXES["co"] if entity.kind == "company" else PREFIXES["region"]
    return URIRef(namespace + iri_name(entity.name))


def iri_name(name: str) -> str:
    """The last segment of a new entity's IRI: the name itself (IRIs may hold Chinese), other
    characters percent-encoded.

    >>> iri_name("阳光能源（曲靖）有限公司"), iri_name("A&B 公司")
    ('阳光能源（曲靖）有限公司', 'A%26B%20公司')
    """
    return "".join(c if c.isalnum() or c in "（）-_" else quote(c, safe="") for c in name)


def _key_iri(extraction, key: str | None) -> URIRef | None:
    if not key:
        return None
    if key.startswith("new:"):
        _, kind, name = key.split(":", 2)
        return _entity_iri(extraction, Entity(kind, name))
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
    g = Graph()
    for prefix, namespace in PREFIXES.items():
        g.bind(prefix, Namespace(namespace), override=True)
    base = _base(extraction)
    g.bind("ex", Namespace(base))
    source = URIRef(base + "source")
    g.add((source, RDF.type, _CG.SourceDocument))
    g.add((source, _CG.sourceFile, Literal(extraction.source_name)))
    g.add((source, DCTERMS.language, Literal("zh")))
    g.add((source, SKOS.prefLabel, Literal(extraction.source_name)))
    g.add((source, RDFS.comment, Literal(f"sha256 {extraction.digest}", lang="en")))
    if extraction.region:
        g.add((source, DCTERMS.spatial, _entity_iri(extraction, extraction.region)))
    quotes: dict[int, URIRef] = {}

    def quote_of(fact: Fact) -> URIRef:
        s = fact.sentence
        if s.index not in quotes:
            q = URIRef(f"{base}q{s.index + 1:03d}")
            g.add((q, RDF.type, _CG.Quote))
            g.add((q, PROV.wasQuotedFrom, source))
            g.add((q, _CG.charStart, Literal(s.raw_start)))
            g.add((q, _CG.charEnd, Literal(s.raw_end)))
            g.add((q, PROV.value, Literal(s.value, lang="zh")))
            quotes[s.index] = q
        return quotes[s.index]

    def entity(e: Entity | None) -> URIRef | None:
        iri = _entity_iri(extraction, e)
        if iri is not None and not e.ref and (iri, RDF.type, None) not in g:
            cls = (
                "cg:Company"
                if e.kind == "company"
                else _LEVEL_CLASS.get(e.level or "", "cg:Region")
            )
            g.add((iri, RDF.type, URIRef(expand(cls))))
            g.add((iri, SKOS.prefLabel, Literal(e.name, lang="zh")))
            g.add((iri, PROV.wasDerivedFrom, source))
        return iri

    def capacity(node, quantity) -> None:
        cap = BNode()
        g.add((node, _CG.capacity, cap))
        g.add((cap, RDF.type, _CG.Capacity))
        g.add(
            (
                cap,
                _CG.value,
                Literal(
                    f"{quantity.value:.6f}".rstrip("0").rstrip(".") or "0", datatype=XSD.decimal
                ),
            )
        )
        g.add((cap, _CG.unit, URIRef(expand(quantity.unit))))
        g.add((cap, _CG.statedAs, Literal(quantity.stated)))

    for counter, fact in enumerate(extraction.facts, start=1):
        evidence = quote_of(fact)
        if isinstance(fact, CompanyFact):
            node = entity(fact.company)
            if fact.company.ref:
                node = URIRef(f"{base}mention-{counter:03d}")
                g.add((node, RDF.type, _CG.Fact))
                g.add((node, RDFS.comment, Literal(f"mentions {fact.company.ref}", lang="en")))
            for short in fact.short_names:
                if not fact.company.ref:
                    g.add((node, SKOS.altLabel, Literal(short, lang="zh")))
            if fact.located_in:
                g.add((node, _CG.locatedIn, entity(fact.located_in)))
        elif isinstance(fact, PlaceFact):
            node = entity(fact.place)
            home = extraction.region
            if (
                home is not None
                and fact.place.level in ("zone", "park", "district")
                and home.key != fact.place.key
            ):
                # a zone, park or district named in an article about a city lies in that city
                g.add((node, _CG.partOf, entity(home)))
                g.add(
                    (node, RDFS.comment, Literal("cg:partOf read from the text's city", lang="en"))
                )
        else:
            node = URIRef(f"{base}{fact.kind}-{counter:03d}")
            if isinstance(fact, ProjectFact):
                g.add((node, RDF.type, _CG.Project))
                if fact.company:
                    g.add((node, _CG.producer, entity(fact.company)))
                if fact.status:
                    g.add((node, _CG.status, URIRef(expand(fact.status))))
                if fact.site:
                    g.add((node, _CG.site, entity(fact.site)))
                if fact.product:
                    g.add((node, _CG.product, Literal(fact.product, lang="zh")))
                if fact.year:
                    g.add((node, _CG.year, Literal(fact.year, datatype=XSD.gYear)))
                if fact.quantity:
                    capacity(node, fact.quantity)
                for stage in fact.stages:
                    g.add((node, _CG.stage, URIRef(expand(stage))))
                if fact.chain:
                    g.add((node, _CG.chain, URIRef(expand(fact.chain))))
            else:
                g.add((node, RDF.type, URIRef(expand(_FACT_CLASS[fact.kind]))))
            region = getattr(fact, "region", None)
            if region is not None and not isinstance(fact, StatisticFact):
                g.add((node, _CG.region, entity(region)))
            if isinstance(fact, PresenceFact):
                for stage in fact.stages:
                    g.add((node, _CG.stage, URIRef(expand(stage))))
                if fact.chain:
                    g.add((node, _CG.chain, URIRef(expand(fact.chain))))
            elif isinstance(fact, CapacityFact):
                g.add((node, _CG.stage, URIRef(expand(fact.stage))))
                capacity(node, fact.quantity)
                if fact.year:
                    g.add((node, _CG.year, Literal(fact.year, datatype=XSD.gYear)))
            elif isinstance(fact, StatisticFact):
                if fact.region:
                    g.add((node, _CG.region, entity(fact.region)))
                about = _key_iri(extraction, fact.about)
                if about is not None:
                    if fact.about.startswith("new:"):
                        kind, name = fact.about.split(":", 2)[1:]
                        entity(Entity(kind, name))
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
                    g.add((node, _CG.comparedWith, entity(fact.compared_with)))
        g.add((node, _CG.evidence, evidence))
        g.add((node, _CG.confidence, Literal(f"{fact.confidence:.2f}", datatype=XSD.decimal)))
        g.add((node, _CG.assertion, URIRef(expand(fact.assertion))))
        g.add((node, PROV.wasDerivedFrom, source))
        if fact.rule:
            g.add((node, RDFS.comment, Literal(f"extraction rule: {fact.rule}", lang="en")))
    return g


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
