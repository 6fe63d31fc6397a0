"""Names a package exports but imports on first use (PEP 562 module ``__getattr__``).

``chaingraph gaps`` should not pay for the importers, drawing or validation code it never
runs; packages list what they export and where it lives, and import it when it is asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module


def lazy_exports(
    package: str, namespace: dict, where: dict[str, str]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``: ``where`` maps each exported name to
    the module (relative to ``package``) that defines it; a name, once imported, is kept in
    ``namespace`` (the package's ``globals()``)."""

    def __getattr__(name: str):
        if name in where:
            value = getattr(import_module(where[name], package), name)
            namespace[name] = value
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted([*namespace, *where])

    return __getattr__, __dir__
