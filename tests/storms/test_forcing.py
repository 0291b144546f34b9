"""Storm forcing on a grid: specs, wind rotation to the grid axes, and the sea's response
(inverse barometer, wind set-up) run through twinbench.simulate."""

import numpy as np
import pyproj
import pytest
import xarray as xr

import twinbench
from twinbench.core.forcing import wind_stress
from twinbench.domains import biscay, channel
from twinbench.domains.basins import grid_dataset
from twinbench.io import cf
from twinbench.io.inputs import InputError
from twinbench.storms import inverse_barometer, storm_forcing, surface_stress
from twinbench.storms.forcing import MAX_DRAG

START = "2010-02-27T21:00"
TRACK = [["2010-02-27T21:00", -5.0, 45.0, 968, 100], ["2010-02-28T03:00", -1.5, 46.3, 968, 100]]
HOLLAND = {"kind": "holland", "track": TRACK, "B": 1.2, "ambient_pressure": 1013.0}
RHO, G = 1025.0, 9.81


@pytest.fixture(scope="module")
def coarse():
    return biscay("coarse")


@pytest.mark.parametrize(
    "spec, message",
    [
        ("storm", "must be a dict"),
        ({"kind": "hurricane"}, "'kind' must be one of"),
        ({"kind": "uniform", "wind_speed": 10.0}, "needs 'wind_direction'"),
        ({"kind": "uniform", "wind_speed": "fast", "wind_direction": 0}, "'wind_speed' must be"),
        ({"kind": "uniform", "wind_speed": -1.0, "wind_direction": 0}, "'wind_speed' must be"),
        ({"kind": "uniform", "wind_speed": 1.0, "wind_direction": 0, "gust": 3}, "'gust'"),
        ({"kind": "uniform", "wind_speed": 1, "wind_direction": 0, "pressure": 101300}, "pressure"),
        ({"kind": "holland", "B": 1.0}, "needs a 'track'"),
        ({**HOLLAND, "track": TRACK[:1]}, "at least two points"),
        ({**HOLLAND, "track": [["2010-02-27T21:00", -5.0, 45.0, 968]] * 2}, "rows must all be"),
        ({**HOLLAND, "track": [["not a date", -5, 45, 968, 100]] * 2}, "'track'"),
        ({**HOLLAND, "B": 5.0}, "'B' must be within"),
        ({**HOLLAND, "ambient_pressure": 960.0}, "must be below the ambient_pressure"),
    ],
)
def test_bad_specs_raise_input_errors_naming_the_problem(coarse, spec, message):
    with pytest.raises(InputError, match=message):
        storm_forcing(coarse, [0.0, 3600.0], START, spec)


def test_track_must_cover_the_times_and_needs_lon_lat(coarse):
    with pytest.raises(InputError, match="leave the track"):
        storm_forcing(coarse, [0.0, 7 * 3600.0], START, HOLLAND)
    with pytest.raises(InputError, match="strictly increasing"):
        storm_forcing(coarse, [3600.0, 0.0], START, HOLLAND)
    plain = coarse.drop_vars(["lon", "lat"])
    with pytest.raises(InputError, match="2-D 'lon' and 'lat'"):
        storm_forcing(plain, [0.0], START, HOLLAND)


def test_forcing_is_cf_and_parsed_by_simulate(coarse):
    forcing = storm_forcing(coarse, [0.0, 1800.0, 3600.0], START, HOLLAND)
    assert forcing["x_wind"].dims == ("time", "y", "x")
    assert cf.find(forcing, "pressure").attrs["units"] == "Pa"
    assert cf.find(forcing, "wind_x").attrs["standard_name"] == "x_wind"
    assert cf.find(forcing, "wind_y") is not None
    p = cf.find(forcing, "pressure").isel(time=0)
    j, i = np.unravel_index(int(np.argmin(p.values)), p.shape)
    lon, lat = float(coarse["lon"][j, i]), float(coarse["lat"][j, i])
    assert abs(lon + 5.0) < 0.15 and abs(lat - 45.0) < 0.1  # the low sits on the track
    assert float(p.min()) == pytest.approx(96_800.0, abs=150.0)
    model = twinbench.Model(coarse, forcing=forcing)
    assert set(model.forcing) == {"wind_x", "wind_y", "pressure"}


