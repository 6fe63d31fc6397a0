"""Bring a region's company lists into the graph: spreadsheets (CSV, TSV, XLSX) → RDF.

:func:`import_table` is what ``chaingraph load`` calls for ``.csv``, ``.tsv``, ``.txt`` and
``.xlsx`` files; :func:`write_template` writes an empty sheet with the headers.
"""

from .._lazy import lazy_exports

__all__ = [
    "COLUMNS",
    "REQUIRED",
    "TABLE_SUFFIXES",
    "ImportReport",
    "Problem",
    "TableError",
    "default_graph",
    "import_table",
    "read_table",
    "table_to_rdf",
    "write_template",
]

# Imported on first use: loading RDF asks which suffixes are sheets, and that alone should
# not import the sheet importer (and rdflib with it).
_LAZY = {
    "ImportReport": ".companies",
    "default_graph": ".companies",
    "import_table": ".companies",
    "table_to_rdf": ".companies",
    "COLUMNS": ".table",
    "REQUIRED": ".table",
    "TABLE_SUFFIXES": ".table",
    "Problem": ".table",
    "TableError": ".table",
    "read_table": ".table",
    "write_template": ".template",
}


__getattr__, __dir__ = lazy_exports(__name__, globals(), _LAZY)
