"""What the store believes about its companies: the list, one company's facts, the review list.

Every answer keeps its sources: a fact names the file (or text) it came from and the row or
sentence that says it.

>>> from chaingraph import open_store
>>> store = open_store()
>>> jinko = [c for c in list_companies(store, lang="zh") if c.iri == "co:jinko"][0]
>>> jinko.name, jinko.stages
('晶科能源股份有限公司', ['单晶硅棒', '太阳能电池', '组件'])
>>> profile = company_profile(store, "co:fudi-battery", lang="en")
>>> profile.group, profile.name
(('co:byd', 'BYD Company Limited'), 'FinDreams Battery Co., Ltd.')
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ..labels import LabelIndex
from ..namespaces import PREFIXES, curie, expand
from ..resources import GRAPH_BASE
from ..store import Store
from ..vocabulary import fold

__all__ = [
    "DECISIONS_GRAPH",
    "CompanySummary",
    "Fact",
    "Profile",
    "ReviewPair",
    "company_profile",
    "list_companies",
    "read_decisions",
    "record_decision",
    "review_pairs",
]

DECISIONS_GRAPH = GRAPH_BASE + "companies/decisions"


@dataclass
class CompanySummary:
    """One line of the company list."""

    iri: str
    name: str
    group: str = ""
    regions: list[str] = field(default_factory=list)
    stages: list[str] = field(default_factory=list)
    facts: int = 0
    region_ids: set[str] = field(default_factory=set)
    stage_ids: set[str] = field(default_factory=set)


@dataclass
class Fact:
    """A fact about a company, with where it is said."""

    kind: str  # the class of the fact (cg:Production, cg:Project ...)
    stage: str
    site: str
    status: str
    year: str
    capacity: str
    source: str
    evidence: str


@dataclass
class Profile:
    """Everything the store says about one company."""

    iri: str
    name: str
    aliases: list[str]
    code: str
    group: tuple[str, str] | None
    plants: list[tuple[str, str]]
    regions: list[str]
    facts: list[Fact]
    same_as: list[str]
    not_same: list[str]


@dataclass
class ReviewPair:
    """A probable match an import recorded, not merged, and what users decided about it."""

    company: str
    company_name: str
    candidate: str
    candidate_name: str
    rule: str
    score: float
    source: str
    row: int | None
    decided: str = ""  # "", "same", "not same"


def _labels(store: Store, nodes: list[str] | None = None) -> LabelIndex:
    return LabelIndex.from_store(store, nodes)


def list_companies(store: Store, *, lang: str = "zh") -> list[CompanySummary]:
    """Every company, with its group, the regions it is in and the stages it produces."""
    companies = {
        row["c"]: CompanySummary(row["c"], "")
        for row in store.select_plain("SELECT DISTINCT ?c WHERE { GRAPH ?g { ?c a cg:Company } }")
    }
    labels = _labels(store, sorted(companies))
    for iri, summary in companies.items():
        summary.name = labels.pick(iri, lang)
    facts = store.select_plain(
        "SELECT ?c ?f ?stage ?site WHERE { GRAPH ?g { ?f cg:producer ?c ; cg:stage ?stage . "
        "OPTIONAL { ?f cg:site ?site } } }"
    )
    located = store.select_plain(
        "SELECT ?c ?r WHERE { GRAPH ?g { ?c a cg:Company ; cg:locatedIn ?r } }"
    )
    groups = store.select_plain("SELECT ?c ?p WHERE { GRAPH ?g { ?c cg:parentOrganization ?p } }")
    counted: dict[str, set[str]] = defaultdict(set)
    for row in facts:
        summary = companies.get(row["c"])
        if summary is None:
            continue
        counted[row["c"]].add(row["f"])
        summary.stage_ids.add(row["stage"])
        if row.get("site"):
            summary.region_ids.add(row["site"])
    for row in located:
        companies[row["c"]].region_ids.add(row["r"])
    parents = {row["c"]: row["p"] for row in groups if row["c"] in companies}
    names = _labels(
        store,
        sorted(
            {n for s in companies.values() for n in s.region_ids | s.stage_ids}
            | set(parents.values())
        ),
    )
    for iri, summary in companies.items():
        summary.facts = len(counted[iri])
        summary.regions = sorted({names.pick(r, lang) for r in summary.region_ids})
        summary.stages = sorted({names.pick(s, lang) for s in summary.stage_ids})
        summary.group = names.pick(parents[iri], lang) if iri in parents else ""
    return sorted(companies.values(), key=lambda s: (s.name, s.iri))


def matching(summaries: list[CompanySummary], text: str, names_of: dict[str, set[str]]) -> list:
    """The companies one of whose names contains ``text`` (folded)."""
    wanted = fold(text)
    return [s for s in summaries if any(wanted in fold(n) for n in names_of.get(s.iri, {s.name}))]


def all_names(store: Store) -> dict[str, set[str]]:
    """Every label and alias of every company (for searching by any of its names)."""
    names: dict[str, set[str]] = defaultdict(set)
    for row in store.select_plain(
        "SELECT ?c ?l WHERE { GRAPH ?g { ?c a cg:Company } GRAPH ?h { "
        "?c skos:prefLabel|skos:altLabel|rdfs:label ?l } }"
    ):
        names[row["c"]].add(str(row["l"]))
    return names


def company_profile(store: Store, iri: str, *, lang: str = "zh") -> Profile:
    """One company: names, code, group and plants, regions, every fact with its source."""
    node = f"<{expand(iri)}>"
    labels = _labels(store, [iri])
    aliases = sorted(
        {
            str(r["l"])
            for r in store.select_plain(
                f"SELECT ?l WHERE {{ GRAPH ?g {{ {node} skos:prefLabel|skos:altLabel ?l }} }}"
            )
        }
    )
    code = next(
        iter(
            r["code"]
            for r in store.select_plain(
                f"SELECT ?code WHERE {{ GRAPH ?g {{ {node} cg:creditCode ?code }} }}"
            )
        ),
        "",
    )
    parent = [
        r["p"]
        for r in store.select_plain(
            f"SELECT ?p WHERE {{ GRAPH ?g {{ {node} cg:parentOrganization ?p }} }}"
        )
    ]
    plants = sorted(
        {
            r["c"]
            for r in store.select_plain(
                f"SELECT ?c WHERE {{ GRAPH ?g {{ ?c cg:parentOrganization {node} }} }}"
            )
        }
    )
    regions = sorted(
        {
            r["r"]
            for r in store.select_plain(
                f"SELECT ?r WHERE {{ GRAPH ?g {{ {node} cg:locatedIn ?r }} }}"
            )
        }
    )
    facts = _facts(store, node)
    same, not_same = read_decisions(store)
    others = _labels(
        store,
        sorted(
            set(parent + plants + regions)
            | {n for f in facts for n in (f.stage, f.site, f.status) if n}
        ),
    )
    for fact in facts:
        fact.stage, fact.site = others.pick(fact.stage, lang), others.pick(fact.site, lang)
        fact.status = others.pick(fact.status, lang) if fact.status else ""
    return Profile(
        iri=iri,
        name=labels.pick(iri, lang),
        aliases=aliases,
        code=str(code),
        group=(parent[0], others.pick(parent[0], lang)) if parent else None,
        plants=[(p, others.pick(p, lang)) for p in plants],
        regions=[others.pick(r, lang) for r in regions],
        facts=facts,
        same_as=sorted({b for a, b in same if a == iri} | {a for a, b in same if b == iri}),
        not_same=sorted(
            {b for a, b in not_same if a == iri} | {a for a, b in not_same if b == iri}
        ),
    )


def _facts(store: Store, node: str) -> list[Fact]:
    rows = store.select_plain(
        "SELECT ?f ?type ?stage ?site ?status ?year ?value ?unit ?doc ?quote ?row WHERE { "
        f"GRAPH ?g {{ ?f cg:producer {node} ; a ?type ; cg:stage ?stage . "
        "OPTIONAL { ?f cg:site ?site } OPTIONAL { ?f cg:status ?status } "
        "OPTIONAL { ?f cg:year ?year } "
        "OPTIONAL { ?f cg:capacity ?cap . ?cap cg:value ?value ; cg:unit ?unit } "
        "OPTIONAL { ?f cg:evidence ?q . ?q prov:value ?quote . OPTIONAL { ?q cg:row ?row } "
        "  OPTIONAL { ?q prov:wasQuotedFrom ?d . ?d skos:prefLabel|dcterms:title ?doc } } "
        "OPTIONAL { ?f prov:wasDerivedFrom ?s . ?s skos:prefLabel|dcterms:title ?doc } } "
        "FILTER(?type IN (cg:Production, cg:Project)) }"
    )
    by_fact: dict[str, Fact] = {}
    for r in rows:
        if r["f"] in by_fact and r["type"] != "cg:Project":
            continue
        where = str(r.get("doc", "")) + (f" #{r['row']}" if r.get("row") else "")
        capacity = (
            f"{r['value']} {curie(str(r['unit'])).split(':')[-1]}"
            if r.get("value") is not None
            else ""
        )
        by_fact[r["f"]] = Fact(
            kind=r["type"],
            stage=r["stage"],
            site=r.get("site", ""),
            status=r.get("status", ""),
            year=str(r.get("year", "")),
            capacity=capacity,
            source=where or r["f"],
            evidence=str(r.get("quote", "")),
        )
    return sorted(by_fact.values(), key=lambda f: (f.stage, f.site, f.year, f.source))


def read_decisions(
    store: Store, *, graph: str | None = None
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """``(same, not_same)``: the pairs of companies users confirmed (``owl:sameAs``) or
    rejected (``cg:notSame``), in every graph (``chaingraph companies --same`` writes
    :data:`DECISIONS_GRAPH`; a Turtle file of such triples, loaded, counts as well) or in
    ``graph`` only."""
    where = f"<{graph}>" if graph else "?g"
    companies = PREFIXES["co"]
    rows = store.select_plain(
        f"SELECT DISTINCT ?a ?p ?b WHERE {{ GRAPH {where} {{ ?a ?p ?b }} "
        "FILTER(?p IN (owl:sameAs, cg:notSame) && isIRI(?b) "
        f'&& STRSTARTS(STR(?a), "{companies}") && STRSTARTS(STR(?b), "{companies}")) }}'
    )
    same = sorted((r["a"], r["b"]) for r in rows if r["p"] == "owl:sameAs")
    not_same = sorted((r["a"], r["b"]) for r in rows if r["p"] == "cg:notSame")
    return same, not_same


def review_pairs(store: Store, *, lang: str = "zh", pending_only: bool = True) -> list[ReviewPair]:
    """The probable matches imports recorded, with users' decisions (pending ones only)."""
    rows = store.select_plain(
        "SELECT ?m ?c ?k ?rule ?score ?doc ?row WHERE { GRAPH ?g { ?m a cg:MatchCandidate ; "
        "cg:matchedCompany ?c ; cg:candidateCompany ?k ; cg:matchRule ?rule . "
        "OPTIONAL { ?m cg:matchScore ?score } OPTIONAL { ?m cg:row ?row } "
        "OPTIONAL { ?m prov:wasDerivedFrom ?d . ?d dcterms:title ?doc } } }"
    )
    same, not_same = read_decisions(store)
    decided = {frozenset(p): "same" for p in same} | {frozenset(p): "not same" for p in not_same}
    labels = _labels(store, sorted({r["c"] for r in rows} | {r["k"] for r in rows}))
    pairs = {}
    for r in rows:
        pair = ReviewPair(
            company=r["c"],
            company_name=labels.pick(r["c"], lang),
            candidate=r["k"],
            candidate_name=labels.pick(r["k"], lang),
            rule=str(r["rule"]),
            score=float(r.get("score", 0) or 0),
            source=str(r.get("doc", "")),
            row=int(r["row"]) if r.get("row") is not None else None,
            decided=decided.get(frozenset((r["c"], r["k"])), ""),
        )
        pairs.setdefault((pair.company, pair.candidate), pair)
    found = sorted(pairs.values(), key=lambda p: (-p.score, p.company, p.candidate))
    return [p for p in found if not (pending_only and p.decided)]


def record_decision(store: Store, company: str, other: str, *, same: bool) -> None:
    """Record that ``company`` is ``other`` (``owl:sameAs``, ``other`` kept) or is not
    (``cg:notSame``), replacing any earlier decision about the pair; all or nothing."""
    import pyoxigraph as ox

    same_pairs, not_same = read_decisions(store, graph=DECISIONS_GRAPH)
    pair = frozenset((company, other))
    kept = [(a, "owl:sameAs", b) for a, b in same_pairs if frozenset((a, b)) != pair]
    kept += [(a, "cg:notSame", b) for a, b in not_same if frozenset((a, b)) != pair]
    kept.append((company, "owl:sameAs" if same else "cg:notSame", other))
    lines = [f"<{expand(a)}> <{expand(p)}> <{expand(b)}> ." for a, p, b in kept]
    store.load_data("\n".join(lines) + "\n", DECISIONS_GRAPH, format=ox.RdfFormat.N_TRIPLES)
