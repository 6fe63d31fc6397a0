"""`chaingraph viz` of a large region: hundreds of nodes, no scipy, every node placed.

networkx's spring layout needs scipy from 500 nodes on; chaingraph does not depend on scipy, so
large views use chaingraph's own placements (see ``render/html.py``).
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

GENERATE = Path(__file__).resolve().parents[1] / "benchmarks" / "generate.py"
# The command, with scipy made unimportable: the page must not need it.
WITHOUT_SCIPY = "import sys; sys.modules['scipy'] = None; from chaingraph.cli import main; main()"


def chaingraph(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_SCIPY, *args], capture_output=True, text=True
    )


def page_data(page: Path) -> dict:
    found = re.search(
        r'<script type="application/json" id="cg-data">(.*?)</script>', page.read_text(), re.S
    )
    return json.loads(found.group(1))


@pytest.mark.skipif(not GENERATE.exists(), reason="needs the benchmarks folder (a source tree)")
def test_viz_of_a_region_with_hundreds_of_nodes_places_every_node(tmp_path):
    data = tmp_path / "synthetic.nt"
    subprocess.run(
        [sys.executable, str(GENERATE), "--triples", "30k", "--out", str(data)],
        check=True,
        capture_output=True,
    )
    store = tmp_path / "store"
    loaded = chaingraph("load", str(data), "--store", str(store))
    assert loaded.returncode == 0, loaded.stderr
    page = tmp_path / "country.html"
    drawn = chaingraph("viz", "--store", str(store), "--region", "region:CN", "-o", str(page))
    assert drawn.returncode == 0, drawn.stderr
    nodes = page_data(page)["nodes"]
    assert len(nodes) >= 600
    assert all(math.isfinite(node["x"]) and math.isfinite(node["y"]) for node in nodes)
    assert len({(node["x"], node["y"]) for node in nodes}) > 0.95 * len(nodes)  # spread out
