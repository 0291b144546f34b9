"""Tidal seas (constituents on real dates, radiation) and rivers (total discharge) at the edges."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import twinbench
from twinbench import tides
from twinbench.domains.basins import channel, grid_dataset
from twinbench.io.outputs import rerun_arguments

G = 9.81
START = "2024-03-10T06:00"
TIDE = {"M2": {"amplitude": 0.10, "phase": 110.0}, "S2": {"amplitude": 0.04, "phase": 140.0}}


@pytest.fixture(scope="module")
def tidal_channel():
    """40 km of 20 m deep channel: the tide enters west, leaves east (both radiating)."""
    ds = channel(40e3, 100, depth=20.0)
    out = twinbench.simulate(
        ds,
        "30h",
        output_every="10min",
        boundaries={
            "west": {"type": "tide", "constituents": TIDE},
            "east": {"type": "tide", "constituents": {}},
        },
        start=START,
    )
    return ds, out


def test_the_tide_travels_the_channel_as_the_predicted_progressive_wave(tidal_channel):
    """With u_e = 0 the incoming wave is half the sea's tide (Flather); it travels at √(g h)
    with the astronomical phases and nodal factors of the real dates (tides.predict)."""
    ds, out = tidal_channel
    c = np.sqrt(G * 20.0)
    times = out.time.values
    keep = times >= np.datetime64(START) + np.timedelta64(4, "h")  # the start-up front has left
    for cell in (10, 50, 90):
        x = float(ds.x[cell])
        lag = np.round(x / c * 1e9).astype("timedelta64[ns]")
        as_pairs = {k: (v["amplitude"], v["phase"]) for k, v in TIDE.items()}
        expected = 0.5 * tides.predict(as_pairs, times[keep] - lag).values
        model = out.eta.isel(y=0, x=cell).values[keep]
        assert np.max(np.abs(model - expected)) < 0.03 * 0.14, cell  # 3 % of the range


def test_output_time_is_dates_when_a_start_is_given(tidal_channel, tmp_path):
    _, out = tidal_channel
    assert np.issubdtype(out.time.dtype, np.datetime64)
    assert out.time.values[0] == np.datetime64(START)
    assert out.time.values[-1] == np.datetime64(START) + np.timedelta64(30, "h")
    path = tmp_path / "tide.nc"
    out.to_netcdf(path)
    with xr.open_dataset(path) as back:
        np.testing.assert_array_equal(back.time.values, out.time.values)
        assert "since" in back.time.encoding["units"]


def test_a_tidal_run_reruns_from_its_own_configuration(tidal_channel):
    _, out = tidal_channel
    short = out.isel(time=slice(0, 13))
    inputs_ds, kwargs = rerun_arguments(out)
    kwargs.update(duration="2h", output_every="10min")
    again = twinbench.simulate(inputs_ds, **kwargs)
    np.testing.assert_allclose(again.eta.values, short.eta.values, atol=1e-12)


def test_tide_amplitudes_and_phases_may_vary_along_the_side():
    """Each face of the side sees its own constituents: the external level the engine imposes
    equals tides.predict with that face's amplitude and phase, at every time (0.1 mm)."""
    ny = 8
    ds = grid_dataset(
        np.arange(30) * 500.0 + 250, np.arange(ny) * 500.0 + 250, np.full((ny, 30), 15.0)
    )
    along = {"dims": "y", "coords": {"y": ds.y.values}}
    amplitude = xr.DataArray(np.linspace(0.5, 0.7, ny), **along)
    phase = xr.DataArray(np.linspace(100.0, 140.0, ny), **along)
    constituents = {"M2": {"amplitude": amplitude, "phase": phase}, "K1": [0.07, 60.0]}
    model = twinbench.Model(
        ds,
        boundaries={"west": {"type": "tide", "constituents": constituents}},
        start=START,
    )
    seconds = np.arange(0, 3 * 86400, 1800.0)
    dates = np.datetime64(START) + (seconds * 1e9).astype("timedelta64[ns]")
    with model.precision():
        west = model.params.boundaries.west
        imposed = np.array([np.asarray(west.elevation(t))[:, 0] for t in seconds])
    for row in (0, 3, ny - 1):
        pairs = {
            "M2": (float(amplitude[row]), float(phase[row])),
            "K1": (0.07, 60.0),
        }
        expected = tides.predict(pairs, dates).values
        # Nodal corrections are held at their start values (here ≈ 0.003° a day: 0.05 mm in 2 days).
        np.testing.assert_allclose(imposed[:, row], expected, atol=1e-4)


def test_a_mean_level_offset_raises_the_sea():
    ds = channel(10e3, 50, depth=5.0)
    out = twinbench.simulate(
        ds, "3h", boundaries={"west": {"type": "tide", "constituents": {}, "mean": 0.3}}
    )
    np.testing.assert_allclose(out.eta.isel(time=-1).values, 0.3, atol=5e-3)


