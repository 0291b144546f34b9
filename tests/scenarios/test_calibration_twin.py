"""Levenberg–Marquardt on an identical twin of the coarse Gironde: ≈ 15 evaluations of one and a
half M2 periods each (half a period of spin-up, then the measured one), the longest
calibration test, in a file of its own so that pytest-xdist's ``--dist loadfile`` can run it
beside the other fits (test_calibration_fits.py)."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from twinbench import calibration as cal


def test_gauss_newton_recovers_the_garonnes_friction_of_a_twin(problem):
    """Identical twin: the gauges' "observations" are the model's own M2 (same start state,
    half a period of spin-up, then the measured period) with the Garonne's Manning n 16 % higher
    than the start. Levenberg–Marquardt, its Jacobian by differences at the steps' scale,
    finds it again to 1 % in four iterations (the first overshoots: the misfit is far from
    linear in log n over 0.15); the other zones and the boundary tide stay as they were."""
    import dataclasses

    import equinox as eqx

    start = cal.initial_parameters(problem, from_scenario=True)
    g = problem.zone_names.index("garonne")
    truth = eqx.tree_at(lambda t: t.log_manning, start, start.log_manning.at[g].add(0.15))
    with problem.model.precision():
        state = cal.spin_up(problem, start, problem.model.state, 0.5)
        state = cal.spin_up(problem, truth, state, 0.5)
        m2, m4, _ = jax.jit(lambda th, s: cal.harmonics(problem, th, s))(truth, state)
    observed_m4 = np.abs(np.asarray(m4)) / problem.m2_factor**2
    twin = dataclasses.replace(problem, observed_m2=np.asarray(m2), observed_m4=observed_m4)
    best, history = cal.gauss_newton(
        twin, 4, start, fit=("log_manning",), zones=("garonne",), spin_periods=0.5, m4_weight=0.0
    )
    assert history[0]["loss"] > 1e-5  # the start misses the twin's gauges
    final = min(t["loss"] for h in history for t in h["trials"])
    assert final < 1e-2 * history[0]["loss"]
    assert float(jnp.exp(best.log_manning[g] - truth.log_manning[g])) == pytest.approx(
        1.0, abs=0.01
    )
    others = [k for k in range(len(problem.zone_names)) if k != g]
    np.testing.assert_array_equal(np.asarray(best.log_manning)[others],
                                  np.asarray(start.log_manning)[others])  # fmt: skip
    np.testing.assert_array_equal(np.asarray(best.deepening), np.asarray(start.deepening))
    assert float(best.amplitude) == float(start.amplitude)
    # A tight prior on log n (σ = 0.05 against a 1 % misfit error) holds the first step near
    # the start: the step the data alone asked for overshot to about twice the truth's 0.15.
    first = history[0]["trials"][-1]["step"][0]
    held, held_history = cal.gauss_newton(
        twin, 1, start, fit=("log_manning",), zones=("garonne",), spin_periods=0.5,
        m4_weight=0.0, prior={"log_manning": 0.05},
    )  # fmt: skip
    step = float(held.log_manning[g] - start.log_manning[g])
    assert abs(first) > 0.1 and 0.0 < step < 0.03
    assert held_history[0]["trials"][-1]["loss"] < held_history[0]["loss"]
    for bad in ({"friction": 0.1}, {"log_manning": 0.0}, {"deepening": float("nan")}):
        with pytest.raises(ValueError, match="prior must map"):
            cal.gauss_newton(problem, iterations=1, theta=start, prior=bad)
    with pytest.raises(SystemExit):  # argparse: GROUP=SIGMA, and only with gauss-newton
        cal.main(["gironde", "--method", "gauss-newton", "--prior", "log_manning:0.3"])
    with pytest.raises(SystemExit):
        cal.main(["gironde", "--prior", "log_manning=0.3"])
    with pytest.raises(ValueError, match="nothing to fit"):
        cal.gauss_newton(problem, iterations=1, theta=start, fit=())
    with pytest.raises(ValueError, match="zones must be among"):
        cal.gauss_newton(problem, iterations=1, theta=start, zones=("gironde",))
