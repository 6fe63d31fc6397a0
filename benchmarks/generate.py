"""Synthetic national-scale supply-chain data in the chaingraph ontology, for benchmarks.

Deterministic (seeded): the same ``--triples`` and ``--seed`` give the same file, byte for byte.
The stages come from the bundled chain templates (pv:, li:, nf:, ...), so every chain query and
the gap analysis work on the output as on real data.

What is generated, scaled to the target size:

- provinces (``cg:Province``, ``cg:partOf region:CN``), cities (``cg:City``) in each, and per
  city a development zone (``cg:DevelopmentZone``) with an industrial park inside it;
- companies (``cg:Company``, zh/en labels, an alias, ``cg:locatedIn``) spread over the cities
  with a skewed (Zipf-like) distribution, so a few cities are dense, as in reality;
- per company one to four ``cg:Production`` / ``cg:Project`` facts on consecutive stages of one
  chain, with status, year, confidence, assertion, a capacity (``cg:Capacity`` with value, unit,
  statedAs) for about half, and the sentence they come from (``cg:Quote`` with ``prov:value``
  and character offsets into a per-province source document);
- presence claims (``cg:PresenceClaim``) of zones and cities, and regional capacities
  (``cg:RegionalCapacity``).

Usage::

    python benchmarks/generate.py --triples 100k --out syn-100k.nt

A sidecar ``<out>.meta.json`` lists the cities and the densest one (the benchmark's region).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

from chaingraph import open_store

BASE = "https://w3id.org/chaingraph/"
CG = BASE + "ns#"
REGION = BASE + "region/"
CO = BASE + "company/"
SYN = BASE + "data/synthetic/"
SRC = BASE + "source/"
CGU = BASE + "unit/"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
XSD = "http://www.w3.org/2001/XMLSchema#"

STATUSES = [("InProduction", 0.65), ("UnderConstruction", 0.2), ("Planned", 0.15)]
ASSERTIONS = [("Stated", 0.6), ("Implied", 0.3), ("GeneralKnowledge", 0.1)]
UNITS = [("t", "吨"), ("GW", "GW"), ("GWh", "GWh"), ("core-km", "芯公里")]
SURNAMES = "华中东西南北新金宏盛泰瑞恒通达信远鼎安康丰汇"
TRADES = ["科技", "材料", "能源", "化工", "实业", "新材", "电子", "制造"]

_STAGES_QUERY = """
SELECT ?chain ?stage ?position ?zh ?en WHERE {
  ?stage a cg:Stage ; skos:inScheme ?chain ; cg:position ?position .
  OPTIONAL { ?stage skos:prefLabel ?zh FILTER(lang(?zh) = "zh") }
  OPTIONAL { ?stage skos:prefLabel ?en FILTER(lang(?en) = "en") }
}
ORDER BY ?chain ?position ?stage
"""


def parse_size(text: str) -> int:
    """``10k`` → 10000, ``1M`` → 1000000, ``2500`` → 2500."""
    text = text.strip()
    factor = {"k": 1_000, "K": 1_000, "m": 1_000_000, "M": 1_000_000}.get(text[-1:], 1)
    number = text[:-1] if factor != 1 else text
    return int(float(number) * factor)


def format_size(n: int) -> str:
    """1000000 → ``1M``, 10000 → ``10k``, 2500 → ``2.5k``."""
    if n >= 1_000_000 and n % 100_000 == 0:
        return f"{n / 1_000_000:g}M"
    if n >= 1_000 and n % 100 == 0:
        return f"{n / 1_000:g}k"
    return str(n)


def chain_stages() -> dict[str, list[tuple[str, str, str]]]:
    """Stages of the bundled chain templates, by chain, in tier order: (IRI, zh label, en label)."""
    store = open_store(example=False)
    chains: dict[str, list[tuple[str, str, str]]] = {}
    for row in store.select(_STAGES_QUERY):
        stage = str(row["stage"])
        chains.setdefault(str(row["chain"]), []).append(
            (stage, str(row.get("zh", stage)), str(row.get("en", stage)))
        )
    return chains


def _iri(iri: str) -> str:
    return f"<{iri}>"


def _lit(text: str, lang: str | None = None, datatype: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    if lang:
        return f'"{escaped}"@{lang}'
    if datatype:
        return f'"{escaped}"^^<{datatype}>'
    return f'"{escaped}"'


def _pick(rng: random.Random, weighted: list[tuple[str, float]]) -> str:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


class Writer:
    """Counts and writes N-Triples lines."""

    def __init__(self, out) -> None:
        self.out = out
        self.count = 0
        self._buffer: list[str] = []

    def t(self, s: str, p: str, o: str) -> None:
        self._buffer.append(f"{s} {p} {o} .\n")
        self.count += 1
        if len(self._buffer) >= 10_000:
            self.flush()

    def flush(self) -> None:
        self.out.write("".join(self._buffer))
        self._buffer.clear()


def plan(triples: int) -> dict[str, int]:
    """How many provinces and cities for a target size (hundreds of regions at 1M)."""
    provinces = max(4, min(31, triples // 30_000))
    cities_per_province = max(3, min(14, triples // (provinces * 2_500)))
    return {"provinces": provinces, "cities_per_province": cities_per_province}


P = {
    name: _iri(iri)
    for name, iri in {
        "partOf": CG + "partOf",
        "adminCode": CG + "adminCode",
        "pref": SKOS + "prefLabel",
        "alt": SKOS + "altLabel",
        "locatedIn": CG + "locatedIn",
        "producer": CG + "producer",
        "stage": CG + "stage",
        "site": CG + "site",
        "status": CG + "status",
        "year": CG + "year",
        "confidence": CG + "confidence",
        "assertion": CG + "assertion",
        "evidence": CG + "evidence",
        "capacity": CG + "capacity",
        "value": CG + "value",
        "unit": CG + "unit",
        "statedAs": CG + "statedAs",
        "region": CG + "region",
        "chain": CG + "chain",
        "pvalue": PROV + "value",
        "quotedFrom": PROV + "wasQuotedFrom",
        "charStart": CG + "charStart",
        "charEnd": CG + "charEnd",
    }.items()
}
CLS = {
    name: _iri(CG + name)
    for name in [
        "Province",
        "City",
        "DevelopmentZone",
        "IndustrialPark",
        "Company",
        "Production",
        "Project",
        "Capacity",
        "Quote",
        "SourceDocument",
        "PresenceClaim",
        "RegionalCapacity",
    ]
}


class _Synthesis:
    """The state of one generation: the writer, the random generator (its calls in a fixed
    order: the same seed gives the same file), the regions and the counters."""

    def __init__(self, out, seed: int):
        self.rng = random.Random(seed)
        self.chains = chain_stages()
        self.chain_iris = sorted(self.chains)
        self.w = Writer(out)
        self.cities: list[dict] = []
        self.sources: dict[str, dict] = {}
        self.companies = self.facts = self.claims = 0

    def regions(self, shape: dict[str, int]) -> None:
        """Provinces > cities > development zone > industrial park."""
        w = self.w
        for pi in range(1, shape["provinces"] + 1):
            province = f"{REGION}syn-p{pi:02d}"
            w.t(_iri(province), RDF_TYPE, CLS["Province"])
            w.t(_iri(province), P["partOf"], _iri(REGION + "CN"))
            w.t(_iri(province), P["pref"], _lit(f"合成省{pi:02d}", "zh"))
            w.t(_iri(province), P["pref"], _lit(f"Synthetic province {pi:02d}", "en"))
            source = f"{SRC}syn-report-p{pi:02d}"
            w.t(_iri(source), RDF_TYPE, CLS["SourceDocument"])
            w.t(_iri(source), P["pref"], _lit(f"合成省{pi:02d}产业报告", "zh"))
            self.sources[province] = {"iri": _iri(source), "offset": 0}
            for ci in range(1, shape["cities_per_province"] + 1):
                self.city(province, f"{pi:02d}{ci:02d}", f"合成{pi:02d}省{ci:02d}市")

    def city(self, province: str, code: str, zh: str) -> None:
        w = self.w
        city = f"{REGION}syn-c{code}"
        zone = f"{REGION}syn-z{code}"
        park = f"{REGION}syn-k{code}"
        for iri, kind, parent, label_zh, label_en in (
            (city, "City", province, zh, f"Synthetic city {code}"),
            (zone, "DevelopmentZone", city, f"{zh}经开区", f"Synthetic zone {code}"),
            (park, "IndustrialPark", zone, f"{zh}产业园", f"Synthetic park {code}"),
        ):
            w.t(_iri(iri), RDF_TYPE, CLS[kind])
            w.t(_iri(iri), P["partOf"], _iri(parent))
            w.t(_iri(iri), P["pref"], _lit(label_zh, "zh"))
            w.t(_iri(iri), P["pref"], _lit(label_en, "en"))
        w.t(_iri(city), P["adminCode"], _lit(f"9{code}0"))
        self.cities.append(
            {"city": city, "sites": [city, zone, park], "province": province, "zh": zh}
        )

    def weights(self) -> tuple[list[float], str]:
        """Zipf-like weights: city i gets weight 1 / (i + 1) ** 0.8 in a shuffled order; and
        the densest city."""
        order = list(range(len(self.cities)))
        self.rng.shuffle(order)
        weights = [0.0] * len(self.cities)
        for rank, index in enumerate(order):
            weights[index] = 1.0 / (rank + 1) ** 0.8
        return weights, self.cities[order[0]]["city"]

    def quote(self, city: dict, text: str) -> str:
        w = self.w
        source = self.sources[city["province"]]
        iri = _iri(f"{SYN}q{w.count}")
        start = source["offset"]
        end = start + len(text)
        source["offset"] = end + 1
        w.t(iri, RDF_TYPE, CLS["Quote"])
        w.t(iri, P["quotedFrom"], source["iri"])
        w.t(iri, P["charStart"], _lit(str(start), datatype=XSD + "integer"))
        w.t(iri, P["charEnd"], _lit(str(end), datatype=XSD + "integer"))
        w.t(iri, P["pvalue"], _lit(text, "zh"))
        return iri

    def capacity(self, fact: str) -> None:
        w = self.w
        unit, unit_zh = self.rng.choice(UNITS)
        value = round(self.rng.uniform(1, 500), 1)
        cap = _iri(f"{fact}-cap")
        w.t(_iri(fact), P["capacity"], cap)
        w.t(cap, RDF_TYPE, CLS["Capacity"])
        w.t(cap, P["value"], _lit(f"{value}", datatype=XSD + "decimal"))
        w.t(cap, P["unit"], _iri(CGU + unit))
        w.t(cap, P["statedAs"], _lit(f"{value:g}{unit_zh}"))

    def common(self, fact: str, evidence: str) -> None:
        rng, w = self.rng, self.w
        w.t(
            _iri(fact),
            P["confidence"],
            _lit(f"{rng.randint(5, 10) / 10}", datatype=XSD + "decimal"),
        )
        w.t(_iri(fact), P["assertion"], _iri(CG + _pick(rng, ASSERTIONS)))
        w.t(_iri(fact), P["evidence"], evidence)

    def company(self, city: dict) -> None:
        rng, w = self.rng, self.w
        self.companies += 1
        companies = self.companies
        company = f"{CO}syn-{companies:06d}"
        name = f"{rng.choice(SURNAMES)}{rng.choice(SURNAMES)}{rng.choice(TRADES)}{companies}"
        site = rng.choice(city["sites"])
        chain = rng.choice(self.chain_iris)
        stages = self.chains[chain]
        first = rng.randrange(len(stages))
        made = stages[first : first + rng.randint(1, 4)]
        text = f"{name}有限公司位于{city['zh']}，生产{'、'.join(s[1] for s in made)}。"
        evidence = self.quote(city, text)
        w.t(_iri(company), RDF_TYPE, CLS["Company"])
        w.t(_iri(company), P["pref"], _lit(f"{name}有限公司", "zh"))
        w.t(_iri(company), P["pref"], _lit(f"Synthetic {companies} Co., Ltd.", "en"))
        w.t(_iri(company), P["alt"], _lit(name, "zh"))
        w.t(_iri(company), P["locatedIn"], _iri(site))
        for stage, stage_zh, _stage_en in made:
            self.production(company, name, site, stage, stage_zh, evidence)

    def production(self, company, name, site, stage, stage_zh, evidence) -> None:
        rng, w = self.rng, self.w
        self.facts += 1
        fact = f"{SYN}f{self.facts:07d}"
        is_project = rng.random() < 0.35
        w.t(_iri(fact), RDF_TYPE, CLS["Production"])
        if is_project:
            w.t(_iri(fact), RDF_TYPE, CLS["Project"])
        w.t(_iri(fact), P["pref"], _lit(f"{name} {stage_zh}", "zh"))
        w.t(_iri(fact), P["producer"], _iri(company))
        w.t(_iri(fact), P["stage"], _iri(stage))
        w.t(_iri(fact), P["site"], _iri(site))
        status = _pick(rng, STATUSES) if is_project else "InProduction"
        w.t(_iri(fact), P["status"], _iri(CG + status))
        if is_project or rng.random() < 0.5:
            year = str(rng.randint(2012, 2025))
            w.t(_iri(fact), P["year"], _lit(year, datatype=XSD + "gYear"))
        if rng.random() < 0.5:
            self.capacity(fact)
        self.common(fact, evidence)

    def claim(self, city: dict, roll: float) -> None:
        rng, w = self.rng, self.w
        self.claims += 1
        fact = f"{SYN}c{self.claims:06d}"
        chain = rng.choice(self.chain_iris)
        stages = self.chains[chain]
        where = rng.choice(city["sites"][:2])
        if roll < 0.97:
            made = rng.sample(stages, k=min(len(stages), rng.randint(2, 6)))
            w.t(_iri(fact), RDF_TYPE, CLS["PresenceClaim"])
            w.t(_iri(fact), P["chain"], _iri(chain))
            text = f"{city['zh']}形成{'、'.join(s[1] for s in made)}产业链。"
        else:
            made = [rng.choice(stages)]
            w.t(_iri(fact), RDF_TYPE, CLS["RegionalCapacity"])
            year = str(rng.randint(2018, 2025))
            w.t(_iri(fact), P["year"], _lit(year, datatype=XSD + "gYear"))
            self.capacity(fact)
            text = f"{city['zh']}拥有{made[0][1]}产能。"
        w.t(_iri(fact), P["region"], _iri(where))
        for stage, _, _ in made:
            w.t(_iri(fact), P["stage"], _iri(stage))
        self.common(fact, self.quote(city, text))


def generate(out, triples: int, seed: int = 42) -> dict:
    """Write about ``triples`` synthetic triples as N-Triples to ``out``; return metadata."""
    synthesis = _Synthesis(out, seed)
    shape = plan(triples)
    synthesis.regions(shape)
    cities, rng = synthesis.cities, synthesis.rng
    weights, densest = synthesis.weights()
    while synthesis.w.count < triples:
        city = cities[rng.choices(range(len(cities)), weights=weights)[0]]
        roll = rng.random()
        if roll < 0.9:
            synthesis.company(city)
        else:
            synthesis.claim(city, roll)
    synthesis.w.flush()
    return {
        "triples": synthesis.w.count,
        "seed": seed,
        "provinces": shape["provinces"],
        "cities": [c["city"] for c in cities],
        "regions": len(cities) * 3 + shape["provinces"],
        "densest_city": densest,
        "companies": synthesis.companies,
        "facts": synthesis.facts,
        "claims": synthesis.claims,
    }


def generate_file(path: Path, triples: int, seed: int = 42) -> dict:
    """Generate into ``path`` (N-Triples) and write ``path.meta.json`` beside it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as out:
        meta = generate(out, triples, seed)
    meta["file"] = path.name
    Path(f"{path}.meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    return meta


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--triples", default="10k", help="target size: 10k, 100k, 1M, 5M or a number"
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, help="output .nt file (default: stdout)")
    args = parser.parse_args(argv)
    triples = parse_size(args.triples)
    started = time.perf_counter()
    if args.out:
        meta = generate_file(args.out, triples, args.seed)
    else:
        meta = generate(sys.stdout, triples, args.seed)
    summary = {k: v for k, v in meta.items() if k != "cities"}
    summary["seconds"] = round(time.perf_counter() - started, 2)
    print(json.dumps(summary), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
