"""Output renderers, registered per result type and format.

A renderer is one function that turns one kind of result (a :class:`~chaingraph.analysis.gaps.
GapReport`, SPARQL solutions, a validation report...) into text in one format. The command
line offers, for each command, the formats registered for its result type, so adding a format
is one function:

>>> from dataclasses import dataclass
>>> @dataclass
... class Greeting:
...     name: str
>>> @register(Greeting, "shout", "loud")
... def _shout(greeting, *, punctuation="!"):
...     return f"HELLO {greeting.name.upper()}{punctuation}\\n"
>>> formats(Greeting)
('shout', 'loud')
>>> print(render(Greeting("xining"), "loud", punctuation="!!", unused="ignored"), end="")
HELLO XINING!!
>>> unregister(Greeting, "shout")
>>> formats(Greeting)
()

A renderer takes the result and keyword options; :func:`render` passes it only the options
its signature names (all of them if it takes ``**options``), so one call site can give every
format the options any of them uses. Renderers are found along the result's class hierarchy.

The renderers of the library's own result types live in the modules listed in
:data:`HOMES`; such a module is imported the first time its type is rendered or its formats
are asked for, so a command imports only what it prints with.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable

from ..messages import ChaingraphError

__all__ = ["HOMES", "FormatError", "formats", "register", "render", "renderer", "unregister"]

Renderer = Callable[..., object]

# Where the renderers of each result type are registered ("module.Class" -> module).
HOMES: dict[str, str] = {
    "chaingraph.analysis.gaps.GapReport": "chaingraph.render.gaps",
    "chaingraph.analysis.overview.GapsOverview": "chaingraph.render.gaps",
    "chaingraph.analysis.targets.Targets": "chaingraph.render.planning",
    "chaingraph.analysis.impact.ImpactResult": "chaingraph.render.planning",
    "chaingraph.analysis.timeline.DiffResult": "chaingraph.render.planning",
    "chaingraph.render.tables.RowTable": "chaingraph.render.tables",
    "chaingraph.render.report.PlanningReport": "chaingraph.render.report",
    "chaingraph.render.export.GraphExport": "chaingraph.render.export",
    "chaingraph.validate.ValidationReport": "chaingraph.validate",
    "chaingraph.extract.Extraction": "chaingraph.render.extraction",
    "pyoxigraph.QuerySolutions": "chaingraph.sparql",
    "pyoxigraph.QueryBoolean": "chaingraph.sparql",
    "pyoxigraph.QueryTriples": "chaingraph.sparql",
}

_RENDERERS: dict[type, dict[str, Renderer]] = {}


class FormatError(ChaingraphError, ValueError):
    """A format that no renderer of the result's type offers (text in the catalogs)."""


def _name(result_type: type) -> str:
    return f"{result_type.__module__}.{result_type.__qualname__}"


def _accepts_all(function: Renderer) -> bool:
    parameters = inspect.signature(function).parameters.values()
    return any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters)


def register(result_type: type, fmt: str, *aliases: str) -> Callable[[Renderer], Renderer]:
    """Register the decorated function as the renderer of ``result_type`` in ``fmt`` (and in
    each of ``aliases``); a later registration of the same format replaces the earlier one."""

    def decorate(function: Renderer) -> Renderer:
        _load_home(result_type)  # the library's own formats first: they keep the default
        table = _RENDERERS.setdefault(result_type, {})
        for name in (fmt, *aliases):
            table[name] = function
        return function

    return decorate


def unregister(result_type: type, fmt: str) -> None:
    """Remove the renderer of ``result_type`` in ``fmt`` and its aliases (the same function)."""
    table = _RENDERERS.get(result_type, {})
    function = table.get(fmt)
    for name in [n for n, f in table.items() if f is function]:
        del table[name]


def _load_home(result_type: type) -> None:
    """Import the module registering the renderers of ``result_type`` and its bases."""
    for cls in result_type.__mro__:
        home = HOMES.get(_name(cls))
        if home:
            importlib.import_module(home)


def _table(result_type: type) -> dict[str, Renderer]:
    """Every format of ``result_type``: its own, then its bases' it does not override."""
    _load_home(result_type)
    merged: dict[str, Renderer] = {}
    for cls in result_type.__mro__:
        for name, entry in _RENDERERS.get(cls, {}).items():
            merged.setdefault(name, entry)
    return merged


def formats(result_type: type | str) -> tuple[str, ...]:
    """The formats registered for ``result_type`` (a class, or its ``module.Class`` name), in
    the order they were registered: the first is the default."""
    if isinstance(result_type, str):
        module, _, name = result_type.rpartition(".")
        result_type = getattr(importlib.import_module(module), name)
    return tuple(_table(result_type))


def renderer(result_type: type, fmt: str) -> Renderer:
    """The function registered for ``result_type`` in ``fmt``; :class:`FormatError` if none."""
    table = _table(result_type)
    if fmt not in table:
        kind = result_type.__qualname__
        if not table:
            raise FormatError("render.no_format", kind=kind)
        raise FormatError("render.unknown_format", fmt=fmt, kind=kind, choices=", ".join(table))
    return table[fmt]


def render(result: object, fmt: str, **options) -> str:
    """``result`` rendered in ``fmt`` by the renderer registered for its type.

    Options the renderer does not name are left out (see the module's documentation). Most
    renderers return text; a few (graph exports) return the bytes or files to write.
    """
    function = renderer(type(result), fmt)
    if not _accepts_all(function):
        names = inspect.signature(function).parameters
        options = {k: v for k, v in options.items() if k in names}
    return function(result, **options)
