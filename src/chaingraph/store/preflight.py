"""Checks an RDF file passes before any parser sees it: bounds on what a file may ask of us.

Parsers trust their input more than a loader of strangers' files can. These checks are cheap
scans (regular expressions over the bytes, no parse tree) that refuse, with the file and line
named, what would make a parser expand, recurse or allocate without bound:

- **RDF/XML entity declarations** (``<!ENTITY`` in the DOCTYPE) are refused: a 1.7 KB file of
  nested entities ("billion laughs") expands to gigabytes. RDF data has no need of them.
- **Nesting depth**: JSON-LD objects and arrays, Turtle/TriG blank-node property lists
  ``[ ]`` and collections ``( )``, and RDF/XML elements may nest at most
  :data:`MAX_NESTING` levels. Deeper JSON-LD crashes the parser (a segfault from about 3,500
  levels) or Python's JSON reader (from about 1,000); deep RDF/XML takes quadratic time.
- **Literal size**: a literal over :data:`MAX_LITERAL_BYTES` (16 MiB, the parser's own buffer
  limit) is reported with its line (:func:`literal_too_long`), instead of a ``MemoryError``.
- **JSON-LD top level**: a document that is not an object or a list of objects (``[1,2,3]``)
  holds no RDF; it is refused instead of loading as 0 triples.

>>> check_rdf(b'<urn:s> <urn:p> [ <urn:p> ( 1 2 ) ] .', "turtle", "a.ttl")
>>> try:
...     check_rdf(b'{"a": ' * 300 + b'1' + b'}' * 300, "jsonld", "deep.jsonld")
... except StoreError as error:
...     print(error.code, error.params["line"], error.params["limit"])
input.too_deep 1 256
"""

from __future__ import annotations

import mmap
import re
from contextlib import contextmanager
from pathlib import Path

from .base import StoreError

__all__ = [
    "MAX_LITERAL_BYTES",
    "MAX_NESTING",
    "check_rdf",
    "check_rdf_file",
    "literal_too_long",
]

# Levels of nesting any RDF syntax may use. Real data nests a handful of levels; the limit is
# far below where a parser crashes (JSON-LD: about 1,000 for Python's JSON reader).
MAX_NESTING = 256
# Oxigraph's parser refuses a token over 16 MiB with a MemoryError; we name the line instead.
MAX_LITERAL_BYTES = 16 * 1024 * 1024

# Turtle/TriG tokens that matter for nesting: strings, IRIs and comments are skipped whole
# (a bracket inside them does not nest), brackets counted.
_TURTLE_TOKENS = re.compile(
    rb'"""[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*(?:"""|\Z)'
    rb"|'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*(?:'''|\Z)"
    rb'|"[^"\\\n]*(?:\\.[^"\\\n]*)*"?'
    rb"|'[^'\\\n]*(?:\\.[^'\\\n]*)*'?"
    rb"|<[^>\s]*>?"
    rb"|#[^\n]*"
    rb"|[\[\]()]",
    re.DOTALL,
)
_TURTLE_STRING = re.compile(rb'"""|\'\'\'|"|\'')
# JSON: strings skipped whole, brackets counted.
_JSON_TOKENS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]', re.DOTALL)
# XML: comments, CDATA, processing instructions, declarations skipped; tags counted.
_XML_TOKENS = re.compile(
    rb"<!--.*?(?:-->|\Z)"
    rb"|<!\[CDATA\[.*?(?:\]\]>|\Z)"
    rb"|<\?.*?(?:\?>|\Z)"
    rb"|<!(?:[^>\[]|\[[^\]]*\])*>?"
    rb"|<[^>\"']*(?:(?:\"[^\"]*\"|'[^']*')[^>\"']*)*>",
    re.DOTALL,
)
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)
_OPENERS = frozenset(b"[({")
_CLOSERS = frozenset(b"])}")
_WHAT = {
    "turtle": "input.nesting.turtle",
    "trig": "input.nesting.turtle",
    "jsonld": "input.nesting.jsonld",
    "rdfxml": "input.nesting.rdfxml",
}


def _line(data, position: int) -> int:
    """The line number of ``position`` (counted in slices: ``data`` may be a memory map)."""
    step = 1 << 20
    return 1 + sum(
        data[start : min(start + step, position)].count(b"\n") for start in range(0, position, step)
    )


def _too_deep(data, position: int, syntax: str, name: str) -> StoreError:
    return StoreError(
        "input.too_deep",
        file=name,
        line=_line(data, position),
        what=_message(_WHAT[syntax]),
        limit=MAX_NESTING,
    )


