"""Compile once per grid: new values of anything a user may move do not recompile."""

from __future__ import annotations

import logging

import jax
import numpy as np
import xarray as xr

import twinbench


def compiled_functions(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if "Compiling" in r.getMessage()]


def settings(n, f, nu, level, q, scale):
    t = [0.0, 30.0, 60.0]
    return dict(
        physics={"friction": {"law": "manning", "coefficient": n}, "coriolis": f, "viscosity": nu},
        boundaries={
            "west": {
                "type": "level",
                "value": xr.DataArray(
                    np.array([0, 1, 0.5]) * level, coords={"time": t}, dims="time"
                ),
            },
            "south": {
                "type": "discharge",
                "value": xr.DataArray(
                    np.array([0.1, 0.3, 0.2]) * q, coords={"time": t}, dims="time"
                ),
            },
            "east": {"type": "open"},
        },
    )


def test_second_run_with_new_values_does_not_recompile(basin, caplog):
    first = twinbench.simulate(basin, 60.0, output_every=20.0, **settings(0.02, 0, 0, 0.1, 1, 1))
    field = xr.DataArray(
        np.linspace(0.01, 0.05, basin.sizes["x"])[None].repeat(20, 0), dims=("y", "x")
    )
    changed = basin.assign(eta=basin.eta * 0.5)  # a new initial state
    caplog.set_level(logging.WARNING)
    with jax.log_compiles():
        second = twinbench.simulate(
            changed, 90.0, output_every=30.0, **settings(field, 1e-4, 2.0, 0.3, 2, 2)
        )
    assert compiled_functions(caplog) == []
    assert not np.allclose(first.eta.values, second.eta.values)  # the new values were used


def test_changing_the_law_does_recompile(basin, caplog):
    """The check above can fail: a structural change is seen as a compilation."""
    basin = basin.isel(x=slice(0, 17), y=slice(0, 13))  # a grid no other test compiles
    twinbench.simulate(basin, 20.0, physics={"friction": {"law": "manning", "coefficient": 0.02}})
    caplog.set_level(logging.WARNING)
    with jax.log_compiles():
        twinbench.simulate(basin, 20.0, physics={"friction": {"law": "chezy", "coefficient": 40.0}})
    assert any("history" in m for m in compiled_functions(caplog))
