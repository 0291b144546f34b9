"""A small float64 coarse-Gironde ensemble, run once per session on two paths."""

from __future__ import annotations

import pytest

from twinbench.ensemble import Ensemble, run_ensemble
from twinbench.scenarios import load


@pytest.fixture(scope="session")
def small_base():
    """The shipped Gironde scenario, stations only, float64, outputs every 30 min."""
    return load("gironde").replace(fields=False, dtype="float64", output_every=1800.0)


@pytest.fixture(scope="session")
def small_ensemble(small_base):
    """Sea level 0 / 0.5 m × Garonne 300 / 1500 m³/s."""
    return Ensemble.grid(small_base, **{"sea_level": [0.0, 0.5], "rivers.garonne": [300.0, 1500.0]})


@pytest.fixture(scope="session")
def vmap_run(small_ensemble):
    return run_ensemble(small_ensemble, duration="90min", backend="vmap")


@pytest.fixture(scope="session")
def sequential_run(small_ensemble):
    return run_ensemble(small_ensemble, duration="90min", backend="sequential")
