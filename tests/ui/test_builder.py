"""The scenario builder: slider values reach the run, no recompilation, views hold the data."""

from __future__ import annotations

import logging

import jax
import numpy as np
import pytest

from twinbench import scenarios
from twinbench.io.inputs import InputError
from twinbench.ui import ScenarioBuilder, Settings, what_ifs
from twinbench.ui.views import ATTRIBUTION


@pytest.fixture(scope="module")
def builder():
    built = ScenarioBuilder(duration="20min", output_every="10min", spin_up=0)
    built.baseline()
    return built


def test_second_run_with_new_sliders_does_not_recompile_and_matches_scenarios_run(builder, caplog):
    builder.set(garonne_factor=2.0, wind_speed=20.0)
    builder.run()  # the vegetation-free structure, compiled once
    builder.set(garonne_factor=0.4, dordogne_factor=2.5, sea_level_rise=0.3, dredge_depth=15.0,
                kelp_density=400.0, wind_speed=30.0, wind_direction=90.0)  # fmt: skip
    caplog.set_level(logging.WARNING)
    with jax.log_compiles():
        moved = builder.run()
    assert [r.getMessage() for r in caplog.records if "Compiling" in r.getMessage()] == []
    direct = scenarios.run(builder.engine.scenario(builder.settings))
    np.testing.assert_allclose(moved["eta"].values, direct["eta"].values, atol=1e-6)
    np.testing.assert_allclose(moved["station_eta"].values, direct["station_eta"].values, atol=1e-6)
    # The what-ifs acted: the sea is 0.3 m higher at the mouth than in the baseline.
    mouth = moved["station_eta"].sel(station="Port-Bloc") - builder.base_run["station_eta"].sel(
        station="Port-Bloc"
    )
    assert float(mouth[0]) == pytest.approx(0.3, abs=1e-3)


def test_settings_are_the_what_ifs():
    kinds = [w.type_name for w in what_ifs(Settings(dredge_depth=12.0, kelp_density=50.0))]
    assert kinds == ["river_change", "river_change", "dredging", "vegetation", "storm"]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"garonne_factor": -1.0}, r"garonne_factor .* within \[0, 3\] 1, got -1.0"),
        ({"sea_level_rise": float("nan")}, "sea_level_rise .* got nan"),
        ({"wind_speed": "fast"}, "wind_speed .* must be a number, got 'fast'"),
        ({"tide": "king"}, r"tide must be one of \['neap', 'spring'\], got 'king'"),
        ({"channel": "Suez"}, "channel must be one of"),
        ({"kelp": 3.0}, r"unknown setting\(s\) \['kelp'\]"),
    ],
)
def test_bad_slider_values_raise_clear_errors(values, message):
    with pytest.raises(InputError, match=message):
        Settings().replace(**values)


def test_views_hold_the_runs_data(builder):
    builder.set(sea_level_rise=0.2, garonne_factor=1.0, kelp_density=0.0, dredge_depth=0.0)
    result = builder.run()
    shown = builder.views("eta")
    hours = shown["map"].kdims[0].values
    np.testing.assert_allclose(hours, [0.0, 1 / 6, 1 / 3], atol=1e-3)
    frame = shown["map"][hours[-1]]
    image = frame.get(0)  # the overlay: the field, the coastline, the attribution
    values = image.dimension_values(2, flat=False)
    expected = result["eta"].isel(time=-1).where(result["h"].isel(time=-1) > 1e-2).values
    np.testing.assert_allclose(values, expected, equal_nan=True)
    assert any(getattr(el, "text", None) == ATTRIBUTION for el in frame)
    assert len(frame.get(1).data) > 10  # the coastline's rings
    change = shown["difference"][hours[-1]].get(0).dimension_values(2, flat=False)
    wet = np.isfinite(change)
    assert wet.sum() > 100
    base = builder.base_run["eta"].isel(time=-1).values
    np.testing.assert_allclose(change[wet], (expected - base)[wet], atol=1e-5)
    curves = shown["gauges"]
    assert ("Bordeaux", "what-if") in curves
    np.testing.assert_allclose(
        curves[("Bordeaux", "what-if")].dimension_values("eta_m"),
        result["station_eta"].sel(station="Bordeaux").values,
    )


