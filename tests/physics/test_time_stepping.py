"""SSPRK(s,2): the adaptive step with ``physics["stages"] = s`` (s forward-Euler stages of
Δt/(s − 1), Δt = (s − 1) × the CFL step; Ketcheson 2008).

On one grid the spatial error is common to every run, so differences between runs measure the
time discretisation alone: against a reference of SSP-RK2 at a twentieth of the Courant number,
the error of each scheme must fall ≈ 4× when the Courant number is halved (second order;
threshold order ≥ 1.7), and it takes 1/(s − 1) of SSP-RK2's steps. Steady states do not depend
on the scheme (each stage keeps them: friction balance exact at any Δt), positivity holds on a
dry bed (every stage is a forward-Euler step within the CFL limit), and bad values of
``stages`` are refused by name.
"""

from __future__ import annotations

import functools

import cases
import numpy as np
import pytest

import twinbench

LENGTH, DEPTH, CELLS = 1000.0, 2.0, 50
PERIOD = 2 * LENGTH / np.sqrt(9.81 * DEPTH)  # mode-1 seiche


def _nonlinear_wave():
    """A 50-cell closed basin, 2 m deep, with a 0.4 m cosine bump: steepening, nonlinear."""
    x = cases.centres(LENGTH, CELLS)
    eta = 0.4 * np.cos(np.pi * x / LENGTH)
    return cases.cf_dataset(x, [0.0], np.full(CELLS, DEPTH), eta=eta)


@functools.cache
def _final(stages: int, cfl: float) -> tuple[np.ndarray, int]:
    out = twinbench.simulate(
        _nonlinear_wave(),
        0.75 * PERIOD,
        output_every=0.75 * PERIOD,
        dtype="float64",
        physics={"stages": stages, "cfl": cfl},
    )
    return cases.field_of(out, cases.ETA)[-1, 0], int(out.attrs["time_steps"])


@pytest.mark.parametrize("stages", [3, 4, 5])
def test_ssprk_s2_is_second_order_in_time(stages):
    reference, _ = _final(2, 0.45 / 20)
    coarse, n_coarse = _final(stages, 0.45)
    fine, _ = _final(stages, 0.225)
    e_coarse = np.abs(coarse - reference).sum()
    e_fine = np.abs(fine - reference).sum()
    assert np.log2(e_coarse / e_fine) >= 1.7
    # As accurate per step as SSP-RK2 at its own Courant number, with 1/(s − 1) of the steps.
    rk2, n_rk2 = _final(2, 0.45)
    assert e_coarse < 3.0 * np.abs(rk2 - reference).sum() * (stages - 1) ** 2
    assert n_coarse == pytest.approx(n_rk2 / (stages - 1), rel=0.05)


def test_steady_flow_does_not_depend_on_the_stages():
    """Normal flow down a Manning slope (started at the normal depth: the boundaries and the
    time discretisation move it) reaches the same steady state with 2 and 4 stages."""
    p = cases.NORMAL_FLOW
    h_n = cases.analytic.manning_normal_depth(p["discharge"], p["manning"], p["slope"])
    x = cases.centres(p["length"], 100)
    bed = p["slope"] * (p["length"] - x)
    inputs = cases.cf_dataset(x, [0.0], -bed, eta=bed + h_n, u=np.full(100, p["discharge"] / h_n))
    depths = []
    for stages in (2, 4):
        out = twinbench.simulate(
            inputs,
            6000.0,
            output_every=500.0,
            dtype="float64",
            physics={
                "stages": stages,
                "friction": {"law": "manning", "coefficient": p["manning"]},
            },
            boundaries={
                "west": {"type": "discharge", "value": p["discharge"]},
                "east": {"type": "level", "value": h_n},
            },
        )
        h = cases.field_of(out, cases.DEPTH)[:, 0]
        assert np.abs(h[-1] - h[-2]).max() / 500.0 < 1e-10  # steady
        depths.append(h[-1])
    assert np.abs(depths[0] - depths[1]).max() < 1e-9 * h_n


def test_dam_break_on_a_dry_bed_stays_positive_with_five_stages():
    """Ritter's dam break (SWASHES) with s = 5: depths never negative, volume kept to round-off,
    and the L1 error of h within 30 % of SSP-RK2's (measured 4.0e-3 against 3.3e-3 on 200
    cells: at the dry front the longer step costs some accuracy)."""
    errors = {}
    for stages in (2, 5):
        d = cases.DAM
        x = cases.centres(d["length"], 200)
        h0 = np.where(x < d["x0"], d["h_left"], 0.0)
        out = twinbench.simulate(
            cases.cf_dataset(x, [0.0], np.zeros(200), eta=h0),
            d["duration"],
            output_every=d["duration"] / 4,
            dtype="float64",
            physics={"stages": stages},
            boundaries={"west": {"type": "open"}, "east": {"type": "open"}},
        )
        h = cases.field_of(out, cases.DEPTH)[:, 0]
        assert h.min() >= 0.0
        volume = h.sum(axis=1)
        assert np.abs(volume - volume[0]).max() <= 1e-12 * volume[0]
        exact = cases.analytic.ritter(x, d["duration"], d["h_left"], d["x0"])[0]
        errors[stages] = np.abs(h[-1] - exact).sum() / np.abs(exact).sum()
    assert errors[5] <= 1.3 * errors[2]


@pytest.mark.parametrize("bad", [1, 11, 2.5, "four", True])
def test_bad_stages_are_refused_by_name(bad):
    with pytest.raises(ValueError, match="stages"):
        twinbench.simulate(_nonlinear_wave(), 10.0, physics={"stages": bad})
