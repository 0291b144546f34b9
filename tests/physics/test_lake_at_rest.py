"""Lake at rest over a bump (SWASHES §3.1.1 immersed, §3.1.2 emerged) and a 2-D bump.

25 m channel, bed z = 0.2 − 0.05 (x − 10)² on 8 < x < 12, still water at η = 0.5 m (bump
immersed) or η = 0.1 m (bump top dry), walls, 100 s on 100 cells. The engine is documented as
well-balanced (hydrostatic reconstruction), so the exact discrete steady state is the lake at
rest itself: velocities, depth and level stay at round-off in float64 — |u| < 1e-12 m s⁻¹,
|h − h_exact| and |η − η_exact| < 1e-12 m (a few hundred ulps of 0.5 m) — and the volume is
unchanged to 1e-12. The 2-D case (a round bump in a 12 m square, 32 × 32 cells, 20 s) checks
both axes and shorelines that are not grid-aligned.
"""

from __future__ import annotations

import cases
import pytest

LEVELS = {"immersed": 0.5, "emerged": 0.1}


@pytest.mark.parametrize("level", LEVELS.values(), ids=LEVELS.keys())
def test_lake_at_rest_stays_at_rest(level):
    m = cases.lake_at_rest(100, level).metrics
    assert (m["dry_cells"] > 0) == (level < 0.2)
    assert m["max_u"] < 1e-12 and m["max_v"] < 1e-12
    assert m["max_h_error"] < 1e-12
    assert m["max_eta_error"] < 1e-12
    assert m["volume"] < 1e-12


@pytest.mark.parametrize("level", LEVELS.values(), ids=LEVELS.keys())
def test_lake_at_rest_2d(level):
    m = cases.lake_at_rest_2d(32, level).metrics
    assert (m["dry_cells"] > 0) == (level < 0.2)
    assert m["max_u"] < 1e-12 and m["max_v"] < 1e-12
    assert m["max_h_error"] < 1e-12
    assert m["max_eta_error"] < 1e-12
    assert m["volume"] < 1e-12
