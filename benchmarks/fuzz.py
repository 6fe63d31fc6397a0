"""The long fuzz run, for before a release: mutated inputs to every loader and ``extract``.

Uses the seeds and mutations of ``tests/test_fuzz_loaders.py``, runs each input through the
real command line in a subprocess (so a crash shows as a signal) and counts inputs tried,
loaded, clean errors (exit 2, no traceback, store unchanged) and crashes (each input that
crashed is kept in ``benchmarks/results/fuzz-crashes/``)::

    python benchmarks/fuzz.py --minutes 5
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from test_fuzz_loaders import SEEDS, _xlsx, mutate

CRASHES = Path(__file__).resolve().parent / "results" / "fuzz-crashes"  # results/: not committed
CLI = "import sys; from chaingraph.cli import main; sys.argv[0] = 'chaingraph'; main()"
TEXT = "西宁经济技术开发区引进青海某某光伏有限公司年产10GW单晶硅片项目，已投产。\n".encode()


def _state(store: Path) -> str:
    code = (
        "import sys; from chaingraph.store import open_store; s = open_store(sys.argv[1]); "
        "print(len(s), sorted(s.graphs()))"
    )
    return subprocess.run(
        [sys.executable, "-c", code, str(store)], capture_output=True
    ).stdout.decode()


def _one(kind: str, rng: random.Random, folder: Path, store: Path) -> str:
    seed = TEXT if kind == "txt" else SEEDS["csv" if kind == "xlsx" else kind]
    payload = rng.randbytes(rng.randint(0, 12))
    data = mutate(seed, rng.randint(0, 7), rng.randint(0, 10_000), payload)
    if kind == "xlsx":
        data = _xlsx(data)
    path = folder / f"fuzzed.{kind}"
    path.write_bytes(data)
    if kind == "txt":
        args = ["extract", "--format", "json", str(path)]
        before = None
    else:
        args = ["load", "--replace", "--store", str(store), str(path)]
        before = _state(store)
    done = subprocess.run([sys.executable, "-c", CLI, *args], capture_output=True, timeout=600)
    if done.returncode < 0 or b"Traceback" in done.stderr:
        CRASHES.mkdir(parents=True, exist_ok=True)
        (CRASHES / f"crash-{time.time_ns()}.{kind}").write_bytes(data)
        return "crash"
    if done.returncode == 0:
        return "loaded"
    if done.returncode in (1, 2) and (before is None or _state(store) == before):
        return "clean"
    return "crash"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    rng = random.Random(options.seed)
    kinds = [*SEEDS, "xlsx", "txt"]
    counts = {"tried": 0, "loaded": 0, "clean": 0, "crash": 0}
    end = time.monotonic() + options.minutes * 60
    with tempfile.TemporaryDirectory() as tmp:
        folder, store = Path(tmp), Path(tmp) / "kg"
        while time.monotonic() < end:
            result = _one(kinds[counts["tried"] % len(kinds)], rng, folder, store)
            counts["tried"] += 1
            counts[result] += 1
    print(json.dumps({**counts, "crashes_kept_in": str(CRASHES)}, ensure_ascii=False))


if __name__ == "__main__":
    main()
