"""docs/cli.md is the generated CLI reference: it names every command and cannot drift."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from chaingraph._cli_reference import reference
from chaingraph.cli import main

DOC = Path(__file__).parent.parent / "docs" / "cli.md"


def test_docs_cli_md_is_up_to_date(request):
    text = reference()
    if request.config.getoption("--update-golden"):
        DOC.write_text(text, encoding="utf-8")
    assert DOC.exists(), "docs/cli.md missing: python -m chaingraph._cli_reference > docs/cli.md"
    assert DOC.read_text(encoding="utf-8") == text, (
        "docs/cli.md is stale: run python -m chaingraph._cli_reference > docs/cli.md "
        "(or pytest --update-golden)"
    )


def test_every_command_is_documented():
    text = reference()
    assert main.commands, "no commands"
    for name, command in main.commands.items():
        assert f"## `chaingraph {name}`" in text
        assert f"Usage: chaingraph {name} " in text
        for param in command.params:
            for option in param.opts:
                if option.startswith("-"):
                    assert option in text, (name, option)


def test_module_prints_the_reference():
    result = subprocess.run(
        [sys.executable, "-m", "chaingraph._cli_reference"], capture_output=True, check=True
    )
    assert result.stdout.decode("utf-8") == reference()
