"""One resolver for company names, used by sheet import, text extraction and name arguments.

Rules, in order; the first that decides wins and is recorded with its score:

1. ``code``: the unified social credit code of a known company;
2. ``decision``: a pair a user confirmed (``owl:sameAs``) earlier;
3. ``alias``: a label or alias of a known company, as written (folded);
4. ``key``: the same normalised full legal name (:func:`.keys.company_key`) as a label;
5. ``new``: none of these: the company's IRI is minted from its key (:func:`.keys.minted_iri`).

A new company is never merged on a resemblance: similar names (``short``, ``typo``,
``fuzzy``: :func:`resemblance`), the same core with a place on one side only (``core``) or
in another place (``place``), the same name under another code (``code-conflict``) become
*candidates* for review, unless a user rejected the pair (``cg:notSame``). Groups are
separate companies: :meth:`CompanyResolver.group_of` reads the group a plant company's name
implies.

>>> resolver = CompanyResolver()
>>> d = resolver.resolve("晶科")
>>> d.iri, d.rule
('co:jinko', 'alias')
>>> d = resolver.resolve("晶科能源（乐山）有限公司")
>>> d.iri.startswith("co:n-"), d.rule, resolver.group_of("晶科能源（乐山）有限公司")
(True, 'new', ('co:jinko', 'alias'))
>>> resolver.add(resolver.resolve("永祥股份").iri, ["永祥股份"])
>>> d = resolver.resolve("四川永祥股份有限公司")
>>> d.rule, [(c.rule, c.score) for c in d.candidates]
('new', [('core', 1.0)])
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from ..namespaces import curie
from ..vocabulary import fold, mint_company_iri
from .keys import company_key, group_name, is_branch, minted_iri, parsed
from .registry import bundled_companies

__all__ = ["FUZZY_THRESHOLD", "Candidate", "CompanyResolver", "Decision"]

# Review threshold for rapidfuzz's ratio of two core names (0-100): tuned on the development
# half of benchmarks/company_names.csv only (see benchmarks/names.py).
FUZZY_THRESHOLD = 80.0
# A character bigram held by more companies than this does not select candidates (科技, 能源
# are in thousands of names); the others keep fuzzy matching off the full list.
_COMMON_BIGRAM = 2000


@dataclass(frozen=True)
class Candidate:
    """A known company a new name may be: its IRI, the rule that found it and its score."""

    iri: str
    rule: str  # "fuzzy", "core", "code-conflict"
    score: float  # 0-1
    why: str = ""


@dataclass
class Decision:
    """How one name was resolved: the company, the rule, its score and any candidates."""

    name: str
    iri: str | None
    rule: str  # "code", "decision", "key", "alias", "new", "ambiguous"
    score: float = 1.0
    candidates: list[Candidate] = field(default_factory=list)
    matches: list[str] = field(default_factory=list)  # when ambiguous

    @property
    def is_new(self) -> bool:
        return self.rule == "new"

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "iri": self.iri,
            "rule": self.rule,
            "score": self.score,
            "candidates": [c.__dict__ for c in self.candidates],
        }


class CompanyResolver:
    """Known companies by credit code, key, label and core name; grows as names are added.

    Parameters
    ----------
    curated : bool
        Include the bundled data's companies (default), so that their names resolve to
        their curated IRIs whether or not the bundled files are loaded.
    same, not_same : iterable of (CURIE, CURIE)
        Pairs users confirmed or rejected: the first of a ``same`` pair resolves to the
        second; a ``not_same`` pair is never offered for review again.
    """

    def __init__(
        self,
        *,
        curated: bool = True,
        same: Iterable[tuple[str, str]] = (),
        not_same: Iterable[tuple[str, str]] = (),
    ) -> None:
        self._codes: dict[str, str] = {}
        self.codes_of: dict[str, str] = {}
        self._keys: dict[str, set[str]] = defaultdict(set)
        self._labels: dict[str, set[str]] = defaultdict(set)
        self._cores: dict[str, set[str]] = defaultdict(set)
        self._bigrams: dict[str, set[str]] = defaultdict(set)  # bigram -> core names
        self.names_of: dict[str, list[str]] = defaultdict(list)
        self.curated: set[str] = set()
        self.parents: dict[str, str] = {}
        self.same = dict(same)
        self.not_same = {frozenset(pair) for pair in not_same}
        if curated:
            registry = bundled_companies()
            for iri, labels in registry.labels.items():
                self.add(iri, labels)
                self.curated.add(iri)
            for code, iri in registry.codes.items():
                self._add_code(iri, code)
            self.parents.update(registry.parent)

    # ------------------------------------------------------------------ the index

    def add(self, iri: str, labels: Iterable[str], code: str | None = None) -> None:
        """Make ``iri`` known under ``labels`` (and ``code``)."""
        for label in labels:
            if not label or label in self.names_of[iri]:
                continue
            self.names_of[iri].append(label)
            self._labels[fold(label)].add(iri)
            self._keys[company_key(label)].add(iri)
            core = parsed(label).core
            if core not in self._cores:
                for gram in _bigrams(core):
                    self._bigrams[gram].add(core)
            self._cores[core].add(iri)
        if code:
            self._add_code(iri, code)

    def _add_code(self, iri: str, code: str) -> None:
        self._codes.setdefault(code, iri)
        self.codes_of.setdefault(iri, code)

    def knows(self, iri: str) -> bool:
        return iri in self.names_of

    # ------------------------------------------------------------------ resolving

    def resolve(self, name: str, code: str | None = None) -> Decision:
        """The company ``name`` (with ``code``, when known) is, and how it was decided."""
        if code and code in self._codes:
            return self._decided(name, self._codes[code], "code")
        minted = minted_iri(name)
        if minted in self.same:
            return self._decided(name, self.same[minted], "decision")
        for rule, found in (("alias", self._labels), ("key", self._keys)):
            matches = self._preferred(
                found.get(fold(name) if rule == "alias" else company_key(name))
            )
            if len(matches) == 1:
                decision = self._decided(name, matches[0], rule)
                return self._checked_code(decision, code)
            if len(matches) > 1:
                return Decision(name, None, "ambiguous", 0.0, matches=matches)
        return Decision(name, minted, "new", 1.0, self.candidates(name, minted))

    def _decided(self, name: str, iri: str, rule: str) -> Decision:
        return Decision(name, self.same.get(iri, iri), rule, 1.0)

    def _preferred(self, iris: set[str] | None) -> list[str]:
        """Matches, the curated ones first when several companies share a name."""
        if not iris:
            return []
        curated = sorted(iris & self.curated)
        return curated if len(curated) == 1 else sorted(iris)

    def _checked_code(self, decision: Decision, code: str | None) -> Decision:
        """A name match under another credit code is another company, for review."""
        known = self.codes_of.get(decision.iri or "")
        if not code or known in (None, code):
            return decision
        other = Candidate(decision.iri, "code-conflict", 1.0, f"{known} / {code}")
        # The name's own IRI is the other company's: this one is keyed by its code.
        return Decision(decision.name, curie(mint_company_iri("", code)), "new", 1.0, [other])

    def candidates(self, name: str, iri: str | None = None) -> list[Candidate]:
        """Known companies ``name`` resembles, best first (never merged: for review)."""
        key = parsed(name)
        found: dict[str, Candidate] = {}
        if not is_branch(name):  # a branch is part of its company: a group tie, not a doubt
            for other in sorted(self._cores.get(key.core, ())):
                rule = "core" if self._placed_alike(key.places, other) else "place"
                found[other] = Candidate(other, rule, 1.0 if rule == "core" else 0.9, key.core)
        if len(key.core) >= 2:
            for other_core in _worth_comparing(key.core, self._similar_cores(key.core)):
                rule, score = resemblance(key.core, other_core)
                for other in sorted(self._cores[other_core]) if rule else ():
                    found.setdefault(other, Candidate(other, rule, score, other_core))
        return sorted(
            (c for iri_, c in found.items() if iri_ != iri and not self._rejected(iri, iri_)),
            key=lambda c: (-c.score, c.iri),
        )[:5]

    def _placed_alike(self, places: tuple[str, ...], other: str) -> bool:
        """The same core with a place on one side only: the company itself, or its plant?
        (Places on both sides that differ: rule ``place``, most often a sister company.)"""
        theirs = {p for label in self.names_of[other] for p in parsed(label).places}
        return not places or not theirs

    def _similar_cores(self, core: str):
        """The core names sharing a (not too common) bigram with ``core``, and their companies."""
        pool: set[str] = set()
        for gram in _bigrams(core):
            holders = self._bigrams.get(gram, set())
            if len(holders) <= _COMMON_BIGRAM:
                pool |= holders
        pool.discard(core)
        return sorted(pool)

    def _rejected(self, a: str | None, b: str) -> bool:
        return a is not None and frozenset((a, b)) in self.not_same

    # ------------------------------------------------------------------ groups

    def group_of(self, name: str) -> tuple[str, str] | None:
        """``(group IRI, rule)`` of the group ``name`` implies, when that group is known."""
        group = group_name(name)
        if group is None:
            return None
        decision = self.resolve(group)
        if decision.rule in ("key", "alias", "code", "decision"):
            return decision.iri, decision.rule
        return None

    def plants_of(self, name: str) -> list[str]:
        """Known companies whose names imply ``name`` as their group (for a new group)."""
        core = parsed(name).core
        if parsed(name).places:
            return []
        return sorted(
            iri
            for iri in self._cores.get(core, ())
            if any(group_name(label) == core for label in self.names_of[iri])
            and not any(not parsed(label).places for label in self.names_of[iri])
        )


def _worth_comparing(core: str, pool: list[str]) -> list[str]:
    """The cores of ``pool`` that :func:`resemblance` may accept, found by rapidfuzz in C over
    the whole pool at once (one Python call per pair was most of the time at 50,000
    companies)."""
    if not pool:
        return []
    n = len(core)
    ratios = process.cdist([core], pool, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD)[0]
    edits = process.cdist([core], pool, scorer=Levenshtein.distance, score_cutoff=1)[0]
    starts = process.cdist([core], [c[:n] for c in pool], scorer=Levenshtein.distance)[0]
    return [
        other
        for other, ratio, edit, start in zip(pool, ratios, edits, starts, strict=True)
        if ratio or edit <= 1 or start <= 1 or core.startswith(other)
    ]


def resemblance(core: str, other: str) -> tuple[str | None, float]:
    """``(rule, score)`` when two core names are alike enough to review, else ``(None, 0)``.

    ``short``: one is the start of the other (阿特斯 / 阿特斯阳光电力); ``typo``: one
    character differs, or the short one is one character off the other's start (天和光能 /
    天合光能); ``fuzzy``: rapidfuzz's ratio reaches :data:`FUZZY_THRESHOLD`.

    >>> resemblance("阿特斯", "阿特斯阳光电力"), resemblance("天和光能", "天合光能")
    (('short', 0.429), ('typo', 0.75))
    >>> resemblance("宝丰昱能科技", "昱能科技")  # another company: for review, never merged
    ('fuzzy', 0.8)
    >>> resemblance("协鑫科技", "协鑫能科")
    (None, 0.0)
    """
    short, long = (core, other) if len(core) <= len(other) else (other, core)
    if long.startswith(short) and len(short) >= 2:
        return "short", round(len(short) / len(long), 3)
    if len(short) >= 3 and (
        Levenshtein.distance(short, long) == 1
        or Levenshtein.distance(short, long[: len(short)]) == 1
    ):
        return "typo", round(1 - 1 / len(short), 3)
    score = fuzz.ratio(core, other, score_cutoff=FUZZY_THRESHOLD)
    if score:
        return "fuzzy", round(score / 100, 3)
    return None, 0.0


def _bigrams(text: str) -> set[str]:
    """Character bigrams, and skip-grams (first and third characters) that survive a typo in
    the middle: 新宙邦 and 新宇邦 share none of their bigrams but share 新_邦."""
    grams = {text[i : i + 2] for i in range(len(text) - 1)}
    grams |= {text[i] + "_" + text[i + 2] for i in range(len(text) - 2)}
    return grams or {text}
