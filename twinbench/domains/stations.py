"""Virtual tide-gauge stations: named points located on a domain's wet cells."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import xarray as xr

from twinbench.domains.gironde import _need, gironde

# TICON-4 gauges (latitude/longitude fields of the shipped JSON files, CC-BY-4.0).
TICON4_FILES = {
    "Port-Bloc": "port_bloc-15-fra-refmar",
    "Royan": "royan-308-fra-refmar",
    "Pauillac": "pauillac-192-fra-refmar",
    "Pauillac-Trompeloup": "pauillac_trompeloup-779-fra-refmar",
    "Bordeaux": "bordeaux-196-fra-refmar",
}
#: Gauges inside the Arcachon lagoon, on the domain only with ``gironde(..., lagoon=True)``.
LAGOON_TICON4_FILES = {"Arcachon": "arcachon_eyrac-190-fra-refmar"}
# SHOM "Références Altimétriques Maritimes" port positions (VACUMM data/sea_level/ports.txt,
# CeCILL v2; shared/data/tide_levels_shom_ram): Le Verdon 45°32'49"N 1°02'22"W,
# Richard 45°27'N 0°56'W, Lamena 45°20'N 0°48'W.
RAM_POSITIONS = {
    "Le Verdon": (-(1 + 2 / 60 + 22 / 3600), 45 + 32 / 60 + 49 / 3600),
    "Richard": (-(56 / 60), 45 + 27 / 60),
    "Lamena": (-(48 / 60), 45 + 20 / 60),
}


def locate_stations(
    domain: xr.Dataset,
    names: Sequence[str],
    lon: Sequence[float],
    lat: Sequence[float],
    max_distance: float | None = None,
) -> pd.DataFrame:
    """Snap stations given in lon/lat (WGS84) to the nearest wet cell of a domain.

    The domain carries a ``crs`` grid mapping (``crs_wkt``) and ``depth`` on ``x``/``y``
    cell centres (land: depth ≤ 0). ``max_distance`` (m; default 1.5 cell diagonals, at least
    1 km) bounds the snap. Returns a DataFrame indexed by name with ``lon, lat, x, y`` (the
    station), ``i, j`` (the cell: ``domain.isel(x=i, y=j)``), ``x_cell, y_cell`` and
    ``distance_m``.

    Raises
    ------
    ValueError
        Naming the station, when it lies outside the domain or has no wet cell within
        ``max_distance`` (on land).
    """
    pyproj = _need("pyproj")
    if not (len(names) == len(lon) == len(lat)):
        raise ValueError(
            f"names, lon and lat must have the same length, got {len(names)}, {len(lon)}, "
            f"{len(lat)}"
        )
    if "crs" not in domain or "crs_wkt" not in domain["crs"].attrs:
        raise ValueError("the domain has no 'crs' grid mapping variable with a 'crs_wkt'")
    to_grid = pyproj.Transformer.from_crs(
        "EPSG:4326", pyproj.CRS.from_wkt(domain["crs"].attrs["crs_wkt"]), always_xy=True
    )
    x, y = domain["x"].values, domain["y"].values
    dx, dy = float(x[1] - x[0]), float(y[1] - y[0])
    if max_distance is None:
        max_distance = max(1000.0, 1.5 * float(np.hypot(dx, dy)))
    wet = np.asarray(domain["depth"].transpose("y", "x").values) > 0
    jw, iw = np.nonzero(wet)
    rows = []
    for name, lo, la in zip(names, lon, lat, strict=True):
        if not (np.isfinite(lo) and np.isfinite(la) and -180 <= lo <= 360 and -90 <= la <= 90):
            raise ValueError(f"station {name!r}: invalid lon/lat ({lo!r}, {la!r})")
        sx, sy = to_grid.transform(float(lo), float(la))
        inside = (x[0] - dx / 2 <= sx <= x[-1] + dx / 2) and (y[0] - dy / 2 <= sy <= y[-1] + dy / 2)
        if not inside:
            raise ValueError(
                f"station {name!r} at lon {lo!r}, lat {la!r} is outside the domain "
                f"(x {x[0] - dx / 2:.0f}…{x[-1] + dx / 2:.0f} m, "
                f"y {y[0] - dy / 2:.0f}…{y[-1] + dy / 2:.0f} m)"
            )
        dist = np.hypot(x[iw] - sx, y[jw] - sy)
        best = int(np.argmin(dist)) if dist.size else -1
        if best < 0 or dist[best] > max_distance:
            raise ValueError(
                f"station {name!r} at lon {lo!r}, lat {la!r} is on land: no wet cell within "
                f"{max_distance:.0f} m"
            )
        i, j = int(iw[best]), int(jw[best])
        rows.append(
            {
                "name": name,
                "lon": float(lo),
                "lat": float(la),
                "x": sx,
                "y": sy,
                "i": i,
                "j": j,
                "x_cell": float(x[i]),
                "y_cell": float(y[j]),
                "distance_m": float(dist[best]),
            }
        )
    return pd.DataFrame(rows).set_index("name")


def gironde_station_positions() -> dict[str, tuple[float, float]]:
    """(lon, lat) of the named Gironde gauges: TICON-4 files (the lagoon's too), then SHOM RAM
    positions."""
    from twinbench.tides import ticon

    out = {}
    for name, station_id in {**TICON4_FILES, **LAGOON_TICON4_FILES}.items():
        attrs = ticon(station_id).attrs
        out[name] = (attrs["longitude"], attrs["latitude"])
    return {**out, **RAM_POSITIONS}


def gironde_stations(resolution: float | str = "default", **kwargs) -> pd.DataFrame:
    """The Gironde gauges (Port-Bloc, Royan, Pauillac, Pauillac-Trompeloup, Bordeaux, Le Verdon,
    Richard, Lamena) located on the wet cells of :func:`twinbench.domains.gironde`.

    Examples
    --------
    >>> st = gironde_stations("coarse")
    >>> list(st.columns[:4])
    ['lon', 'lat', 'x', 'y']
    """
    domain = gironde(resolution)
    positions = {
        k: v for k, v in gironde_station_positions().items() if k not in LAGOON_TICON4_FILES
    }
    lon, lat = zip(*positions.values(), strict=True)
    return locate_stations(domain, list(positions), lon, lat, **kwargs)
