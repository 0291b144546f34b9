"""Dam breaks against Stoker (wet bed) and Ritter (dry bed), SWASHES parameters.

10 m channel, dam at x0 = 5 m, h_l = 5 mm, h_r = 1 mm (Stoker) or 0 (Ritter), t = 6 s, run on
200 and 400 cells of a 1-cell-wide channel between walls (the waves do not reach the walls).

Thresholds. Both solutions have a discontinuity (Stoker's shock) or a front and corners
(Ritter's dry front, the rarefaction head), where a shock-capturing scheme of any formal order
is first order in L1: the error is a smeared band a few cells wide. Hence

* observed order between 200 and 400 cells ≥ 0.8 (first order, with the usual
  pre-asymptotic scatter);
* Stoker: ‖h − h_exact‖₁ ≤ 2 Δx [h] and ‖hu − (hu)_exact‖₁ ≤ 2 Δx [hu], with [·] the jump at
  the shock: the error of a shock spread linearly over 8 cells (HLL spreads it over 3–4, and
  the rarefaction corners add less);
* Ritter: relative L1 of h ≤ 1 % and of hu ≤ 5 % on 200 cells (Δx = 5 cm, a fan 4 m long:
  the dry front, where u is largest and h → 0, dominates the discharge error);
* a closed channel: volume conserved to round-off (≤ 1e-12), depths never negative.
"""

from __future__ import annotations

import analytic
import cases
import pytest

COARSE, FINE = 200, 400


@pytest.mark.parametrize("wet", [True, False], ids=["stoker", "ritter"])
def test_dam_break_converges_at_first_order(wet):
    coarse = cases.dam_break(COARSE, wet).metrics
    fine = cases.dam_break(FINE, wet).metrics
    assert cases.order(coarse["l1_h"], fine["l1_h"]) >= 0.8
    assert cases.order(coarse["l1_hu"], fine["l1_hu"]) >= 0.8


def test_stoker_error_is_a_few_cells_of_shock_smearing():
    p = cases.DAM
    s = analytic.stoker_state(p["h_left"], p["h_right"])
    for cells in (COARSE, FINE):
        m = cases.dam_break(cells, wet=True).metrics
        assert m["l1_h_abs"] <= 2 * m["dx"] * (s.h_m - p["h_right"])
        assert m["l1_hu_abs"] <= 2 * m["dx"] * s.h_m * s.u_m


def test_ritter_error():
    m = cases.dam_break(COARSE, wet=False).metrics
    assert m["l1_h"] <= 0.01
    assert m["l1_hu"] <= 0.05


@pytest.mark.parametrize("wet", [True, False], ids=["stoker", "ritter"])
def test_dam_break_conserves_volume_and_positivity(wet):
    m = cases.dam_break(FINE, wet).metrics
    assert m["volume"] < 1e-12
    assert m["min_h"] >= 0.0


def test_stoker_in_float32():
    """float32 has ε ≈ 6e-8: over the ~150 steps of this run, rounding perturbs h by ~1e-6 of
    itself at most, far below the 0.2 % discretisation error. So the float32 error must equal
    the float64 one to 1 % (a 10⁴ margin over rounding), and the volume, summed in float64 from
    float32 depths, must stay within 1e-5 (ε × steps, rounding accumulating linearly)."""
    m32 = cases.dam_break(FINE, wet=True, dtype="float32").metrics
    m64 = cases.dam_break(FINE, wet=True).metrics
    assert m32["l1_h"] == pytest.approx(m64["l1_h"], rel=0.01)
    assert m32["l1_hu"] == pytest.approx(m64["l1_hu"], rel=0.01)
    assert m32["volume"] < 1e-5
    assert m32["min_h"] >= 0.0