def test_uniform_wind_is_turned_to_the_lambert_axes(coarse):
    """A west wind (blowing east) expressed on Lambert-93 axes: the east direction of each cell,
    measured with pyproj, and the meridian convergence of the projection."""
    forcing = storm_forcing(
        coarse, [0.0], START, {"kind": "uniform", "wind_speed": 20.0, "wind_direction": 270.0}
    )
    ux, uy = forcing["x_wind"].values[0], forcing["y_wind"].values[0]
    np.testing.assert_allclose(np.hypot(ux, uy), 20.0, rtol=1e-12)
    to_grid = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)
    lon, lat = coarse["lon"].values, coarse["lat"].values
    x0, y0 = to_grid.transform(lon, lat)
    x1, y1 = to_grid.transform(lon + 1e-4, lat)
    east = np.arctan2(y1 - y0, x1 - x0)
    np.testing.assert_allclose(np.arctan2(uy, ux), east, atol=np.deg2rad(0.1))  # 10 km differences
    factors = pyproj.Proj("EPSG:2154").get_factors(lon, lat)
    np.testing.assert_allclose(
        np.abs(np.rad2deg(np.arctan2(uy, ux))), np.abs(factors.meridian_convergence), atol=0.1
    )
    assert np.all(uy < 0)  # west of Lambert-93's 3°E meridian, east points down the y axis


def test_uniform_spec_without_lon_lat_uses_the_grid_axes():
    ds = channel(10e3, 10, depth=5.0)
    forcing = storm_forcing(
        ds, [0.0, 600.0], START,
        {"kind": "uniform", "wind_speed": 10.0, "wind_direction": 0.0, "ramp": 1200.0},
    )  # fmt: skip
    np.testing.assert_allclose(forcing["y_wind"].values[:, 0, 0], [0.0, -5.0], atol=1e-12)
    np.testing.assert_allclose(forcing["x_wind"].values, 0.0, atol=1e-12)


def _deep_box(n=24, spacing=8e3, depth=60.0, lat0=45.0):
    x = (np.arange(n) + 0.5) * spacing
    ds = grid_dataset(x, x, np.full((n, n), depth))
    X, Y = np.meshgrid(x - x.mean(), x - x.mean())
    lat = lat0 + np.rad2deg(Y / 6_371_000.0)
    lon = -5.0 + np.rad2deg(X / (6_371_000.0 * np.cos(np.deg2rad(lat0))))
    return ds.assign_coords(lon=(("y", "x"), lon), lat=(("y", "x"), lat))


def test_inverse_barometer_in_a_closed_deep_basin():
    """A static low over a closed basin: the sea rises ≈ 1 cm per hPa below the basin-mean
    pressure, η = −(p − p̄)/(ρ g), once the start-up seiches are damped."""
    ds = _deep_box()
    static = [
        ["2010-02-27T21:00", -5.0, 45.0, 990.0, 60.0],
        ["2010-02-28T21:00", -5.0, 45.0, 990.0, 60.0],
    ]
    spec = {"kind": "holland", "track": static, "B": 1.0, "ramp": 6 * 3600.0}
    times = np.arange(0.0, 15 * 3600.0 + 1, 1800.0)
    forcing = storm_forcing(ds, times, START, spec)[["air_pressure_at_sea_level"]]
    out = twinbench.simulate(
        ds, 15 * 3600.0,
        physics={"friction": {"law": "linear", "coefficient": 2e-4}},
        forcing=forcing,
    )  # fmt: skip
    eta = cf.find(out, "eta").isel(time=-1).values
    p = forcing["air_pressure_at_sea_level"].isel(time=-1).values
    expected = -(p - p.mean()) / (RHO * G)
    span = expected.max() - expected.min()
    assert span > 0.1  # over 10 hPa of depression across the basin
    assert np.abs(eta - expected).max() < 0.03 * span
    rise_per_hpa = (eta.max() - eta.min()) / ((p.max() - p.min()) / 100.0)
    assert rise_per_hpa == pytest.approx(0.01, rel=0.04)


def test_wind_setup_in_a_closed_channel():
    """Steady set-up under a uniform wind: the surface slope balances the wind stress,
    dη/dx = τ/(ρ g H), τ = ρa C_d W² with Wu's (1982) C_d (the engine's law)."""
    length, depth, wind = 50e3, 20.0, 20.0
    ds = channel(length, 25, depth=depth)
    spec = {"kind": "uniform", "wind_speed": wind, "wind_direction": 270.0, "ramp": 3 * 3600.0}
    forcing = storm_forcing(ds, [0.0, 3 * 3600.0, 24 * 3600.0], START, spec)
    out = twinbench.simulate(
        ds, 24 * 3600.0,
        physics={"friction": {"law": "linear", "coefficient": 3e-4}},
        forcing=forcing,
    )  # fmt: skip
    eta = cf.find(out, "eta").isel(time=-1, y=0).values
    x = ds["x"].values
    middle = slice(5, 20)
    slope = np.polyfit(x[middle], eta[middle], 1)[0]
    tau = 1.225 * (0.8 + 0.065 * wind) * 1e-3 * wind**2
    expected = tau / (RHO * G * (depth + eta[middle].mean()))
    assert slope == pytest.approx(expected, rel=0.03)
    assert abs(eta.mean()) < 1e-9 * depth + 1e-12 * length  # closed: mass kept
    u = cf.find(out, "u").isel(time=-1, y=0).values
    assert np.max(np.abs(u[1:-1])) < 1e-4  # steady (the cells on the walls keep a few mm/s)


