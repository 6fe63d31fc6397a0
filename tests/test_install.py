"""A non-editable install into a fresh virtualenv finds the bundled ontology and data from any
working directory."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from click.testing import CliRunner

from chaingraph.cli import main

REPOSITORY = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_install_runs_gaps_from_anywhere(tmp_path):
    environment = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(environment)
    python = environment / "bin" / "python"
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(REPOSITORY)],
        check=True,
        cwd=tmp_path,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "CHAINGRAPH_STORE")}
    result = subprocess.run(
        [environment / "bin" / "chaingraph", "gaps", "--format", "json", "--lang", "en"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    expected = CliRunner().invoke(main, ["gaps", "--format", "json", "--lang", "en"]).output
    assert result.stdout == expected
    installed = subprocess.run(
        [python, "-c", "import chaingraph, sys; sys.stdout.write(chaingraph.__file__)"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(REPOSITORY) not in installed, "the test must use the installed copy"
    assert sys.executable != str(python)
