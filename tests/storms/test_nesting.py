"""One-way nesting of a parent run's surge onto a child domain's open tidal boundaries."""

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from twinbench import simulate
from twinbench.domains import tidal_basin
from twinbench.io.inputs import InputError
from twinbench.scenarios.sea import apply_surge
from twinbench.scenarios.whatif import NestedSurge, WhatIf
from twinbench.scenarios.whatif_core import RunSetup
from twinbench.storms.nesting import add_to_mean, surge_along

START = "2010-02-27T06:00"


def _with_lonlat(ds: xr.Dataset, lon0: float, lat0: float) -> xr.Dataset:
    """Give a metric grid 2-D lon/lat (a local tangent plane at lon0, lat0)."""
    X, Y = np.meshgrid(ds["x"].values, ds["y"].values)
    lat = lat0 + np.rad2deg(Y / 6_371_000.0)
    lon = lon0 + np.rad2deg(X / (6_371_000.0 * np.cos(np.deg2rad(lat0))))
    return ds.assign_coords(lon=(("y", "x"), lon), lat=(("y", "x"), lat))


def _parent(field, hours=12, land=None) -> xr.DataArray:
    """A parent surge over a 1°×1° box at 0.1°, given as field(t_hours, lon, lat)."""
    lon1, lat1 = np.arange(-1.55, -0.45, 0.1), np.arange(44.95, 46.05, 0.1)
    LON, LAT = np.meshgrid(lon1, lat1)
    times = pd.date_range(START, periods=hours + 1, freq="1h")
    hrs = np.arange(hours + 1, dtype=float)
    values = np.stack([field(h, LON, LAT) for h in hrs])
    if land is not None:
        values[:, land(LON, LAT)] = np.nan
    return xr.DataArray(
        values,
        dims=("time", "y", "x"),
        coords={"time": times, "lon": (("y", "x"), LON), "lat": (("y", "x"), LAT)},
        name="surge",
    )


def _child() -> xr.Dataset:
    return _with_lonlat(tidal_basin(length=20e3, width=8e3, spacing=1000.0), -1.2, 45.3)


def test_surge_along_reproduces_a_linear_field_and_its_times():
    child = _child()
    parent = _parent(lambda h, lon, lat: 0.1 * h + 2.0 * (lon + 1.0) - 3.0 * (lat - 45.0))
    # the child starts one hour after the parent
    series = surge_along(parent, child, "west", "2010-02-27T07:00")
    assert series.dims == ("time", "y")
    np.testing.assert_allclose(series["time"].values, np.arange(-1, 12) * 3600.0)
    lon = child["lon"].values[:, 0]
    lat = child["lat"].values[:, 0]
    for k, hours in enumerate(range(13)):
        expected = 0.1 * hours + 2.0 * (lon + 1.0) - 3.0 * (lat - 45.0)
        np.testing.assert_allclose(series.values[k], expected, atol=1e-9)
    north = surge_along(parent, child, "north", START)
    assert north.dims == ("time", "x") and north.sizes["x"] == child.sizes["x"]


def test_surge_along_fills_beyond_the_parent_sea_from_its_nearest_cells():
    child = _child()
    # the parent's sea stops west of -1.3 degrees: the child's west side lies beyond it
    parent = _parent(lambda h, lon, lat: 0.5 + 0 * lon, land=lambda lon, lat: lon > -1.3)
    series = surge_along(parent, child, "west", START)
    assert np.isfinite(series.values).all()
    np.testing.assert_allclose(series.values, 0.5)


def test_surge_along_rejects_bad_inputs():
    child = _child()
    parent = _parent(lambda h, lon, lat: 0 * lon)
    with pytest.raises(InputError, match="side"):
        surge_along(parent, child, "up", START)
    with pytest.raises(InputError, match="after the run's start"):
        surge_along(parent, child, "west", "2010-02-27T05:00")
    with pytest.raises(InputError, match="before the run's end"):
        surge_along(parent, child, "west", START, "2010-02-28T06:00")
    with pytest.raises(InputError, match="dates"):
        surge_along(parent.assign_coords(time=np.arange(13.0)), child, "west", START)
    with pytest.raises(InputError, match="lon"):
        surge_along(parent, tidal_basin(), "west", START)
    with pytest.raises(InputError, match="fewer than 3"):
        surge_along(parent * np.nan, child, "west", START)


def test_add_to_mean_of_a_number_and_of_a_series():
    series = xr.DataArray(
        np.ones((3, 2)), dims=("time", "y"), coords={"time": [0.0, 10.0, 20.0], "y": [0, 1]}
    )
    np.testing.assert_allclose(add_to_mean(0.25, series).values, 1.25)
    mean = xr.DataArray([0.0, 2.0], dims="time", coords={"time": [0.0, 20.0]})
    out = add_to_mean(mean, series)
    assert out.dims == ("time", "y")
    np.testing.assert_allclose(out.values[:, 0], [1.0, 2.0, 3.0])


