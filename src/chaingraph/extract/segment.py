"""Text preparation: a normalised view of the source with offsets back into the raw file.

The article is matched in a *normalised* form: whitespace removed (hard line breaks inside
sentences, spaces inside numbers such as ``1386.2 亿元``) and full-width ASCII folded to ASCII
(``１０ＧＷ`` -> ``10GW``). Every normalised character keeps the offset of the raw character it
came from, so a quote can cite ``charStart``/``charEnd`` in the original file; its ``prov:value``
is the raw text of that span with whitespace removed (the convention of the bundled quotes).

>>> doc = Document("规 模\\n以上 1386.2 亿元。")
>>> doc.norm
'规模以上1386.2亿元。'
>>> start, end = doc.raw_span(4, 12)
>>> doc.raw[start:end]
'1386.2 亿元'
>>> [s.value for s in doc.sentences]
['规模以上1386.2亿元。']

jieba is only imported when a tokenizer is asked for (:func:`tokenizer`); its dictionary is
loaded once per process, quietly, with our stage, company and place names as a user dictionary.
"""

from __future__ import annotations

import logging
import re
import threading
import warnings
from array import array
from dataclasses import dataclass, field
from functools import cached_property

from ..vocabulary import fold_width

__all__ = ["Document", "Sentence", "Token", "tokenizer"]

_TERMINATORS = "。！？；!?;"
_OPEN_QUOTES = "“‘「『"
_CLOSE_QUOTES = "”’」』"
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
HEADING_MAX = 30  # a paragraph this short without a full stop is a heading, a sentence of its own
# The longest sentence the rules look at (characters, whitespace removed). A longer run of text
# without a full stop (a table pasted as text, a damaged file) is cut into pieces of at most
# this length, after a comma where there is one, so that the work per sentence stays bounded.
SENTENCE_MAX = 2_000
_SOFT_BREAKS = "，,、：:）)"


@dataclass(frozen=True)
class Sentence:
    """A sentence: offsets into the normalised text (``start``/``end``) and the raw file."""

    index: int
    start: int
    end: int
    raw_start: int
    raw_end: int
    text: str  # normalised
    value: str  # raw characters, whitespace removed (what prov:value quotes)


@dataclass(frozen=True)
class Token:
    word: str
    flag: str
    start: int  # offset into the normalised text
    end: int


