"""Fitting the Gironde: Adam on zones, the boundary tide's correction against the mouth gauge,
the boundary overtide's linear fit, and the full run's errors mapped onto the calibration
period's targets (output space mapping). Levenberg–Marquardt on a twin: test_calibration_twin.py.

Apart from test_calibration.py (the problem, its loss and gradient): the fits run the coarse
twin for minutes, and pytest-xdist's ``--dist loadfile`` gives each file to one worker."""

from __future__ import annotations

import numpy as np
import pytest

from twinbench import calibration as cal


def test_zones_limit_the_fit_to_those_zones(problem):
    """``zones`` moves the friction and deepening of the named zones only (a river refit on a
    finer grid), and the boundary tide stays when ``fit`` leaves it out."""
    start = cal.initial_parameters(problem, from_scenario=True)
    seen = []
    cal.calibrate(problem, iterations=2, learning_rate=0.1, theta=start,
                  fit=("log_manning", "deepening"), spin_periods=0.25, zones=("garonne",),
                  callback=lambda k, value, theta, rows: seen.append(theta))  # fmt: skip
    moved = seen[-1]
    g = problem.zone_names.index("garonne")
    others = [k for k in range(len(problem.zone_names)) if k != g]
    for field in ("log_manning", "deepening"):
        before, after = np.asarray(getattr(start, field)), np.asarray(getattr(moved, field))
        assert abs(after[g] - before[g]) > 1e-3, field  # Adam's first step: ≈ the learning rate
        np.testing.assert_array_equal(after[others], before[others])
    assert float(moved.amplitude) == float(start.amplitude)
    assert float(moved.phase) == float(start.phase)
    with pytest.raises(ValueError, match="zones must be among"):
        cal.calibrate(problem, iterations=1, theta=start, zones=("gironde",))
    with pytest.raises(ValueError, match="unknown parameter group"):
        cal.calibrate(problem, iterations=1, theta=start, fit=("friction",))


def test_boundary_correction_brings_the_mouth_gauge_to_the_observed_tide():
    """Forcing 30 % too weak and 20° late (3-day runs: M2 resolved, the semidiurnal lines it
    cannot separate from M2 follow it). One correction of the boundary by observed/modelled
    amplitude and phase at Port-Bloc cuts M2's amplitude error at least 4-fold (measured
    0.72 → 0.95: friction grows with the forcing) and its phase error to < 2°; a second one
    brings the amplitude within 2 %."""
    from twinbench.scenarios import load

    base = load("gironde")
    weak = {n: [0.7 * a, (g + 20.0) % 360] for n, (a, g) in base.tide["constituents"].items()}
    scenario = base.replace(duration=3 * 86400.0, tide={**base.tide, "constituents": weak})
    tide, skill = cal.boundary_correction(scenario, "Port-Bloc")
    ratio = float(skill["amplitude_ratio"].sel(constituent="M2"))
    late = float(skill["phase_error"].sel(constituent="M2"))
    assert 0.55 < ratio < 0.85 and 12.0 < late < 28.0
    new = tide["constituents"]
    assert new["M2"][0] == pytest.approx(weak["M2"][0] / ratio, abs=1e-4)
    assert new["M2"][1] == pytest.approx((weak["M2"][1] - late) % 360, abs=0.01)
    for line in ("S2", "N2", "K2"):  # unresolved in 2 days: M2's ratio
        assert new[line][0] / weak[line][0] == pytest.approx(new["M2"][0] / weak["M2"][0], rel=1e-3)
    assert new["M4"] == weak["M4"]  # an overtide keeps its boundary value (made in the jet)
    tide, once = cal.boundary_correction(scenario.replace(tide=tide), "Port-Bloc")
    assert abs(float(once["amplitude_ratio"].sel(constituent="M2")) - 1.0) < (1.0 - ratio) / 4
    assert abs(float(once["phase_error"].sel(constituent="M2"))) < 2.0
    _, twice = cal.boundary_correction(scenario.replace(tide=tide), "Port-Bloc")
    assert abs(float(twice["amplitude_ratio"].sel(constituent="M2")) - 1.0) < 0.02


def _skill(stations, m2_ratio, m2_lag, m4_ratio):
    """A tidal_skill table (its variables and coordinates) with the given full-run errors."""
    import xarray as xr

    shape = (len(stations), 2)
    coords = {"station": list(stations), "constituent": ["M2", "M4"]}
    return xr.Dataset(
        {
            "amplitude_ratio": (
                ("station", "constituent"),
                np.tile([m2_ratio, m4_ratio], (shape[0], 1)),
            ),
            "phase_error": (("station", "constituent"), np.tile([m2_lag, 0.0], (shape[0], 1))),
        },
        coords=coords,
    )


