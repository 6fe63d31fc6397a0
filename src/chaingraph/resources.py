"""Where the bundled ontology, chain templates and example data live.

In a wheel they are packaged under ``chaingraph/_bundled``; in a source checkout they are the
top-level ``ontology/`` and ``data/`` folders. Either way, callers ask for them here.

>>> ontology_dir().joinpath("chaingraph.ttl").is_file()
True
>>> "data/chains/pv.ttl" in [p.as_posix() for p in bundled_files("base")]
True
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

__all__ = ["GRAPH_BASE", "bundled_files", "bundled_path", "data_dir", "ontology_dir", "query_dir"]

GRAPH_BASE = "https://w3id.org/chaingraph/graph/"

_PACKAGE = Path(__file__).resolve().parent


@cache
def _root() -> Path:
    packaged = _PACKAGE / "_bundled"
    if packaged.is_dir():
        return packaged
    checkout = _PACKAGE.parent.parent  # src/chaingraph -> repository root
    if (checkout / "ontology").is_dir():
        return checkout
    raise FileNotFoundError(
        "chaingraph's bundled ontology/ and data/ were not found; reinstall the package"
    )


def ontology_dir() -> Path:
    return _root() / "ontology"


def data_dir() -> Path:
    return _root() / "data"


def query_dir() -> Path:
    return ontology_dir() / "queries"


def bundled_files(which: str = "all") -> list[Path]:
    """Bundled RDF files, relative to the bundle root, in load order.

    ``base`` is the ontology, units, vocabularies, regions of China and the chain templates:
    what every store starts with. ``example`` is the Xining facts and the example producers
    outside Xining (``targets-example.ttl``, for ``chaingraph targets``). ``all`` is both.
    """
    root = _root()
    base = [
        Path("ontology/chaingraph.ttl"),
        Path("ontology/units.ttl"),
        Path("data/vocabularies.ttl"),
        Path("data/regions/cn.ttl"),
        *sorted(p.relative_to(root) for p in (root / "data" / "chains").glob("*.ttl")),
    ]
    example = [Path("data/regions/xining-2022.ttl"), Path("data/regions/targets-example.ttl")]
    return {"base": base, "example": example, "all": base + example}[which]


def bundled_path(relative: Path) -> Path:
    """Absolute path of a file named by :func:`bundled_files`."""
    return _root() / relative
