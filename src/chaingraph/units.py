"""Units of capacity: one pint registry with the domain units chaingraph data uses.

pint knows GW, MW, GWh and t (tonne); this module adds the Chinese and industry units:
万吨 (``wan_t``), 亿片 (``yi_pian``), 芯公里 (``core_km``, fibre length times cores), 亿元
(``yi_yuan``) and 个百分点 (``percentage_point``). A unit IRI of the data (``cgu:GW``) maps to
its pint expression through ``cg:pintUnit`` in ``ontology/units.ttl``.

The registry is built once, on first use.

>>> quantity(1.1, "万吨").to("t")
<Quantity(11000.0, 'metric_ton')>
>>> quantity(500, "cgu:MW").to("GW").magnitude
0.5
>>> pint_unit("cgu:core-km"), pint_unit("cgu:CNY-100M")
('core_km', 'yi_yuan')
>>> quantity(1300, "万芯公里").to("core_km").magnitude
13000000
>>> DEFINITIONS[-2:]
('yi_yuan = 100000000 * yuan = _ = 亿元', 'wan_yuan = 10000 * yuan = _ = 万元')
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from .vocabulary import PINT_NAMES, PINT_SCALED, SCALE_PINYIN, SCALES

if TYPE_CHECKING:
    import pint

__all__ = ["DEFINITIONS", "UnitError", "pint_unit", "quantity", "registry"]

# pint dimensions of the units pint does not know; the Chinese names come from the vocabulary.
_NEW_UNITS = {
    "pian": "[piece]",
    "core_km": "[fibre_core_length]",
    "yuan": "[currency]",
    "percentage_point": "0.01",
}


def _definitions() -> tuple[str, ...]:
    """pint definitions of the Chinese unit words (:data:`.vocabulary.PINT_NAMES`) and of
    their scaled forms (:data:`.vocabulary.PINT_SCALED`: 万吨 = ``wan_t``)."""
    out = []
    for word, name in PINT_NAMES.items():
        if name in _NEW_UNITS:
            out.append(f"{name} = {_NEW_UNITS[name]} = _ = {word}")
        else:
            out.append(f"{word} = {name}")  # an alias of a unit pint knows (吨 = t)
    for scale, word in PINT_SCALED:
        name = PINT_NAMES[word]
        out.append(f"{SCALE_PINYIN[scale]}_{name} = {SCALES[scale]} * {name} = _ = {scale}{word}")
    return tuple(out)


DEFINITIONS = _definitions()


class UnitError(ValueError):
    """A unit that neither the data (``cg:pintUnit``) nor pint knows."""


@cache
def registry() -> pint.UnitRegistry:
    """The shared registry: pint's defaults plus :data:`DEFINITIONS`.

    pint caches its parsed default definitions in the user's cache folder: building the
    registry then takes a few milliseconds instead of most of a second.
    """
    import pint  # imported here: it costs a quarter of a second, and most commands never need it

    ureg = pint.UnitRegistry(cache_folder=":auto:")
    for definition in DEFINITIONS:
        ureg.define(definition)
    return ureg


@cache
def _pint_units() -> dict[str, str]:
    """``cg:pintUnit`` of each unit in the bundled ``ontology/units.ttl``, by CURIE."""
    import pyoxigraph as ox

    from .namespaces import CG, curie
    from .resources import ontology_dir

    store = ox.Store()
    store.load(path=str(ontology_dir() / "units.ttl"), format=ox.RdfFormat.TURTLE)
    return {
        curie(q.subject.value): q.object.value
        for q in store.quads_for_pattern(None, ox.NamedNode(CG + "pintUnit"), None)
    }


def pint_unit(unit: str) -> str:
    """The pint expression of a unit CURIE (``cgu:GW``) or of a pint expression itself."""
    return _pint_units().get(unit, unit)


@cache
def _parsed(expression: str):
    """The parsed units of a pint expression (parsing is most of the cost of a quantity)."""
    return registry().parse_units(expression)._units


def quantity(value: float, unit: str) -> pint.Quantity:
    """``value`` in ``unit`` (a unit CURIE, a pint expression or a Chinese unit such as 万吨)."""
    import pint

    ureg = registry()
    try:
        return ureg.Quantity(value, _parsed(pint_unit(unit)))
    except (pint.errors.UndefinedUnitError, AttributeError, TypeError, ValueError) as error:
        raise UnitError(
            f"unknown unit {unit!r}: give it a cg:pintUnit in units.ttl or use a pint unit"
        ) from error
