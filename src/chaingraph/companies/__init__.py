"""Companies: one identity across sheets, text and load order; groups and their plants.

:mod:`.keys` reads a name's identity key, :mod:`.resolver` decides which company a name is
(and records how), :mod:`.relations` reads groups from text, :mod:`.directory` answers what
the store believes about a company, and :mod:`.decisions` keeps the pairs users confirmed or
rejected.
"""

from functools import cache

from .keys import company_key, group_name, minted_iri
from .resolver import Candidate, CompanyResolver, Decision

__all__ = [
    "Candidate",
    "CompanyResolver",
    "Decision",
    "company_iri",
    "company_key",
    "group_name",
    "minted_iri",
]


@cache
def _curated_resolver() -> CompanyResolver:
    return CompanyResolver()


def company_iri(name: str) -> str:
    """The CURIE a name gives a company no store was asked about: a curated company's IRI
    when the name is one of its names, else the IRI minted from the name's key.

    What text extraction uses for the companies its lexicon does not know, so that a sentence
    and a sheet row naming one company give one node, whichever is loaded first.

    >>> company_iri("青海高景太阳能科技有限公司"), company_iri("高景")
    ('co:gokin-qinghai', 'co:gokin-qinghai')
    >>> company_iri("四川晶科") == minted_iri("四川晶科")
    True
    """
    decision = _curated_resolver().resolve(name)
    return decision.iri if decision.rule in ("alias", "key") and decision.iri else minted_iri(name)
