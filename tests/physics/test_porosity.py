"""Porosity (``sea_area_fraction``): rivers narrower than a cell (twinbench.core.porosity).

* Green's law: a long wave entering a channel whose width narrows gradually by 4 grows by
  (b₁/b₂)^½ = 2 at constant depth (Green 1838; e.g. Dean & Dalrymple 1991, §4.6). The amplitude
  ratio between a station in the wide and one in the narrow reach, divided by the same ratio in
  a channel of constant width (which removes the scheme's own small damping), must be 2 within
  1 % (measured: 2.0016).
* Well-balanced: a lake at rest over a bump, immersed or emerged, with a random porosity stays
  at rest to round-off.
* Conservation: Σ φ h and Σ φ h c are constant to round-off in a closed basin; rivers bring
  exactly their discharge into a porous boundary; a uniform salinity stays uniform.
* φ ≡ 1 is the scheme without porosity.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import xarray as xr

import twinbench
from twinbench import core
from twinbench.core import tracer_stepping as ts
from twinbench.core import transport as tr
from twinbench.domains.basins import grid_dataset
from twinbench.io import build, inputs


def _narrowing_channel(narrow: float, dx: float = 100.0) -> xr.Dataset:
    """10 m deep, 50 km long; width 1 → ``narrow`` (cosine taper) between 8 and 26 km."""
    x = np.arange(0.0, 50_000.0, dx) + 0.5 * dx
    s = np.clip((x - 8000.0) / 18000.0, 0.0, 1.0)
    phi = 1.0 - (1.0 - narrow) * 0.5 * (1.0 - np.cos(np.pi * s))
    return grid_dataset(x, np.array([0.0]), np.full((1, x.size), 10.0), porosity=phi[None])


def _amplitudes(ds: xr.Dataset, period: float = 600.0) -> tuple[float, float]:
    t = np.arange(0.0, 6001.0, 10.0)
    level = xr.DataArray(0.02 * np.sin(2 * np.pi * t / period), coords={"time": t}, dims="time")
    out = twinbench.simulate(
        ds,
        5400.0,
        output_every=10.0,
        boundaries={"west": {"type": "level", "value": level}, "east": {"type": "open"}},
    )
    last = out.eta.isel(y=0).sel(time=slice(5400.0 - 2 * period, None))

    def amplitude(x):
        series = last.sel(x=x, method="nearest")
        return float(series.max() - series.min()) / 2

    return amplitude(4000.0), amplitude(36000.0)


def test_greens_law_in_a_narrowing_channel():
    wide_a, wide_b = _amplitudes(_narrowing_channel(1.0))
    narrow_a, narrow_b = _amplitudes(_narrowing_channel(0.25))
    growth = (narrow_b / narrow_a) / (wide_b / wide_a)
    assert abs(growth - 2.0) < 0.02, growth


def _bumpy_basin(level: float, seed: int = 0) -> xr.Dataset:
    n, d = 24, 0.5
    x = (np.arange(n) + 0.5) * d
    X, Y = np.meshgrid(x, x)
    bed = 0.3 * np.exp(-((X - 6.0) ** 2 + (Y - 5.0) ** 2) / 4.0) - 0.1 * X / X.max()
    rng = np.random.default_rng(seed)
    phi = rng.uniform(0.05, 1.0, (n, n))
    eta = np.maximum(np.full((n, n), level), bed)
    return grid_dataset(x, x, -bed, eta=eta, porosity=phi)


@pytest.mark.parametrize("level", [0.4, 0.2], ids=["immersed", "emerged"])
def test_lake_at_rest_with_porosity(level):
    ds = _bumpy_basin(level)
    out = twinbench.simulate(ds, 20.0, output_every=10.0)
    wet = out.h.isel(time=0) > 1e-6
    assert bool((~wet).any()) == (level < 0.3)
    assert float(np.abs(out.u).max()) < 1e-12 and float(np.abs(out.v).max()) < 1e-12
    eta = out.eta.isel(time=-1).where(wet)
    assert float(np.abs(eta - level).max()) < 1e-12


def _sloshing_basin() -> xr.Dataset:
    """The bumpy porous basin (bump emerged) with a 5 cm hump of water that sets it moving."""
    ds = _bumpy_basin(0.15)
    x = ds["x"].values
    eta = np.maximum(0.15 + 0.05 * np.exp(-((x[None, :] - 3.0) ** 2) / 2.0), -ds.depth.values)
    return ds.assign(eta=(("y", "x"), eta, ds.eta.attrs))


def _built(ds, boundaries=None):
    grid_in = inputs.parse_inputs(ds)
    physics = inputs.parse_physics({"friction": {"law": "manning", "coefficient": 0.02}}, grid_in)
    bounds = inputs.parse_boundaries(boundaries, grid_in)
    return build.build(grid_in, physics, bounds, None, jnp.float64)


def test_closed_basin_conserves_water_and_salt_with_porosity():
    ds = _sloshing_basin()
    x = ds["x"].values
    with jax.enable_x64(True):
        grid, params, state = _built(ds)
        tp = ts.TracerParams({"salinity": tr.Transport(jnp.asarray(1e-3))}, {})
        tracers = ts.initial_tracers(state, {"salinity": 30.0 * x[None, :] / x.max()}, tp)
        times = jnp.linspace(0.0, 30.0, 4)
        states, history, _, status = ts.history_with_tracers(
            state, tracers, params, tp, grid, times, 100_000
        )
        assert int(status) == core.OK
        volume = [float(core.volume(jax.tree.map(lambda a, k=k: a[k], states), grid, params))
                  for k in range(4)]  # fmt: skip
        np.testing.assert_allclose(volume, volume[0], rtol=1e-14)
        assert float(jnp.abs(states.hu[-1]).max()) > 1e-3  # the water moved
        before = ts.tracer_mass(tracers, grid, params)["salinity"]
        after = ts.tracer_mass(jax.tree.map(lambda a: a[-1], history), grid, params)["salinity"]
        assert abs(float(after - before)) < 1e-13 * float(before)
        assert float(jnp.min(history.content["salinity"])) >= 0.0


def test_uniform_salinity_stays_uniform_with_porosity():
    ds = _sloshing_basin()
    with jax.enable_x64(True):
        grid, params, state = _built(ds)
        tp = ts.TracerParams({"salinity": tr.Transport(jnp.asarray(1e-3))}, {})
        tracers = ts.initial_tracers(state, {"salinity": 35.0}, tp)
        states, history, _, status = ts.history_with_tracers(
            state, tracers, params, tp, grid, jnp.linspace(0.0, 30.0, 4), 100_000
        )
        assert int(status) == core.OK
        wet = np.asarray(states.h > 1e-3)
        c = np.asarray(history.content["salinity"]) / np.where(wet, states.h, 1.0)
        assert np.max(np.abs(c[wet] - 35.0)) < 1e-10 * 35.0


def test_rivers_bring_their_discharge_through_porous_cells():
    nx, ny, d = 16, 6, 100.0
    phi = np.full((ny, nx), 0.2) * np.linspace(0.5, 1.0, ny)[:, None]
    x, y = (np.arange(nx) + 0.5) * d, (np.arange(ny) + 0.5) * d
    ds = grid_dataset(x, y, np.full((ny, nx), 3.0), porosity=phi)
    out = twinbench.simulate(
        ds,
        1200.0,
        output_every=600.0,
        boundaries={"east": [{"type": "river", "discharge": 250.0, "cells": [1, 4]}]},
    )
    area = ds.porosity.values * d * d
    volume = (out.h * area).sum(("x", "y")).values
    np.testing.assert_allclose(volume - volume[0], [0.0, 250.0 * 600, 250.0 * 1200], rtol=1e-10)


def test_full_porosity_is_the_scheme_without_porosity():
    ds = _sloshing_basin()
    plain = ds.drop_vars("porosity")
    porous = plain.assign(porosity=(("y", "x"), np.ones(ds.depth.shape), ds.porosity.attrs))
    a = twinbench.simulate(plain, 10.0)
    b = twinbench.simulate(porous, 10.0)
    np.testing.assert_array_equal(a.h.values, b.h.values)
    np.testing.assert_array_equal(a.u.values, b.u.values)


@pytest.mark.parametrize("bad", [-0.1, 1.5])
def test_porosity_outside_zero_one_is_named(bad):
    ds = _bumpy_basin(0.3)
    ds["porosity"].values[3, 4] = bad
    with pytest.raises(ValueError, match="sea_area_fraction"):
        twinbench.simulate(ds, 1.0)
