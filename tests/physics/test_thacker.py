"""Thacker's radially symmetric paraboloid (SWASHES: a = 1 m, r0 = 0.8 m, h0 = 0.1 m, L = 4 m).

A 2-D oscillation with a moving shoreline, over one full period T = 2π/√(8 g h0) = 2.24 s, in
a 4 m square with walls, on 50² and 100² cells. The solution is smooth where wet but h has a
kink at the shoreline and the wet area changes every step, so the order sits between the
first order of a front and the second order of the smooth part; thresholds:

* L1 error of h after one period ≤ 3 % on 100² cells (Δx = 4 cm, 45 cells across the
  initial wet disc of radius 0.89 m) and no step of the output history worse than 5 %;
* observed order 50² → 100² ≥ 1.2 (a front-limited first order would give ≈ 1);
* walls only: volume conserved to 1e-12, depths never negative.

Both treatments of the shoreline's dry banks (``physics["banks"]``: the hydrostatic
reconstruction alone, or banks above the surface as walls) meet them.
"""

from __future__ import annotations

import cases
import pytest

COARSE, FINE = 50, 100


@pytest.mark.parametrize("banks", ["hydrostatic", "wall"])
def test_thacker_error_and_order(banks):
    coarse = cases.thacker(COARSE, banks=banks).metrics
    fine = cases.thacker(FINE, banks=banks).metrics
    assert fine["l1_h"] <= 0.03
    assert fine["l1_h_max"] <= 0.05
    assert cases.order(coarse["l1_h"], fine["l1_h"]) >= 1.2
    assert cases.order(coarse["l1_hu"], fine["l1_hu"]) >= 1.0


@pytest.mark.parametrize("banks", ["hydrostatic", "wall"])
def test_thacker_conserves_volume_and_positivity(banks):
    m = cases.thacker(FINE, banks=banks).metrics
    assert m["volume"] < 1e-12
    assert m["min_h"] >= 0.0
