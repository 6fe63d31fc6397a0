"""notebooks/xining.ipynb runs top to bottom in a fresh python3 kernel (nbclient, ipykernel from
this environment; no network), is committed without outputs, and its inline chain map draws in
a real headless Chromium."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOK = Path(__file__).parent.parent / "notebooks" / "xining.ipynb"


def test_committed_notebook_has_no_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, "the notebook has no code cells"
    for cell in code:
        assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]
    raw = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    assert all("outputs" not in c or c["outputs"] == [] for c in raw["cells"])
    assert raw["metadata"]["kernelspec"]["name"] == "python3"


def test_python3_kernel_is_this_interpreter():
    """The kernel spec comes from ipykernel in this environment; no `ipykernel install`."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    spec = KernelSpecManager().get_kernel_spec("python3")
    assert spec.language == "python"
    manager = KernelManager(kernel_name="python3")
    command = manager.format_kernel_cmd()
    assert Path(command[0]).resolve() == Path(sys.executable).resolve()


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    workdir = tmp_path_factory.mktemp("notebook")
    client = nbclient.NotebookClient(
        nb,
        timeout=60,
        kernel_name="python3",
        resources={"metadata": {"path": str(workdir)}},
    )
    client.execute()
    return nb


def _outputs(nb, kind: str) -> list[str]:
    found = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "stream" and kind == output.name:
                found.append(output.text)
            elif kind in output.get("data", {}):
                found.append(output["data"][kind])
    return found


@pytest.mark.slow
def test_notebook_runs_clean(executed):
    errors = [o for c in executed.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []
    assert _outputs(executed, "stderr") == []  # no warnings either
    text = "\n".join(_outputs(executed, "stdout") + _outputs(executed, "text/plain"))
    assert "triples in" in text and "Xining: Lithium-ion batteries chain" in text
    assert "Battery cell" in text and "Battery pack" in text  # what FinDreams leaving costs
    html = "\n".join(_outputs(executed, "text/html"))
    assert "Anode material" in html  # the gap table as a DataFrame
    markdown = "\n".join(_outputs(executed, "text/markdown"))
    assert "Silicon wafer" in markdown and "# Xining: planning report" in markdown


@pytest.mark.slow
def test_inline_chain_map_draws_offline(executed, tmp_path):
    from browser_pages import launched, open_page

    frames = [h for h in _outputs(executed, "text/html") if "<iframe srcdoc=" in h]
    assert len(frames) == 1
    assert "<script" not in frames[0]  # the page is one escaped attribute
    host = tmp_path / "notebook-output.html"
    host.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>"
        f"{frames[0]}<script>document.body.setAttribute('data-drawn', '1')</script>"
        "</body></html>",
        encoding="utf-8",
    )
    with launched() as browser:
        page, errors, requests, _ = open_page(browser, host)
        try:
            frame = page.frames[1]
            frame.wait_for_function("document.body.getAttribute('data-drawn') === '1'")
            nodes = frame.evaluate("network.body.data.nodes.length")
            assert nodes > 0 and errors == [] and requests == []
        finally:
            page.close()
