"""Analyses put their rules as codes and parameters; these put them into words.

An analysis result keeps ``rule_code``, ``rule_params`` and ``rule_lang`` (the language of
the projection it came from); its ``rule`` property and its plain data (``to_dict``) carry
the words, from the catalogs (:mod:`chaingraph.messages`), so the output reads as before.

>>> in_words({"a": 1, "rule_code": "gaps.rule.several", "rule_params": {"n": 2},
...           "rule_lang": "en", "b": 2})
{'a': 1, 'rule': 'present with 2 local producers', 'b': 2}
"""

from __future__ import annotations

from typing import Any

from ..messages import ChaingraphError, Message, text


def rule_text(code: str | Message, params: dict[str, Any], lang: str | None) -> str:
    """The words of a rule: ``code`` with ``params``, or a :class:`Message`, in ``lang``."""
    if isinstance(code, Message):
        return code.text(lang)
    return text(code, lang, **params)


def in_words(
    data: dict[str, Any], words: str | None = None, *, name: str = "rule"
) -> dict[str, Any]:
    """``data`` with its ``<name>_code``, ``_params`` and ``_lang`` replaced by ``name``, the
    words (given, else made from ``data``), at the place of the code (key order is output)."""
    code, params, lang = f"{name}_code", f"{name}_params", f"{name}_lang"
    if code not in data:
        return data
    if words is None:
        words = rule_text(data[code], data.get(params, {}), data.get(lang))
    out = {}
    for key, value in data.items():
        if key == code:
            out[name] = words
        elif key not in (params, lang):
            out[key] = value
    return out


class AnalysisError(ChaingraphError, ValueError):
    """A question an analysis cannot answer as asked (a scope smaller than the region, years
    the wrong way round): a catalog code, in the projection's language unless shown in
    another (the workspace makes it a :class:`~chaingraph.workspace.WorkspaceError`)."""

    __module__ = "chaingraph.analysis"  # its public home (tracebacks, pickles)

    @classmethod
    def of(cls, G, code: str, /, **params: Any) -> AnalysisError:
        """The error ``code``, speaking the language ``G`` was projected in."""
        return cls(code, **params).speaking(G.graph.get("lang"))
