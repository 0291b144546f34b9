"""Every kind of bad input named by the contract raises a ValueError that names the problem."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

import twinbench
from twinbench.domains.basins import grid_dataset


def run(ds, duration=10.0, **kw):
    return twinbench.simulate(ds, duration, **kw)


def expect(match, ds, duration=10.0, **kw):
    with pytest.raises(ValueError, match=match):
        run(ds, duration, **kw)


def test_not_a_dataset():
    expect("xarray.Dataset", np.zeros((3, 3)))


def test_missing_bathymetry(basin):
    expect("sea_floor_depth_below_geoid", basin.drop_vars("depth"))


def test_bathymetry_without_standard_name(basin):
    ds = basin.copy()
    ds["depth"].attrs.pop("standard_name")
    expect("sea_floor_depth_below_geoid", ds)


def test_missing_coordinate(basin):
    ds = basin.copy()
    ds["x"].attrs.pop("standard_name")
    expect("projection_x_coordinate", ds)


def test_non_uniform_coordinates(basin):
    x = basin.x.values.copy()
    x[5:] += 7.0
    expect("uniform spacing", basin.assign_coords(x=("x", x, basin.x.attrs)))


def test_decreasing_coordinates(basin):
    expect("increasing", basin.assign_coords(x=("x", basin.x.values[::-1], basin.x.attrs)))


def test_nan_in_bathymetry(basin):
    ds = basin.copy(deep=True)
    ds["depth"][3, 4] = np.nan
    expect(r"depth.*NaN", ds)


def test_nan_in_initial_state(basin):
    ds = basin.copy(deep=True)
    ds["eta"][0, 0] = np.nan
    expect(r"eta.*NaN", ds)


def test_wrong_units(basin):
    ds = basin.copy()
    ds["depth"].attrs["units"] = "ft"
    expect("'ft'", ds)


def test_duplicate_standard_names(basin):
    ds = basin.assign(depth2=basin.depth)
    expect("several variables", ds)


def test_wrong_dims(basin):
    ds = basin.assign(eta=(("x", "y", "z"), np.zeros((30, 20, 2)), basin.eta.attrs))
    expect("must have dims", ds)


def test_single_cell_grid():
    ds = grid_dataset([0.0], [0.0], [[1.0]])
    expect("single cell", ds)


@pytest.mark.parametrize("duration", [-1.0, "-2h", "soon", None, float("nan"), [1, 2]])
def test_bad_duration(basin, duration):
    expect("duration", basin, duration)


@pytest.mark.parametrize("every", [0, -5.0, "never"])
def test_bad_output_every(basin, every):
    expect("output_every", basin, output_every=every)


@pytest.mark.parametrize(
    "physics,match",
    [
        ({"gravty": 9.81}, "unknown physics key.*gravty"),
        ({"gravity": -1.0}, "gravity"),
        ({"gravity": float("nan")}, "gravity.*finite"),
        ({"friction": {"law": "strickler", "coefficient": 30}}, "law.*strickler"),
        ({"friction": {"law": "manning"}}, "needs a 'coefficient'"),
        ({"friction": {"law": "manning", "coefficient": -0.01}}, "≥ 0"),
        ({"friction": {"law": "chezy", "coefficient": 0.0}}, "> 0"),
        ({"friction": {"law": "manning", "coefficient": 0.03, "n": 1}}, "unknown key"),
        ({"friction": "manning"}, "must be a dict"),
        ({"viscosity": -1.0}, "viscosity"),
        ({"dry_depth": 0.0}, "dry_depth"),
        ({"dry_depth": 5.0}, "dry_depth"),
        ({"cfl": 0.9}, "unstable"),
        ({"coriolis": "1e-4"}, "coriolis.*number"),
        ({"stages": 1}, "stages.*from 2 to 10"),
        ({"banks": "walls"}, r"banks.*\['hydrostatic', 'wall'\].*'walls'"),
        ({"banks": ["wall"]}, "banks.*must be one of"),
        ("manning", "physics must be a dict"),
    ],
)
def test_bad_physics(basin, physics, match):
    expect(match, basin, physics=physics)


def test_friction_field_with_wrong_dims(basin):
    n = xr.DataArray(np.full((4, 4), 0.03), dims=("a", "b"))
    expect("dims", basin, physics={"friction": {"law": "manning", "coefficient": n}})


def test_friction_field_with_nan(basin):
    n = xr.full_like(basin.depth, 0.03).where(basin.x > 200)
    expect("NaN", basin, physics={"friction": {"law": "manning", "coefficient": n}})


@pytest.mark.parametrize(
    "boundaries,match",
    [
        ({"up": {"type": "wall"}}, "unknown boundary side"),
        ({"west": {"type": "weir"}}, "must be one of"),
        ({"west": {"type": "level"}}, "needs a 'value'"),
        ({"west": {"type": "level", "value": float("nan")}}, "finite"),
        ({"west": {"type": "discharge", "value": 1.0, "depth": -1.0}}, "depth"),
        ({"west": {"type": "open", "value": 1.0}}, "unknown key"),
        ({"west": "wall"}, "must be a dict"),
        ([("west", "wall")], "dict keyed by side"),
    ],
)
def test_bad_boundaries(basin, boundaries, match):
    expect(match, basin, boundaries=boundaries)


def test_boundary_series_must_be_over_time(basin):
    q = xr.DataArray([1.0, 2.0], coords={"t": [0.0, 5.0]}, dims="t")
    expect("'time'", basin, boundaries={"west": {"type": "discharge", "value": q}})


def test_boundary_series_time_must_increase(basin):
    q = xr.DataArray([1.0, 2.0], coords={"time": [5.0, 0.0]}, dims="time")
    expect("increasing", basin, boundaries={"west": {"type": "discharge", "value": q}})


def test_boundary_series_with_nan(basin):
    q = xr.DataArray([1.0, np.nan], coords={"time": [0.0, 5.0]}, dims="time")
    expect("NaN", basin, boundaries={"west": {"type": "discharge", "value": q}})


def test_bad_dtype(basin):
    expect("dtype", basin, dtype="float16")


def test_bad_forcing(basin):
    expect("forcing must be an xarray.Dataset", basin, forcing={"wind": 10})
    empty = xr.Dataset({"w": ((), 1.0)})
    expect("no variable with standard_name", basin, forcing=empty)


def test_unstable_run_is_an_error_not_nan():
    """A supercritical inflow far beyond what the grid can carry blows up: reported, not NaN."""
    x = (np.arange(20) + 0.5) * 1.0
    ds = grid_dataset(x, [0.0], np.full((1, 20), 1.0))
    with pytest.raises(ValueError, match=r"unstable|stalled"):
        run(ds, 5.0, boundaries={"west": {"type": "discharge", "value": 1e300, "depth": 1e-300}})


@pytest.mark.parametrize("tracers", [None, {"salinity": {"initial": 1.0}}])
def test_unstable_run_names_when_it_failed(tracers):
    """An inflow that jumps to 1e30 m² s⁻¹ at t = 4 s overflows float32 in the step after:
    the error names that interval (not the first output's), and the run takes no step after
    the failure (every later state is the last good one, at t = 4 s)."""
    x = (np.arange(20) + 0.5) * 1.0
    ds = grid_dataset(x, [0.0], np.full((1, 20), 1.0))
    q = xr.DataArray([0.0, 0.0, 1e30, 1e30], coords={"time": [0.0, 4.0, 4.001, 100.0]})
    with pytest.raises(ValueError, match=r"unstable \(non-finite values\) after t = 4 s, "
                       r"before the output at t = 5 s"):  # fmt: skip
        run(ds, 10.0, output_every=1.0, dtype="float32", tracers=tracers,
            boundaries={"west": {"type": "discharge", "value": q}})  # fmt: skip


def test_history_stops_at_the_first_failure():
    """core.history after a non-finite step: status NOT_FINITE, every stored state finite and
    no step taken in the later intervals (their time stays at the last good state's)."""
    import jax.numpy as jnp

    from twinbench import core
    from twinbench.api import Model

    x = (np.arange(20) + 0.5) * 1.0
    ds = grid_dataset(x, [0.0], np.full((1, 20), 1.0))
    q = xr.DataArray([0.0, 0.0, 1e30, 1e30], coords={"time": [0.0, 4.0, 4.001, 100.0]})
    model = Model(ds, boundaries={"west": {"type": "discharge", "value": q}}, dtype="float32")
    times = np.arange(11.0)
    with model.precision():
        states, steps, status = core.history(
            model.state, model.params, model.grid, jnp.asarray(times, jnp.float32), 10_000
        )
    assert int(status) == core.NOT_FINITE
    assert np.isfinite(np.asarray(states.h)).all()
    t = np.asarray(states.t)
    np.testing.assert_array_equal(t[:5], times[:5])
    np.testing.assert_array_equal(t[5:], 4.0)
    assert (np.asarray(steps)[5:] == 0).all()  # no retry from the last good state
    assert core.failure(status, states.t, times).endswith("before the output at t = 5 s")
