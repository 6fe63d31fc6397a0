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
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pint

__all__ = ["DEFINITIONS", "UnitError", "pint_unit", "quantity", "registry"]

DEFINITIONS = (
    "吨 = t",
    "wan_t = 10000 * t = _ = 万吨",
    "pian = [piece] = _ = 片",
    "yi_pian = 1e8 * pian = _ = 亿片",
    "core_km = [fibre_core_length] = _ = 芯公里",
    "wan_core_km = 10000 * core_km = _ = 万芯公里",
    "yuan = [currency] = _ = 元",
    "yi_yuan = 1e8 * yuan = _ = 亿元",
    "wan_yuan = 1e4 * yuan = _ = 万元",
    "percentage_point = 0.01 = 个百分点",
)


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
