"""The CLI reference (``docs/cli.md``), generated from every command's ``--help``.

Run ``python -m chaingraph._cli_reference > docs/cli.md`` after changing a command; a test
compares the file with :func:`reference` so it cannot drift (``pytest --update-golden``
rewrites it too). The help is formatted at a fixed width, whatever the terminal.

>>> text = reference()
>>> text.splitlines()[0]
'# chaingraph command reference'
>>> "## `chaingraph gaps`" in text and "Usage: chaingraph gaps [OPTIONS]" in text
True
"""

from __future__ import annotations

import sys

import click

WIDTH = 100

_INTRO = """\
Generated from `chaingraph --help` and every command's `--help` by
`python -m chaingraph._cli_reference > docs/cli.md`; do not edit by hand (a test checks that
this file matches the commands).
"""


def _context(command: click.Command, name: str, parent: click.Context | None) -> click.Context:
    # make_context applies the command's context_settings (-h/--help) as the CLI does.
    return command.make_context(
        name,
        [],
        parent=parent,
        resilient_parsing=True,
        terminal_width=WIDTH,
        max_content_width=WIDTH,
    )


def _help(command: click.Command, name: str, parent: click.Context | None) -> str:
    return command.get_help(_context(command, name, parent)).rstrip() + "\n"


def reference() -> str:
    """Markdown: the group's help, then one section per command (sorted by name)."""
    from .cli import main

    root = _context(main, "chaingraph", None)
    out = ["# chaingraph command reference", "", _INTRO]
    out += ["## `chaingraph`", "", "```text", _help(main, "chaingraph", None) + "```", ""]
    for name in sorted(main.commands):
        command = main.commands[name]
        out += [f"## `chaingraph {name}`", "", "```text"]
        out += [_help(command, name, root) + "```", ""]
    return "\n".join(out)


if __name__ == "__main__":
    sys.stdout.buffer.write(reference().encode("utf-8"))
