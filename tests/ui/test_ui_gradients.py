"""Sensitivity maps and the inverse what-if against finite differences (float64, few steps)."""

from __future__ import annotations

import numpy as np
import pytest

from twinbench.io.inputs import InputError
from twinbench.ui import Settings, WhatIfEngine, gradients, inverse_kelp, sensitivity

# Five minutes at Port-Bloc after a 3 h spin-up (the tide has reached the mouth), kelp there.
CHEAP = {"station": "Port-Bloc", "duration": 300.0, "samples": 1, "spin_up": 3 * 3600.0}
KELP = Settings(vegetation_area="Estuary mouth")


@pytest.fixture(scope="module")
def engine():
    return WhatIfEngine(duration="20min", output_every="10min", dtype="float64")


@pytest.mark.slow  # compiling the adjoint of the coarse Gironde takes ~30-60 s here
def test_sensitivity_to_depth_matches_finite_differences(engine):
    field = sensitivity(engine, KELP, wrt="depth", **CHEAP)
    assert field.dims == ("y", "x") and field.attrs["units"] == "m m-1"
    assert np.isnan(field.values[np.asarray(engine.reference.bed) > 0]).all()  # land
    j, i = np.unravel_index(np.nanargmax(np.abs(field.values)), field.shape)
    model, _ = engine.model(KELP)
    w = gradients.window(engine, model, **CHEAP)
    eps = 1e-3
    bump = np.zeros(field.shape)
    bump[j, i] = eps
    finite = (gradients.high_water(model, w, deepening=bump) - gradients.high_water(
        model, w, deepening=-bump)) / (2 * eps)  # fmt: skip
    assert abs(finite) > 1e-4
    assert field.values[j, i] == pytest.approx(finite, rel=1e-4)


@pytest.mark.slow
def test_inverse_kelp_reaches_the_change_of_a_known_density(engine):
    model, _ = engine.model(KELP)
    w = gradients.window(engine, model, **CHEAP)
    baseline = gradients.high_water(model, w)
    truth, _ = engine.model(KELP.replace(kelp_density=300.0))
    target = gradients.high_water(truth, w) - baseline
    assert abs(target) > 1e-5
    found = inverse_kelp(engine, target, KELP, initial=100.0, tolerance=1e-7, **CHEAP)
    assert found.change == pytest.approx(target, abs=1e-7)
    assert 0.0 < found.density <= 1000.0
    # Independently: a model built from the what-if with the density found gives the target.
    # (The change is not monotonic in the density here: a lower density may give the same.)
    check, _ = engine.model(KELP.replace(kelp_density=found.density))
    assert gradients.high_water(check, w) - baseline == pytest.approx(target, abs=1e-6)
    assert len(found.history) <= 12


def test_bad_requests_raise_clear_errors(engine):
    with pytest.raises(InputError, match="unknown station 'Atlantis'"):
        sensitivity(engine, station="Atlantis", duration=600.0, samples=2)
    with pytest.raises(InputError, match="wrt must be 'depth' or 'manning', got 'porosity'"):
        sensitivity(engine, wrt="porosity")
