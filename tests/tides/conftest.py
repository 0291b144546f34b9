"""Fixtures of the tides tests: real TICON-4 constants."""

from __future__ import annotations

import pytest

from twinbench.tides import ticon


@pytest.fixture(scope="session")
def port_bloc():
    return ticon("port_bloc-15-fra-refmar")


@pytest.fixture(scope="session")
def bordeaux():
    return ticon("Bordeaux")
