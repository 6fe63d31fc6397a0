"""Guards the code style and the complexity limits: ruff's lint rules (including C901,
McCabe complexity at most 15, and PLR0915, at most 60 statements per function, set in
pyproject.toml) and ruff's formatting, on the package, the tests and the benchmarks."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHECKED = ["src", "tests", "benchmarks"]


def ruff() -> list[str]:
    found = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if found is None:
        pytest.skip("ruff is not installed (it is in the test extra)")
    return [found]


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=["lint", "format"])
def test_ruff_passes_on_source_tests_and_benchmarks(command):
    if not (ROOT / "pyproject.toml").exists():
        pytest.skip("needs the source tree")
    result = subprocess.run([*ruff(), *command, *CHECKED], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
