"""Bring a region's company lists into the graph: spreadsheets (CSV, TSV, XLSX) → RDF.

:func:`import_table` is what ``chaingraph load`` calls for ``.csv``, ``.tsv``, ``.txt`` and
``.xlsx`` files; :func:`write_template` writes an empty sheet with the headers.
"""

from .companies import ImportReport, default_graph, import_table, table_to_rdf
from .table import COLUMNS, REQUIRED, TABLE_SUFFIXES, Problem, TableError, read_table
from .template import write_template

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