@dataclass
class Document:
    """A source text, its normalised form, the offset map and the sentences."""

    raw: str
    norm: str = field(init=False)
    index: array = field(init=False, repr=False)

    def __post_init__(self) -> None:
        chars: list[str] = []
        index = array("q")  # 8 bytes an offset: a long text's map stays small
        for position, char in enumerate(self.raw):
            if char.isspace():
                continue
            chars.append(fold_width(char))
            index.append(position)
        self.norm = "".join(chars)
        self.index = index

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw offsets ``[a, b)`` of the normalised span ``[start, end)``."""
        if end <= start:
            at = self.index[start] if start < len(self.index) else len(self.raw)
            return at, at
        return self.index[start], self.index[end - 1] + 1

    def raw_value(self, start: int, end: int) -> str:
        """The raw characters of a normalised span, whitespace removed."""
        a, b = self.raw_span(start, end)
        return "".join(self.raw[a:b].split())

    def _paragraph_break_before(self, position: int) -> bool:
        if position == 0 or position >= len(self.index):
            return False
        between = self.raw[self.index[position - 1] + 1 : self.index[position]]
        return bool(_BLANK_LINE.search(between))

    @cached_property
    def sentences(self) -> list[Sentence]:
        """Split at 。！？； outside quotation marks, at the end of a paragraph that ends in
        a full stop or an ellipsis, and around headings (short paragraphs without a full stop).
        A blank line in the middle of a sentence (a page break) does not split it."""
        text = self.norm
        bounds: list[tuple[int, int]] = []
        start = 0
        depth = 0
        para_start = 0
        for i, char in enumerate(text):
            if i > start and self._paragraph_break_before(i):
                before = text[start:i]
                paragraph = text[para_start:i]
                if before[-1] in _TERMINATORS + "…" + _CLOSE_QUOTES or (
                    len(paragraph) <= HEADING_MAX and not any(t in paragraph for t in "。！？")
                ):
                    bounds.append((start, i))
                    start = i
                    depth = 0
                para_start = i
            elif self._paragraph_break_before(i):
                para_start = i
            if char in _OPEN_QUOTES:
                depth += 1
            elif char in _CLOSE_QUOTES:
                depth = max(0, depth - 1)
            elif char in _TERMINATORS and depth == 0:
                end = i + 1
                while end < len(text) and text[end] in _CLOSE_QUOTES:
                    end += 1
                if end == i + 1:
                    bounds.append((start, end))
                    start = end
        if start < len(text):
            bounds.append((start, len(text)))
        sentences = []
        for start, end in _bounded(text, bounds):
            if end <= start:
                continue
            a, b = self.raw_span(start, end)
            sentences.append(
                Sentence(
                    len(sentences), start, end, a, b, text[start:end], self.raw_value(start, end)
                )
            )
        return sentences


def _bounded(text: str, bounds: list[tuple[int, int]]):
    """``bounds``, with every span over :data:`SENTENCE_MAX` cut into pieces no longer.

    >>> list(_bounded("a，" * 1500, [(0, 3000)]))
    [(0, 2000), (2000, 3000)]
    """
    for start, end in bounds:
        while end - start > SENTENCE_MAX:
            cut = start + SENTENCE_MAX
            soft = max(text.rfind(c, start + SENTENCE_MAX // 2, cut) for c in _SOFT_BREAKS)
            cut = soft + 1 if soft != -1 else cut
            yield start, cut
            start = cut
        yield start, end


_LOCK = threading.Lock()
_JIEBA = None
_TOKENIZERS: dict[frozenset, object] = {}


def _load_jieba():
    global _JIEBA
    if _JIEBA is None:
        with warnings.catch_warnings():
            # jieba imports pkg_resources, which newer setuptools deprecates (a warning about
            # jieba's packaging, not about anything we do): silence exactly that, only here.
            for category in (DeprecationWarning, UserWarning):
                warnings.filterwarnings(
                    "ignore", message=r"pkg_resources is deprecated", category=category
                )
                warnings.filterwarnings(
                    "ignore", message=r"Deprecated call to `pkg_resources", category=category
                )
            import jieba
            import jieba.posseg

        jieba.setLogLevel(logging.WARNING)
        logging.getLogger("jieba").setLevel(logging.WARNING)
        _JIEBA = jieba
    return _JIEBA


def tokenizer(user_words: dict[str, str] | None = None):
    """A function ``(text, offset) -> list[Token]``: jieba with part-of-speech tags.

    ``user_words`` maps words (stage, company and place names) to a part-of-speech tag; they
    go into a user dictionary so that they come out as single tokens. Each distinct set of
    words gets its own jieba tokenizer (loaded once, about a second), so what one store knows
    never leaks into the segmentation of another.
    """
    words = {w: f for w, f in (user_words or {}).items() if len(w) > 1}
    key = frozenset(words.items())
    with _LOCK:
        if key not in _TOKENIZERS:
            jieba = _load_jieba()
            base = jieba.Tokenizer()
            base.initialize()
            for word, flag in sorted(words.items()):
                base.add_word(word, freq=None, tag=flag)
            if len(_TOKENIZERS) >= 4:
                _TOKENIZERS.pop(next(iter(_TOKENIZERS)))
            _TOKENIZERS[key] = jieba.posseg.POSTokenizer(base)
        pos = _TOKENIZERS[key]

    def cut(text: str, offset: int = 0) -> list[Token]:
        tokens = []
        position = offset
        for pair in pos.cut(text, HMM=True):
            word, flag = pair.word, pair.flag
            tokens.append(Token(word, flag, position, position + len(word)))
            position += len(word)
        return tokens

    cut.freq = pos.tokenizer.FREQ  # word frequencies of jieba's dictionary
    return cut
