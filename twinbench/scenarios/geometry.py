"""Shapes of what-ifs on a domain's grid: polygons, channel bands and lines in lon/lat.

Coordinates are WGS84 lon/lat pairs, projected with the domain's ``crs`` grid mapping
(``crs_wkt``), or the domain's own x/y metres (``crs="xy"``, for idealised basins). Cells are
weighted by the fraction of their area a shape covers, estimated on a regular sub-grid of
points inside each cell, so a shape narrower than a cell still acts, in proportion.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import xarray as xr

from twinbench.io import cf
from twinbench.io.inputs import InputError

CRS_CHOICES = ("lonlat", "xy")
#: Sub-points per cell side used to measure the area fraction a shape covers.
SUBSAMPLES = 8


def axes(domain: xr.Dataset) -> tuple[str, str, np.ndarray, np.ndarray]:
    """Names and values of the domain's y and x cell-centre coordinates (m)."""
    x, y = cf.find(domain, "x"), cf.find(domain, "y")
    if x is None or y is None:
        raise InputError("the domain has no projection_x/y_coordinate axes")
    return y.name, x.name, np.asarray(y.values, float), np.asarray(x.values, float)


def to_grid(domain: xr.Dataset, points: np.ndarray, crs: str, what: str) -> np.ndarray:
    """``(n, 2)`` points in ``crs`` → the domain's x/y (m)."""
    if crs == "xy":
        return np.asarray(points, float)
    if "crs" not in domain or "crs_wkt" not in domain["crs"].attrs:
        raise InputError(
            f"{what}: lon/lat points need a domain with a 'crs' grid mapping (crs_wkt); "
            "give crs: xy to use the domain's x/y metres"
        )
    import pyproj

    transformer = pyproj.Transformer.from_crs(
        "EPSG:4326", pyproj.CRS.from_wkt(domain["crs"].attrs["crs_wkt"]), always_xy=True
    )
    x, y = transformer.transform(points[:, 0], points[:, 1])
    return np.column_stack([x, y])


def _subpoints(domain: xr.Dataset, box: tuple[float, float, float, float], n: int):
    """Cell index ranges overlapping ``box`` (x0, x1, y0, y1) and their sub-points."""
    _, _, y, x = axes(domain)
    dx = float(x[1] - x[0]) if x.size > 1 else float(y[1] - y[0])
    dy = float(y[1] - y[0]) if y.size > 1 else dx
    x0, x1, y0, y1 = box
    i0 = max(math.floor((x0 - x[0]) / dx + 0.5), 0)
    i1 = min(math.floor((x1 - x[0]) / dx + 0.5) + 1, x.size)
    j0 = max(math.floor((y0 - y[0]) / dy + 0.5), 0)
    j1 = min(math.floor((y1 - y[0]) / dy + 0.5) + 1, y.size)
    offsets = (np.arange(n) + 0.5) / n - 0.5
    px = (x[i0:i1, None] + dx * offsets[None, :]).reshape(-1)
    py = (y[j0:j1, None] + dy * offsets[None, :]).reshape(-1)
    return (j0, j1, i0, i1), np.meshgrid(px, py)


def _fraction(domain: xr.Dataset, box, inside, n: int = SUBSAMPLES) -> np.ndarray:
    """Fraction of each cell whose sub-points satisfy ``inside(px, py)``, ``(ny, nx)``."""
    _, _, y, x = axes(domain)
    out = np.zeros((y.size, x.size))
    (j0, j1, i0, i1), (px, py) = _subpoints(domain, box, n)
    if j1 <= j0 or i1 <= i0:
        return out
    hit = inside(px, py).reshape(j1 - j0, n, i1 - i0, n)
    out[j0:j1, i0:i1] = hit.mean(axis=(1, 3))
    return out


def polygon_fraction(domain: xr.Dataset, polygon: np.ndarray) -> np.ndarray:
    """Area fraction of each cell inside a polygon (x/y m, even-odd rule), ``(ny, nx)``."""
    vx, vy = polygon[:, 0], polygon[:, 1]

    def inside(px, py):
        result = np.zeros(px.shape, bool)
        for k in range(len(vx)):
            ax, ay, bx, by = vx[k - 1], vy[k - 1], vx[k], vy[k]
            crosses = (ay > py) != (by > py)
            with np.errstate(divide="ignore", invalid="ignore"):
                at = ax + (py - ay) * (bx - ax) / (by - ay)
            result ^= crosses & (px < at)
        return result

    box = (vx.min(), vx.max(), vy.min(), vy.max())
    return _fraction(domain, box, inside)


def _distance_to_line(px: np.ndarray, py: np.ndarray, line: np.ndarray) -> np.ndarray:
    best = np.full(px.shape, np.inf)
    for (ax, ay), (bx, by) in itertools.pairwise(line):
        ex, ey = bx - ax, by - ay
        t = np.clip(((px - ax) * ex + (py - ay) * ey) / max(ex * ex + ey * ey, 1e-300), 0, 1)
        best = np.minimum(best, np.hypot(px - ax - t * ex, py - ay - t * ey))
    return best


def band_fraction(domain: xr.Dataset, line: np.ndarray, width: float) -> np.ndarray:
    """Area fraction of each cell within ``width``/2 m of a polyline (x/y m), ``(ny, nx)``."""
    _, _, y, x = axes(domain)
    spacing = float(x[1] - x[0]) if x.size > 1 else float(y[1] - y[0])
    n = int(min(max(SUBSAMPLES, math.ceil(3 * spacing / width)), 64))
    half = 0.5 * width
    box = (line[:, 0].min() - half, line[:, 0].max() + half)
    box += (line[:, 1].min() - half, line[:, 1].max() + half)
    return _fraction(domain, box, lambda px, py: _distance_to_line(px, py, line) <= half, n)


def length_per_cell(domain: xr.Dataset, line: np.ndarray) -> np.ndarray:
    """Length (m) of a polyline (x/y m) inside each cell, ``(ny, nx)`` (exact: the line is cut
    at every grid line it crosses)."""
    _, _, y, x = axes(domain)
    dx = float(x[1] - x[0]) if x.size > 1 else float(y[1] - y[0])
    dy = float(y[1] - y[0]) if y.size > 1 else dx
    x_edges = x[0] - dx / 2 + dx * np.arange(x.size + 1)
    y_edges = y[0] - dy / 2 + dy * np.arange(y.size + 1)
    out = np.zeros((y.size, x.size))
    for a, b in itertools.pairwise(line):
        d = b - a
        cuts = [0.0, 1.0]
        for edges, k in ((x_edges, 0), (y_edges, 1)):
            if d[k] != 0:
                t = (edges - a[k]) / d[k]
                cuts.extend(t[(t > 0) & (t < 1)])
        t = np.unique(cuts)
        mid = a + 0.5 * (t[1:] + t[:-1])[:, None] * d
        piece = np.diff(t) * float(np.hypot(*d))
        i = np.floor((mid[:, 0] - x_edges[0]) / dx).astype(int)
        j = np.floor((mid[:, 1] - y_edges[0]) / dy).astype(int)
        ok = (i >= 0) & (i < x.size) & (j >= 0) & (j < y.size)
        np.add.at(out, (j[ok], i[ok]), piece[ok])
    return out
