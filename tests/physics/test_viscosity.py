"""Horizontal eddy viscosity: the decay of a shear flow u = U cos(π y/W) across a 1000 m
channel (free-slip walls) on 10 m of water, with no flow along x, so the momentum equation is
u_t = ν u_yy and the exact solution decays as exp(−ν (π/W)² t); one e-folding time on 20, 40
and 80 cells.

The viscosity term is ∇·(ν h ∇u) with face depths (exact for a uniform depth), so the error
is the three-point Laplacian's: its decay rate (4/Δy²) sin²(kΔy/2) is ν k² (1 − (kΔy)²/12 + …)
— second order. Thresholds: L1(u) order ≥ 1.9 (measured 2.00, 2.00); the modelled decay rate
equal to the three-point Laplacian's to 1 % of its own error (measured 0.01 %: the time
stepping adds nothing visible); no cross-channel flow and a flat surface (round-off). With
ν = 1000 m² s⁻¹ the diffusive limit 2ν Σ 1/Δ² sets the step (a 25.6 s⁻¹ rate on 80 cells
against the gravity waves' 0.8 s⁻¹): without it in the CFL rate the run would blow up.
"""

from __future__ import annotations

import itertools

import cases
import pytest

CELLS = (20, 40, 80)


@pytest.mark.parametrize("viscosity", [10.0, 1000.0])
def test_shear_flow_decays_at_the_rate_of_the_discrete_laplacian(viscosity):
    runs = [cases.viscous_shear(n, viscosity).metrics for n in CELLS]
    for coarse, fine in itertools.pairwise(runs):
        assert cases.order(coarse["l1_u"], fine["l1_u"]) >= 1.9
    for m in runs:
        assert m["rate_error"] == pytest.approx(m["discrete_rate_error"], rel=0.01)
        assert m["max_v"] < 1e-12 and m["eta_range"] < 1e-12
