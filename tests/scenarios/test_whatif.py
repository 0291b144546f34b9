"""What-ifs as data: YAML round trips, clear errors, what each one changes (and what not), and
the canopy/pier drag physics they rely on (analytic uniform flow, a kelp patch, gradients)."""

from __future__ import annotations

import dataclasses
import logging

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest
import xarray as xr
import yaml

import twinbench
from twinbench import scenarios
from twinbench.domains.basins import grid_dataset
from twinbench.io.inputs import InputError
from twinbench.scenarios.whatif import (
    AR6_GMSL_MEDIANS,
    Bridge,
    Dredging,
    FloodHydrograph,
    RiverChange,
    RunSetup,
    SeaLevelRise,
    Storm,
    Vegetation,
    WhatIf,
    apply_all,
)

SHORT = {
    "domain": {"name": "gironde", "resolution": "coarse"},
    "start": "2024-03-10T00:00",
    "duration": "1h",
    "output_every": "30min",
    "physics": {"friction": {"law": "manning", "coefficient": 0.025}, "coriolis": "auto"},
    "tide": {"constituents": {"M2": [1.5, 100.0]}},
    "rivers": {"garonne": 600.0, "dordogne": 300.0},
}
# A box over the lower Gironde, off Pauillac (lon, lat).
BOX = [[-0.80, 45.15], [-0.70, 45.15], [-0.70, 45.25], [-0.80, 45.25]]

EXAMPLES = [
    RiverChange("garonne", factor=0.5),
    RiverChange("dordogne", constant="120 m3/s"),
    RiverChange("garonne", hydrograph={"time": [0, "6h", "1D"], "discharge": [600, 1500, 800]}),
    FloodHydrograph("garonne", peak=3000.0, time_to_peak="1D", duration="4D"),
    SeaLevelRise(offset_m=0.2),
    SeaLevelRise(year=2100, pathway="SSP5-8.5"),
    Dredging(polygon=BOX, depth="12 m"),
    Dredging(line=[[-0.80, 45.15], [-0.70, 45.25]], width=300.0, depth=-2.0, mode="fill"),
    Bridge(line=[[-0.58, 44.85], [-0.56, 44.86]], pier_diameter=3.0, pier_spacing=40.0),
    Vegetation(polygon=BOX, stem_density=100, stem_diameter="5 mm", height=0.5),
    Storm(kind="uniform", wind_speed=20.0, wind_direction=270.0, pressure=990.0),
    Storm(kind="holland", B=1.2, track=[["2024-03-10T00:00", -3.0, 45.0, 970.0, 80.0],
                                        ["2024-03-10T12:00", -1.0, 46.0, 975.0, 80.0]]),
]  # fmt: skip


@pytest.mark.parametrize("item", EXAMPLES, ids=lambda w: w.type_name)
def test_what_ifs_round_trip_through_yaml_and_are_immutable(item):
    text = yaml.safe_dump(item.to_dict())
    again = WhatIf.from_dict(yaml.safe_load(text))
    assert again == item and hash(again) == hash(item)
    with pytest.raises(dataclasses.FrozenInstanceError):
        item.crs = "xy"


