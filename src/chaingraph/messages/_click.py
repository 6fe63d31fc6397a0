"""click's own messages ("No such option", "Missing argument", "Error:") in our languages.

click writes its messages with the standard library's ``gettext`` (each of its modules does
``from gettext import gettext as _``) and expects applications to install a translation.
Rather than compiling ``.mo`` files and switching the process's global text domain, this
points those modules' ``_`` and ``ngettext`` at the ``[click]`` table of our catalogs for the
duration of one command, keyed by click's English text as gettext would be. A text with no
entry stays click's English.

``--help`` stays English for now (it is also the generated reference, docs/cli.md): the
"Usage:" heading is translated only on the usage line of a usage error, by :func:`gettext`.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterator

import click

from . import click_catalog

# The click modules that build error texts (core: extra arguments, missing command; parser:
# options needing values; types: invalid values; exceptions: the texts and "Error:").
_MODULES = ("click.core", "click.exceptions", "click.parser", "click.types")
_ACTIVE: list[str] = []  # the languages of the blocks entered, innermost last


def gettext(message: str) -> str:
    """click's ``message`` in the language of the innermost :func:`click_messages` block."""
    return click_catalog(_ACTIVE[-1]).get(message, message) if _ACTIVE else message


def _translators(lang: str):
    table = click_catalog(lang)

    def gettext(message: str) -> str:
        return table.get(message, message)

    def ngettext(singular: str, plural: str, n: int) -> str:
        chosen = singular if n == 1 else plural
        return table.get(chosen, chosen)

    return gettext, ngettext


@contextlib.contextmanager
def click_messages(lang: str) -> Iterator[None]:
    """Within this block click's messages are in ``lang`` (English: left untouched)."""
    _ACTIVE.append(lang)
    if not click_catalog(lang):
        try:
            yield
        finally:
            _ACTIVE.pop()
        return
    translate, ngettext = _translators(lang)
    saved = []
    for name in _MODULES:
        module = importlib.import_module(name)
        for attribute, replacement in (("_", translate), ("ngettext", ngettext)):
            if hasattr(module, attribute):
                saved.append((module, attribute, getattr(module, attribute)))
                setattr(module, attribute, replacement)
    try:
        yield
    finally:
        for module, attribute, original in reversed(saved):
            setattr(module, attribute, original)
        _ACTIVE.pop()


class File(click.File):
    """``click.File`` whose refusal says the system's reason in the active language (click
    writes ``e.strerror``, the system's English)."""

    def convert(self, value, param, ctx):
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter as error:
            reason = error.__context__
            if not isinstance(reason, OSError) or not _ACTIVE:
                raise
            from click.utils import format_filename

            from . import os_reason

            words = os_reason(reason)
            words = words if isinstance(words, str) else words.text(_ACTIVE[-1])
            self.fail(f"'{format_filename(value)}': {words}", param, ctx)
