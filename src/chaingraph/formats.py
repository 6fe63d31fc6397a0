"""Input formats: a small registry of RDF syntaxes and a hook for other importers.

Each format has a name, aliases (including its media type) and file extensions, like rdflib's
parser plugins. ``chaingraph load`` guesses the format from the extension unless ``--format``
names one.

>>> rdf_format("ttl").name, rdf_format("text/turtle").name, rdf_format("JSON-LD").name
('turtle', 'turtle', 'jsonld')
>>> guess_format("facts.nq").name
'nquads'
>>> try:
...     guess_format("facts.docx")
... except UnknownFormat as error:
...     print(error.text("en"))
facts.docx: unknown file type '.docx'; known: ... Name the format with --format.

Other importers register a function by extension with :func:`register_importer`. Company
sheets (``.csv``, ``.tsv``, ``.txt``, ``.xlsx``, see :mod:`chaingraph.ingest`) are registered
this way on first use.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .messages import ChaingraphError

__all__ = [
    "FORMATS",
    "Importer",
    "RdfSyntax",
    "UnknownFormat",
    "guess_format",
    "importers",
    "known_formats",
    "rdf_format",
    "register_importer",
]


class UnknownFormat(ChaingraphError, ValueError):
    """A format name or file extension that no parser or importer handles."""


@dataclass(frozen=True)
class RdfSyntax:
    name: str
    oxigraph: ox.RdfFormat
    extensions: tuple[str, ...]
    aliases: tuple[str, ...] = field(default=())

    @property
    def media_type(self) -> str:
        return self.oxigraph.media_type

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases, self.media_type, *self.extensions)


FORMATS: tuple[RdfSyntax, ...] = (
    RdfSyntax("turtle", ox.RdfFormat.TURTLE, ("ttl",), ("text/turtle",)),
    RdfSyntax("ntriples", ox.RdfFormat.N_TRIPLES, ("nt",), ("n-triples", "nt11")),
    RdfSyntax("nquads", ox.RdfFormat.N_QUADS, ("nq",), ("n-quads",)),
    RdfSyntax("trig", ox.RdfFormat.TRIG, ("trig",)),
    RdfSyntax("jsonld", ox.RdfFormat.JSON_LD, ("jsonld",), ("json-ld",)),
    RdfSyntax("rdfxml", ox.RdfFormat.RDF_XML, ("rdf", "owl", "xml"), ("rdf/xml", "xml")),
)

# A file importer: (path, graph IRI, store, **options) -> (RDF, summary or None), where RDF is
# N-Triples/Turtle bytes or an iterable of quads. See register_importer.
Importer = Callable[..., tuple[bytes | Iterable[ox.Quad], Any]]

_IMPORTERS: dict[str, tuple[str, Importer]] = {}
_BUILTINS_DONE = False


def register_importer(extension: str, name: str, importer: Importer) -> None:
    """Let ``chaingraph load`` read files ending in ``.extension`` with ``importer``.

    ``name`` is what ``--format`` accepts for it. The importer is called as
    ``importer(path, graph, store, **options)`` and must not write to the store (it may read
    it, to resolve names): it returns the RDF for ``graph`` (Turtle/N-Triples bytes, or quads)
    and an optional summary for the user (a :class:`~chaingraph.messages.Message`, put into
    words in the command's language, or a string); the loader writes it, with its record, in one
    transaction. Bad input raises :class:`~chaingraph.store.StoreError` naming file and row.
    """
    _IMPORTERS[extension.lower().lstrip(".")] = (name, importer)


def _table_importer(path: Path, graph: str, store, *, skip_bad_rows: bool = False, **_options):
    from .ingest import table_to_rdf

    rdf, report = table_to_rdf(store, path, graph=graph, skip_bad_rows=skip_bad_rows)
    return rdf, report.message()


def _register_builtins() -> None:
    global _BUILTINS_DONE
    if _BUILTINS_DONE:
        return
    _BUILTINS_DONE = True
    try:
        from .ingest import TABLE_SUFFIXES
    except ImportError:  # pragma: no cover - a build without the spreadsheet importer
        return
    for suffix in TABLE_SUFFIXES:
        _IMPORTERS.setdefault(suffix.lstrip("."), ("table", _table_importer))


def importers() -> dict[str, tuple[str, Importer]]:
    """Registered non-RDF importers by extension."""
    _register_builtins()
    return dict(_IMPORTERS)


def known_formats() -> str:
    """One line naming every format and its extensions, for error messages."""
    parts = [f"{f.name} (.{', .'.join(f.extensions)})" for f in FORMATS]
    parts += [f"{name} (.{ext})" for ext, (name, _) in sorted(importers().items())]
    return ", ".join(parts)


def rdf_format(name: str) -> RdfSyntax:
    """The RDF syntax called ``name`` (a name, alias, media type or extension; any case)."""
    wanted = name.lower().lstrip(".")
    for syntax in FORMATS:
        if wanted in syntax.names:
            return syntax
    raise UnknownFormat("formats.unknown_format", name=name, known=known_formats())


def guess_format(path: str | Path) -> RdfSyntax | str:
    """The RDF syntax for this file name, or the extension of a registered importer."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix in importers():
        return suffix
    for syntax in FORMATS:
        if suffix in syntax.extensions:
            return syntax
    raise UnknownFormat(
        "formats.unknown_type", file=Path(path).name, suffix=suffix, known=known_formats()
    )


def resolve_format(path: str | Path, name: str | None) -> RdfSyntax | str:
    """``--format`` if given (an RDF syntax or an importer's name), else guessed from ``path``."""
    if name is None:
        return guess_format(path)
    for ext, (importer_name, _) in importers().items():
        if name.lower() in (importer_name, ext):
            return ext
    return rdf_format(name)
