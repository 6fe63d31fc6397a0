"""Output renderers registered per result type and format: adding a format is one function,
and the command line offers it."""

from __future__ import annotations

import importlib

import pytest
from click.testing import CliRunner

from chaingraph.analysis.gaps import GapReport
from chaingraph.cli import main
from chaingraph.render.registry import HOMES, FormatError, formats, register, render, unregister


def cli(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def stages_format():
    """A format for gap reports, registered for one test: one line per stage."""

    @register(GapReport, "stages", "stage-list")
    def _stages(report: GapReport, *, explain: bool = False) -> str:
        rows = [f"{row.stage} {row.verdict}" for chain in report.chains for row in chain.stages]
        return "\n".join(rows) + ("\n(explained)\n" if explain else "\n")

    yield "stages"
    unregister(GapReport, "stages")


def test_a_registered_format_is_offered_and_used_by_the_command(stages_format):
    assert formats(GapReport)[-2:] == ("stages", "stage-list")
    assert "stages" in cli("gaps", "--help").output
    result = cli("gaps", "--region", "西宁", "--chain", "光伏", "--format", "stages")
    assert result.exit_code == 0, result.output
    assert "pv:mono-ingot present" in result.output.splitlines()
    alias = cli("gaps", "--chain", "光伏", "--format", "stage-list", "--explain")
    assert alias.output.endswith("(explained)\n")


def test_an_unregistered_format_is_no_longer_offered(stages_format):
    unregister(GapReport, stages_format)
    assert "stages" not in formats(GapReport) and "stage-list" not in formats(GapReport)
    result = cli("gaps", "--lang", "en", "--format", "stages")
    assert result.exit_code == 2 and "'stages' is not one of" in result.output


def test_render_passes_each_renderer_only_the_options_it_names():
    class Note(str):
        pass

    @register(Note, "plain")
    def _plain(note):
        return str(note)

    @register(Note, "framed")
    def _framed(note, *, frame="*"):
        return f"{frame}{note}{frame}"

    @register(Note, "everything")
    def _everything(note, **options):
        return ",".join(sorted(options))

    assert render(Note("a"), "plain", frame="#", lang="zh") == "a"
    assert render(Note("a"), "framed", frame="#", lang="zh") == "#a#"
    assert render(Note("a"), "everything", frame="#", lang="zh") == "frame,lang"
    with pytest.raises(FormatError) as raised:
        render(Note("a"), "html")
    assert "choose one of plain, framed, everything" in raised.value.text("en")
    assert "请选择：plain, framed, everything" in raised.value.text("zh")


def test_renderers_are_found_along_the_class_hierarchy():
    class Base:
        pass

    class Derived(Base):
        pass

    register(Base, "text")(lambda result: "base")
    register(Derived, "json")(lambda result: "derived")
    assert formats(Derived) == ("json", "text")
    assert render(Derived(), "text") == "base"


@pytest.mark.parametrize("name", sorted(HOMES))
def test_every_result_type_named_in_homes_exists_and_has_formats(name):
    """A result type moved to another module must be moved in HOMES too."""
    module, _, cls = name.rpartition(".")
    result_type = getattr(importlib.import_module(module), cls)
    assert formats(result_type), name


def test_no_command_imports_a_renderer_before_it_runs():
    import subprocess
    import sys

    code = (
        "import sys, chaingraph.cli; "
        "print(sorted(m for m in sys.modules if m.startswith('chaingraph.render.') "
        "and m != 'chaingraph.render.registry'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