def test_widget_has_the_sliders_and_runs_from_them(builder):
    box = builder.widget
    assert box.children
    names = set(builder.controls)
    assert {"garonne_factor", "sea_level_rise", "dredge_depth", "kelp_density", "tide"} <= names
    builder.controls["sea_level_rise"].value = 0.5
    assert builder.settings.sea_level_rise == 0.5
    builder.button.click()
    assert builder.progress.value == 1.0
    assert float(builder.result["station_eta"].sel(station="Port-Bloc")[0]) == pytest.approx(
        0.5, abs=1e-3
    )


def test_coastline_is_the_shore_without_the_cut_box_of_the_land_polygons():
    """The shipped Histolitt land polygons are cut at a lon/lat box; those straight cut edges
    (100–200 km long, e.g. a north–south line east of Bordeaux) are not drawn, the shore is."""
    from twinbench.ui.views import coastline_km

    lines = coastline_km()
    longest = max(float(np.hypot(*np.diff(line, axis=0).T).max()) for line in lines)
    assert longest < 10.0  # km: the simplified shore's segments; the cut edges were 104–211 km
    points = np.concatenate(lines)
    # The shore still spans the domain: Pointe de Grave (x ≈ 370 km) to Bordeaux (y ≈ 6425).
    assert points[:, 0].min() < 370.0 and points[:, 1].min() < 6425.0
    assert sum(len(line) for line in lines) > 5000


def test_hot_start_continues_the_spun_up_baseline_and_applies_the_what_ifs_at_the_window(caplog):
    """With a spin-up the window starts at the tide's date from the baseline's state after the
    spin-up: the baseline equals one uninterrupted run through spin-up and window; a sea-level
    rise raises every gauge by its offset at the window's start; a dredged channel keeps its
    water level and gets a deeper column; moving sliders compiles nothing."""
    from twinbench.ui import WhatIfEngine
    from twinbench.ui.engine import TIDES

    engine = WhatIfEngine(duration="30min", output_every="10min", spin_up="2h")
    base = engine.run(Settings())
    assert base["time"].values[0] == np.datetime64(TIDES["spring"])
    whole = scenarios.run(engine.scenario(Settings()).replace(output_every=600.0))
    np.testing.assert_allclose(
        base["station_eta"].values, whole["station_eta"].values[:, -4:], atol=2e-4
    )
    assert float(np.ptp(base["station_eta"].values[0])) > 0.05  # the tide moves: not at rest

    caplog.set_level(logging.WARNING)
    with jax.log_compiles():  # new slider values reuse the compiled program
        raised = engine.run(Settings(sea_level_rise=0.3))
        dredged = engine.run(Settings(dredge_depth=20.0, channel="Pauillac reach"))
    assert [r.getMessage() for r in caplog.records if "Compiling" in r.getMessage()] == []
    rise = raised["station_eta"].isel(time=0) - base["station_eta"].isel(time=0)
    np.testing.assert_allclose(rise.values, 0.3, atol=1e-4)

    inside = (dredged["depth"] > base["depth"] + 1.0) & (base["h"].isel(time=0) > 0.1)
    assert int(inside.sum()) > 3  # the dredged reach
    deeper = (dredged["h"] - base["h"]).isel(time=0).where(inside)
    level = (dredged["eta"] - base["eta"]).isel(time=0).where(inside)
    assert float(deeper.max()) > 1.0
    assert float(abs(level).max()) < 1e-4


def test_bad_spin_up_is_refused():
    from twinbench.ui import WhatIfEngine

    with pytest.raises(InputError, match="spin_up"):
        WhatIfEngine(duration="30min", output_every="10min", spin_up=-3600.0)
