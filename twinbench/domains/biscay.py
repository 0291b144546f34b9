"""The Bay of Biscay shelf (Brittany to northern Spain) as a CF input dataset, for storm surges.

The domain is a Lambert-93 (EPSG:2154, as :func:`twinbench.domains.gironde`) rectangle,
x −30…420 km, y 6250…6870 km (about lon −6.9…−0.3, lat 42.9…48.9): the abyssal plain and the
slope to the west, the shelf from the Iroise Sea (Brest) past the Loire (Saint-Nazaire), the
Pertuis charentais (La Rochelle-La Pallice), the Gironde mouth (Pointe de Grave) and the
Landes coast (Arcachon) to the Basque coast and the Cantabrian shelf of Spain.

How it is built (``docs/storms.md`` has the numbers):

* depths from NOAA NGDC ETOPO2v2 (2 arc-min, ≈ 3.7 km; public domain), shipped as the cropped
  subset ``data/etopo2v2_biscay.npz`` (script ``data/make_etopo2v2_biscay.py``);
* each model cell is sampled at ``k × k`` points (spacing ≤ :data:`SUBSAMPLE_SPACING`), bilinear
  in ETOPO2v2; it is wet when at least half of its points are sea, with the mean depth of those
  points, clipped below at :data:`MIN_DEPTH` so that no wet cell dries under a spring tide and a
  surge (ETOPO2v2 does not resolve the estuaries, bays and tidal flats anyway);
* dead ends go: a wet cell with three or four land neighbours becomes land (repeatedly), since
  a one-cell inlet is no estuary at this resolution and the wind would fill it like a closed box;
* only the sea connected to the west side is kept (lakes and closed bays become land); land is
  high ground, :data:`LAND_DEPTH` (a negative depth, m above mean sea level);
* the open boundaries are the sides with sea on them (west, north), in
  ``attrs["open_boundaries"]``; the others are land (walls).

Depths are metres below mean sea level (ETOPO2v2 relief is referred to it, ±1 m). The sampling,
dead-end and connectivity steps are those of :mod:`twinbench.domains.raster`, shared with
:mod:`twinbench.domains.bbox`, which builds such a domain for any bounding box.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from twinbench.domains.gironde import EPSG, _crs_variable, resolution_in_metres, transformer
from twinbench.domains.raster import (
    etopo_depth,
    keep_connected,
    sample_cells,
    sides_with_water,
    without_dead_ends,
)
from twinbench.domains.stations import locate_stations
from twinbench.io import cf

# Domain (cell edges, m in Lambert-93): both spans are whole multiples of 5 and 10 km.
X_WEST, X_EAST = -30_000.0, 420_000.0
Y_SOUTH, Y_NORTH = 6_250_000.0, 6_870_000.0
RESOLUTIONS = {"coarse": 10_000.0, "default": 5_000.0}
SUBSAMPLE_SPACING = 1_250.0  # m, at most between the ETOPO2v2 sample points of a cell
MIN_DEPTH = 5.0  # m below MSL, the shallowest wet cell (see the module docstring)
LAND_DEPTH = -10.0  # m: land is 10 m above MSL, out of reach of tide + surge
SIDES = ("west", "east", "south", "north")
MAX_SNAP = 25_000.0  # m, the least distance a gauge may be moved to reach a wet cell
#: m: a gauge snaps to the nearest wet cell at least this deep (2 × :data:`MIN_DEPTH`): shallower
#: cells are mostly clipped to MIN_DEPTH, a depth ETOPO2v2 does not give, and the wind set-up
#: (∝ 1/h) of such a cell is an artefact of the clipping (docs/storms.md, "Gauges").
GAUGE_MIN_DEPTH = 10.0

#: Tide gauges whose surges are compared with the model, with their TICON-4 ids (positions are
#: the ``latitude``/``longitude`` of the shipped TICON-4 files, CC-BY-4.0). The SHOM gauge of
#: Pointe de Grave (Le Verdon) is the one of Port-Bloc, in the harbour at the point.
STATIONS = {
    "La Rochelle-La Pallice": "la_rochelle_la_pallice-34-fra-refmar",
    "Pointe de Grave": "port_bloc-15-fra-refmar",
    "Arcachon": "arcachon_eyrac-190-fra-refmar",
    "Saint-Nazaire": "saint_nazaire-37-fra-refmar",
    "Brest": "brest-3-fra-refmar",
}

ATTRIBUTION = {
    "source": (
        "Bathymetry: NOAA NGDC ETOPO2v2 (2006, public domain), 2 arc-min, via VACUMM "
        "data/ETOPO2v2g_flt.grd (commit 5d72cfd5314d9ba33d955c7c374903b8880d3c2c, CeCILL v2); "
        "gauge positions: TICON-4 (CC-BY-4.0)"
    ),
    "references": (
        "ETOPO2v2: NOAA National Geophysical Data Center (2006), 2-minute Gridded Global Relief "
        "Data, doi:10.7289/V5J1012Q; TICON-4: Hart-Davis, Dettmering, Seitz et al., DGFI-TUM, "
        "https://www.seanoe.org/data/00980/109129/ (via openwatersio/tide-database); "
        "docs/storms.md"
    ),
    "license": "ETOPO2v2: public domain (VACUMM packaging CeCILL v2); TICON-4 positions: CC-BY-4.0",
    "acknowledgement": "NOAA NGDC ETOPO2v2; TICON-4 (DGFI-TUM)",
}


def resolve_resolution(resolution: Any) -> float:
    """Cell size in metres from a number (2000–20000) or a name in :data:`RESOLUTIONS`."""
    return resolution_in_metres(resolution, RESOLUTIONS, 2_000.0, 20_000.0)


@functools.lru_cache(maxsize=4)
def _build(spacing: float) -> dict[str, Any]:
    nx = round((X_EAST - X_WEST) / spacing)
    ny = round((Y_NORTH - Y_SOUTH) / spacing)
    k = int(np.ceil(spacing / SUBSAMPLE_SPACING - 1e-9))
    x = X_WEST + (np.arange(nx) + 0.5) * spacing
    y = Y_SOUTH + (np.arange(ny) + 0.5) * spacing
    to_lonlat = transformer(inverse=True)
    count, mean = sample_cells(etopo_depth, to_lonlat, X_WEST, Y_SOUTH, (ny, nx), spacing, k)
    wet = without_dead_ends(count >= 0.5 * k * k)
    wet = keep_connected(wet, ("west",))
    depth = np.where(wet, np.maximum(mean, MIN_DEPTH), LAND_DEPTH)
    lon, lat = to_lonlat.transform(*np.meshgrid(x, y))
    return {
        "x": x,
        "y": y,
        "lon": lon,
        "lat": lat,
        "depth": depth,
        "water_fraction": count / k**2,
        "open": sides_with_water(wet),
        "clipped": int(np.sum(wet & (mean < MIN_DEPTH))),
        "subsamples": k,
    }


def biscay(resolution: float | str = "default") -> xr.Dataset:
    """The Bay of Biscay shelf and the deep water west of it as CF inputs (storm surges).

    Parameters
    ----------
    resolution
        Cell size in m (2000–20000), or ``"coarse"`` (10 km, 45 × 62 cells) or ``"default"``
        (5 km, 90 × 124 cells).

    Returns
    -------
    xarray.Dataset
        ``depth`` (``sea_floor_depth_below_geoid``, m below MSL, wet cells ≥ :data:`MIN_DEPTH`,
        land :data:`LAND_DEPTH`) on Lambert-93 cell centres ``x``, ``y`` (m), with 2-D
        ``lon``/``lat``, a ``crs`` grid mapping, ``land_mask`` and ``water_fraction``.
        ``attrs["open_boundaries"]`` lists the sides with sea on them (space-separated);
        ETOPO2v2 attribution in ``source``/``references``/``license``. Built once per process
        and resolution; every call returns a fresh copy.

    Examples
    --------
    >>> ds = biscay("coarse")
    >>> ds.attrs["open_boundaries"], ds.sizes["x"], ds.sizes["y"]
    ('west north', 45, 62)
    """
    spacing = resolve_resolution(resolution)
    built = _build(spacing)
    coords = {
        "x": ("x", built["x"].copy(), {**cf.attrs("x"), "axis": "X"}),
        "y": ("y", built["y"].copy(), {**cf.attrs("y"), "axis": "Y"}),
        "lon": (("y", "x"), built["lon"].copy(), {
            "standard_name": "longitude", "units": "degrees_east", "long_name": "longitude"}),
        "lat": (("y", "x"), built["lat"].copy(), {
            "standard_name": "latitude", "units": "degrees_north", "long_name": "latitude"}),
    }  # fmt: skip
    on_grid = {"grid_mapping": "crs", "coordinates": "lat lon"}
    depth = built["depth"].copy()
    data = {
        "depth": (("y", "x"), depth, {
            **cf.attrs("depth"), **on_grid,
            "comment": f"below mean sea level; wet cells at least {MIN_DEPTH:g} m; land "
                       f"{LAND_DEPTH:g} m"}),
        "land_mask": (("y", "x"), (depth <= 0).astype(np.int8), {
            "standard_name": "land_binary_mask", "units": "1", **on_grid,
            "long_name": "land (1) or water (0)"}),
        "water_fraction": (("y", "x"), built["water_fraction"].copy(), {
            "units": "1", **on_grid,
            "long_name": "fraction of the cell's ETOPO2v2 sample points below sea level"}),
        "crs": _crs_variable(),
    }  # fmt: skip
    open_sides = " ".join(built["open"])
    attrs = {
        "title": f"Bay of Biscay shelf domain, {spacing:g} m Lambert-93 grid",
        "Conventions": "CF-1.10",
        "institution": "twinbench",
        "resolution_m": spacing,
        "open_boundaries": open_sides,
        "closed_boundaries": " ".join(s for s in SIDES if s not in built["open"]),
        "minimum_depth_m": MIN_DEPTH,
        "cells_clipped_to_minimum_depth": built["clipped"],
        "vertical_datum": "mean sea level (depth positive down; land stored negative)",
        "epsg": EPSG,
        **ATTRIBUTION,
    }
    return xr.Dataset(data, coords=coords, attrs=attrs)


def biscay_stations(
    resolution: float | str | xr.Dataset = "default",
    *,
    min_depth: float = GAUGE_MIN_DEPTH,
    **kwargs: Any,
) -> pd.DataFrame:
    """The gauges of :data:`STATIONS` snapped to the nearest wet cell of :func:`biscay` at
    least ``min_depth`` deep.

    ``resolution`` may also be a Biscay domain dataset already built. The rule, the same for
    every gauge: the nearest wet cell whose depth is at least ``min_depth`` (m, default
    :data:`GAUGE_MIN_DEPTH`; 0 takes the nearest wet cell). The harbours inside the Rade de
    Brest, the Loire and Gironde estuaries and the Arcachon lagoon are land on these grids, so
    each gauge stands for the nearest open-coast cell; cells shallower than ``min_depth`` are
    mostly clipped to :data:`MIN_DEPTH` and would set the wind set-up (∝ 1/h) by the clipping.
    Keyword arguments go to :func:`twinbench.domains.locate_stations` (e.g. ``max_distance``
    in m; the default here is two cell diagonals or :data:`MAX_SNAP`, whichever is larger).
    Returns its DataFrame (``lon, lat, x, y, i, j, ..., distance_m``) indexed by station name,
    with the cell's ``depth_m``.

    Examples
    --------
    >>> st = biscay_stations("coarse")
    >>> "La Rochelle-La Pallice" in st.index
    True
    >>> bool((st["depth_m"] >= GAUGE_MIN_DEPTH).all())
    True
    """
    from twinbench.tides import ticon

    domain = resolution if isinstance(resolution, xr.Dataset) else biscay(resolution)
    if isinstance(min_depth, bool) or not np.isfinite(min_depth) or min_depth < 0:
        raise ValueError(f"min_depth must be a depth ≥ 0 m, got {min_depth!r}")
    spacing = float(domain["x"].values[1] - domain["x"].values[0])
    kwargs.setdefault("max_distance", max(2.0 * np.hypot(spacing, spacing), MAX_SNAP))
    lon, lat = [], []
    for station_id in STATIONS.values():
        attrs = ticon(station_id).attrs
        lon.append(attrs["longitude"])
        lat.append(attrs["latitude"])
    depth = domain["depth"].transpose("y", "x")
    deep_enough = domain.assign(depth=depth.where(depth >= max(min_depth, 1e-9), LAND_DEPTH))
    table = locate_stations(deep_enough, list(STATIONS), lon, lat, **kwargs)
    table["depth_m"] = depth.values[table["j"].values, table["i"].values]
    return table
