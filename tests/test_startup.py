"""`chaingraph gaps` loads only what it uses: no drawing, notebook, dataframe, validation,
Chinese-segmentation, RDF-term or spreadsheet libraries (each costs start-up time, and IPython
more than any)."""

from __future__ import annotations

import json
import subprocess
import sys

NOT_FOR_GAPS = ("IPython", "pyvis", "jinja2", "pandas", "pyshacl", "jieba", "rdflib", "openpyxl")

# Runs the real command in a fresh interpreter, then lists the top-level modules it loaded.
PROGRAM = """
import json, sys
from chaingraph.cli import main
try:
    main(["gaps"])
except SystemExit as done:
    assert not done.code, done.code
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_gaps_imports_no_drawing_notebook_or_segmentation_library():
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM], capture_output=True, text=True, check=True
    )
    loaded = set(json.loads(result.stdout.splitlines()[-1]))
    assert "chaingraph" in loaded and "networkx" in loaded  # the command did run
    assert loaded.isdisjoint(NOT_FOR_GAPS), sorted(loaded & set(NOT_FOR_GAPS))