def _message(code: str):
    from ..messages import Message

    return Message(code)


def _bracket_depth(data, tokens: re.Pattern, syntax: str, name: str) -> None:
    depth = 0
    for match in tokens.finditer(data):
        first = match.group()[0]
        if first in _OPENERS and match.end() - match.start() == 1:
            depth += 1
            if depth > MAX_NESTING:
                raise _too_deep(data, match.start(), syntax, name)
        elif first in _CLOSERS and match.end() - match.start() == 1:
            depth = max(depth - 1, 0)


def _xml_depth(data, name: str) -> None:
    depth = 0
    for match in _XML_TOKENS.finditer(data):
        start, end = match.start(), match.end()
        second = data[start + 1 : start + 2]
        if second in (b"!", b"?") or data[end - 2 : end - 1] == b"/":
            continue  # a comment, declaration, instruction ... or an empty element <a/>
        if second == b"/":
            depth = max(depth - 1, 0)
        else:
            depth += 1
            if depth > MAX_NESTING:
                raise _too_deep(data, match.start(), "rdfxml", name)


def _xml_entities(data, name: str) -> None:
    """Refuse ``<!ENTITY`` declarations (in a DOCTYPE's internal subset)."""
    found = _ENTITY.search(data)
    if found is None and data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16: look again
        found = _ENTITY.search(bytes(data).decode("utf-16", "replace").encode("utf-8"))
        if found is not None:
            raise StoreError("input.xml_entities", file=name, line=1)
    if found is not None:
        raise StoreError("input.xml_entities", file=name, line=_line(data, found.start()))


def _jsonld_top_level(data, name: str) -> None:
    """A JSON-LD document is an object or a list of objects (``[1,2,3]`` holds no RDF)."""
    start = re.search(rb"\S", data)
    if start is None or data[start.start()] not in b"[{":
        raise StoreError("input.jsonld_not_rdf", file=name)
    if data[start.start()] == ord("["):
        after = re.compile(rb"\s*(.)", re.DOTALL).match(data, start.start() + 1)
        if after is not None and after.group(1) not in (b"{", b"]"):
            raise StoreError("input.jsonld_not_rdf", file=name)


def check_rdf(data, syntax: str, name: str) -> None:
    """Refuse what a parser should not be given (module docstring); ``None`` if fine.

    ``data`` is bytes (or any buffer: a memory map of a large file); ``syntax`` the name of an
    RDF syntax (``turtle``, ``trig``, ``jsonld``, ``rdfxml``; others have nothing to check).
    """
    if syntax in ("turtle", "trig"):
        if data.find(b"[") != -1 or data.find(b"(") != -1:
            _bracket_depth(data, _TURTLE_TOKENS, syntax, name)
    elif syntax == "jsonld":
        _jsonld_top_level(data, name)
        _bracket_depth(data, _JSON_TOKENS, syntax, name)
    elif syntax == "rdfxml":
        _xml_entities(data, name)
        _xml_depth(data, name)


@contextmanager
def _mapped(path: Path):
    with path.open("rb") as stream:
        if path.stat().st_size == 0:
            yield b""
            return
        with mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            yield mapped


def check_rdf_file(path: Path, syntax: str) -> None:
    """:func:`check_rdf` on a file, through a memory map (a large file is not read into memory)."""
    if syntax not in _WHAT:
        return
    with _mapped(path) as data:
        check_rdf(data, syntax, path.name)


def literal_too_long(data, name: str) -> StoreError:
    """The error for the first literal over :data:`MAX_LITERAL_BYTES` in ``data``.

    Called after the parser ran out of buffer, to say where; when no such literal is found (a
    long IRI or name), the error names the file and the limit.
    """
    position = 0
    while (start := _TURTLE_STRING.search(data, position)) is not None:
        match = _TURTLE_TOKENS.match(data, start.start())
        end = match.end() if match else start.end()
        if end - start.start() > MAX_LITERAL_BYTES:
            line = _line(data, start.start())
            return StoreError("input.literal_too_long", file=name, line=line, limit="16 MiB")
        position = max(end, start.end())
    return StoreError("input.token_too_long", file=name, limit="16 MiB")


def literal_too_long_in_file(path: Path) -> StoreError:
    """:func:`literal_too_long` for a file, read through a memory map."""
    with _mapped(path) as data:
        return literal_too_long(data, path.name)
