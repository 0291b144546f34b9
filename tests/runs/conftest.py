"""Shared small scenario and a run root with one completed baseline run."""

from __future__ import annotations

import pytest

from twinbench import runs

#: The tidal basin (2000 cells) in float64: 3 h of an M2 tide, outputs every 30 min.
TIDAL_BASIN = {
    "name": "tidal-basin",
    "domain": {"name": "tidal_basin", "resolution": 400.0},
    "start": "2024-03-10T00:00",
    "duration": "3h",
    "output_every": "30min",
    "dtype": "float64",
    "physics": {"friction": {"law": "manning", "coefficient": 0.025}},
    "tide": {"constituents": {"M2": [1.0, 0.0]}},
}
#: Outputs per chunk in these tests: 3 chunks (and checkpoints) per run.
EVERY = 2


@pytest.fixture(scope="session")
def root(tmp_path_factory):
    return tmp_path_factory.mktemp("runs")


@pytest.fixture(scope="session")
def baseline(root):
    """An uninterrupted run, kept untouched by the tests."""
    return runs.launch(TIDAL_BASIN, root=root, name="baseline", checkpoint_every=EVERY)
