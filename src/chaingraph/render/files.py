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

from ..messages import ChaingraphError, os_reason

__all__ = ["OutputError", "atomic_write"]


class OutputError(ChaingraphError):
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
        raise OutputError("files.no_directory", path=path, directory=directory)
    if path.is_dir():
        raise OutputError("files.is_directory", path=path)
    try:
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise OutputError(
            "files.cannot_write", path=path, directory=directory, reason=os_reason(error)
        ) from None
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
            raise OutputError("files.failed", path=path, reason=os_reason(error)) from None
        raise
    return path