@pytest.mark.parametrize(
    "spec, message",
    [
        ({"type": "kelp_forest"}, "unknown type 'kelp_forest'"),
        ({"type": "river_change", "river": "garonne", "factor": 0.5, "speed": 1}, "'speed'"),
        ({"type": "river_change", "river": "garonne", "factor": -0.5}, "factor must be ≥ 0"),
        ({"type": "river_change", "river": "garonne", "factor": 1, "constant": 2}, "exactly one"),
        ({"type": "river_change", "river": "garonne",
          "hydrograph": {"time": [0, 0], "discharge": [1, 2]}}, "strictly increasing"),
        ({"type": "dredging", "polygon": [[0, 45], [1, 45]], "depth": 5}, "at least 3 points"),
        ({"type": "dredging", "polygon": BOX, "depth": "5 fathoms"}, "unknown unit 'fathoms'"),
        ({"type": "dredging", "polygon": BOX, "depth": 5, "mode": "dig"}, "mode must be one"),
        ({"type": "dredging", "line": BOX[:2], "depth": 5}, "needs a 'width'"),
        ({"type": "dredging", "depth": 5}, "either a polygon"),
        ({"type": "dredging", "polygon": [[0, 95], [1, 45], [2, 45]], "depth": 5}, "lon/lat"),
        ({"type": "bridge", "line": BOX[:2], "pier_diameter": 50, "pier_spacing": 40}, "exceed"),
        ({"type": "vegetation", "polygon": BOX, "stem_density": 0, "stem_diameter": 0.01,
          "height": 1}, "stem_density must be > 0"),
        ({"type": "vegetation", "polygon": BOX, "stem_density": 10, "height": 1}, "stem_diam"),
        ({"type": "sea_level_rise", "year": 2070, "pathway": "SSP2-4.5"}, "year must be one"),
        ({"type": "sea_level_rise", "offset_m": 0.2, "year": 2050}, "either offset_m"),
        ({"type": "sea_level_rise", "offset_m": "20 inch"}, "unknown unit"),
        ({"type": "flood_hydrograph", "river": "garonne", "peak": 3000, "time_to_peak": "2D",
          "duration": "1D"}, "time_to_peak < duration"),
        ({"type": "storm", "kind": "uniform", "wind_speed": -3, "wind_direction": 0}, "storm"),
        ("dredge here", "must be a mapping"),
    ],
)  # fmt: skip
def test_bad_what_ifs_raise_clear_errors(spec, message):
    with pytest.raises(InputError, match=message):
        WhatIf.from_dict(spec)


def test_ar6_table_holds_the_medians():
    assert SeaLevelRise(year=2050, pathway="ssp245").offset == pytest.approx(0.20)
    assert AR6_GMSL_MEDIANS["SSP2-4.5"][2100] == pytest.approx(0.56)
    assert SeaLevelRise(year=2100, pathway="SSP5-8.5").offset == pytest.approx(0.77)


@pytest.fixture(scope="module")
def gironde_setup():
    return RunSetup(*_setup_parts(scenarios.load(SHORT)))


def _inside_box(domain):
    lon, lat = domain.lon.values, domain.lat.values
    (w, s), (e, n) = BOX[0], BOX[2]
    margin = 0.01  # cells whose centre is this close to the edge may be partly covered
    strictly = (lon > w + margin) & (lon < e - margin) & (lat > s + margin) & (lat < n - margin)
    outside = (lon < w - margin) | (lon > e + margin) | (lat < s - margin) | (lat > n + margin)
    return strictly, outside


def test_dredging_changes_the_depth_only_inside_its_polygon(gironde_setup):
    before = gironde_setup.domain.depth.values
    after = Dredging(polygon=BOX, depth=12.0).apply(gironde_setup).domain.depth.values
    inside, outside = _inside_box(gironde_setup.domain)
    changed = after != before
    assert changed.any() and not changed[outside].any()
    # Deepen only where shallower: cells inside end at ≥ 12 m, deeper ones untouched.
    np.testing.assert_allclose(after[inside], np.maximum(before[inside], 12.0), rtol=1e-6)
    assert (after >= before).all()
    filled = Dredging(polygon=BOX, depth=3.0, mode="fill").apply(gironde_setup).domain
    np.testing.assert_allclose(filled.depth.values[inside], np.minimum(before[inside], 3.0),
                               rtol=1e-6)  # fmt: skip
    assert not (filled.depth.values != before)[outside].any()
    assert gironde_setup.domain.depth.values is before  # the input setup is left as it was


def test_a_dredged_channel_follows_its_line_and_conserves_the_cut(gironde_setup):
    """A 300 m channel on a 1500 m grid: each cell moves by the fraction the band covers."""
    line = [[-0.80, 45.15], [-0.70, 45.25]]
    dredge = Dredging(line=line, width=300.0, depth=20.0)
    f = dredge.fraction(gironde_setup.domain)
    length = 14_000.0  # ≈ the line's length in Lambert-93 (m)
    assert f.sum() * 1500.0**2 == pytest.approx(300.0 * length, rel=0.1)
    after = dredge.apply(gironde_setup).domain.depth.values
    before = gironde_setup.domain.depth.values
    np.testing.assert_allclose(after - before, f * np.maximum(20.0 - before, 0), atol=1e-4)


