"""Steady flow with Manning friction: MacDonald's long channel (SWASHES §3.2) and normal flow.

MacDonald: 1000 m channel, q = 2 m² s⁻¹, n = 0.033, bed built so that
h(x) = (4/g)^(1/3) (1 + ½ exp(−16 (x/1000 − ½)²)) is exactly steady; discharge imposed
upstream, level h(1000) downstream; started from the exact depth at rest and run 6000 s on 100
and 200 cells to a steady state (measured change over the last 500 s < 1e-10 m s⁻¹).

Thresholds. The steady solution is smooth, so the MUSCL scheme owes second order: the brief's
order ≥ 1.5 for h (some loss allowed for the first-order boundary cells), and a relative L1
error of h ≤ 1 % on 100 cells (Δx = 10 m). The discharge, constant in the exact solution, is
constant in any discrete steady state up to the cell-centre/face difference, so its L1 error
must be small (≤ 0.2 %) and second order (≥ 1.5).

The supercritical case (SWASHES §3.2, h(x) = (4/g)^(1/3) (1 − ⅕ exp(−36 (x/1000 − ½)²)),
Froude² ≈ 1.0001 at the ends; discharge and depth imposed upstream, free outflow) is held to
the same thresholds, plus the interior's order (100 m < x < 900 m: ≥ 1.5, measured 2.07); its
depth order (1.07) misses 1.5 for the same reason as the subcritical one's: the near-critical
end cells.

Normal flow (the simplest such solution: a constant slope 0.1 %, q = 1 m² s⁻¹, depth
h_n = (n q/√S0)^(3/5) = 1.026 m everywhere) isolates what the MacDonald run mixes: on a
linear bed with constant depth the interior spatial scheme is exact, so a steady state away
from h_n comes from the boundaries or from the time discretisation of friction, which the
engine documents as "leaving steady states independent of Δt".

One test is marked ``xfail(strict=True)``: it states the accuracy the scheme should have and
currently misses (see docs/validation.md, "Engine findings"). When the engine is fixed it
XPASSes, which fails the run: remove the marker then.
"""

from __future__ import annotations

import cases
import pytest

COARSE, FINE = 100, 200

FIRST_ORDER_BOUNDARY_CELLS = (
    "engine: boundary cells reconstruct the free surface with zero slope (first order); "
    "MacDonald's channels are near-critical at both ends (Froude 0.986 subcritical, 1.00004 "
    "supercritical), which magnifies the boundary-cell error: L1(h) order 1.27 (1.07 "
    "supercritical) between 100 and 200 cells (interior alone 1.6, 2.07)"
)


def test_macdonald_reaches_a_steady_state():
    for cells in (COARSE, FINE):
        assert cases.macdonald(cells).metrics["steadiness"] < 1e-10


def test_macdonald_error():
    m = cases.macdonald(COARSE).metrics
    assert m["l1_h"] <= 0.01
    assert m["l1_hu"] <= 2e-3


def test_macdonald_discharge_converges_at_second_order():
    coarse = cases.macdonald(COARSE).metrics
    fine = cases.macdonald(FINE).metrics
    assert cases.order(coarse["l1_hu"], fine["l1_hu"]) >= 1.5


@pytest.mark.xfail(strict=True, raises=AssertionError, reason=FIRST_ORDER_BOUNDARY_CELLS)
def test_macdonald_depth_converges_at_second_order():
    coarse = cases.macdonald(COARSE).metrics
    fine = cases.macdonald(FINE).metrics
    assert cases.order(coarse["l1_h"], fine["l1_h"]) >= 1.5


def test_macdonald_supercritical_reaches_a_steady_state_with_small_errors():
    runs = [cases.macdonald(n, regime="supercritical").metrics for n in (COARSE, FINE)]
    for m in runs:
        assert m["steadiness"] < 1e-10
    assert runs[0]["l1_h"] <= 0.01
    assert runs[0]["l1_hu"] <= 2e-3
    assert cases.order(runs[0]["l1_hu"], runs[1]["l1_hu"]) >= 1.5
    assert cases.order(runs[0]["l1_h_interior"], runs[1]["l1_h_interior"]) >= 1.5


@pytest.mark.xfail(strict=True, raises=AssertionError, reason=FIRST_ORDER_BOUNDARY_CELLS)
def test_macdonald_supercritical_depth_converges_at_second_order():
    coarse = cases.macdonald(COARSE, regime="supercritical").metrics
    fine = cases.macdonald(FINE, regime="supercritical").metrics
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
