"""Sampson's damped oscillation in a parabola (Sampson, Easton & Singh 2006; SWASHES “planar
surface in a parabola with friction”: a = 3000 m, h0 = 10 m, τ = 1e-3 s⁻¹, B = 5 m s⁻¹,
L = 10 km): a tilted plane of water sloshing in a parabolic channel with linear friction, its
two shorelines moving over the dry bed, over SWASHES's 6000 s (4.4 periods of 1354 s; the
velocity damped to 5 %), on 100, 200 and 400 cells (Δx = 100, 50, 25 m) in a closed
1-cell-wide channel.

The moving shorelines are first order and the smooth interior second order; thresholds
(measured values in docs/validation.md):

* L1 error of h ≤ 1e-3 on 200 cells after 6000 s (measured 8.0e-4), no output worse than
  1.2e-3, order ≥ 1 between successive grids (measured 1.47, 1.23; 1.64 to 800 cells);
* the discharge's L1 error over all outputs converging at order ≥ 1.5 (measured 1.65, 1.68);
* the water's centre of mass at order ≥ 1.8 (measured 2.08, 2.07);
* the velocity in the middle of the channel within 0.5 % of B of the exact damped u(t) on
  200 cells (measured 0.23 %; the same run without friction is 92 % off), converging at order
  ≥ 1 (measured 1.53, 2.01, then 1.19 to 800 cells: the shorelines' first-order errors reach
  the middle as waves);
* volume to 1e-12 (walls), depths never negative.
"""

from __future__ import annotations

import itertools

import cases

CELLS = (100, 200, 400)


def test_sampson_error_order_and_damping():
    runs = [cases.sampson(n).metrics for n in CELLS]
    fine = runs[1]
    assert fine["l1_h"] <= 1e-3 and fine["l1_h_max"] <= 1.2e-3
    assert fine["u_error"] <= 5e-3
    for coarse, finer in itertools.pairwise(runs):
        assert cases.order(coarse["l1_h"], finer["l1_h"]) >= 1.0
        assert cases.order(coarse["l1_hu"], finer["l1_hu"]) >= 1.5
        assert cases.order(coarse["centre_error"], finer["centre_error"]) >= 1.8
        assert cases.order(coarse["u_error"], finer["u_error"]) >= 1.0


def test_sampson_conserves_volume_and_positivity():
    for n in CELLS[:2]:
        m = cases.sampson(n).metrics
        assert m["volume"] < 1e-12
        assert m["min_h"] >= 0.0
