"""Every user-facing text, in catalogs: one TOML file per language, one entry per code.

Code raises and returns *codes with named parameters*, never sentences; the words are chosen
where the text reaches the user (the command line's error handler, a renderer), in the
language asked for there. Adding a language is adding one catalog file (``xx.toml`` beside
this module) with the same codes; a test checks that every catalog has the same codes and the
same parameters per code. A catalog may also be split into a folder ``xx/`` of area files
(``xx/companies.toml``...), merged with ``xx.toml``: a feature brings its own file, and a
code defined in two files of one language is an error.

>>> text("cli.load.file", "en", file="a.ttl", triples=1, graph="urn:a")
'  a.ttl: 1 triple -> <urn:a>'
>>> text("cli.drop.done", "zh", graph="urn:a", triples=1200)
'已删除 <urn:a>（1,200 个三元组）'
>>> kind = Message("names.kind.chain")  # a parameter that is words, in the same language
>>> text("names.ambiguous", "zh", kind=kind, name="光", matches=["光伏", "光热"])
'产业链「光」有歧义：光伏、光热。请改用 id。'

An error carries its code and parameters and is rendered in the language of the boundary it
reaches; ``str(error)`` uses :func:`~chaingraph.labels.default_language`:

>>> error = ChaingraphError("cli.nothing_to_load")
>>> error.text("en")
'nothing to load: name RDF files, or --example for the Xining facts'

Why TOML: it is in the standard library (``tomllib``), a translator edits one flat file
without Python, and ``{name}`` placeholders are ``str.format`` fields, checked by a test.
gettext ``.po`` files would need compiling (Babel) for no gain at this size.

Placeholders are ``str.format`` fields, with one addition: ``{n:plural:file:files}`` picks
the first word when ``n`` is 1 and the second otherwise (Chinese does not inflect and simply
leaves the field out); ``{items:join:list.semicolon}`` joins a list with the separator of
another code than ``list.separator``. A parameter that is a :class:`Message` is rendered in the same
language; a list or tuple is joined with the catalog's ``list.separator``.
"""

from __future__ import annotations

import errno
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

__all__ = [
    "ChaingraphError",
    "Message",
    "catalog",
    "catalogs",
    "click_catalog",
    "os_reason",
    "text",
]

_FALLBACK = "en"
_CLICK = "click"  # the table of click's own messages, keyed by click's English text
_FOLDER = Path(__file__).parent  # the catalogs: <language>.toml, plus <language>/*.toml


def _default_language() -> str:
    from ..labels import default_language

    return default_language()


def _files(lang: str) -> list[Path]:
    return [_FOLDER / f"{lang}.toml", *sorted((_FOLDER / lang).glob("*.toml"))]


@cache
def _load(lang: str) -> dict[str, Any]:
    import tomllib  # read only when a message is written: not on the way to a command's work

    merged: dict[str, Any] = {}
    for path in _files(lang):
        _merge(merged, tomllib.loads(path.read_text(encoding="utf-8")), path)
    return merged


def _merge(into: dict[str, Any], table: Mapping[str, Any], path: Path, prefix: str = "") -> None:
    for key, value in table.items():
        if isinstance(value, Mapping) and isinstance(into.get(key, {}), dict):
            _merge(into.setdefault(key, {}), value, path, f"{prefix}{key}.")
        elif key in into:
            raise ValueError(f"{path.name}: {prefix}{key} is defined twice in the catalogs")
        else:
            into[key] = value


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


@cache
def catalog(lang: str) -> dict[str, str]:
    """The messages of ``lang`` by code (click's own messages are in :func:`click_catalog`)."""
    return _flatten({k: v for k, v in _load(lang).items() if k != _CLICK})


@cache
def click_catalog(lang: str) -> dict[str, str]:
    """click's usage-error messages in ``lang``, keyed by click's English text (its msgid)."""
    return dict(_load(lang).get(_CLICK, {}))


