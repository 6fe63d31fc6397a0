"""Companies: one identity across sheets, text and load order; groups and their plants.

:mod:`.keys` reads a name's identity key, :mod:`.resolver` decides which company a name is
(and records how), :mod:`.relations` reads groups from text, :mod:`.directory` answers what
the store believes about a company, and :mod:`.decisions` keeps the pairs users confirmed or
rejected.
"""

from .keys import company_key, group_name, minted_iri
from .resolver import Candidate, CompanyResolver, Decision

__all__ = ["Candidate", "CompanyResolver", "Decision", "company_key", "group_name", "minted_iri"]
