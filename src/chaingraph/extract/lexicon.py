"""What the graph already knows, as names to look for in text.

Stage, chain, company, region, sector and indicator labels (``skos:prefLabel``/``altLabel``,
Chinese and language-less) are read from the store once and matched longest first.

>>> from chaingraph import open_store
>>> lex = Lexicon.from_store(open_store(example=False))
>>> lex.names["铬铁矿"], lex.names["铬铁"]
([('stage', 'fa:chromite')], [('stage', 'fa:ferrochrome')])
>>> lex.core_stages("chain:pv")[:3]
['pv:industrial-silicon', 'pv:polysilicon', 'pv:mono-ingot']
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ..namespaces import curie
from ..vocabulary import LEVEL_CLASSES
from ..vocabulary import fold as normalise

__all__ = ["Lexicon"]

_KINDS = {
    "stage": "cg:Stage",
    "chain": "cg:Chain",
    "company": "cg:Company",
    "sector": "cg:IndustrySector",
    "indicator": "cg:Indicator",
}
# The level of a region of each class (a cg:Region is a "region", whatever its name says).
_REGION_TYPES = {cls: level for level, cls in LEVEL_CLASSES.items() if level != "district"}
# When two kinds share a label, the earlier kind wins (碳纤维 is a stage and a chain).
PRIORITY = ("company", "region", "stage", "sector", "chain")


@dataclass
class Lexicon:
    """Labels by normalised name; each name maps to ``(kind, curie)`` pairs."""

    names: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    labels: dict[str, str] = field(default_factory=dict)  # curie -> zh preferred label
    en_labels: dict[str, str] = field(default_factory=dict)
    region_level: dict[str, str] = field(default_factory=dict)
    part_of: dict[str, str] = field(default_factory=dict)
    stage_chain: dict[str, str] = field(default_factory=dict)
    stage_position: dict[str, int] = field(default_factory=dict)
    core: set[str] = field(default_factory=set)
    indicator_labels: dict[str, str] = field(default_factory=dict)  # zh label -> indicator
    single: dict[str, str] = field(default_factory=dict)  # one-character stage names (铝, 铜)

    @classmethod
    def from_store(cls, store) -> Lexicon:
        lex = cls()
        for kind, cls_name in _KINDS.items():
            rows = store.select(
                f"""SELECT ?x ?p ?l WHERE {{ ?x a {cls_name} ; ?p ?l .
                    VALUES ?p {{ skos:prefLabel skos:altLabel }} }}"""
            )
            for row in rows:
                lex._add(kind, curie(str(row["x"])), row)
        rows = store.select(
            """SELECT ?x ?t ?p ?l ?up WHERE { ?x a ?t ; ?p ?l .
               VALUES ?t { cg:Country cg:Province cg:City cg:DevelopmentZone cg:IndustrialPark
                           cg:Region }
               VALUES ?p { skos:prefLabel skos:altLabel }
               OPTIONAL { ?x cg:partOf ?up } }"""
        )
        for row in rows:
            node = curie(str(row["x"]))
            lex.region_level[node] = _REGION_TYPES[curie(str(row["t"]))]
            if "up" in row:
                lex.part_of[node] = curie(str(row["up"]))
            lex._add("region", node, row)
        for row in store.select(
            """SELECT ?s ?c ?pos ?role WHERE { ?s a cg:Stage ; skos:inScheme ?c .
               OPTIONAL { ?s cg:position ?pos } OPTIONAL { ?s cg:stageRole ?role } }"""
        ):
            stage = curie(str(row["s"]))
            lex.stage_chain[stage] = curie(str(row["c"]))
            if "pos" in row:
                lex.stage_position[stage] = int(row["pos"])
            if "role" in row and curie(str(row["role"])) == "cg:CoreStage":
                lex.core.add(stage)
        return lex

    def _add(self, kind: str, node: str, row) -> None:
        label = row["l"]
        lang = (label.language or "").split("-")[0]
        if curie(str(row["p"])) == "skos:prefLabel":
            if lang == "zh":
                self.labels.setdefault(node, str(label))
            elif lang == "en":
                self.en_labels.setdefault(node, str(label))
        if lang not in ("zh", ""):
            return
        if kind == "indicator":
            self.indicator_labels[normalise(str(label))] = node
            return
        name = normalise(str(label))
        if len(name) < 2:
            if kind == "stage":
                self.single.setdefault(name, node)
            return  # single characters (铝, 铜) only count inside explicit lists, see rules
        if (kind, node) not in self.names[name]:
            self.names[name].append((kind, node))
            self.names[name].sort(key=lambda pair: PRIORITY.index(pair[0]))

    def add_name(self, name: str, kind: str, node: str) -> None:
        name = normalise(name)
        if len(name) >= 2 and (kind, node) not in self.names[name]:
            self.names[name].insert(0, (kind, node))

    def label(self, node: str, lang: str = "zh") -> str:
        if lang == "en" and node in self.en_labels:
            return self.en_labels[node]
        return self.labels.get(node) or self.en_labels.get(node) or node

    def stages_of_kind(self, name: str) -> list[str]:
        return [node for kind, node in self.names.get(normalise(name), []) if kind == "stage"]

    def core_stages(self, chain: str) -> list[str]:
        stages = [s for s, c in self.stage_chain.items() if c == chain and s in self.core]
        return sorted(stages, key=lambda s: (self.stage_position.get(s, 99), s))

    def stage_labels_of_chain(self, chain: str) -> dict[str, str]:
        """Normalised stage names of one chain -> stage."""
        out = {}
        for name, pairs in self.names.items():
            for kind, node in pairs:
                if kind == "stage" and self.stage_chain.get(node) == chain:
                    out.setdefault(name, node)
        return out

    def province_of(self, region: str | None) -> str | None:
        seen = set()
        while region and region not in seen:
            seen.add(region)
            if self.region_level.get(region) == "province":
                return region
            region = self.part_of.get(region)
        return None

    def city_of(self, region: str | None) -> str | None:
        seen = set()
        while region and region not in seen:
            seen.add(region)
            if self.region_level.get(region) == "city":
                return region
            region = self.part_of.get(region)
        return None

    def indicator_for(self, metric: str) -> str | None:
        """The indicator whose Chinese label ends with (or else contains) ``metric``."""
        metric = normalise(metric)
        while len(metric) >= 2:
            for test in (str.endswith, str.__contains__):
                for label, node in sorted(self.indicator_labels.items()):
                    if test(label, metric):
                        return node
            metric = metric[1:]  # 青洽会签约项目履约率 -> 签约项目履约率
        return None

    def user_words(self) -> dict[str, str]:
        """Words for jieba's user dictionary, with a part-of-speech tag."""
        tags = {"company": "nt", "region": "ns", "stage": "n", "chain": "n", "sector": "n"}
        return {name: tags[pairs[0][0]] for name, pairs in self.names.items() if pairs}
