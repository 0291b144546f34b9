"""Idealised basins as CF input datasets for :func:`twinbench.simulate`."""

from __future__ import annotations

import numpy as np
import xarray as xr

from twinbench.io import cf


def grid_dataset(x: np.ndarray, y: np.ndarray, depth: np.ndarray, **fields) -> xr.Dataset:
    """A CF inputs dataset from cell-centre coordinates (m), depth (m, positive down) and
    optional initial fields ``eta``, ``u``, ``v`` (each ``(ny, nx)``)."""
    data = {"depth": (("y", "x"), np.asarray(depth, float), cf.attrs("depth"))}
    for name, values in fields.items():
        data[name] = (("y", "x"), np.asarray(values, float), cf.attrs(name))
    coords = {
        "x": ("x", np.asarray(x, float), cf.attrs("x")),
        "y": ("y", np.asarray(y, float), cf.attrs("y")),
    }
    return xr.Dataset(data, coords=coords)


def channel(length: float, cells: int, depth: float | np.ndarray = 1.0) -> xr.Dataset:
    """A 1-cell-wide channel of ``cells`` cells over ``length`` m with a uniform or given depth."""
    dx = length / cells
    x = (np.arange(cells) + 0.5) * dx
    depth = np.broadcast_to(np.asarray(depth, float), (cells,))[None, :]
    return grid_dataset(x, np.array([0.0]), depth)


def dam_break(
    length: float = 25.0, cells: int = 200, upstream: float = 1.0, downstream: float = 0.0
) -> xr.Dataset:
    """A flat channel with still water ``upstream`` m deep left of its middle and
    ``downstream`` m deep right of it (0: a dry bed, Ritter's problem)."""
    ds = channel(length, cells, depth=0.0)
    x = ds["x"].values
    eta = np.where(x < 0.5 * length, upstream, downstream)[None, :]
    return ds.assign(eta=(("y", "x"), eta, cf.attrs("eta")))


def tidal_basin(
    length: float = 40e3,
    width: float = 8e3,
    spacing: float = 400.0,
    mouth_depth: float = 15.0,
    head_depth: float = -2.0,
    channel_depth: float = 6.0,
) -> xr.Dataset:
    """A convergent tidal basin: open to the sea on its west side, shoaling eastward to
    tidal flats that dry at low water, with a deeper central channel.

    The depth falls linearly from ``mouth_depth`` to ``head_depth`` along x, and a Gaussian
    channel ``channel_depth`` m deep (half-width a fifth of the basin) runs along its axis.
    """
    x = (np.arange(round(length / spacing)) + 0.5) * spacing
    y = (np.arange(round(width / spacing)) + 0.5) * spacing
    along = mouth_depth + (head_depth - mouth_depth) * x / length
    across = channel_depth * np.exp(-(((y - width / 2) / (width / 5)) ** 2))
    depth = along[None, :] + across[:, None] * (1 - 0.5 * x / length)[None, :]
    return grid_dataset(x, y, depth)
