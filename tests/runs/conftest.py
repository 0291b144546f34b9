"""Shared small scenario and a run root with one completed baseline run."""

from __future__ import annotations

import pytest
from runs_cases import EVERY, TIDAL_BASIN

from twinbench import runs


@pytest.fixture(scope="session")
def root(tmp_path_factory):
    return tmp_path_factory.mktemp("runs")


@pytest.fixture(scope="session")
def baseline(root):
    """An uninterrupted run, kept untouched by the tests."""
    return runs.launch(TIDAL_BASIN, root=root, name="baseline", checkpoint_every=EVERY)
