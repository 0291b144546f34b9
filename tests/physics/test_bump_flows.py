"""Steady flows over a bump (SWASHES §3.1.3–3.1.5; Goutal & Maurel 1997): no friction, a
25 m channel, the bump z = 0.2 − 0.05 (x − 10)² on 8 < x < 12, started from still water.

* subcritical: q = 4.42 m² s⁻¹ in, level 2 m out — smooth, subcritical everywhere;
* transcritical: q = 1.53 in, level 0.66 m out while subcritical — critical at the top of the
  bump, supercritical after it (the level then no longer acts);
* shock: q = 0.18 in, level 0.33 m out — critical at the top, a hydraulic jump at
  x = 11.6656 m (SWASHES: 11.6655 m), subcritical after it.

Thresholds from the scheme's expected accuracy (MUSCL + hydrostatic reconstruction, second
order where smooth): on 100 → 200 → 400 cells the smooth cases converge at order ≥ 1.8 in h
and in the discharge (measured 2.0–2.2); with the jump, order ≥ 1.3 away from it (± 0.5 m,
measured 1.4–1.7: behind the jump a limit cycle of the jump and the outlet's reflecting level
leaves ≈ 1e-4 m, docs/validation.md) and ≥ 1.8 before it (supercritical, out of the limit
cycle's reach; measured 2.0), first order in the whole-domain norms, and the jump's position
within half a cell, its error shrinking with the cell. Measured values: docs/validation.md.
"""

from __future__ import annotations

import itertools

import analytic
import cases
import numpy as np
import pytest

CELLS = (100, 200, 400)


def metrics(kind):
    return [cases.bump_flow(n, kind).metrics for n in CELLS]


@pytest.mark.parametrize("kind", ["subcritical", "transcritical"])
def test_smooth_bump_flows_converge_at_second_order(kind):
    m = metrics(kind)
    assert all(r["steadiness"] < 1e-6 for r in m)  # m s⁻¹: steady
    assert m[0]["l1_h"] <= {"subcritical": 5e-4, "transcritical": 2e-3}[kind]
    for coarse, fine in itertools.pairwise(m):
        assert cases.order(coarse["l1_h"], fine["l1_h"]) >= 1.8
        assert cases.order(coarse["l1_hu"], fine["l1_hu"]) >= 1.8


def test_transcritical_flow_passes_critical_at_the_top_and_leaves_supercritical():
    run = cases.bump_flow(400, "transcritical")
    x = cases.centres(cases.LAKE["length"], 400)
    h = run.h[-1, 0].astype(float)
    q = analytic.BUMP_FLOWS["transcritical"]["q"]
    froude = q / np.sqrt(analytic.G * h**3)
    assert np.all(froude[x < 9.5] < 1.0) and np.all(froude[x > 10.5] > 1.0)
    # The imposed 0.66 m is not what leaves: the supercritical outflow ignores it.
    assert abs(h[-1] - analytic.bump_flow(x, "transcritical")[0][-1]) < 1e-3
    assert h[-1] < 0.5


def test_hydraulic_jump_is_placed_within_half_a_cell_and_converges():
    m = metrics("shock")
    errors = [abs(r["x_jump"] - r["x_shock"]) for r in m]
    assert all(e < 0.5 * r["dx"] for e, r in zip(errors, m, strict=True))
    assert errors[0] > errors[1] > errors[2]
    assert m[0]["l1_h"] <= 0.01 and m[0]["l1_hu"] <= 0.01
    for coarse, fine in itertools.pairwise(m):
        assert cases.order(coarse["l1_h_smooth"], fine["l1_h_smooth"]) >= 1.3
        # before the jump the flow is smooth and supercritical: the scheme's second order
        assert cases.order(coarse["l1_h_upstream"], fine["l1_h_upstream"]) >= 1.8
        assert cases.order(coarse["l1_h"], fine["l1_h"]) >= 0.9
    assert all(r["steadiness"] < 5e-4 for r in m)  # the jump flickers by < 0.1 mm a second
    assert all(r["min_h"] > 0.07 for r in m)  # positive depths through the supercritical part