def test_full_run_targets_give_the_full_runs_misfit_at_the_starting_values(problem):
    """Output space mapping: with the full run 10 % high and 6° late in M2 and 1.5× in M4 at
    every gauge, the mapped loss at the same parameters is that full run's misfit: per gauge
    |1.1 e^{−6° i} − 1|² for M2 and w (1.5 − 1)² for M4."""
    theta = cal.initial_parameters(problem, from_scenario=True)
    skill = _skill(problem.stations, 1.1, 6.0, 1.5)
    mapped, ratios = cal.full_run_targets(problem, theta, skill, spin_periods=0.25)
    assert ratios["Pauillac"] == {"M2_ratio": 1.1, "M2_phase_error": 6.0, "M4_ratio": 1.5}
    with problem.model.precision():
        state = cal.spin_up(problem, theta, problem.model.state, 0.25)
        value = float(cal.loss(mapped, theta, state, m4_weight=0.5)[0])
    r2 = 1.1 * np.exp(-1j * np.deg2rad(6.0))
    expected = len(problem.stations) * (abs(r2 - 1.0) ** 2 / abs(1.0) ** 2 + 0.5 * 0.25)
    assert value == pytest.approx(expected, rel=1e-3)
    # The targets are the observations moved by the full run's error: a full run that matched
    # every gauge (ratios 1, no lag) leaves the M2-only period's own harmonics as the targets.
    # The loss is then zero but for float32 round-off: the targets' period and the loss's are
    # separately compiled programs of 4 320 steps (measured 2.2e-8, i.e. the gauges' harmonics
    # agreeing to ≈ 7e-5; a wrong mapping is off by O(1), a loss of order 1).
    exact, _ = cal.full_run_targets(problem, theta, _skill(problem.stations, 1.0, 0.0, 1.0), 0.25)
    with problem.model.precision():
        assert float(cal.loss(exact, theta, state)[0]) < 1e-6


def test_full_run_targets_need_the_full_runs_m2_and_m4(problem):
    theta = cal.initial_parameters(problem, from_scenario=True)
    with pytest.raises(ValueError, match="Pauillac"):
        skill = _skill(problem.stations, 1.0, 0.0, 1.0)
        skill["amplitude_ratio"].loc[{"station": "Pauillac", "constituent": "M4"}] = np.nan
        cal.full_run_targets(problem, theta, skill, spin_periods=0.25)


def test_fit_overtide_predicts_the_gauges_m4_from_its_linear_transfer():
    """Two 3-day runs give the transfer boundary M4 → gauge M4; the fitted boundary M4, run
    once more, gives at Pauillac and Bordeaux the M4 amplitudes the transfer predicted (to 3 %
    of the observed: the response is linear in the boundary's overtide), and a largest
    amplitude error no worse than without it."""
    from twinbench.analysis import tidal_skill
    from twinbench.scenarios import load, run

    base = load("gironde")
    scenario = base.replace(duration=3 * 86400.0, tide={**base.tide, "constituents": {
        k: v for k, v in base.tide["constituents"].items() if k != "M4"}})  # fmt: skip
    stations = ("Pauillac", "Bordeaux")
    tide, rows = cal.fit_overtide(scenario, "M4", stations)
    amplitude, phase = tide["constituents"]["M4"]
    assert 0.0 < amplitude < 0.5 and 0.0 <= phase < 360.0
    for r in rows.values():
        assert 0.2 < r["transfer"] < 1.5  # a shelf M4 reaches the estuary, damped or amplified
    start = max(abs(r["start_ratio"] - 1.0) for r in rows.values())
    predicted = max(abs(r["predicted_ratio"] - 1.0) for r in rows.values())
    assert predicted <= start
    check = run(scenario.replace(tide=tide, stations=stations, fields=False))
    ratio = tidal_skill(check)["amplitude_ratio"].sel(constituent="M4")
    for station in stations:
        assert float(ratio.sel(station=station)) == pytest.approx(
            rows[station]["predicted_ratio"], abs=0.03
        )


def test_fit_overtide_refuses_what_it_cannot_fit():
    with pytest.raises(ValueError, match="not an overtide"):
        cal.fit_overtide("gironde", "M2")
    with pytest.raises(ValueError, match="at least one station"):
        cal.fit_overtide("gironde", "M4", stations=())
