"""Salt intrusion: how far up the Gironde an isohaline reaches, in km along the navigation
channel from the mouth (Pointe de Grave–Royan) towards Bec d'Ambès, and on into the Garonne."""

from __future__ import annotations

import numpy as np
import xarray as xr

from twinbench.domains.gironde import GARONNE, MOUTH, THALWEG, _project, polyline_distance


def estuary_axis() -> tuple[np.ndarray, float]:
    """The axis (Lambert-93, m) from the thalweg's sea end through Bec d'Ambès up the Garonne,
    and the along-axis distance (m) of the mouth on it."""
    line = np.vstack([_project(np.asarray(THALWEG)), _project(np.asarray(GARONNE)[1:, :2])])
    mouth = _project(np.asarray(MOUTH)).mean(axis=0)
    along = _along(line, mouth[None, 0], mouth[None, 1])
    return line, float(along[0])


def _along(line: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    segment = np.hypot(*np.diff(line, axis=0).T)
    cumulative = np.concatenate([[0.0], np.cumsum(segment)])
    _, vertex = polyline_distance(x, y, line)
    k = np.minimum(np.floor(vertex).astype(int), len(segment) - 1)
    return cumulative[k] + (vertex - k) * segment[k]


def salt_intrusion(
    run: xr.Dataset, threshold: float = 1.0, max_distance: float = 4000.0
) -> xr.DataArray:
    """Distance (km) from the mouth of the most landward wet cell with salinity ≥ ``threshold``,
    at every output time, among the cells within ``max_distance`` m of the estuary axis.

    ``run`` holds ``salinity`` over ``(time, y, x)`` on a Gironde grid (x, y in Lambert-93).
    """
    if "salinity" not in run:
        raise ValueError("the run has no salinity field (run it with tracers={'salinity': ...})")
    line, mouth = estuary_axis()
    X, Y = np.meshgrid(run.x.values, run.y.values)
    dist, _ = polyline_distance(X, Y, line)
    along = (_along(line, X, Y) - mouth) / 1e3
    near = dist <= max_distance
    salty = (run.salinity >= threshold).values & near[None]
    reach = np.where(salty, along[None], -np.inf).max(axis=(1, 2))
    return xr.DataArray(
        reach,
        coords={"time": run.time},
        dims="time",
        name="salt_intrusion",
        attrs={"units": "km", "long_name": f"{threshold:g} isohaline distance from the mouth"},
    )
