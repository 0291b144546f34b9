"""simulate(..., tracers=...) and Model(..., tracers=...): outputs, rerun, and input errors."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

import twinbench
from twinbench.domains import channel
from twinbench.io.outputs import rerun_arguments

BOUNDARIES = {
    "west": {"type": "level", "value": 0.0},
    "east": [{"type": "river", "discharge": 20.0, "cells": [0, 0], "name": "garonne"}],
}


def tracers(**overrides):
    spec = {
        "salinity": {
            "initial": 10.0,
            "diffusivity": 5.0,
            "boundaries": {"west": 35.0, "east": 0.0},
        },
        "sediment": {
            "initial": 0.01,
            "settling_velocity": 1e-3,
            "critical_shear_deposition": 0.5,
            "critical_shear_erosion": 0.05,
            "erosion_rate": 1e-4,
            "bed_mass": 0.5,
            "boundaries": {"east": {"garonne": 0.2}, "west": 0.0},
        },
    }
    spec.update(overrides)
    return spec


@pytest.fixture(scope="module")
def run():
    ds = channel(2000.0, 20, depth=3.0)
    physics = {"friction": {"law": "manning", "coefficient": 0.03}}
    out = twinbench.simulate(
        ds, 600.0, output_every=300.0, physics=physics, boundaries=BOUNDARIES, tracers=tracers()
    )
    return ds, physics, out


def test_outputs_have_cf_tracer_variables(run):
    _, _, out = run
    assert out["salinity"].attrs["standard_name"] == "sea_water_salinity"
    assert out["salinity"].attrs["units"] == "1e-3"
    sediment = out["suspended_sediment"]
    assert sediment.attrs["standard_name"] == (
        "mass_concentration_of_suspended_matter_in_sea_water"
    )
    assert sediment.attrs["units"] == "kg m-3"
    assert out["bed_sediment_mass"].attrs["units"] == "kg m-2"
    assert out["salinity"].dims == ("time", "y", "x")
    np.testing.assert_allclose(out["salinity"].isel(time=0), 10.0)
    final = out.isel(time=-1)
    # The sea salts the west end, the river freshens and muddies the east end.
    assert float(final["salinity"][0, 0]) > 10.5 and float(final["salinity"][0, -1]) < 9.0
    assert float(final["suspended_sediment"][0, -1]) > 0.02
    assert float(out["bed_sediment_mass"].min()) >= 0.0


def test_rerun_from_the_output_reproduces_the_tracers(run):
    _, _, out = run
    inputs, kwargs = rerun_arguments(out)
    again = twinbench.simulate(inputs, **kwargs)
    for name in ("salinity", "suspended_sediment", "bed_sediment_mass"):
        np.testing.assert_allclose(again[name], out[name], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"temperature": {"initial": 10.0}}, "unknown tracer"),
        (tracers(salinity={"diffusivity": -1.0}), "diffusivity"),
        (tracers(salinity={"initial": -1.0}), "initial"),
        (tracers(salinity={"boundaries": {"up": 3.0}}), "unknown side"),
        (tracers(salinity={"boundaries": {"north": 3.0}}), "wall"),
        (tracers(salinity={"boundaries": {"west": -3.0}}), "≥ 0"),
        (tracers(salinity={"colour": 1}), "unknown key"),
        (tracers(sediment={"initial": 0.1}), "settling_velocity"),
        (tracers(sediment={"settling_velocity": 1e-3, "bed_mass": "lots"}), "unlimited"),
        (tracers(sediment={"settling_velocity": 1e-3, "critical_shear_erosion": 0.0}), "> 0"),
        (
            tracers(sediment={"settling_velocity": 1e-3, "boundaries": {"east": {"loire": 1.0}}}),
            "one value per river",
        ),
    ],
)
def test_bad_tracer_inputs_raise(spec, message):
    ds = channel(2000.0, 20, depth=3.0)
    with pytest.raises(ValueError, match=message):
        twinbench.Model(ds, boundaries=BOUNDARIES, tracers=spec)


def test_nan_initial_field_raises():
    ds = channel(2000.0, 20, depth=3.0)
    field = xr.DataArray(np.full((1, 20), np.nan), dims=("y", "x"))
    with pytest.raises(ValueError, match="NaN"):
        twinbench.Model(ds, boundaries=BOUNDARIES, tracers={"salinity": {"initial": field}})
