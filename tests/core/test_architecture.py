"""twinbench.core is JAX only: walking its imports finds nothing from the layers above."""

from __future__ import annotations

import ast
from pathlib import Path

import twinbench.core

FORBIDDEN = {"xarray", "pandas", "pooch", "intake", "panel", "holoviews", "geoviews", "dask",
             "matplotlib", "netCDF4", "ipywidgets", "twinbench.io", "twinbench.api",
             "twinbench.ui", "twinbench.data"}  # fmt: skip
ALLOWED_ROOTS = {"__future__", "abc", "math", "typing", "dataclasses", "functools", "jax",
                 "jaxtyping", "equinox", "numpy", "twinbench"}  # fmt: skip


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_imports_only_jax_and_itself():
    core_dir = Path(twinbench.core.__file__).parent
    files = sorted(core_dir.glob("*.py"))
    assert len(files) >= 5
    for path in files:
        for name in imported_modules(path):
            assert not any(name == f or name.startswith(f + ".") for f in FORBIDDEN), (path, name)
            assert name.split(".")[0] in ALLOWED_ROOTS, (path, name)
            if name.startswith("twinbench"):
                assert name.startswith("twinbench.core"), (path, name)


def test_importing_the_engine_does_not_import_the_ui_stack():
    import subprocess
    import sys

    heavy = "('panel', 'holoviews', 'geoviews', 'ipywidgets', 'dask.distributed', 'intake')"
    code = f"import sys, twinbench; print([m for m in {heavy} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
