"""Atomic output files: written to a temporary file beside the target, then renamed over it.

A reader never sees a half-written file, and a failure leaves the old file as it was.

>>> import tempfile, pathlib
>>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
>>> atomic_write(target, "一二三")
PosixPath('...out.txt')
>>> target.read_text(encoding="utf-8")
'一二三'
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["OutputError", "atomic_write"]


class OutputError(Exception):
    """An output file could not be written; the message names the file and says why."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(
    path: str | os.PathLike[str], data: str | bytes, *, encoding: str = "utf-8"
) -> Path:
    """Write ``data`` (text is encoded with ``encoding``) to ``path`` atomically."""
    path = Path(path)
    payload = data.encode(encoding) if isinstance(data, str) else data
    directory = path.parent
    if not directory.is_dir():
        raise OutputError(f"{path}: directory {directory} does not exist; create it first")
    if path.is_dir():
        raise OutputError(f"{path} is a directory; give a file name")
    try:
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise OutputError(f"{path}: cannot write in {directory}: {error.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(payload)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException as error:
        if os.path.exists(temporary):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise OutputError(f"{path}: {error.strerror}") from None
        raise
    return path
