"""Facts proposed by :mod:`chaingraph.extract` as Turtle, JSON or a table to review by hand.

The renderers call the extraction's own public writers (:mod:`chaingraph.extract.to_rdf`).

>>> from chaingraph.render.registry import formats
>>> formats(Extraction)
('turtle', 'json', 'table')
"""

from __future__ import annotations

from ..extract import Extraction
from ..extract.to_rdf import review_rows, to_json, to_turtle
from .registry import register
from .tables import render_rows

__all__: list[str] = []

# The review table's columns.
REVIEW_HEADERS = ["kind", "what", "value", "confidence", "sentence"]


@register(Extraction, "turtle")
def _turtle(extraction: Extraction) -> str:
    return to_turtle(extraction)


@register(Extraction, "json")
def _json(extraction: Extraction, *, lang: str = "zh") -> str:
    return to_json(extraction, lang) + "\n"


@register(Extraction, "table")
def _review(extraction: Extraction, *, lang: str = "zh") -> str:
    """One line per fact: kind, what, value, confidence and the sentence, to check by hand."""
    return render_rows(REVIEW_HEADERS, review_rows(extraction, lang), "table", width=200)
