"""Measure extraction against curated facts: precision and recall per kind of fact.

Both sides are reduced to normalised keys:

- **companies**: names, compared after :func:`chaingraph.labels.normalise`; an extracted
  company matches a curated one when one of its names (full name or a short name derived from
  it) equals one of the curated labels, or one contains the other (at least two characters).
- **stages**: stage CURIEs the facts say the region has (presence claims, regional capacities,
  production and projects not merely planned, statistics about a product), for the document's
  region and everything inside it (zones and parks are rolled up to the city).
- **capacities**: ``(stage, value, unit)`` from regional capacities and project capacities.
- **projects**: company (as above), status and capacity ``(value, unit)`` must be equal and the
  stage sets must overlap.
- **statistics**: ``(family, value, unit)``, the family being a coarse indicator (growth,
  change, gap, share, contribution, amount, count, rate, rank).

Matching is one to one; precision = matched extracted / extracted, recall = matched curated /
curated.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..labels import normalise
from ..namespaces import curie

__all__ = ["FAMILY", "Gold", "Score", "gold_from_json", "gold_from_store", "predicted", "score"]

FAMILY = {
    "ind:output-growth": "growth",
    "ind:output-value-growth": "growth",
    "ind:value-added-growth": "growth",
    "ind:value-added-growth-change": "change",
    "ind:value-added-growth-gap": "gap",
    "ind:value-added-share": "share",
    "ind:contribution-to-growth": "contribution",
    "ind:output-value": "amount",
    "ind:investment-from-outside": "amount",
    "ind:projects-introduced": "count",
    "ind:industrial-clusters": "count",
    "ind:signed-project-fulfilment-rate": "rate",
    "ind:signed-project-start-rate": "rate",
    "ind:signed-project-funding-rate": "rate",
    "ind:growth-rank": "rank",
}
KINDS = ("companies", "stages", "capacities", "projects", "statistics")


@dataclass
class Gold:
    """Facts in comparable form (also the shape of the expected-facts JSON files)."""

    companies: list[list[str]]  # each company: its names
    stages: set[str]
    capacities: set[tuple[str, float, str]]
    projects: list[dict]  # company (names), stages, capacity (value, unit) or None, status
    statistics: set[tuple[str, float, str]]


@dataclass
class Score:
    matched_predicted: int
    predicted: int
    matched_gold: int
    gold: int

    @property
    def precision(self) -> float:
        return self.matched_predicted / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.matched_gold / self.gold if self.gold else 1.0


def _num(value) -> float:
    return round(float(value), 4)


def gold_from_json(path: str | Path) -> Gold:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return Gold(
        companies=[
            [normalise(n) for n in ([c] if isinstance(c, str) else c)]
            for c in data.get("companies", [])
        ],
        stages=set(data.get("stages", [])),
        capacities={(s, _num(v), u) for s, v, u in data.get("capacities", [])},
        projects=[
            {
                "company": [
                    normalise(n)
                    for n in ([p["company"]] if isinstance(p["company"], str) else p["company"])
                ],
                "stages": set(p.get("stages", [])),
                "capacity": (_num(p["capacity"][0]), p["capacity"][1])
                if p.get("capacity")
                else None,
                "status": p.get("status"),
            }
            for p in data.get("projects", [])
        ],
        statistics={(f, _num(v), u) for f, v, u in data.get("statistics", [])},
    )


def gold_from_store(
    store, source: str = "src:xining-industry-2022", city: str = "region:CN-630100"
) -> Gold:
    """The curated facts of one source document, from the store."""
    bind = {"source": source, "city": city}

    def rows(query: str):
        q = query.replace("?SOURCE", bind["source"]).replace("?CITY", bind["city"])
        return store.select(q)

    names: dict[str, list[str]] = {}
    for r in rows(
        """SELECT ?c ?l WHERE { ?c a cg:Company ; cg:evidence/prov:wasQuotedFrom ?SOURCE ;
           skos:prefLabel|skos:altLabel ?l FILTER(lang(?l) = 'zh') }"""
    ):
        names.setdefault(curie(str(r["c"])), []).append(normalise(str(r["l"])))
    stages = {
        curie(str(r["s"]))
        for r in rows(
            """SELECT DISTINCT ?s WHERE {
                 ?f cg:evidence/prov:wasQuotedFrom ?SOURCE .
                 { ?f a cg:PresenceClaim ; cg:region ?r ; cg:stage ?s }
                 UNION { ?f a cg:RegionalCapacity ; cg:region ?r ; cg:stage ?s }
                 UNION { VALUES ?made { cg:Production cg:Project }
                         ?f a ?made ; cg:site ?r ; cg:stage ?s
                         FILTER NOT EXISTS { ?f cg:status cg:Planned } }
                 UNION { ?f a cg:Observation ; cg:region ?r ; cg:about ?s . ?s a cg:Stage }
                 ?r cg:partOf* ?CITY }"""
        )
    }
    capacities = {
        (curie(str(r["s"])), _num(r["v"]), curie(str(r["u"])))
        for r in rows(
            """SELECT ?s ?v ?u WHERE { ?f cg:evidence/prov:wasQuotedFrom ?SOURCE ;
                 cg:stage ?s ; cg:capacity [ cg:value ?v ; cg:unit ?u ] }"""
        )
    }
    projects: dict[str, dict] = {}
    for r in rows(
        """SELECT ?p ?c ?s ?st ?v ?u WHERE { ?p a cg:Project ;
             cg:evidence/prov:wasQuotedFrom ?SOURCE ; cg:producer ?c ; cg:stage ?s ; cg:status ?st .
             OPTIONAL { ?p cg:capacity [ cg:value ?v ; cg:unit ?u ] } }"""
    ):
        p = projects.setdefault(
            str(r["p"]),
            {
                "company": names.get(curie(str(r["c"])), [curie(str(r["c"]))]),
                "stages": set(),
                "capacity": (_num(r["v"]), curie(str(r["u"]))) if "v" in r else None,
                "status": curie(str(r["st"])),
            },
        )
        p["stages"].add(curie(str(r["s"])))
    statistics = {
        (FAMILY.get(curie(str(r["i"])), curie(str(r["i"]))), _num(r["v"]), curie(str(r["u"])))
        for r in rows(
            """SELECT ?i ?v ?u WHERE { ?o a cg:Observation ;
                 cg:evidence/prov:wasQuotedFrom ?SOURCE ;
                 cg:indicator ?i ; cg:value ?v ; cg:unit ?u }"""
        )
    }
    return Gold(list(names.values()), stages, capacities, list(projects.values()), statistics)


def _company_names(entity, extraction) -> list[str]:
    from .rules import Extractor

    out = [normalise(entity.name)]
    if entity.ref:
        out.append(entity.ref)
        out += [
            n for n, pairs in extraction.lexicon.names.items() if ("company", entity.ref) in pairs
        ]
    ex = Extractor(extraction.lexicon, None)
    out += [normalise(n) for n in ex.short_names(entity.name)]
    return list(dict.fromkeys(out))


def predicted(extraction) -> Gold:
    """The extracted facts in comparable form."""
    lex = extraction.lexicon
    home = extraction.region

    def in_home(entity) -> bool:
        """The document's city or a place inside it. A zone, park or district the graph does
        not know is taken to lie in the city the text is about (as to_rdf's cg:partOf says)."""
        if entity is None or home is None or entity.key == home.key:
            return True
        if entity.ref:
            return home.ref is not None and lex.city_of(entity.ref) == home.ref
        return entity.level in ("zone", "park", "district")

    companies: dict[str, list[str]] = {}
    stages: set[str] = set()
    capacities: set = set()
    projects: list[dict] = []
    statistics: set = set()
    for f in extraction.facts:
        if f.kind == "company":
            companies.setdefault(f.company.key, _company_names(f.company, extraction))
        elif f.kind == "presence" and in_home(f.region):
            stages.update(f.stages)
        elif f.kind == "capacity":
            capacities.add((f.stage, _num(f.quantity.value), f.quantity.unit))
            if in_home(f.region):
                stages.add(f.stage)
        elif f.kind == "project":
            if f.quantity:
                capacities.update((s, _num(f.quantity.value), f.quantity.unit) for s in f.stages)
            if f.status != "cg:Planned" and in_home(f.site):
                stages.update(f.stages)
            projects.append(
                {
                    "company": _company_names(f.company, extraction) if f.company else [],
                    "stages": set(f.stages),
                    "capacity": (_num(f.quantity.value), f.quantity.unit) if f.quantity else None,
                    "status": f.status,
                }
            )
        elif f.kind == "statistic":
            statistics.add((f.family, _num(f.quantity.value), f.quantity.unit))
            if f.about in lex.stage_chain and in_home(f.region):
                stages.add(f.about)
    return Gold(list(companies.values()), stages, capacities, projects, statistics)


def _same_company(a: list[str], b: list[str]) -> bool:
    """Exactly one name in common (names include the short names derived from full names)."""
    return bool(set(a) & set(b))


def _match(pred: list, gold: list, same) -> Score:
    used: set[int] = set()
    matched = 0
    for p in pred:
        for i, g in enumerate(gold):
            if i not in used and same(p, g):
                used.add(i)
                matched += 1
                break
    return Score(matched, len(pred), len(used), len(gold))


def _with_short_names(names: list[str], extraction) -> list[str]:
    from .rules import Extractor

    ex = Extractor(extraction.lexicon, None)
    out = list(names)
    for name in names:
        out += [normalise(n) for n in ex.short_names(name)]
    return list(dict.fromkeys(out))


def score(extraction, gold: Gold) -> dict[str, Score]:
    pred = predicted(extraction)
    gold = Gold(
        [_with_short_names(c, extraction) for c in gold.companies],
        gold.stages,
        gold.capacities,
        [{**p, "company": _with_short_names(p["company"], extraction)} for p in gold.projects],
        gold.statistics,
    )
    out = {
        "companies": _match(pred.companies, gold.companies, _same_company),
        "projects": _match(
            pred.projects,
            gold.projects,
            lambda p, g: (
                _same_company(p["company"], g["company"])
                and p["status"] == g["status"]
                and p["capacity"] == g["capacity"]
                and bool(p["stages"] & g["stages"])
            ),
        ),
    }
    for kind in ("stages", "capacities", "statistics"):
        p, g = getattr(pred, kind), getattr(gold, kind)
        both = len(p & g)
        out[kind] = Score(both, len(p), both, len(g))
    return {kind: out[kind] for kind in KINDS}


def format_scores(scores: dict[str, Score], title: str = "") -> str:
    lines = [title] if title else []
    lines.append(f"{'kind':<12}{'precision':>10}{'recall':>8}   matched/extracted  matched/curated")
    for kind, s in scores.items():
        extracted = f"{s.matched_predicted:>4}/{s.predicted:<12}"
        curated = f"{s.matched_gold:>4}/{s.gold}"
        lines.append(f"{kind:<12}{s.precision:>10.2f}{s.recall:>8.2f}   {extracted}  {curated}")
    return "\n".join(lines)
