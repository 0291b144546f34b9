"""Coasts at an angle to the grid: a frictionless channel's first seiche mode between banks of
land cells, straight along x, at tan θ = ⅓ (straight runs of three faces between steps) and at
45° (a 4-connected staircase). With ``physics["banks"] = "wall"`` the banks are walls only
where the coast follows the grid's faces (``fluxes.bank_walls``): at a step, the along-shore
flow crosses the step's face, and a wall there would reflect it at every step.

Measured (``cases.staircase_channel``, 40 columns of 100 m, 5 m deep, over 2.2 periods; "kept"
is the largest |η| at the channel's end over the last period over the first): straight 0.979
with either setting (period within 0.1 %); tan θ = ⅓ 0.813 (hydrostatic banks 0.844); 45° 0.916,
the same run as with hydrostatic banks. Walls at every bank (the rule before, 2026-12-05) kept
0.53 at ⅓ and 0.045 at 45°: a frictionless channel five cells wide lost its seiche in two
periods (docs/validation.md, finding 5). The cases run with ``banks: wall`` unless named.
"""

from __future__ import annotations

import cases
import jax.numpy as jnp
import numpy as np
import pytest

from twinbench.core.boundaries import Wall
from twinbench.core.fluxes import bank_walls, face_states


def test_a_straight_channel_between_land_cells_keeps_its_seiche():
    m = cases.staircase_channel(0.0, 2).metrics
    assert abs(m["period_ratio"] - 1.0) < 0.01
    assert m["kept"] > 0.95


def test_a_channel_at_45_degrees_keeps_its_seiche():
    """No face of a 4-connected staircase is a wall: the run is the hydrostatic banks' one."""
    run = cases.staircase_channel(1.0, 2)
    assert run.metrics["kept"] > 0.85
    hydrostatic = cases.staircase_channel(1.0, 2, banks="hydrostatic")
    np.testing.assert_allclose(run.eta, hydrostatic.eta, rtol=0, atol=1e-12)


def test_a_channel_at_a_shallow_angle_loses_little_to_its_straight_runs_walls():
    walls = cases.staircase_channel(1.0 / 3.0, 3).metrics
    hydrostatic = cases.staircase_channel(1.0 / 3.0, 3, banks="hydrostatic").metrics
    assert walls["kept"] > hydrostatic["kept"] - 0.05
    assert abs(walls["period_ratio"] - hydrostatic["period_ratio"]) < 0.02


def _banks(bed: np.ndarray, axis: int):
    """``fluxes.bank_walls`` for a sea at rest at η = 0 over ``bed`` (land where bed > 0)."""
    h = jnp.asarray(np.maximum(-bed, 0.0))
    eta = jnp.asarray(np.where(bed > 0, bed, 0.0))
    zero = jnp.zeros_like(h)
    *_, left, right = face_states(h, eta, zero, zero, axis, Wall(), Wall(), 0.0, 9.81)
    bank_l, bank_r = bank_walls(h, eta, left, right, axis, 9.81, 1e-6)
    return np.asarray(bank_l), np.asarray(bank_r)


@pytest.mark.parametrize("axis", [0, 1])
def test_banks_are_walls_along_a_straight_coast_and_not_on_a_staircase(axis):
    n = 12
    j, i = np.mgrid[0:n, 0:n]
    straight = np.where(i >= 8, 5.0, -3.0)  # land east of column 8, all rows
    stairs = np.where(i - j >= 2, 5.0, -3.0)  # land above a 45° staircase
    if axis == 0:
        straight, stairs = straight.T, stairs.T
    bank_l, bank_r = _banks(straight, axis)
    faces = bank_r if axis == 1 else bank_r.T  # the sea on the low side of the coast
    assert faces[:, 8].all() and faces.sum() == n and not bank_l.any()
    bank_l, bank_r = _banks(stairs, axis)
    assert not bank_l.any() and not bank_r.any()
