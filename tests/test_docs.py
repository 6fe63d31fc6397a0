"""Every example in README.md and docs/*.md is run here, so the docs cannot drift.

Two kinds of fenced block are examples (fences at the start of a line):

- ``console``: ``$ command`` lines, each continued by ``> `` lines and followed by the lines it
  prints (standard output and standard error, as a terminal shows them). A line ``...`` in an
  output matches any number of lines, for excerpts. A plain ``chaingraph ARGS`` runs in-process
  with click's CliRunner; any other command (``; echo $?``, a redirection, ``python ...``) runs
  in bash, with this environment's ``chaingraph`` and ``python`` first on the PATH.
- ``pycon``: doctests, run in order with one namespace per page (ELLIPSIS and
  NORMALIZE_WHITESPACE, as the doctests of the package).

Each console block, and each page's pycon blocks, run in a fresh directory that holds
``data/``, ``tests/``, ``benchmarks/`` and ``ontology/`` (links to the repository's) and a copy
of the files in ``tests/data/docs/``, with ``CHAINGRAPH_LANG`` and ``CHAINGRAPH_STORE`` unset.
Only what must vary is normalised, on both sides: the directory's path, times, byte sizes of
written files and the hash in a file graph's IRI.

``pytest tests/test_docs.py --update-golden`` rewrites the outputs in place (an excerpt keeps
its shape: the same number of lines before, between and after its ``...`` lines).
"""

from __future__ import annotations

import doctest
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from chaingraph.cli import main

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINKED = ("data", "tests", "benchmarks", "ontology")
FILES = ROOT / "tests" / "data" / "docs"
ELISION = "..."
UNSET = ("CHAINGRAPH_LANG", "CHAINGRAPH_STORE")
SHELL_OPERATORS = ";|&<>()"

# What may vary between runs, replaced by a placeholder on both sides.
VARYING = [
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)?"), "<time>"),
    (re.compile(r"\(\d[\d,]* bytes\)"), "(<n> bytes)"),
    (re.compile(r"/graph/file/[0-9a-f]+/"), "/graph/file/<hash>/"),
    (re.compile(r"version \d+\.\d+\.\d+\S*"), "version <version>"),
]


# ---------------------------------------------------------------------------- reading the pages


@dataclass
class Command:
    text: str  # the command, continuation lines joined by newlines
    expected: list[str] = field(default_factory=list)


