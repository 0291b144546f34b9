"""The calibration problem shared by the calibration test files (built once per module)."""

from __future__ import annotations

import pytest

from twinbench import calibration as cal


@pytest.fixture(scope="module")
def problem():
    """The coarse Gironde's friction/boundary calibration at Port-Bloc, Pauillac and Bordeaux,
    eight samples a period."""
    return cal.problem("gironde", stations=("Port-Bloc", "Pauillac", "Bordeaux"), samples=8)