def test_bridge_piers_become_a_drag_coefficient(gironde_setup):
    bridge = Bridge(line=[[-0.58, 44.85], [-0.56, 44.86]], pier_diameter=4.0, pier_spacing=40.0,
                    drag_coefficient=1.2)  # fmt: skip
    c = bridge.coefficient(gironde_setup.domain)
    setup = bridge.apply(gironde_setup)
    field = setup.physics["drag"]["piers"]["coefficient"].values
    np.testing.assert_array_equal(field, c)
    # Σ c_p A = ½ C_D (D/s) L / (1 − D/s)²: the line's whole length (≈ 1.96 km) is counted.
    total = c.sum() * 1500.0**2
    expected = 0.5 * 1.2 * 0.1 * 1960.0 / 0.9**2
    assert total == pytest.approx(expected, rel=0.03)
    assert (c > 0).sum() <= 4  # only the cells the line crosses
    twice = bridge.apply(setup).physics["drag"]["piers"]["coefficient"].values
    np.testing.assert_allclose(twice, 2 * c)  # piers add up


def test_sea_level_rise_raises_the_water_and_the_tide_mean(gironde_setup):
    setup = SeaLevelRise(offset_m=0.2).apply(gironde_setup)
    assert setup.boundaries["west"]["mean"] == pytest.approx(0.2)
    model = twinbench.Model(setup.domain, physics=setup.physics, boundaries=setup.boundaries,
                            start=str(setup.start))  # fmt: skip
    depth = gironde_setup.domain.depth.values
    h = np.asarray(model.state.h)
    np.testing.assert_allclose(h[depth > 0], depth[depth > 0] + 0.2, rtol=1e-6)
    assert (h[depth < -0.2] == 0).all()  # land stays land
    np.testing.assert_array_equal(setup.domain.depth.values, depth)  # the datum stays


def test_river_changes_and_floods_rewrite_only_their_river(gironde_setup):
    def discharges(setup):
        return {r["name"]: r["discharge"] for r in setup.boundaries["east"]}

    halved = discharges(RiverChange("garonne", factor=0.5).apply(gironde_setup))
    assert halved == {"garonne": 300.0, "dordogne": 300.0}
    flood = FloodHydrograph("garonne", peak=3000.0, time_to_peak="6h", duration="2D")
    q = discharges(flood.apply(gironde_setup))
    series = q["garonne"]
    assert float(series.interp(time=6 * 3600.0)) == pytest.approx(3000.0)
    assert float(series[0]) == pytest.approx(600.0) and q["dordogne"] == 300.0
    assert float(series.sel(time=2 * 86400.0, method="nearest")) == pytest.approx(
        600.0 + 0.01 * 2400.0, rel=1e-3
    )
    with pytest.raises(InputError, match="no river 'loire'"):
        RiverChange("loire", factor=0.5).apply(gironde_setup)


def test_scenario_files_carry_what_ifs_into_the_model(tmp_path):
    document = SHORT | {"what_if": [w.to_dict() for w in EXAMPLES[:1] + EXAMPLES[6:7]]}
    path = tmp_path / "what_if.yaml"
    path.write_text(yaml.safe_dump(document))
    scenario = scenarios.load(path)
    assert scenario.what_if == (EXAMPLES[0], EXAMPLES[6])
    model, domain = scenarios.model_for(scenario)
    baseline, _ = scenarios.model_for(scenarios.load(SHORT))
    garonne = next(r for r in model.boundaries["east"]["rivers"] if r["name"] == "garonne")
    base_garonne = next(r for r in baseline.boundaries["east"]["rivers"] if r["name"] == "garonne")
    assert garonne["discharge"].values.sum() == pytest.approx(
        0.5 * base_garonne["discharge"].values.sum()
    )
    inside, outside = _inside_box(domain)
    assert (np.asarray(model.params.bed)[inside] <= -12.0 + 1e-4).all()
    np.testing.assert_array_equal(np.asarray(model.params.bed)[outside],
                                  np.asarray(baseline.params.bed)[outside])  # fmt: skip
    composed = scenarios.load(SHORT).with_what_if(*EXAMPLES[:1]).with_what_if(EXAMPLES[6])
    assert composed.what_if == scenario.what_if
    assert composed.document["what_if"] == yaml.safe_load(path.read_text())["what_if"]
    with pytest.raises(InputError, match=r"what_if\[0\].*unknown type"):
        scenarios.load(SHORT | {"what_if": [{"type": "volcano"}]})


