"""The public contract of ``twinbench.simulate`` (docs/contract.md), item by item."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest
import xarray as xr
from scipy.special import erf

import twinbench
from twinbench.domains.basins import grid_dataset

STANDARD = {
    "sea_surface_height_above_geoid": "m",
    "sea_floor_depth_below_sea_surface": "m",
    "sea_water_x_velocity": "m s-1",
    "sea_water_y_velocity": "m s-1",
    "sea_floor_depth_below_geoid": "m",
}


def by_standard_name(ds: xr.Dataset, name: str) -> xr.DataArray:
    hits = [v for v in ds.data_vars.values() if v.attrs.get("standard_name") == name]
    assert len(hits) == 1, name
    return hits[0]


def test_output_is_cf_with_provenance(basin):
    out = twinbench.simulate(basin, 120.0, output_every=50.0)
    assert out.attrs["Conventions"] == "CF-1.10"
    assert out.attrs["twinbench_version"] == twinbench.__version__
    for name, units in STANDARD.items():
        var = by_standard_name(out, name)
        assert var.attrs["units"] == units and var.attrs["long_name"]
    eta = by_standard_name(out, "sea_surface_height_above_geoid")
    assert eta.dims == ("time", "y", "x")
    np.testing.assert_allclose(out.time, [0.0, 50.0, 100.0, 120.0])
    config = json.loads(out.attrs["configuration"])
    assert config["duration"] == 120.0 and config["physics"]["gravity"] == 9.81


def test_initial_state_and_dry_cells(basin):
    out = twinbench.simulate(basin, 60.0)
    eta = by_standard_name(out, "sea_surface_height_above_geoid")
    h = by_standard_name(out, "sea_floor_depth_below_sea_surface")
    depth = by_standard_name(out, "sea_floor_depth_below_geoid")
    np.testing.assert_allclose(eta.isel(time=0), basin.eta, atol=1e-12)
    dry = h.isel(time=-1) <= 1e-6
    assert dry.any()
    np.testing.assert_allclose(eta.isel(time=-1).where(dry), (-depth).where(dry), atol=1e-6)
    for name in ("sea_water_x_velocity", "sea_water_y_velocity"):
        assert float(abs(by_standard_name(out, name).isel(time=-1).where(dry)).max()) == 0.0


def test_variables_found_by_standard_name_not_name(basin):
    renamed = basin.rename({"depth": "bathy", "eta": "zeta", "x": "easting", "y": "northing"})
    a = twinbench.simulate(basin, 30.0)
    b = twinbench.simulate(renamed, 30.0)
    np.testing.assert_array_equal(a.eta.values, b.eta.values)
    assert "easting" in b.dims and "northing" in b.dims


@pytest.mark.parametrize("duration", [90, 90.0, "90s", "1.5min", dt.timedelta(seconds=90)])
def test_duration_forms(basin, duration):
    out = twinbench.simulate(basin, duration, output_every="30s")
    np.testing.assert_allclose(out.time, [0, 30, 60, 90])


def test_output_every_not_dividing_duration(basin):
    out = twinbench.simulate(basin, 100.0, output_every=30.0)
    np.testing.assert_allclose(out.time, [0, 30, 60, 90, 100])


def test_float32_and_float64_agree_and_precision_is_scoped(basin):
    import jax.numpy as jnp

    a = twinbench.simulate(basin, 60.0, dtype="float64")
    b = twinbench.simulate(basin, 60.0, dtype="float32")
    assert a.eta.dtype == np.float64 and b.eta.dtype == np.float32
    np.testing.assert_allclose(a.eta, b.eta, atol=2e-4)
    assert jnp.zeros(1).dtype == jnp.float32  # no global x64 flag flipped


@pytest.mark.parametrize(
    "law,coefficient",
    [("manning", 0.03), ("chezy", 50.0), ("darcy-weisbach", 0.02), ("linear", 1e-3)],
)
def test_every_friction_law_slows_the_flow(basin, law, coefficient):
    free = twinbench.simulate(basin, 200.0)
    rough = twinbench.simulate(
        basin, 200.0, physics={"friction": {"law": law, "coefficient": coefficient}}
    )
    ke = lambda ds: float((ds.h * (ds.u**2 + ds.v**2)).isel(time=-1).sum())  # noqa: E731
    assert ke(rough) < ke(free)


def test_friction_coefficient_field(basin):
    n = xr.DataArray(np.full((basin.sizes["y"], basin.sizes["x"]), 0.03), dims=("y", "x"))
    a = twinbench.simulate(basin, 60.0, physics={"friction": {"law": "manning", "coefficient": n}})
    b = twinbench.simulate(
        basin, 60.0, physics={"friction": {"law": "manning", "coefficient": 0.03}}
    )
    np.testing.assert_allclose(a.eta, b.eta, atol=1e-12)


def test_coriolis_turns_flow_to_the_right_in_the_north():
    x = (np.arange(40) + 0.5) * 1000.0
    ds = grid_dataset(x, x, np.full((40, 40), 50.0), u=np.full((40, 40), 0.1))
    out = twinbench.simulate(ds, 600.0, physics={"coriolis": 1e-4})
    centre = out.isel(time=-1, x=slice(15, 25), y=slice(15, 25))
    # du/dt = f v, dv/dt = -f u: after 600 s, v ≈ -f u t = -6e-3 m/s in the interior
    np.testing.assert_allclose(float(centre.v.mean()), -1e-4 * 0.1 * 600.0, rtol=0.05)


def test_viscosity_diffuses_a_shear_layer():
    x = (np.arange(4) + 0.5) * 10.0
    y = (np.arange(40) + 0.5) * 10.0
    u = np.where(y < 200, 0.1, -0.1)[:, None] * np.ones((40, 4))
    ds = grid_dataset(x, y, np.full((40, 4), 10.0), u=u)
    sides = {s: {"type": "open"} for s in ("west", "east")}
    out = twinbench.simulate(ds, 100.0, physics={"viscosity": 1.0}, boundaries=sides)
    profile = out.u.isel(time=-1, x=2).values
    exact = 0.1 * erf((200.0 - y) / np.sqrt(4 * 1.0 * 100.0))  # ∂u/∂t = ν ∂²u/∂y²
    np.testing.assert_allclose(profile, exact, atol=5e-3)
    inviscid = twinbench.simulate(ds, 100.0, boundaries=sides).u.isel(time=-1, x=2).values
    np.testing.assert_array_equal(inviscid, u[:, 2])  # no numerical diffusion of the shear


def test_wind_forcing_sets_up_the_surface():
    x = (np.arange(50) + 0.5) * 200.0
    ds = grid_dataset(x, np.array([0.0]), np.full((1, 50), 5.0))
    wind = xr.Dataset({"wx": ((), 20.0, {"standard_name": "x_wind", "units": "m s-1"})})
    out = twinbench.simulate(
        ds, "3h", forcing=wind, physics={"friction": {"law": "linear", "coefficient": 1e-3}}
    )
    eta = out.eta.isel(time=-1, y=0).values
    # Steady set-up: g h dη/dx = τ/ρ with τ = ρa Cd W² (Wu 1982)
    tau = 1.225 * (0.8 + 0.065 * 20) * 1e-3 * 400.0
    slope = np.polyfit(x[10:40], eta[10:40], 1)[0]
    np.testing.assert_allclose(slope, tau / 1025.0 / (9.81 * 5.0), rtol=0.1)


def test_pressure_forcing_gives_inverse_barometer():
    x = (np.arange(60) + 0.5) * 500.0
    ds = grid_dataset(x, np.array([0.0]), np.full((1, 60), 10.0))
    p = 101325.0 - 2000.0 * np.exp(-(((x - 15000.0) / 4000.0) ** 2))
    forcing = xr.Dataset(
        {
            "p": (
                ("y", "x"),
                p[None],
                {"standard_name": "air_pressure_at_mean_sea_level", "units": "Pa"},
            )
        },
        coords={"x": x, "y": [0.0]},
    )
    out = twinbench.simulate(
        ds, "6h", forcing=forcing, physics={"friction": {"law": "linear", "coefficient": 5e-3}}
    )
    eta = out.eta.isel(time=-1, y=0).values
    expected = -(p - p.mean()) / (1025.0 * 9.81)
    np.testing.assert_allclose(eta - eta.mean(), expected, atol=0.01)


def test_history_at_exact_duration_with_adaptive_steps(basin):
    out = twinbench.simulate(basin, 37.3)
    assert float(out.time[-1]) == 37.3


def test_zero_duration_returns_initial_state(basin):
    out = twinbench.simulate(basin, 0.0)
    assert out.sizes["time"] == 1


def test_netcdf_round_trip(basin, tmp_path):
    out = twinbench.simulate(basin, 30.0, output_every=10.0)
    path = tmp_path / "run.nc"
    out.to_netcdf(path)
    back = xr.open_dataset(path)
    xr.testing.assert_identical(back.load(), out)


def test_configuration_reruns_the_run(basin):
    from twinbench.io.outputs import rerun_arguments

    n = xr.DataArray(
        np.linspace(0.02, 0.04, basin.sizes["x"])[None].repeat(basin.sizes["y"], 0), dims=("y", "x")
    )
    q = xr.DataArray([0.0, 0.5, 0.2], coords={"time": [0.0, 20.0, 40.0]}, dims="time")
    out = twinbench.simulate(
        basin,
        40.0,
        output_every=20.0,
        physics={"friction": {"law": "manning", "coefficient": n}, "coriolis": 1e-4},
        boundaries={"west": {"type": "discharge", "value": q}, "south": {"type": "open"}},
    )
    inputs, kwargs = rerun_arguments(out)
    again = twinbench.simulate(inputs, **kwargs)
    np.testing.assert_allclose(again.eta, out.eta, atol=1e-12)


def test_configuration_reruns_forcing_and_along_side_values(basin):
    from twinbench.io.outputs import rerun_arguments

    level = xr.DataArray(
        np.linspace(0.0, 0.1, basin.sizes["y"])[None].repeat(2, 0),
        coords={"time": [0.0, 60.0], "y": basin.y.values},
        dims=("time", "y"),
    )
    wind = xr.Dataset(
        {
            "wx": ("time", [0.0, 15.0], {"standard_name": "x_wind", "units": "m s-1"}),
            "p": ((), 101000.0, {"standard_name": "air_pressure_at_mean_sea_level", "units": "Pa"}),
        },
        coords={"time": [0.0, 60.0]},
    )
    out = twinbench.simulate(
        basin, 60.0, forcing=wind, boundaries={"west": {"type": "level", "value": level}}
    )
    inputs, kwargs = rerun_arguments(out)
    again = twinbench.simulate(inputs, **kwargs)
    np.testing.assert_allclose(again.eta, out.eta, atol=1e-12)
