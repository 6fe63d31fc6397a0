"""Facts from Chinese text: ``chaingraph extract``.

Reads a Chinese article (government report, news) and proposes candidate facts in the
chaingraph ontology, each with the sentence it comes from, character offsets into the file,
a confidence and an assertion mode, for a person to review before loading.

>>> from chaingraph import open_store
>>> result = extract_text("2022年，宜宾市动力电池产量增长35.2%。", open_store(example=False))
>>> [(f.kind, f.quantity.value, f.family) for f in result.facts if f.kind == "statistic"]
[('statistic', 35.2, 'growth')]
"""

from __future__ import annotations

import hashlib
import weakref
from dataclasses import dataclass
from pathlib import Path

from .lexicon import Lexicon
from .model import Entity, Fact
from .rules import Extractor
from .segment import Document, tokenizer

__all__ = ["Extraction", "extract_file", "extract_text", "lexicon_for"]


@dataclass
class Extraction:
    """The candidate facts of one text."""

    document: Document
    facts: list[Fact]
    source_name: str
    digest: str
    region: Entity | None
    lexicon: Lexicon

    @property
    def slug(self) -> str:
        stem = "".join(
            c if c.isalnum() and c.isascii() else "-" for c in Path(self.source_name).stem
        )
        return f"{stem.strip('-') or 'text'}-{self.digest[:8]}"


_LEXICONS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def lexicon_for(store) -> Lexicon:
    """The names the store knows; cached per store and rebuilt when the store has changed
    size (after ``--load``, the next file sees the companies and places just loaded)."""
    cached = _LEXICONS.get(store)
    if cached is None or cached[0] != len(store):
        cached = (len(store), Lexicon.from_store(store))
        _LEXICONS[store] = cached
    return cached[1]


def extract_text(
    text: str, store, *, region: str | None = None, source_name: str = "text.txt"
) -> Extraction:
    """Extract candidate facts from ``text``.

    ``region`` (a region name, alias or CURIE known to ``store``, or a place named in the text)
    is what 我市/本市 mean; by default the most frequent city in the text.
    """
    import copy

    lexicon = copy.deepcopy(lexicon_for(store))
    cut = tokenizer(lexicon.user_words())
    document = Document(text)
    extractor = Extractor(lexicon, cut)
    home = _resolve_region(region, lexicon, document) if region else None
    facts = extractor.run(document, home)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Extraction(document, facts, source_name, digest, extractor.home, lexicon)


def _resolve_region(name: str, lexicon: Lexicon, document: Document) -> Entity:
    from ..vocabulary import fold as normalise
    from ..vocabulary import place_level

    if ":" in name:
        return Entity("region", lexicon.label(name), name, lexicon.region_level.get(name))
    pairs = [r for k, r in lexicon.names.get(normalise(name), []) if k == "region"]
    if pairs:
        return Entity(
            "region", lexicon.label(pairs[0]), pairs[0], lexicon.region_level.get(pairs[0])
        )
    if normalise(name) in document.norm.casefold():
        level = "province" if place_level(name) == "province" else "city"
        return Entity("region", name, None, level)
    from ..names import UnknownName

    raise UnknownName("extract.unknown_region", name=name)


def extract_file(path: str | Path, store, *, region: str | None = None) -> Extraction:
    """Extract candidate facts from a UTF-8 text file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        from ..store import StoreError

        raise StoreError("extract.not_utf8", path=path, byte=error.start) from None
    return extract_text(text, store, region=region, source_name=path.name)