# --- the drag physics -----------------------------------------------------------------------

G, SLOPE = 9.81, 1e-3


def sloping_channel(length, width, dx, h0, u0):
    """A channel whose bed falls 1 ‰ eastward, water ``h0`` m deep moving at ``u0`` m/s."""
    x = (np.arange(round(length / dx)) + 0.5) * dx
    y = (np.arange(max(round(width / dx), 1)) + 0.5) * dx
    X = np.meshgrid(x, y)[0]
    depth = 1.0 + SLOPE * X
    return grid_dataset(x, y, depth, eta=h0 - depth, u=np.full(X.shape, u0)), X


def test_emergent_vegetation_sets_the_uniform_flow_velocity():
    """g S h = ½ C_D a h U² + g n² U²/h^(1/3): a 1-D channel from rest reaches that U."""
    n, cd, a, h0 = 0.02, 1.0, 0.5, 1.0
    expected = np.sqrt(G * SLOPE * h0 / (0.5 * cd * a * h0 + G * n**2 / h0 ** (1 / 3)))
    ds, _ = sloping_channel(2000.0, 0.0, 25.0, h0, 0.0)
    out = twinbench.simulate(
        ds, "2h",
        physics={"friction": {"law": "manning", "coefficient": n},
                 "drag": {"canopy": {"frontal_area": a, "height": 2.0, "drag_coefficient": cd}}},
        boundaries={"west": {"type": "discharge", "value": expected * h0},
                    "east": {"type": "level", "value": h0 - float(ds.depth[0, -1])}},
    )  # fmt: skip
    u = out.u.isel(time=-1, y=0).values[10:-10]  # away from the boundary cells
    np.testing.assert_allclose(u, expected, rtol=5e-3)  # U = 0.1966 m/s
    # The same channel without the canopy would run at Manning's 1.58 m/s.
    assert expected < 0.13 * h0 ** (2 / 3) * SLOPE**0.5 / n


def test_a_kelp_patch_slows_the_flow_inside_and_not_upstream():
    n, h0 = 0.025, 1.0
    speed0 = h0 ** (2 / 3) * SLOPE**0.5 / n  # Manning's uniform flow, 1.26 m/s
    ds, X = sloping_channel(6000.0, 600.0, 100.0, h0, speed0)
    physics = {"friction": {"law": "manning", "coefficient": n}}
    sides = {"west": {"type": "discharge", "value": speed0 * h0},
             "east": {"type": "level", "value": h0 - float(ds.depth[0, -1])}}  # fmt: skip
    kelp = Vegetation(polygon=[[4000, 200], [4500, 200], [4500, 400], [4000, 400]],
                      stem_density=20, stem_diameter=0.01, height=0.6, crs="xy")  # fmt: skip
    setup = kelp.apply(RunSetup(ds, physics, sides))
    assert setup.physics["drag"]["canopy"]["frontal_area"].values.max() == pytest.approx(0.2)

    def speed(domain, physics):
        out = twinbench.simulate(domain, "100min", output_every="50min", physics=physics,
                                 boundaries=sides)  # fmt: skip
        s = np.hypot(out.u, out.v).values
        return s[-1], np.abs(s[-1] - s[-2]).max()

    base, _ = speed(ds, physics)
    kelped, drift = speed(setup.domain, setup.physics)
    assert drift < 5e-3  # steady (1 % of the speed in the patch)
    Y = np.meshgrid(ds.x, ds.y)[1]
    inside = (X > 4000) & (X < 4500) & (Y > 200) & (Y < 400)
    assert kelped[inside].mean() < 0.5 * base[inside].mean()
    # 2 km and more upstream of the patch (the backwater decays over ~250 m) nothing changes.
    upstream = X < 2000
    np.testing.assert_allclose(kelped[upstream], base[upstream], rtol=1e-3)


