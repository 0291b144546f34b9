"""Thacker's planar surface in a paraboloid (SWASHES, 2-D: a = 1 m, h0 = 0.1 m, η0 = 0.5 m,
L = 4 m): a tilted plane of water sloshing round the bowl with a uniform velocity, its circular
shoreline (radius a) turning about the centre at radius η0, over one period T = 4.49 s, on
50², 100² and 200² cells with walls.

The wet region moves across the grid in every direction, so the front's first order and the
smooth interior's second order mix; thresholds (measured values in docs/validation.md):

* L1 error of h after one period ≤ 2 % on 100² cells (Δx = 4 cm; measured 1.2 %) and no output
  time worse than 2.5 %; order ≥ 1.2 in h and in the discharges between successive grids
  (measured 1.5–1.65);
* the water's centre of mass (the shoreline circle's centre) within 0.1 Δx on 100² cells
  (measured 0.08 Δx), converging at order ≥ 1.5 (measured 2.1–2.2);
* walls only: volume to 1e-12, depths never negative.

The same thresholds hold with rotation (Thacker 1981's rotating solution: f = 0.7 s⁻¹, half
of the non-rotating ω, slows the plane's turn to ω = (√(f² + 8 g h0/a²) − f)/2, T = 5.74 s;
measured L1(h) 1.4 % on 100², orders 1.56–1.74, the centre within 0.095 Δx, order 2.1): the
Coriolis term on a moving shoreline.
"""

from __future__ import annotations

import itertools

import cases
import pytest

CELLS = (50, 100, 200)


SETTINGS = [("hydrostatic", 0.0), ("wall", 0.0), ("hydrostatic", 0.7)]
IDS = ["hydrostatic", "wall", "rotating"]


@pytest.mark.parametrize(("banks", "f"), SETTINGS, ids=IDS)
def test_thacker_planar_error_order_and_shoreline(banks, f):
    runs = [cases.thacker_planar(n, banks=banks, f=f).metrics for n in CELLS]
    fine = runs[1]
    assert fine["l1_h"] <= 0.02 and fine["l1_h_max"] <= 0.025
    assert fine["centre_error"] <= 0.1 * fine["dx"]
    for coarse, finer in itertools.pairwise(runs):
        assert cases.order(coarse["l1_h"], finer["l1_h"]) >= 1.2
        assert cases.order(coarse["l1_hu"], finer["l1_hu"]) >= 1.2
        assert cases.order(coarse["centre_error"], finer["centre_error"]) >= 1.5


@pytest.mark.parametrize(("banks", "f"), SETTINGS, ids=IDS)
def test_thacker_planar_conserves_volume_and_positivity(banks, f):
    for n in CELLS[:2]:
        m = cases.thacker_planar(n, banks=banks, f=f).metrics
        assert m["volume"] < 1e-12
        assert m["min_h"] >= 0.0
