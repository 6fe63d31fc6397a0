"""Company names: the same company under its full name, short name or credit code.

A name is folded (NFKC full/half width, case, spaces), then split into a **core** and its
**place affixes** (``（青海）``, a leading ``青海``/``青海省``) after dropping the legal form
(``股份有限公司``, ``有限公司``, ``集团`` ...):

>>> parse_name("亚洲硅业（青海）股份有限公司")
ParsedName(core='亚洲硅业', places=('青海',))
>>> parse_name("青海高景太阳能科技有限公司")
ParsedName(core='高景太阳能科技', places=('青海',))
>>> parse_name("Trina Solar Co., Ltd.")
ParsedName(core='trinasolar', places=())

The unified social credit code (USCC, GB 32100-2015) has a check digit:

>>> code = "91630100MA7" + "XB2C4H"   # 17 characters, then the check character
>>> uscc_check_character(code)
'7'
>>> uscc_problem(code + "7") is None, uscc_problem(code + "5").text("en")
(True, 'check character is 5, expected 7: a typo in the code?')
>>> uscc_problem("9.13E+17").text("en")
'the code was turned into a number by Excel (9.13E+17) and its digits are lost'

IRIs are stable: minted from the code (``co:uscc-<code>``) or from the core name and places:

>>> mint_company_iri("亚洲硅业（青海）股份有限公司") == mint_company_iri("亚洲硅业(青海)有限公司")
True
>>> mint_company_iri("x", code + "7")
'https://w3id.org/chaingraph/company/uscc-91630100MA7XB2C4H7'
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

# parse_name and mint_company_iri live with the other domain words; they are part of this
# module's interface too (sheet import and extraction mint company IRIs the same way).
from .messages import Message
from .vocabulary import ParsedName, fold, mint_company_iri, parse_name

__all__ = [
    "CompanyIndex",
    "CompanyMatch",
    "ParsedName",
    "mint_company_iri",
    "parse_name",
    "uscc_check_character",
    "uscc_problem",
]

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")
_FLOAT_SHAPE = re.compile(r"^\d+(\.\d+)?E\+?\d+$|^\d+\.\d+$", re.IGNORECASE)


def uscc_check_character(first17: str) -> str:
    """The check character of the first 17 characters of a USCC (GB 32100-2015)."""
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def uscc_problem(code: str) -> Message | None:
    """What is wrong with a credit code (a message ``ingest.code.*``), or ``None`` when valid."""
    if _FLOAT_SHAPE.match(code):
        return Message("ingest.code.excel", code=code)
    if len(code) != 18:
        return Message("ingest.code.length", length=len(code))
    if not _USCC_SHAPE.match(code):
        bad = sorted({c for c in code if c not in USCC_CHARS})
        if bad:
            return Message("ingest.code.characters", characters="".join(bad))
        return Message("ingest.code.region_digits")
    expected = uscc_check_character(code[:17])
    if code[17] != expected:
        return Message("ingest.code.check", found=code[17], expected=expected)
    return None


def _within_one_edit(a: str, b: str) -> bool:
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + (len(a) == len(b)) :] == b[i + 1 :]


@dataclass
class CompanyMatch:
    """The outcome of resolving one name: the company's IRI (``None``: new), how, and doubts."""

    iri: str | None
    how: str  # "code", "label", "name", "new", "ambiguous"
    candidates: list[str] = field(default_factory=list)
    review: list[tuple[str, str]] = field(default_factory=list)  # (iri, reason)


class CompanyIndex:
    """Known companies by label, core name and credit code; grows as a table is read.

    >>> index = CompanyIndex()
    >>> index.add("co:asia-silicon", ["亚洲硅业（青海）股份有限公司", "亚洲硅业"])
    >>> index.match("亚洲硅业(青海)有限公司").iri
    'co:asia-silicon'
    >>> m = index.match("亚洲硅业（江苏）有限公司")
    >>> m.iri, m.review
    (None, [('co:asia-silicon', 'same core name 亚洲硅业, different place (江苏 / 青海)')])
    >>> index.match("亚州硅业").review
    [('co:asia-silicon', 'one character differs: 亚州硅业 / 亚洲硅业')]
    """

    def __init__(self, places: Iterable[str] = ()) -> None:
        self.places = tuple(places)
        self._labels: dict[str, set[str]] = defaultdict(set)
        self._cores: dict[str, set[tuple[str, tuple[str, ...]]]] = defaultdict(set)
        self._codes: dict[str, str] = {}
        self.codes_of: dict[str, str] = {}

    def parse(self, name: str) -> ParsedName:
        return parse_name(name, self.places)

    def add(self, iri: str, labels: Iterable[str], code: str | None = None) -> None:
        for label in labels:
            self._labels[fold(label)].add(iri)
            parsed = self.parse(label)
            self._cores[parsed.core].add((iri, parsed.places))
        if code:
            self._codes[code] = iri
            self.codes_of[iri] = code

    def by_code(self, code: str) -> str | None:
        return self._codes.get(code)

    def match(self, name: str) -> CompanyMatch:
        exact = self._labels.get(fold(name), set())
        if len(exact) == 1:
            return CompanyMatch(next(iter(exact)), "label")
        if len(exact) > 1:
            return CompanyMatch(None, "ambiguous", sorted(exact))
        parsed = self.parse(name)
        same_core = self._cores.get(parsed.core, set())
        places_of: dict[str, set[str]] = defaultdict(set)
        for iri, places in same_core:
            places_of[iri].update(places)
        compatible = {
            iri
            for iri, places in places_of.items()
            if not places or not parsed.places or places & set(parsed.places)
        }
        if len(compatible) > 1 and parsed.places:
            exact_places = {iri for iri, places in same_core if places == parsed.places}
            if len(exact_places) == 1:
                compatible = exact_places
        if len(compatible) == 1:
            return CompanyMatch(next(iter(compatible)), "name")
        if len(compatible) > 1:
            return CompanyMatch(None, "ambiguous", sorted(compatible))
        review: dict[str, str] = {}
        for iri, places in sorted(places_of.items()):
            theirs = "+".join(sorted(places))
            review.setdefault(
                iri,
                f"same core name {parsed.core}, "
                f"different place ({'+'.join(parsed.places)} / {theirs})",
            )
        if len(parsed.core) >= 3:
            for core, entries in sorted(self._cores.items()):
                if _within_one_edit(parsed.core, core):
                    for iri, _ in sorted(entries):
                        review.setdefault(iri, f"one character differs: {parsed.core} / {core}")
        return CompanyMatch(None, "new", review=sorted(review.items()))