@pytest.fixture(scope="module")
def vegetated_model():
    nx, ny, dx = 12, 8, 50.0
    x, y = (np.arange(nx) + 0.5) * dx, (np.arange(ny) + 0.5) * dx
    X, Y = np.meshgrid(x, y)
    depth = 2.0 + 0.5 * np.sin(X / 170.0) * np.cos(Y / 230.0)
    eta = 0.2 * np.exp(-(((X - 250) ** 2 + (Y - 200) ** 2) / 150.0**2))
    ds = grid_dataset(x, y, depth, eta=eta, u=np.full(X.shape, 0.4), v=np.full(X.shape, 0.1))
    frontal = xr.DataArray(0.3 + 0.2 * np.cos(X / 200.0), dims=("y", "x"))
    return twinbench.Model(ds, physics={
        "friction": {"law": "manning", "coefficient": 0.02},
        # height 1.5–2.5 m against 2–2.5 m of water: emergent and submerged cells both.
        "drag": {"canopy": {"frontal_area": frontal, "height": 2.2, "drag_coefficient": 1.1},
                 "piers": {"coefficient": 0.01}},
    }, boundaries={"west": {"type": "level", "value": 0.1}, "east": {"type": "open"}})  # fmt: skip


def test_gradient_wrt_canopy_density_matches_finite_differences(vegetated_model):
    model, cell, probe, steps = vegetated_model, (4, 6), (4, 8), 20
    with model.precision():
        assert model.params.drag.frontal_area.dtype == jnp.float64
        dt = 0.8 * float(model.stable_dt())

        def level(params):
            return model.free_surface(model.run(steps, dt, params=params), params)[probe]

        grad = jax.jit(jax.grad(level))(model.params).drag.frontal_area[cell]
        mask = jnp.zeros(model.grid.shape).at[cell].set(1e-6)
        f = jax.jit(level)
        where = lambda p: p.drag.frontal_area  # noqa: E731
        shifted = [
            eqx.tree_at(where, model.params, where(model.params) + s * mask) for s in (1, -1)
        ]
        numeric = (f(shifted[0]) - f(shifted[1])) / 2e-6
    assert abs(float(numeric)) > 1e-6
    assert float(grad) == pytest.approx(float(numeric), rel=1e-4)


def test_new_drag_values_do_not_recompile(vegetated_model, caplog):
    model = vegetated_model
    with model.precision():
        dt = 0.8 * float(model.stable_dt())
        run = jax.jit(lambda p: model.run(10, dt, params=p).h)
        first = run(model.params)
        heavier = eqx.tree_at(lambda p: p.drag.frontal_area, model.params,
                              model.params.drag.frontal_area * 3.0)  # fmt: skip
        caplog.set_level(logging.WARNING)
        with jax.log_compiles():
            second = run(heavier)
    assert not [r for r in caplog.records if "Compiling" in r.getMessage()]
    assert not np.allclose(first, second)


@pytest.mark.parametrize(
    "drag, message",
    [
        ({"canopy": {"frontal_area": 0.1}}, "needs \\['height'\\]"),
        ({"canopy": {"frontal_area": -0.1, "height": 1.0}}, "must be ≥ 0"),
        ({"canopy": {"frontal_area": 0.1, "height": 0.0}}, "must be > 0"),
        ({"piers": {"coefficient": 0.1, "diameter": 2}}, "unknown key"),
        ({"hedges": {}}, "unknown key"),
    ],
)
def test_bad_drag_physics_raises(drag, message):
    ds, _ = sloping_channel(200.0, 0.0, 20.0, 1.0, 0.0)
    with pytest.raises(InputError, match=message):
        twinbench.Model(ds, physics={"drag": drag})


def test_a_storm_what_if_reaches_the_model():
    storm = Storm(kind="uniform", wind_speed=25.0, wind_direction=270.0, pressure=985.0)
    scenario = scenarios.load(SHORT | {"what_if": [storm.to_dict()]})
    model, _ = scenarios.model_for(scenario)
    forcing = model.params.forcing
    assert forcing is not None
    # A westerly (from the west) pushes eastward: positive x stress over the whole run.
    assert float(jnp.min(forcing.stress_x)) > 0.5 and float(jnp.max(forcing.times)) == 3600.0
    assert float(jnp.max(forcing.pressure)) == pytest.approx(98500.0)
    with pytest.raises(InputError, match="one storm"):
        apply_all([storm, storm], RunSetup(*_setup_parts(scenario)))


def _setup_parts(scenario):
    from twinbench.scenarios.runner import _boundaries, _physics, build_domain

    domain = build_domain(scenario)
    return (domain, _physics(scenario, domain), _boundaries(scenario, domain), None,
            np.datetime64(scenario.start), scenario.duration)  # fmt: skip
