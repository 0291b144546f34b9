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


def test_the_m4_weight_scales_the_m4_misfit_only(problem):
    """loss = Σ |M2 − M2_obs|²/|M2_obs|² + w Σ (|M4| − M4_obs)²/M4_obs²: two weights differ by
    the M4 misfit computed from the reported amplitudes (nodal factor f(M2)² included)."""
    theta = cal.initial_parameters(problem)
    with problem.model.precision():
        state = problem.model.state
        full, (m2, m4, _) = cal.loss(problem, theta, state, m4_weight=1.0)
        m2_only = cal.loss(problem, theta, state, m4_weight=0.0)[0]
    rows = cal.report(problem, m2, m4)
    misfit = sum((r["M4_amplitude"] / r["M4_amplitude_observed"] - 1.0) ** 2 for r in rows)
    assert float(full - m2_only) == pytest.approx(misfit, rel=1e-4)
    assert misfit > 0.01  # not vacuous: the initial parameters miss M4


def test_m4_stations_leave_the_other_gauges_m4_out_of_the_loss(problem):
    """With ``m4_stations`` only those gauges' M4 misfit is added to the M2 one."""
    import dataclasses

    theta = cal.initial_parameters(problem)
    masked = dataclasses.replace(problem, m4_mask=np.array([0.0, 1.0, 0.0]))  # Pauillac only
    with problem.model.precision():
        state = problem.model.state
        full, (m2, m4, _) = cal.loss(masked, theta, state, m4_weight=1.0)
        m2_only = cal.loss(masked, theta, state, m4_weight=0.0)[0]
    pauillac = cal.report(problem, m2, m4)[1]
    assert pauillac["station"] == "Pauillac"
    misfit = (pauillac["M4_amplitude"] / pauillac["M4_amplitude_observed"] - 1.0) ** 2
    assert float(full - m2_only) == pytest.approx(misfit, rel=1e-4)
    with pytest.raises(ValueError, match="Royan"):
        cal.problem("gironde", stations=("Port-Bloc", "Pauillac"), m4_stations=("Royan",))


def test_the_gradient_holds_one_samples_states_not_the_whole_periods(problem):
    # 8 samples of 540 coarse float32 steps, 0.1 MB a state: the period's states are 416 MB,
    # one sample's 52 MB. The gradient's working set must be of the order of one sample's.
    theta = cal.initial_parameters(problem)
    state = problem.model.state
    with problem.model.precision():
        grad = jax.jit(jax.grad(lambda th, s: cal.loss(problem, th, s)[0]))
        compiled = grad.lower(theta, state).compile()
    temp_mb = compiled.memory_analysis().temp_size_in_bytes / 2**20
    sample_mb = problem.steps_per_sample * 3 * state.h.size * state.h.dtype.itemsize / 2**20
    assert temp_mb < 2.0 * sample_mb < 0.5 * problem.samples * sample_mb


def test_residuals_square_to_the_loss(problem):
    """The Gauss–Newton misfits are the loss's terms: Σ r² = loss, with M4 and without."""
    theta = cal.initial_parameters(problem, from_scenario=True)
    with problem.model.precision():
        state = problem.model.state
        for weight in (0.0, 0.3):
            r, _ = cal.residuals(problem, theta, state, weight)
            value = cal.loss(problem, theta, state, weight)[0]
            assert r.shape == (3 * len(problem.stations),)
            assert float(jnp.sum(r**2)) == pytest.approx(float(value), rel=1e-5)
