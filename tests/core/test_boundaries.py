"""Boundary conditions do what their names promise, measured against physics."""

from __future__ import annotations

import numpy as np
import xarray as xr

import twinbench
from twinbench.domains.basins import channel, grid_dataset

G = 9.81


def volume(ds):
    dx = float(ds.x[1] - ds.x[0])
    dy = float(ds.y[1] - ds.y[0]) if ds.sizes["y"] > 1 else dx
    return ds.h.sum(("x", "y")) * dx * dy


def test_discharge_enters_exactly_at_steady_state():
    """Subcritical inflow q through the west, level out east: the steady discharge is q."""
    ds = channel(1000.0, 100, depth=2.0)
    out = twinbench.simulate(
        ds,
        "3h",
        output_every="1h",
        physics={"friction": {"law": "manning", "coefficient": 0.03}},
        boundaries={
            "west": {"type": "discharge", "value": 1.5},
            "east": {"type": "level", "value": 0.0},
        },
    )
    hu = (out.h * out.u).isel(time=-1, y=0).values
    # Boundary cells are first order (zero slope): their centre value differs from the face
    # flux by O(Δx); inside, the discharge is uniform to the scheme's second-order accuracy.
    np.testing.assert_allclose(hu[1:-1], 1.5, rtol=3e-4)
    np.testing.assert_allclose(hu[[0, -1]], 1.5, rtol=5e-3)


def test_discharge_volume_budget_in_a_closed_channel():
    """All other sides closed: the volume grows by ∫ q dt · width, to round-off."""
    ds = channel(500.0, 50, depth=1.0)
    q = xr.DataArray([0.0, 0.8, 0.2], coords={"time": [0.0, 60.0, 120.0]}, dims="time")
    out = twinbench.simulate(
        ds, 120.0, output_every=60.0, boundaries={"west": {"type": "discharge", "value": q}}
    )
    width = 10.0  # a 1-cell-wide channel is as wide as its cells (500 m / 50)
    inflow = np.array([0.0, 0.4 * 60, 0.4 * 60 + 0.5 * 60]) * width
    np.testing.assert_allclose(volume(out) - volume(out.isel(time=0)), inflow, rtol=1e-12)


def test_inflow_wets_a_dry_channel():
    ds = channel(200.0, 40, depth=-0.1 * np.ones(40))  # dry bed 10 cm above datum
    out = twinbench.simulate(ds, 30.0, boundaries={"west": {"type": "discharge", "value": 0.2}})
    h = out.h.isel(time=-1, y=0).values
    assert h[0] > 0.01 and h[-1] == 0.0  # a front advancing into the dry bed
    front = np.argmax(h < 1e-6)
    assert 5 < front < 40


def test_supercritical_inflow_imposes_depth_and_velocity():
    ds = channel(100.0, 50, depth=0.0)
    out = twinbench.simulate(
        ds,
        60.0,
        boundaries={
            "west": {"type": "discharge", "value": 2.0, "depth": 0.5},
            "east": {"type": "open"},
        },
    )
    last = out.isel(time=-1, y=0)
    np.testing.assert_allclose(last.h.values[:30], 0.5, rtol=1e-6)
    np.testing.assert_allclose(last.u.values[:30], 4.0, rtol=1e-6)


def pulse_channel():
    """A 1 cm pulse travelling east as a simple wave (u = η c / H) in a 10 m deep channel."""
    x = (np.arange(400) + 0.5) * 5.0
    eta = 0.01 * np.exp(-(((x - 1000.0) / 40.0) ** 2))
    c = np.sqrt(G * 10.0)
    ds = grid_dataset(x, [0.0], np.full((1, 400), 10.0), eta=eta[None], u=(eta * c / 10.0)[None])
    return ds, 1100.0 / c  # time for the pulse to reach the east end and come back 100 m


def test_open_boundary_lets_a_wave_leave():
    ds, duration = pulse_channel()
    out = twinbench.simulate(ds, duration, boundaries={"east": {"type": "open"}})
    assert float(np.abs(out.eta.isel(time=-1)).max()) < 0.01 * 0.03  # < 3 % reflected


def test_wall_reflects_a_wave_and_level_reflects_it_inverted():
    """A wall is an antinode of η (the pulse comes back positive); an imposed level is a node
    (it comes back negative) — the Dirichlet condition a tide gauge forcing imposes."""
    ds, duration = pulse_channel()
    wall = twinbench.simulate(ds, duration).eta.isel(time=-1, y=0)
    level = twinbench.simulate(ds, duration, boundaries={"east": {"type": "level", "value": 0.0}})
    level = level.eta.isel(time=-1, y=0)
    assert float(wall.max()) > 0.008 and float(wall.min()) > -1e-4
    assert float(level.min()) < -0.008 and float(level.max()) < 1e-4


def test_level_boundary_drives_a_frictionless_basin_to_that_level():
    ds = channel(2000.0, 40, depth=5.0)
    out = twinbench.simulate(
        ds,
        "2h",
        physics={"friction": {"law": "linear", "coefficient": 2e-3}},
        boundaries={"west": {"type": "level", "value": 0.3}},
    )
    np.testing.assert_allclose(out.eta.isel(time=-1).values, 0.3, atol=2e-3)


def test_boundary_value_varying_along_the_side():
    """A level varying along the west side sets up a matching cross-basin slope near it."""
    x = (np.arange(20) + 0.5) * 100.0
    y = (np.arange(10) + 0.5) * 100.0
    ds = grid_dataset(x, y, np.full((10, 20), 5.0))
    level = xr.DataArray(
        np.linspace(0.0, 0.2, 10)[None].repeat(2, 0),
        coords={"time": [0.0, 1e5], "y": y},
        dims=("time", "y"),
    )
    out = twinbench.simulate(
        ds,
        "1h",
        boundaries={"west": {"type": "level", "value": level}},
        physics={"friction": {"law": "linear", "coefficient": 1e-2}},
    )
    near = out.eta.isel(time=-1, x=0).values
    assert near[-1] - near[0] > 0.05 and np.all(np.diff(near) > 0)
