"""Steady flow with Manning friction: MacDonald's long channel (SWASHES §3.2) and normal flow.

MacDonald: 1000 m channel, q = 2 m² s⁻¹, n = 0.033, bed built so that
h(x) = (4/g)^(1/3) (1 + ½ exp(−16 (x/1000 − ½)²)) is exactly steady; discharge imposed
upstream, level h(1000) downstream; started from the exact depth at rest and run 6000 s on 100
and 200 cells to a steady state (measured change over the last 500 s < 1e-10 m s⁻¹).

Thresholds. The steady solution is smooth, so the MUSCL scheme owes second order: the brief's
order ≥ 1.5 for h (some loss allowed for the first-order boundary cells), and a relative L1
error of h ≤ 1 % on 100 cells (Δx = 10 m). The discharge, constant in the exact solution, is
constant in any discrete steady state up to the cell-centre/face difference, so its L1 error
must be small (≤ 0.2 %) and second order (≥ 1.5). Both channels are near-critical at their
ends (Froude 0.986 subcritical, Froude² 1.0001 supercritical), where the discrete steady state
hardly constrains h: the depth limiter's switching there had left a grid-scale zig-zag, depth
orders 1.27 / 1.08 and no steady state on 400 cells until the depth slope became the free
surface's in smooth flow (``fluxes.depth_slope``; docs/validation.md, findings 2 and 3). So the
400-cell runs must settle as well.

The supercritical case (SWASHES §3.2, h(x) = (4/g)^(1/3) (1 − ⅕ exp(−36 (x/1000 − ½)²)),
Froude² ≈ 1.0001 at the ends; discharge and depth imposed upstream, free outflow) is held to
the same thresholds, plus the interior's order (100 m < x < 900 m: ≥ 1.5).

Normal flow (the simplest such solution: a constant slope 0.1 %, q = 1 m² s⁻¹, depth
h_n = (n q/√S0)^(3/5) = 1.026 m everywhere) isolates what the MacDonald run mixes: on a
linear bed with constant depth the interior spatial scheme is exact, so a steady state away
from h_n comes from the boundaries or from the time discretisation of friction, which the
engine documents as "leaving steady states independent of Δt".
"""

from __future__ import annotations

import itertools

import cases

COARSE, FINE, FINEST = 100, 200, 400


def test_macdonald_reaches_a_steady_state():
    for cells in (COARSE, FINE, FINEST):
        assert cases.macdonald(cells).metrics["steadiness"] < 1e-10


def test_macdonald_error():
    m = cases.macdonald(COARSE).metrics
    assert m["l1_h"] <= 0.01
    assert m["l1_hu"] <= 2e-3


def test_macdonald_discharge_converges_at_second_order():
    coarse = cases.macdonald(COARSE).metrics
    fine = cases.macdonald(FINE).metrics
    assert cases.order(coarse["l1_hu"], fine["l1_hu"]) >= 1.5


def test_macdonald_depth_converges_at_second_order():
    runs = [cases.macdonald(n).metrics for n in (COARSE, FINE, FINEST)]
    for coarse, fine in itertools.pairwise(runs):
        assert cases.order(coarse["l1_h"], fine["l1_h"]) >= 1.5


def test_macdonald_supercritical_reaches_a_steady_state_with_small_errors():
    runs = [cases.macdonald(n, regime="supercritical").metrics for n in (COARSE, FINE, FINEST)]
    for m in runs:
        assert m["steadiness"] < 1e-10
    assert runs[0]["l1_h"] <= 0.01
    assert runs[0]["l1_hu"] <= 2e-3
    assert cases.order(runs[0]["l1_hu"], runs[1]["l1_hu"]) >= 1.5
    assert cases.order(runs[0]["l1_h_interior"], runs[1]["l1_h_interior"]) >= 1.5


def test_macdonald_supercritical_depth_converges_at_second_order():
    runs = [cases.macdonald(n, regime="supercritical").metrics for n in (COARSE, FINE, FINEST)]
    for coarse, fine in itertools.pairwise(runs):
        assert cases.order(coarse["l1_h"], fine["l1_h"]) >= 1.5


def test_normal_flow_steady_state_is_independent_of_time_step():
    """The same grid run at Courant numbers 0.45 and 0.225 must reach the same steady state
    (to 1e-9 of the depth: steady-state convergence, not discretisation, limits it)."""
    default = cases.normal_flow(COARSE, cfl=0.45)
    halved = cases.normal_flow(COARSE, cfl=0.225)
    for run in (default, halved):
        assert run.metrics["steadiness"] < 1e-10
    change = abs(default.h[-1] - halved.h[-1]).max() / default.metrics["normal_depth"]
    assert change < 1e-9


def test_normal_flow_interior_depth():
    """Half-way down the channel the depth is the normal depth to O(Δx) (first order allowed
    here, as the boundary cells are first order): within 0.5 % on 100 cells."""
    m = cases.normal_flow(COARSE).metrics
    assert m["steadiness"] < 1e-10
    assert m["interior_error"] < 5e-3