@dataclass
class Block:
    page: Path
    line: int  # 1-based line of the opening fence
    kind: str  # "console" or "pycon"
    body: str  # the lines between the fences, each ending with a newline

    @property
    def id(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def blocks(page: Path, kinds=("console", "pycon")) -> list[Block]:
    """The fenced blocks of ``kinds`` in ``page``, in order."""
    found, lines = [], page.read_text(encoding="utf-8").splitlines(keepends=True)
    start = kind = None
    for number, line in enumerate(lines):
        fence = line.rstrip("\n")
        if start is None and fence.startswith("```") and fence[3:].strip() in kinds:
            start, kind = number, fence[3:].strip()
        elif start is not None and fence == "```":
            found.append(Block(page, start + 1, kind, "".join(lines[start + 1 : number])))
            start = None
    return found


def commands(body: str) -> list[Command]:
    """The ``$`` commands of a console block with the output lines that follow each."""
    parsed: list[Command] = []
    for line in body.splitlines():
        if line.startswith("$ "):
            parsed.append(Command(line[2:]))
        elif line.startswith("> ") and parsed and not parsed[-1].expected:
            parsed[-1].text += "\n" + line[2:]
        elif parsed:
            parsed[-1].expected.append(line)
        else:
            raise ValueError(f"output before the first '$ ' command: {line!r}")
    return parsed


def console_body(parsed: list[Command]) -> str:
    out = []
    for command in parsed:
        first, *rest = command.text.split("\n")
        out += [f"$ {first}", *(f"> {line}" for line in rest), *command.expected]
    return "".join(line + "\n" for line in out)


# ---------------------------------------------------------------------------- comparing


def in_place(lines: list[str], directory: Path) -> list[str]:
    """The lines as a reader would see them in their own directory: no temporary path."""
    text = "\n".join(line.rstrip() for line in lines)
    text = text.replace(str(directory) + os.sep, "").replace(str(directory), ".")
    return text.rstrip("\n").split("\n") if text.strip() else []


def normalise(lines: list[str]) -> list[str]:
    """The lines with what may vary between runs replaced by placeholders (line for line)."""
    text = "\n".join(lines)
    for pattern, placeholder in VARYING:
        text = pattern.sub(placeholder, text)
    return text.split("\n") if lines else []


def segments(expected: list[str]) -> list[list[str]]:
    """The literal runs of ``expected`` between elision lines (an elision at either end gives
    an empty first or last run)."""
    runs: list[list[str]] = [[]]
    for line in expected:
        if line == ELISION:
            runs.append([])
        else:
            runs[-1].append(line)
    return runs


def find(run: list[str], actual: list[str], start: int) -> int:
    for i in range(start, len(actual) - len(run) + 1):
        if actual[i : i + len(run)] == run:
            return i
    return -1


def matches(expected: list[str], actual: list[str]) -> bool:
    """Whether ``actual`` is ``expected`` with each elision line standing for any lines."""
    runs = segments(expected)
    if len(runs) == 1:
        return expected == actual
    head, *middle, tail = runs
    if actual[: len(head)] != head or (tail and actual[-len(tail) :] != tail):
        return False
    position, end = len(head), len(actual) - len(tail)
    for run in middle:
        found = find(run, actual[:end], position)
        if found < 0:
            return False
        position = found + len(run)
    return position <= end


def excerpt(expected: list[str], actual: list[str], shown: list[str] | None = None) -> list[str]:
    """``actual`` cut to the shape of ``expected``: as many lines before the first elision and
    after the last; a middle run is kept where its first line is found again. The lines are
    taken from ``shown`` (the output before normalisation, line for line) when given."""
    shown = actual if shown is None else shown
    runs = segments(expected)
    if len(runs) == 1 or not any(runs):  # no elision, or nothing but elisions: all of it
        return shown
    head, *middle, tail = runs
    out, position = shown[: len(head)], len(head)
    end = len(actual) - len(tail)
    for run in middle:
        found = find(run[:1], actual[:end], position) if run else -1
        if found >= 0:
            out += [ELISION, *shown[found : found + len(run)]]
            position = found + len(run)
    return [*out, ELISION, *shown[max(end, position) :]]


# ---------------------------------------------------------------------------- running


def workdir(tmp_path: Path) -> Path:
    for name in LINKED:
        (tmp_path / name).symlink_to(ROOT / name, target_is_directory=True)
    if FILES.is_dir():
        for file in FILES.iterdir():
            shutil.copy(file, tmp_path / file.name)
    return tmp_path


def cli_args(text: str) -> list[str] | None:
    """The arguments of a plain ``chaingraph ...`` command, or None when it needs a shell."""
    lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True  # split on spaces only, except the shell's operators
    try:
        words = list(lexer)
    except ValueError:
        return None
    operator = any(set(word) <= set(SHELL_OPERATORS) for word in words)
    if not words or words[0] != "chaingraph" or "\n" in text or operator:
        return None
    return words[1:]


def run(text: str, directory: Path) -> list[str]:
    args = cli_args(text)
    if args is not None:
        result = CliRunner(env=dict.fromkeys(UNSET)).invoke(main, args)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result.output.splitlines()
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    result = subprocess.run(
        ["bash", "-c", text],
        cwd=directory,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    return result.stdout.splitlines()


def rewrite(block: Block, new_body: str) -> None:
    """Replace the block's body in its page (found by its text: earlier rewrites move lines)."""
    text = block.page.read_text(encoding="utf-8")
    fence = f"```{block.kind}\n"
    old = fence + block.body + "```"
    assert old in text, f"{block.id}: block changed while updating"
    block.page.write_text(text.replace(old, fence + new_body + "```", 1), encoding="utf-8")


# ---------------------------------------------------------------------------- tests

CONSOLE = [b for page in PAGES for b in blocks(page, ("console",))]
PYCON_PAGES = [page for page in PAGES if blocks(page, ("pycon",))]


@pytest.mark.parametrize("block", CONSOLE, ids=[b.id for b in CONSOLE])
def test_console_example(block, tmp_path, monkeypatch, request):
    directory = workdir(tmp_path)
    monkeypatch.chdir(directory)
    parsed = commands(block.body)
    assert parsed, f"{block.id}: a console block without a '$ ' command"
    stale = []
    for command in parsed:
        shown = in_place(run(command.text, directory), directory)
        actual = normalise(shown)
        expected = normalise(in_place(command.expected, directory))
        if not matches(expected, actual) or not any(segments(expected)):
            stale.append((command, expected, actual, shown))
    if request.config.getoption("--update-golden") and stale:
        for command, expected, actual, shown in stale:
            command.expected = excerpt(expected, actual, shown)
        rewrite(block, console_body(parsed))
        return
    for command, expected, actual, _ in stale:
        assert any(segments(expected)), f"{block.id}: `{command.text}` shows no output line"
        assert "\n".join(actual) == "\n".join(expected), (
            f"{block.id}: the output of `{command.text}` differs from the page "
            "(pytest tests/test_docs.py --update-golden rewrites it)"
        )


class _Recorder(doctest.DocTestRunner):
    """A doctest runner that remembers what each failing example printed."""

    def __init__(self):
        super().__init__(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        self.got: dict[int, str] = {}

    def report_failure(self, out, test, example, got):
        self.got[id(example)] = got
        super().report_failure(out, test, example, got)


def pycon_body(pieces: list, got: dict[int, str]) -> str:
    out = []
    for piece in pieces:
        if isinstance(piece, str):
            out.append(piece)
            continue
        pad = " " * piece.indent
        first, *rest = piece.source.rstrip("\n").split("\n")
        out += [f"{pad}>>> {first}\n", *(f"{pad}... {line}\n" for line in rest)]
        want = got.get(id(piece), piece.want)
        out += [pad + line + "\n" for line in want.splitlines()]
    return "".join(out)


@pytest.mark.parametrize("page", PYCON_PAGES, ids=[str(p.relative_to(ROOT)) for p in PYCON_PAGES])
def test_python_examples(page, tmp_path, monkeypatch, request):
    monkeypatch.chdir(workdir(tmp_path))
    for name in UNSET:
        monkeypatch.delenv(name, raising=False)
    parser, namespace, failures = doctest.DocTestParser(), {}, []
    update = request.config.getoption("--update-golden")
    for block in blocks(page, ("pycon",)):
        pieces = parser.parse(block.body, block.id)
        test = doctest.DocTest(
            [p for p in pieces if isinstance(p, doctest.Example)],
            namespace,
            block.id,
            str(page),
            block.line,
            block.body,
        )
        runner = _Recorder()
        report: list[str] = []
        runner.run(test, out=report.append, clear_globs=False)
        namespace = test.globs  # DocTest copies its globals: the next block continues from here
        if runner.got and update:
            rewrite(block, pycon_body(pieces, runner.got))
        elif runner.failures:
            failures.append("".join(report))
    assert not failures, "\n".join(failures)


def test_examples_are_found():
    """The README shows commands with their output, and Python."""
    readme = blocks(ROOT / "README.md")
    assert {b.kind for b in readme} == {"console", "pycon"}


def test_elision_matches_any_lines():
    assert matches(["a", ELISION, "d"], ["a", "b", "c", "d"])
    assert matches(["a", ELISION, "d"], ["a", "d"])
    assert matches([ELISION, "c", ELISION], ["a", "b", "c", "d"])
    assert not matches(["a", ELISION, "d"], ["a", "b", "c"])
    assert not matches(["a", "d"], ["a", "b", "d"])
    assert excerpt(["a", ELISION, "c", ELISION], ["a", "x", "c", "y"]) == [
        "a",
        ELISION,
        "c",
        ELISION,
    ]


def test_plain_commands_run_in_process_and_others_in_bash():
    assert cli_args("chaingraph gaps --chain 光伏   # excerpt") == ["gaps", "--chain", "光伏"]
    assert cli_args('chaingraph query "ASK { ?s ?p ?o }"') == ["query", "ASK { ?s ?p ?o }"]
    assert cli_args("chaingraph query 'ASK {}'; echo $?") is None
    assert cli_args("chaingraph extract a.txt > /dev/null") is None
    assert cli_args("python benchmarks/extract_eval.py") is None


def anchor(heading: str) -> str:
    """The anchor a Markdown heading gets on GitHub: lower case, punctuation dropped."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_links_between_pages_resolve():
    """Every relative link of README.md and docs/*.md names a file that exists, and a heading
    of it when it has a #fragment."""
    link = re.compile(r"\]\(([^)\s]+)\)")
    broken = []
    for page in PAGES:
        for target in link.findall(page.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", target):
                continue
            path, _, fragment = target.partition("#")
            file = (page.parent / path).resolve() if path else page
            if not file.exists():
                broken.append(f"{page.name}: {target}")
            elif fragment and file.suffix == ".md":
                headings = re.findall(r"^#+ (.+)$", file.read_text(encoding="utf-8"), re.M)
                if fragment not in {anchor(h) for h in headings}:
                    broken.append(f"{page.name}: {target}")
    assert not broken, broken
