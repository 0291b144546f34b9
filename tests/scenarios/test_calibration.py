"""The calibration problem: parameters map onto the engine's fields, observations onto the
model's harmonic convention, and its loss is differentiable (finite gradients)."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from twinbench import calibration as cal
from twinbench import tides
from twinbench.domains.stations import TICON4_FILES


@pytest.fixture(scope="module")
def problem():
    return cal.problem("gironde", stations=("Port-Bloc", "Pauillac", "Bordeaux"), samples=8)


def test_observed_constants_round_trip_through_the_harmonic_convention(problem):
    rows = cal.report(problem, problem.observed_m2, problem.observed_m4 * problem.m2_factor**2)
    for row in rows:
        obs = tides.ticon(TICON4_FILES[row["station"]])
        assert row["M2_amplitude"] == pytest.approx(float(obs.amplitude.sel(constituent="M2")))
        assert row["M2_phase"] == pytest.approx(float(obs.phase.sel(constituent="M2")), abs=1e-6)


def test_parameters_set_the_engine_fields(problem):
    theta = cal.Parameters(
        jnp.log(jnp.array([0.011, 0.012, 0.013, 0.014, 0.015])),
        jnp.array([0.0, 1.0, 2.0, 3.0, 4.0]),
        jnp.asarray(1.3),
        jnp.asarray(95.0),
    )
    with problem.model.precision():
        params = cal.engine_params(problem, theta)
    zones = problem.zones
    n = np.asarray(params.friction.coefficient)
    bed = np.asarray(params.bed)
    bed0 = np.asarray(problem.model.params.bed)
    for k in range(5):
        np.testing.assert_allclose(n[zones == k], 0.011 + 0.001 * k, rtol=1e-6)
        np.testing.assert_allclose(bed0[zones == k] - bed[zones == k], float(k), atol=1e-5)
    np.testing.assert_array_equal(bed[zones < 0], bed0[zones < 0])
    west = params.boundaries.west
    np.testing.assert_allclose(np.asarray(west.amplitude), 1.3 * problem.m2_factor, rtol=1e-6)


def test_the_loss_has_finite_gradients_on_the_gironde(problem):
    theta = cal.initial_parameters(problem)
    with problem.model.precision():
        state = cal.spin_up(problem, theta, problem.model.state, 0.25)
        grad = jax.jit(jax.grad(lambda th, s: cal.loss(problem, th, s)[0]))(theta, state)
    leaves = jax.tree.leaves(grad)
    assert all(bool(jnp.isfinite(leaf).all()) for leaf in leaves)
    assert float(jnp.abs(grad.log_manning).sum()) > 0 and float(jnp.abs(grad.amplitude)) > 0
