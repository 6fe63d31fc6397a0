"""Candidate facts found in a text, before they become RDF.

Entities are either known to the graph (``ref`` is a CURIE such as ``co:jinko``) or new
(``ref`` is ``None``; :mod:`.to_rdf` mints an IRI from the name).

>>> q = Quantity.of(1.1, "万", "吨", "1.1万吨")
>>> q.value, q.unit
(11000.0, 'cgu:t')
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..vocabulary import SCALES, UNIT_WORDS
from .segment import Sentence

__all__ = [
    "UNITS",
    "CapacityFact",
    "CompanyFact",
    "Entity",
    "Fact",
    "PlaceFact",
    "PresenceFact",
    "ProjectFact",
    "Quantity",
    "StatisticFact",
]

# The unit words and scales of the vocabulary, as floats: value = number x scale x factor.
UNITS: dict[str, tuple[str, float]] = {
    word: (unit, float(factor)) for word, (unit, factor) in UNIT_WORDS.items()
}
MULTIPLIERS = {"": 1.0, **{scale: float(multiple) for scale, multiple in SCALES.items()}}


@dataclass(frozen=True)
class Quantity:
    """A number with a unit; ``low`` is set for ranges (``value`` is then the upper bound)."""

    value: float
    unit: str
    stated: str
    low: float | None = None

    @classmethod
    def of(cls, number: float, multiplier: str, unit_word: str, stated: str, low=None):
        unit, factor = UNITS[unit_word]
        scale = MULTIPLIERS[multiplier] * factor
        value = round(number * scale, 6)
        low_value = round(low * scale, 6) if low is not None else None
        return cls(value, unit, stated, low_value)


@dataclass(frozen=True)
class Entity:
    """A company or a place: a CURIE when the graph knows it, else only a name."""

    kind: str  # company | region
    name: str
    ref: str | None = None
    level: str | None = None  # for places: province, city, district, zone, park

    @property
    def key(self) -> str:
        return self.ref or f"new:{self.kind}:{self.name}"


@dataclass
class Fact:
    sentence: Sentence
    confidence: float
    assertion: str = "cg:Stated"
    rule: str = ""
    kind: str = field(default="fact", init=False)

    def what(self, label) -> str:  # pragma: no cover - overridden
        return ""


@dataclass
class CompanyFact(Fact):
    company: Entity = None
    located_in: Entity | None = None
    short_names: tuple[str, ...] = ()
    kind: str = field(default="company", init=False)


@dataclass
class PlaceFact(Fact):
    place: Entity = None
    kind: str = field(default="place", init=False)


@dataclass
class PresenceFact(Fact):
    region: Entity = None
    stages: tuple[str, ...] = ()
    chain: str | None = None
    kind: str = field(default="presence", init=False)


@dataclass
class CapacityFact(Fact):
    region: Entity = None
    stage: str = ""
    quantity: Quantity = None
    product: str = ""
    year: str | None = None
    kind: str = field(default="capacity", init=False)


@dataclass
class ProjectFact(Fact):
    company: Entity | None = None
    stages: tuple[str, ...] = ()
    chain: str | None = None
    quantity: Quantity | None = None
    product: str = ""
    status: str | None = None
    status_word: str = ""
    year: str | None = None
    site: Entity | None = None
    kind: str = field(default="project", init=False)


@dataclass
class StatisticFact(Fact):
    about: str | None = None  # a stage / company / region / sector key
    about_label: str = ""
    region: Entity | None = None
    indicator: str | None = None
    family: str = ""
    metric: str = ""
    quantity: Quantity = None
    period: str | None = None
    compared_with: Entity | None = None
    kind: str = field(default="statistic", init=False)