def _setup(duration=6 * 3600.0) -> RunSetup:
    child = _child()
    return RunSetup(
        child,
        {"friction": {"law": "manning", "coefficient": 0.025}},
        {"west": {"type": "tide", "constituents": {}}},
        start=np.datetime64(START),
        duration=duration,
    )


def test_nested_surge_what_if_round_trips_and_reads_its_file(tmp_path):
    path = tmp_path / "parent.nc"
    _parent(lambda h, lon, lat: 0.3 + 0 * lon).to_dataset().to_netcdf(path)
    item = NestedSurge(source=str(path))
    assert WhatIf.from_dict(item.to_dict()) == item
    nested = item.apply(_setup())
    mean = nested.boundaries["west"]["mean"]
    assert mean.dims == ("time", "y")
    np.testing.assert_allclose(mean.values, 0.3, atol=1e-12)
    with pytest.raises(InputError, match="no parent run"):
        NestedSurge(source=str(tmp_path / "missing.nc")).apply(_setup())
    with pytest.raises(InputError, match="no variable 'residual'"):
        NestedSurge(source=str(path), variable="residual").apply(_setup())
    with pytest.raises(InputError, match="source"):
        NestedSurge(source="")
    with pytest.raises(InputError, match="no open tide boundary"):
        item.apply(_setup().replace(boundaries={}))
    with pytest.raises(InputError, match="before the run's end"):
        item.apply(_setup(duration=2 * 86400.0))


def test_a_nested_surge_raises_the_child_sea_to_the_parent_level():
    """A parent surge that rises to 0.4 m over 3 h and holds: the closed-ended child basin,
    open on its west side, fills to the parent's level (its radiating boundary lets its own
    waves leave and brings the parent's level in)."""
    hours = 12
    parent = _parent(lambda h, lon, lat: 0.4 * min(h / 3.0, 1.0) + 0 * lon, hours=hours)
    nested = apply_surge(_setup(duration=hours * 3600.0), parent)
    child = nested.domain
    run = simulate(
        child,
        hours * 3600.0,
        output_every=3600.0,
        physics=dict(nested.physics),
        boundaries=nested.boundaries,
        start=START,
    )
    wet = child["depth"] > 0.5
    level = run["eta"].where(wet).mean(("x", "y"))
    assert abs(float(level.isel(time=0))) < 1e-12
    np.testing.assert_allclose(level.isel(time=slice(-3, None)).values, 0.4, atol=0.02)


def test_a_scenario_file_takes_a_nested_surge(tmp_path):
    """The YAML path: the Gironde baseline with `{type: nested_surge, source: ...}`, a parent
    whose sea stands 0.3 m higher from the start: over the last tidal cycle of a day the
    estuary's mean levels stand 0.3 m above the baseline's."""
    from twinbench import scenarios

    path = tmp_path / "parent.nc"
    _parent(lambda h, lon, lat: 0.3 + 0 * lon, hours=30).to_dataset().to_netcdf(path)
    base = scenarios.load("gironde").replace(
        start=START, fields=False, output_every=3600.0, stations=["Port-Bloc", "Pauillac"]
    )
    nested = base.with_what_if(WhatIf.from_dict({"type": "nested_surge", "source": str(path)}))
    assert nested.document["what_if"][-1] == {"type": "nested_surge", "source": str(path),
                                              "variable": "surge"}  # fmt: skip
    runs = [scenarios.run(s, duration="1D") for s in (base, nested)]
    rise = runs[1]["station_eta"] - runs[0]["station_eta"]
    last = dict(
        zip(
            runs[0]["station_name"].values,
            rise.isel(time=slice(-13, None)).mean("time").values,
            strict=True,
        )
    )
    np.testing.assert_allclose(last["Port-Bloc"], 0.3, atol=0.03)
    assert 0.25 < last["Pauillac"] < 0.35, last


def test_a_relative_source_is_relative_to_the_scenario_file(tmp_path, monkeypatch):
    from twinbench import scenarios

    folder = tmp_path / "study"
    folder.mkdir()
    _parent(lambda h, lon, lat: 0.3 + 0 * lon).to_dataset().to_netcdf(folder / "parent.nc")
    (folder / "storm.yaml").write_text(
        "base: gironde\nwhat_if:\n  - {type: nested_surge, source: parent.nc}\n"
    )
    (tmp_path / "child.yaml").write_text("base: study/storm.yaml\nname: child\n")
    monkeypatch.chdir(tmp_path.parent)  # elsewhere: the path must not depend on it
    for name in ("study/storm.yaml", "child.yaml"):
        scenario = scenarios.load(tmp_path / name)
        (item,) = scenario.what_if
        assert item.source == str((folder / "parent.nc").resolve())
        assert item.surge().dims == ("time", "y", "x")
