"""The companies the bundled data curates, known by name whether or not they are loaded.

The bundled example (``co:jinko``, ``co:gokin-qinghai`` ...) has hand-made IRIs. A sheet
loaded *before* the example must still give its rows to those IRIs, or the order of loading
decides how many companies there are; so their labels and aliases are read from the bundled
files themselves, not from the store.

>>> curated = bundled_companies()
>>> curated.by_label["青海高景太阳能科技有限公司"], curated.by_label["晶科"]
('co:gokin-qinghai', 'co:jinko')
>>> curated.parent["co:fudi-battery"]
'co:byd'
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

from ..namespaces import curie
from ..vocabulary import fold

__all__ = ["Curated", "bundled_companies"]

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_COMPANY = "https://w3id.org/chaingraph/ns#Company"
_LABELS = ("#prefLabel", "#altLabel", "#label")
_PARENT = "https://w3id.org/chaingraph/ns#parentOrganization"
_CODE = "https://w3id.org/chaingraph/ns#creditCode"


@dataclass
class Curated:
    """Curated companies: their labels (folded label -> CURIE), codes and groups."""

    labels: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    by_label: dict[str, str] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)
    parent: dict[str, str] = field(default_factory=dict)


@cache
def bundled_companies() -> Curated:
    """The companies of the bundled example files (read once per process)."""
    import pyoxigraph as ox

    from ..resources import bundled_files, bundled_path

    companies: set[str] = set()
    labels: dict[str, list[str]] = defaultdict(list)
    curated = Curated()
    for relative in bundled_files("example"):
        with bundled_path(relative).open("rb") as handle:
            for quad in ox.parse(handle, ox.RdfFormat.TURTLE):
                subject, predicate, value = quad.subject, quad.predicate.value, quad.object
                if not isinstance(subject, ox.NamedNode):
                    continue
                node = curie(subject.value)
                if predicate == _RDF_TYPE and value.value == _COMPANY:
                    companies.add(node)
                elif predicate.endswith(_LABELS) and isinstance(value, ox.Literal):
                    labels[node].append(value.value)
                elif predicate == _PARENT:
                    curated.parent[node] = curie(value.value)
                elif predicate == _CODE:
                    curated.codes[value.value] = node
    for node in sorted(companies):
        curated.labels[node] = labels[node]
        for label in labels[node]:
            curated.by_label.setdefault(fold(label), node)
    return curated
