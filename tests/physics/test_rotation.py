"""The Coriolis term and linear friction in time: the inertial oscillation of a uniform current,
``u + i v = u0 exp(−(τ + i f) t)`` (tests/physics/analytic.py), over two inertial periods.

The state stays uniform (transmissive sides), so the spatial scheme drops out and what is left
is the time integration of the sources. Thresholds from the method: SSP-RK2 integrates the
explicit Coriolis term at second order in Δt (order ≥ 1.8 when the step is halved; measured
2.0, error 1e-3 of the speed at f Δt ≈ 0.02), and its amplification |1 − iθ − θ²/2| =
√(1 + θ⁴/4) keeps the speed to O(θ⁴) per step, O(Δt³) over the run (measured order 3.0).
The friction (core/stepping.py: each stage returns (hU + (1 + a) Δt L)/(1 + a + a²), a = Δt k,
forward Euler to O(a³) yet stable for any k) keeps SSP-RK2 second order: with τ = 2e-5 s⁻¹ the
error is 1.3e-4 at f Δt ≈ 0.02 and falls by 4 when the step halves (order ≥ 1.8; measured
2.0); with τ = 2e-4 s⁻¹ (τ Δt ≈ 0.04) order ≥ 1.8 as well (measured 1.97–1.99). The
backward-Euler damping of each stage, hU*/(1 + a), used before, was first order (0.98–0.99;
docs/validation.md, "Engine findings").

A geostrophic jet (u = −(g/f) η_y along x, not varying along x: an exact steady state of the
nonlinear equations) in a 400 km channel, 100 m deep, η0 = 0.1 m over a 50 km half-width,
kept for two days: the cell-centred Coriolis term and the flux-form pressure gradient do not
balance exactly, so the state drifts by the scheme's error, which must be second order.
Thresholds: on 100 cells (Δy = σ/12.5) the surface within 0.5 % of η0 of the initial one
(measured 0.24 %) and the cross-channel flow within 0.1 % of the jet's speed (measured
0.059 %); the drifts of η, u and v and the final L1(η) converge at order ≥ 1.8 between 50,
100 and 200 cells (measured 1.91–2.50 from 50 to 100, 1.96–2.42 from 100 to 200).
"""

from __future__ import annotations

import itertools

import cases
import pytest

CFLS = (0.45, 0.225, 0.1125)
TAU = 2e-5  # s⁻¹: an e-folding time of 14 h, comparable with the inertial period (17.5 h)


def test_inertial_oscillation_is_second_order_in_time():
    runs = [cases.inertial(cfl).metrics for cfl in CFLS]
    assert runs[0]["error"] < 2e-3
    for coarse, fine in itertools.pairwise(runs):
        assert cases.order(coarse["error"], fine["error"]) >= 1.8
    # The speed grows by √(1 + θ⁴/4) a step (θ = f Δt): O(Δt³) over the run, 8e-6 m/s at 0.45.
    assert runs[0]["speed_error"] < 2e-5
    for coarse, fine in itertools.pairwise(runs):
        assert cases.order(coarse["speed_error"], fine["speed_error"]) >= 2.7
    assert all(m["uniformity"] < 1e-9 for m in runs)  # the state stays uniform


@pytest.mark.parametrize("tau", [TAU, 10 * TAU])
def test_damped_inertial_oscillation_is_second_order_with_stiff_stable_friction(tau):
    runs = [cases.inertial(cfl, tau).metrics for cfl in CFLS]
    assert runs[0]["error"] < 2e-3
    for coarse, fine in itertools.pairwise(runs):
        assert cases.order(coarse["error"], fine["error"]) >= 1.8


def test_geostrophic_jet_stays_steady_to_second_order():
    runs = [cases.geostrophic_jet(n).metrics for n in (50, 100, 200)]
    assert runs[1]["eta_drift"] <= 5e-3 and runs[1]["v_max"] <= 1e-3
    for coarse, fine in itertools.pairwise(runs):
        for key in ("eta_drift", "u_drift", "v_max", "l1_eta"):
            assert cases.order(coarse[key], fine[key]) >= 1.8, key