def _two_rivers_basin():
    nx, ny, d = 20, 12, 100.0
    depth = np.full((ny, nx), 3.0)
    depth[3, -1] = -1.0  # a dry cell inside the first river's segment: it must carry nothing
    return grid_dataset((np.arange(nx) + 0.5) * d, (np.arange(ny) + 0.5) * d, depth)


def test_rivers_bring_their_total_discharge_to_round_off():
    ds = _two_rivers_basin()
    garonne = xr.DataArray(
        [300.0, 600.0, 450.0], coords={"time": [0.0, 600.0, 1200.0]}, dims="time"
    )
    out = twinbench.simulate(
        ds,
        1200.0,
        output_every=600.0,
        boundaries={
            "east": [
                {"type": "river", "name": "garonne", "discharge": garonne, "cells": [1, 4]},
                {"type": "river", "name": "dordogne", "discharge": 150.0, "between": [800, 1000]},
            ]
        },
    )
    volume = out.h.sum(("x", "y")).values * 100.0 * 100.0
    inflow = np.array([0.0, 450.0 * 600 + 150.0 * 600, (450.0 + 525.0) * 600 + 150.0 * 1200])
    np.testing.assert_allclose(volume - volume[0], inflow, rtol=1e-10)
    assert float(out.h.isel(time=-1, y=3, x=-1)) == 0.0  # the dry cell stayed dry
    config = out.attrs["configuration"]
    assert "garonne" in config and "dordogne" in config


def test_river_discharge_is_shared_by_the_wet_cells_of_its_segment():
    ds = _two_rivers_basin()
    model = twinbench.Model(
        ds, boundaries={"east": {"type": "river", "discharge": 300.0, "cells": [1, 4]}}
    )
    q = np.asarray(model.params.boundaries.east.values)[0, :, 0]
    np.testing.assert_allclose(q[[1, 2, 4]], 300.0 / (3 * 100.0))
    assert q[3] == 0.0 and q[0] == 0.0 and q[5:].sum() == 0.0


@pytest.mark.parametrize(
    "boundaries, start, message",
    [
        ({"west": {"type": "tide", "constituents": TIDE}}, None, "start"),
        ({"west": {"type": "tide", "constituents": {"XYZ9": [0.1, 0.0]}}}, START, "XYZ9"),
        ({"west": {"type": "tide", "constituents": {"M2": [-0.1, 0.0]}}}, START, "amplitude"),
        (
            {"west": {"type": "tide", "constituents": {"M2": [[0.1, 0.2], 0.0]}}},
            START,
            "values along",
        ),
        ({"west": {"type": "tide", "constituents": {"M2": {"amp": 0.1}}}}, START, "amplitude"),
        ({"west": {"type": "tide", "constituents": {"M2": [np.nan, 0.0]}}}, START, "NaN"),
        ({"west": {"type": "tide"}}, START, "constituents"),
        ({"west": {"type": "tide", "constituents": TIDE, "tilt": 1}}, START, "tilt"),
        ({"west": {"type": "tide", "constituents": TIDE}}, "not a date", "start"),
        ({"east": {"type": "river", "discharge": 10.0}}, None, "cells"),
        ({"east": {"type": "river", "discharge": 10.0, "cells": [3, 3]}}, None, "no wet cell"),
        ({"east": {"type": "river", "discharge": -5.0, "cells": [0, 2]}}, None, "≥ 0"),
        ({"east": {"type": "river", "discharge": 5.0, "cells": [0, 40]}}, None, "first ≤ last"),
        ({"east": {"type": "river", "discharge": 5.0, "between": [5e3, 6e3]}}, None, "no cell"),
        (
            {
                "east": [
                    {"type": "river", "discharge": 5.0, "cells": [0, 2]},
                    {"type": "river", "discharge": 5.0, "cells": [2, 5]},
                ]
            },
            None,
            "overlaps",
        ),
        ({"east": [{"type": "level", "value": 0.0}]}, None, "river"),
        ({"east": {"type": "river", "discharge": 5.0, "cells": [0, 2], "salt": 1}}, None, "salt"),
    ],
)
def test_bad_tide_and_river_inputs_are_named(boundaries, start, message):
    with pytest.raises(ValueError, match=message):
        twinbench.simulate(_two_rivers_basin(), 60.0, boundaries=boundaries, start=start)


def test_start_accepts_time_zones_and_datetimes():
    ds = channel(1e3, 10, depth=2.0)
    a = twinbench.simulate(ds, 60.0, start=pd.Timestamp("2024-03-10T08:00", tz="Europe/Paris"))
    b = twinbench.simulate(ds, 60.0, start=np.datetime64("2024-03-10T07:00"))
    np.testing.assert_array_equal(a.time.values, b.time.values)
