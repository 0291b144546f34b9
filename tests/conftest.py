"""Shared fixtures: small CF input datasets built the way a user would."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from twinbench.domains.basins import grid_dataset


@pytest.fixture
def basin() -> xr.Dataset:
    """A 30 × 20 closed basin with a sloping, bumpy bed, a dry corner and a free-surface bump."""
    nx, ny, dx = 30, 20, 100.0
    x = (np.arange(nx) + 0.5) * dx
    y = (np.arange(ny) + 0.5) * dx
    X, Y = np.meshgrid(x, y)
    depth = 4.0 - 5.0 * X / x.max() + 0.8 * np.cos(Y / 400.0)  # negative (land) at the east end
    eta = 0.4 * np.exp(-(((X - 900) ** 2 + (Y - 1000) ** 2) / 300.0**2))
    eta = np.where(depth + eta > 0, eta, -depth)  # dry cells: free surface at the bed
    return grid_dataset(x, y, depth, eta=eta)


def pytest_configure(config):
    """One JAX compilation cache for the whole session, shared with the processes it spawns.

    Tests that rebuild an identical program (the same model in another test module; a spawned
    run or dask worker compiles the parent's program) load it instead of compiling it again.
    The cache holds no numerics: a program either matches exactly or compiles. An existing
    ``JAX_COMPILATION_CACHE_DIR`` is kept (pytest-xdist workers inherit the controller's);
    otherwise a fresh directory lives for the session.
    """
    import os
    import shutil
    import tempfile

    import jax

    if not os.environ.get("JAX_COMPILATION_CACHE_DIR"):
        path = tempfile.mkdtemp(prefix="twinbench-jax-cache-")
        os.environ["JAX_COMPILATION_CACHE_DIR"] = path
        config.add_cleanup(lambda: shutil.rmtree(path, ignore_errors=True))
    os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "0.2")
    jax.config.update("jax_compilation_cache_dir", os.environ["JAX_COMPILATION_CACHE_DIR"])
    jax.config.update(
        "jax_persistent_cache_min_compile_time_secs",
        float(os.environ["JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS"]),
    )


# The files that take longest (seconds on a CI worker, fresh-clone run of 2026-12-05, the 60
# slowest tests' sums), run first: pytest-xdist's ``--dist loadfile`` hands files to the
# workers in collection order, so the long ones start at once instead of ending the run alone
# (longest-first scheduling). Files not listed keep their order, after these.
LONGEST_FIRST = (
    "tests/notebooks/test_notebooks.py",  # 574
    "tests/core/test_adjoint.py",  # 512
    "tests/scenarios/test_calibration_fits.py",  # 370
    "tests/scenarios/test_calibration.py",  # 190
    "tests/scenarios/test_calibration_twin.py",  # 134
    "tests/core/test_gradients.py",  # 109
    "tests/core/test_benchmark_smoke.py",  # 105
    "tests/storms/test_xynthia.py",  # 98
    "tests/domains/test_gironde.py",  # 96
    "tests/browser/test_browser_jupyterlab.py",  # 86
    "tests/core/test_transport.py",  # 82
    "tests/physics/test_tracers.py",  # 69
    "tests/browser/test_browser_dashboard.py",  # 64
)


def pytest_collection_modifyitems(config, items):
    """The longest files first (:data:`LONGEST_FIRST`); tests marked ``network`` reach real
    services: they run only when TWINBENCH_NETWORK=1."""
    import os

    rank = {path: k for k, path in enumerate(LONGEST_FIRST)}
    late = len(LONGEST_FIRST)
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], late))  # stable
    if os.environ.get("TWINBENCH_NETWORK") == "1":
        return
    skip = pytest.mark.skip(reason="needs the internet: set TWINBENCH_NETWORK=1 to run it")
    for item in items:
        if "network" in item.keywords:
            item.add_marker(skip)


def pytest_ignore_collect(collection_path, config):
    """The conftest files hold fixtures, not doctests: under ``--doctest-modules`` each would be
    imported again as a module named ``conftest``, and two of them clash in prepend mode."""
    if collection_path.name == "conftest.py":
        return True
    return None