def test_inverse_barometer_boundary_level(coarse):
    forcing = storm_forcing(coarse, [0.0, 3600.0], START, HOLLAND)
    west = inverse_barometer(forcing, "west", reference=1013.0)
    assert west.dims == ("time", "y")
    p = forcing["air_pressure_at_sea_level"].isel(x=0).values
    np.testing.assert_allclose(west.values, -(p - 101300.0) / (RHO * G))
    assert float(west.max()) > 0.1  # tens of cm under the storm
    with pytest.raises(InputError, match="side must be"):
        inverse_barometer(forcing, "up")
    with pytest.raises(InputError, match="no air_pressure"):
        inverse_barometer(xr.Dataset(), "west")


def _wu(w):
    return 1.225 * (0.8 + 0.065 * w) * 1e-3 * w * w


@pytest.mark.parametrize("speed", [5.0, 15.0, 25.0, 40.0, 60.0])
def test_capped_drag_is_wu_below_the_cap_and_saturates_above(speed):
    """Below 26.2 m/s the capped stress is Wu's; above, C_d = 2.5e-3 (Powell et al. 2003)."""
    ds = channel(10e3, 5, depth=10.0)
    spec = {"kind": "uniform", "wind_speed": speed, "wind_direction": 270.0}
    forcing = storm_forcing(ds, [0.0, 3600.0], START, spec)
    capped = surface_stress(forcing)
    tau = float(capped["surface_downward_x_stress"][1, 0, 0])
    cd = min((0.8 + 0.065 * speed) * 1e-3, MAX_DRAG)
    assert tau == pytest.approx(1.225 * cd * speed**2, rel=1e-6)
    if speed < (MAX_DRAG * 1e3 - 0.8) / 0.065:
        assert tau == pytest.approx(_wu(speed), rel=1e-6)
    else:
        assert tau < _wu(speed)
    assert abs(float(capped["surface_downward_y_stress"][1, 0, 0])) < 1e-9 * tau
    # the engine's default (and surface_stress without a cap) is Wu's law, uncapped
    sx, _ = wind_stress(np.array(speed), np.array(0.0))
    assert float(sx) == pytest.approx(_wu(speed), rel=1e-6)
    uncapped = surface_stress(forcing, max_drag=None)
    assert float(uncapped["surface_downward_x_stress"][1, 0, 0]) == pytest.approx(
        _wu(speed), rel=1e-6
    )
    assert cf.find(capped, "pressure") is not None and "x_wind" not in capped
    assert "capped at 0.0025" in capped.attrs["drag"]


def test_capped_stress_drives_the_same_sea_as_the_wind_below_the_cap():
    """A 15 m/s wind given as wind (the engine's Wu stress) or as capped stress: same run."""
    ds = channel(20e3, 10, depth=10.0)
    spec = {"kind": "uniform", "wind_speed": 15.0, "wind_direction": 270.0, "ramp": 1800.0}
    forcing = storm_forcing(ds, [0.0, 1800.0, 7200.0], START, spec)
    physics = {"friction": {"law": "linear", "coefficient": 3e-4}}
    by_wind = twinbench.simulate(ds, 7200.0, physics=physics, forcing=forcing)
    by_stress = twinbench.simulate(ds, 7200.0, physics=physics, forcing=surface_stress(forcing))
    eta_wind = cf.find(by_wind, "eta").isel(time=-1).values
    eta_stress = cf.find(by_stress, "eta").isel(time=-1).values
    assert np.ptp(eta_wind) > 1e-3  # a real set-up
    np.testing.assert_allclose(eta_stress, eta_wind, rtol=1e-5, atol=1e-9)


def test_surface_stress_refuses_bad_input(coarse):
    forcing = storm_forcing(coarse, [0.0, 3600.0], START, {"kind": "uniform", "wind_speed": 10.0,
                                                            "wind_direction": 0.0})  # fmt: skip
    for bad in (0.0, -1e-3, 0.5, "high", True):
        with pytest.raises(InputError, match="max_drag"):
            surface_stress(forcing, max_drag=bad)
    with pytest.raises(InputError, match="no x_wind"):
        surface_stress(forcing.drop_vars(["x_wind", "y_wind"]))
