"""Every notebook runs top to bottom in the Binder environment, under Binder's 2 GB memory cap.

The session fixture builds a fresh virtual environment from ``binder/`` (see
:mod:`binder_proxy`); ``TWINBENCH_BINDER_VENV=/path/to/venv`` reuses an existing one instead
(a developer's shortcut, announced by a warning and written into the artefact). Wall time and
peak memory per notebook go to ``build/notebooks/notebook_runs.json``; they are recorded, not
asserted (``python tests/notebooks/notebook_table.py`` copies them into docs/notebooks.md).
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

import nbformat
import pytest
from binder_proxy import ROOT, build_environment, execute, record, register_kernel

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
ARTEFACT = ROOT / "build" / "notebooks" / "notebook_runs.json"
KERNEL = "twinbench-binder"


@pytest.fixture(scope="session")
def binder_kernel(tmp_path_factory) -> tuple[str, list[Path], str]:
    """The kernel name, Jupyter data folders and a description of the environment used."""
    prefix = tmp_path_factory.mktemp("binder-kernel")
    reused = os.environ.get("TWINBENCH_BINDER_VENV")
    if reused:
        python = Path(reused) / "bin" / "python"
        if not python.exists():
            raise FileNotFoundError(f"TWINBENCH_BINDER_VENV={reused!r} has no bin/python")
        environment = f"reused {reused} (TWINBENCH_BINDER_VENV), not a fresh Binder build"
        warnings.warn(f"notebooks run in {environment}", UserWarning, stacklevel=1)
    else:
        target = tmp_path_factory.mktemp("binder-venv") / "venv"
        log = ARTEFACT.parent / "binder_build.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text("")
        python = build_environment(target, log=log)
        environment = f"fresh venv from binder/ (log: {log.relative_to(ROOT)})"
    return KERNEL, [register_kernel(python, prefix, KERNEL)], environment


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_in_the_binder_environment(path, binder_kernel, tmp_path):
    name, data_dirs, environment = binder_kernel
    run = execute(path, name, data_dirs, cwd=tmp_path)  # files it writes stay out of the tree
    record(run, ARTEFACT, environment)
    assert run.status == "ok", f"{path.name}: {run.message}"


def test_the_memory_cap_kills_a_notebook_above_it(tmp_path):
    """The watchdog: a notebook holding 400 MiB under a 250 MiB cap is killed and reported."""
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("import numpy as np\nblock = np.ones(400 * 2**20 // 8)"),
            nbformat.v4.new_code_cell("import time\ntime.sleep(30)"),
        ]
    )
    path = tmp_path / "hog.ipynb"
    nbformat.write(nb, path)
    kernels = register_kernel(Path(sys.executable), tmp_path / "kernel", "twinbench-test")
    run = execute(path, "twinbench-test", [kernels], cap_mib=250.0, timeout=120)
    assert run.status == "memory cap exceeded"
    assert run.message.startswith("memory cap exceeded: ")
    assert run.peak_rss_mib > 250.0