@cache
def catalogs() -> tuple[str, ...]:
    """The languages that have a catalog file."""
    return tuple(sorted(path.stem for path in _FOLDER.glob("*.toml")))


class _Formatter(string.Formatter):
    """``str.format`` plus ``{n:plural:one:other}``, rendering Message and list parameters."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec.startswith("plural:"):
            one, other = format_spec.removeprefix("plural:").split(":", 1)
            return one if value == 1 else other
        if format_spec.startswith("join:"):  # a list joined by another separator's code
            separator = text(format_spec.removeprefix("join:"), self.lang)
            return separator.join(str(_render(item, self.lang)) for item in value)
        return super().format_field(_render(value, self.lang), format_spec)


def _render(value: Any, lang: str) -> Any:
    if isinstance(value, Message):
        return value.text(lang)
    if isinstance(value, list | tuple):
        separator = text("list.separator", lang)
        return separator.join(str(_render(item, lang)) for item in value)
    return value


def text(code: str, lang: str | None = None, /, **params: Any) -> str:
    """The message ``code`` in ``lang`` (default: ``$CHAINGRAPH_LANG``, else zh).

    A code missing from ``lang``'s catalog falls back to English; a string that is in no
    catalog is returned as it is (a message not yet in the catalogs: an error path must not
    fail on its own message; tests check that every code the sources use exists).
    """
    lang = lang or _default_language()
    template = catalog(lang).get(code) if lang in catalogs() else None
    if template is None:
        template = catalog(_FALLBACK).get(code)
    if template is None:
        return code
    return _Formatter(lang).format(template, **params)


@dataclass(frozen=True)
class Message:
    """A message not yet put into words: a code and its parameters.

    Analyses and errors carry these; renderers call :meth:`text` in their language.
    """

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __init__(self, code: str, /, **params: Any) -> None:
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "params", params)

    def text(self, lang: str | None = None) -> str:
        return text(self.code, lang, **self.params)

    def __str__(self) -> str:
        return self.text()

    def __reduce__(self):
        return (_message, (self.code, dict(self.params)))


def _message(code: str, params: dict) -> Message:
    return Message(code, **params)


def os_reason(error: OSError) -> Message | str:
    """Why the system refused, in words of the catalogs (``os.eacces`` ...) when they have
    them, else the system's own text."""
    name = errno.errorcode.get(error.errno or -1, "")
    code = f"os.{name.lower()}"
    if name and code in catalog(_FALLBACK):
        return Message(code)
    return error.strerror or str(error)


class ChaingraphError(Exception):
    """An error whose text comes from the catalogs: a code and named parameters.

    Subclasses keep their own names (``UnknownName``, ``OutputError`` ...), so callers'
    ``except`` clauses do not change. The text is chosen where the error is shown:
    ``error.text(lang)``; ``str(error)`` renders it in :attr:`lang`, which a part with a
    language of its own sets (a :class:`~chaingraph.workspace.Workspace` opened in English
    raises English errors), else in the default language. An error built from a plain
    sentence (not a code) shows that sentence.
    """

    lang: str | None = None

    def __init__(self, code: str, /, **params: Any) -> None:
        super().__init__(code)
        self.message = Message(code, **params)

    def speaking(self, lang: str | None) -> ChaingraphError:
        """This error, with ``str()`` in ``lang`` unless a language was set before."""
        self.lang = self.lang or lang
        return self

    @property
    def code(self) -> str:
        return self.message.code

    @property
    def params(self) -> Mapping[str, Any]:
        return self.message.params

    def text(self, lang: str | None = None) -> str:
        return self.message.text(lang or self.lang)

    def __str__(self) -> str:
        return self.text()

    def __reduce__(self):
        # Errors cross process boundaries (query workers); subclasses may have their own
        # __init__ signature, so rebuild without calling it.
        return (_rebuild, (type(self), self.args, self.__dict__))


def _rebuild(cls: type, args: tuple, state: dict) -> ChaingraphError:
    error = Exception.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error
