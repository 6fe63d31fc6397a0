"""The identity key of a company name, the IRI minted from it, and the group a name implies.

A company is known by its unified social credit code when it has one, else by its
**normalised full legal name**: folded (full/half width, case, spaces), without its legal
form (股份有限公司, 有限公司, Co., Ltd. ...), split into a core and the places it carries
(``（乐山）``, a leading ``四川``). The places are read against a *fixed* list (the provinces
and the bundled regions of China), never against what a store happens to hold, so that a
name gives the same key, and the same IRI, whatever was loaded before it.

>>> company_key("晶科能源（乐山）有限公司")
'晶科能源@乐山'
>>> company_key("晶科能源(乐山)有限责任公司") == company_key("晶科能源（乐山）有限公司")
True
>>> company_key("永祥股份"), company_key("四川永祥股份有限公司")
('永祥', '永祥@四川')
>>> minted_iri("晶科能源（乐山）有限公司") == minted_iri("晶科能源(乐山)有限公司")
True

A name that carries a place names a plant company; without the place it names its group:

>>> group_name("晶科能源（乐山）有限公司"), group_name("四川晶科"), group_name("晶科能源")
('晶科能源', '晶科', None)
>>> group_name("晶科能源股份有限公司上饶分公司")
'晶科能源'
"""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path

from ..namespaces import curie
from ..vocabulary import CITY_NAMES, ParsedName, fold, mint_key_iri, name_key, parse_name

__all__ = [
    "company_key",
    "fixed_places",
    "group_name",
    "is_branch",
    "minted_iri",
    "parsed",
    "short_form",
]

# Stock short names end in 股份 (永祥股份, 盐湖股份): a legal form in a short name, dropped
# from the key only (the minted IRIs of full names keep their established form).
_SHORT_FORMS = ("股份", "控股")


@cache
def fixed_places() -> tuple[str, ...]:
    """The place names read off company names: provinces, cities and the bundled regions.

    Fixed on purpose: a store's own regions grow with what was loaded, and a key read
    against them would depend on load order.
    """
    import pyoxigraph as ox

    from ..resources import bundled_path

    path = bundled_path(Path("data/regions/cn.ttl"))
    labels = set()
    with path.open("rb") as handle:
        for quad in ox.parse(handle, ox.RdfFormat.TURTLE):
            label = quad.predicate.value.endswith(("#prefLabel", "#altLabel"))
            if label and getattr(quad.object, "language", None) == "zh":
                labels.add(quad.object.value)
    return tuple(sorted(labels | set(CITY_NAMES)))


@lru_cache(maxsize=200_000)
def parsed(name: str) -> ParsedName:
    """Core and places of ``name``, read against :func:`fixed_places`."""
    result = parse_name(name, fixed_places())
    core = result.core
    for form in _SHORT_FORMS:
        if core.endswith(form) and len(core) >= len(form) + 2:
            core = core[: -len(form)]
            break
    return ParsedName(core, result.places)


def company_key(name: str, code: str | None = None) -> str:
    """``uscc:<code>`` with a credit code, else the core name ``@`` its places."""
    if code:
        return f"uscc:{code}"
    return name_key(parsed(name))


def short_form(name: str) -> str:
    """The folded name without legal form or places: what fuzzy matching compares."""
    return parsed(name).core


def minted_iri(name: str) -> str:
    """The CURIE of a company nobody curated: minted from its key, never from load order.

    The credit code is a matching key, not part of the IRI: a row with the code and a row
    without it (another sheet, a sentence) must give the same node in either order.
    """
    return curie(mint_key_iri(name_key(parsed(name))))


def group_name(name: str) -> str | None:
    """The group a plant company's name implies (its core without places), or ``None``."""
    key = parsed(name)
    if not key.places or len(key.core) < 2:
        return None
    return key.core


def is_branch(name: str) -> bool:
    """Whether ``name`` is a branch (分公司, 分厂): part of its company, named after it.

    >>> is_branch("晶科能源股份有限公司上饶分公司"), is_branch("晶科能源（上饶）有限公司")
    (True, False)
    """
    return fold(name).endswith(("分公司", "分厂"))
