"""The Gironde estuary (Bordeaux) as a CF input dataset for :func:`twinbench.simulate`.

The domain is a Lambert-93 (EPSG:2154) rectangle, x 343–472 km, y 6381–6528 km (about
lon −1.6…0.1, lat 44.47…45.78): the shelf off the mouth out to 40–90 m depth (the open tidal
boundary is the west side), the estuary from Pointe de Grave–Royan to Bec d'Ambès, the tidal
Garonne past Bordeaux to La Réole and the tidal Dordogne past Libourne to
Pessac-sur-Dordogne. Both rivers run on to the east side, where river inflows enter.

How it is built (``docs/gironde.md`` has the numbers):

* land and water from the official Histolitt coastline (© IGN-Shom 2009), rasterised on a
  sub-grid of spacing ≤ 100 m; lakes are land, and so is the Arcachon lagoon (a separate tidal
  system) unless ``lagoon=True`` opens it (flats and a channel, :data:`DEFAULT_DEPTHS`);
* where Histolitt stops (the Garonne above Bègles, the Dordogne above Libourne) the rivers are
  carved along centrelines through the towns on their banks, with their published widths;
* depths: the shelf from ETOPO2v2 (with a shore ramp where its 3.7 km cells miss the coast);
  the estuary as a dredged navigation channel over flats that shoal towards the banks; the rivers
  with a section-mean depth along their course — all set by :data:`DEFAULT_DEPTHS`;
* each wet model cell takes the mean depth of the water it contains and is wet when at least half
  of it is water; a 4-connected path through the cells that hold the most water joins the sea to
  both river heads, so a river narrower than a cell stays one cell wide with its real depth;
* a ``porosity`` (``sea_area_fraction``) gives such a river its real width: the engine stores,
  and passes through each face, only the open fraction of a cell (:mod:`twinbench.core.porosity`);
* land is high ground (``-DEFAULT_DEPTHS["land"]`` m above mean sea level), which no tide floods.

Depths are metres below mean sea level (MSL). Published channel depths are below chart datum;
at Le Verdon MSL is 3.33 m above chart datum (SHOM RAM, via VACUMM ``niv_moy.txt``).
"""

from __future__ import annotations

import functools
import itertools
import json
from importlib import resources
from typing import Any

import numpy as np
import xarray as xr

from twinbench.io import cf

EPSG = 2154  # RGF93 v1 / Lambert-93, the official French projected CRS
# Domain (cell edges, m in Lambert-93); every resolution divides these spans into whole cells
# up to rounding, so the grids of different resolutions share their west and south edges.
X_WEST, X_EAST = 343_000.0, 472_000.0
Y_SOUTH, Y_NORTH = 6_381_000.0, 6_528_000.0
RESOLUTIONS = {"coarse": 1500.0, "default": 500.0, "study": 500.0, "fine": 250.0}
SUBGRID_SPACING = 100.0  # m, the largest spacing at which the coastline is rasterised

DEFAULT_DEPTHS: dict[str, float] = {
    # Passe de l'Ouest: -13.7 m chart datum (Mer et Marine) + 3.33 m MSL above chart datum at
    # Le Verdon (SHOM RAM) = 17.0 m below MSL, 600 m wide, to Le Verdon.
    "entrance_channel": 17.0,
    # Richard → Bec d'Ambès: the dredged channel that carries 10.5 m draughts ("Gironde XL").
    "inner_channel": 11.0,
    # Banks and flats between the channels, away from the shore ramp [assumed; calibrate].
    "estuary_flats": 5.0,
    # Depth at the waterline of a bank and at a sea shore that ETOPO2v2 does not resolve.
    "shore": 1.0,
    # Sea depth reached by the coastal ramp where ETOPO2v2 is shallower (or land) [assumed].
    "shelf_floor": 8.0,
    # Section-mean depths of the tidal rivers [assumed; calibrate]: from Bec d'Ambès to
    # Bordeaux (Garonne) or Libourne (Dordogne), then linear to the head of the tide.
    "garonne": 7.0,
    "garonne_head": 3.5,
    "dordogne": 6.0,
    "dordogne_head": 3.0,
    # The Arcachon lagoon (``lagoon=True`` only): its tidal flats (≈ 115 of 156 km² at high
    # water, Plus et al. 2009, Cont. Shelf Res. 29:1008: intertidal, so a cell-mean bed near
    # mean sea level), the channel from the inlet's passes to Eyrac and the Teychan, and the
    # passes (deeper than the real ones, ≈ 20 m: the model's channel is 800 m wide where the
    # real passes are ≈ 3 km); all three fitted on the 1500 m grid to Arcachon-Eyrac's M2
    # (TICON-4) with Manning n 0.02 (docs/storms.md).
    "lagoon_flats": 0.5,
    "lagoon_channel": 16.0,
    "lagoon_inlet": 30.0,
    # Land: bed elevation above MSL, stored as a negative depth (spring tide + surge stay below).
    "land": -10.0,
}
CHANNEL_WIDTH = 600.0  # m, Passe de l'Ouest (Mer et Marine); kept for the inner channel
CHANNEL_TAPER = 500.0  # m over which the channel sides rise to the flats
SHORE_RAMP = 1500.0  # m from the bank over which flats deepen from "shore" to "estuary_flats"
SEA_SHORE_SLOPE = 0.008  # m/m, the coastal ramp off the sandy Médoc/Landes coast [assumed]

# Polylines (lon, lat). Estuary thalweg: the navigation channel, from the BXA landfall buoy
# (45°37.5'N 1°28.7'W, SHOM chart 7070 / pilot books) along the Passe de l'Ouest, past Le Verdon,
# then ~1 km off the Médoc bank past Richard, Lamena, Pauillac and Fort-Médoc (gauge positions:
# SHOM RAM via VACUMM ports.txt, TICON-4) to Bec d'Ambès; traced inside the Histolitt water.
THALWEG = [
    (-1.478, 45.625), (-1.350, 45.620), (-1.200, 45.600), (-1.100, 45.585), (-1.040, 45.560),
    (-0.990, 45.520), (-0.915, 45.455), (-0.860, 45.400), (-0.790, 45.335), (-0.765, 45.265),
    (-0.735, 45.205), (-0.715, 45.150), (-0.690, 45.112), (-0.630, 45.060), (-0.595, 45.042),
]  # fmt: skip
THALWEG_VERDON, THALWEG_RICHARD = 4, 6  # vertex indices where the channel depth changes
THALWEG_PAUILLAC = 10  # vertex off Pauillac: the boundary of the lower and upper estuary zones
#: Bottom-friction zones (``friction_zone`` flag meanings, in flag-value order 0…4).
ZONES = ("shelf", "lower_estuary", "upper_estuary", "garonne", "dordogne")
# Rivers from Bec d'Ambès: (lon, lat, width m). Inside the Histolitt water (to Bègles, to
# Libourne) the points are the centres of its water runs (measured, widths 450–800 m); above,
# positions of the towns on the banks from their Wikipedia/INSEE coordinates (±1 km), widths from
# IGN maps [approximate]: Latresne, Cambes, Portets/Langoiran, Podensac, Cadillac, Barsac,
# Langon, Saint-Macaire, Caudrot, Gironde-sur-Dropt, La Réole (head of the tide), Meilhan, then
# towards Marmande to the domain's east side.
GARONNE = [
    (-0.595, 45.035, 700), (-0.583, 45.010, 800), (-0.549, 44.990, 800), (-0.540, 44.960, 800),
    (-0.549, 44.930, 700), (-0.539, 44.900, 550), (-0.536, 44.880, 500), (-0.549, 44.860, 450),
    (-0.566, 44.845, 450), (-0.548, 44.830, 450), (-0.529, 44.810, 450), (-0.516, 44.780, 400),
    (-0.493, 44.772, 350), (-0.460, 44.738, 300), (-0.410, 44.702, 300), (-0.357, 44.655, 250),
    (-0.322, 44.640, 250), (-0.310, 44.607, 220), (-0.249, 44.557, 200), (-0.225, 44.562, 200),
    (-0.153, 44.573, 180), (-0.073, 44.580, 160), (-0.037, 44.578, 150), (0.037, 44.512, 150),
    (0.080, 44.512, 150), (0.200, 44.505, 150),
]  # fmt: skip
#: The Garonne's channel through the confluence, from the thalweg off Ambès to the Garonne's
#: second vertex (below Bassens), passing west of the Bec d'Ambès tip (Histolitt water).
GARONNE_MOUTH = [(-0.630, 45.060), (-0.606, 45.035), (-0.583, 45.010)]
GARONNE_BORDEAUX, GARONNE_HEAD = 8, 22  # vertex indices: Bordeaux (Pont de Pierre), La Réole
# Dordogne: Histolitt water runs to Libourne's bends, then Branne, Saint-Jean-de-Blaignac,
# Castillon-la-Bataille, Pessac-sur-Dordogne (head of the tide), towards Sainte-Foy-la-Grande.
DORDOGNE = [
    (-0.590, 45.037, 900), (-0.555, 45.030, 700), (-0.520, 45.013, 500), (-0.490, 45.004, 500),
    (-0.470, 44.980, 450), (-0.450, 44.944, 400), (-0.420, 44.942, 400), (-0.400, 44.947, 400),
    (-0.350, 44.935, 350), (-0.322, 44.928, 350), (-0.310, 44.900, 350), (-0.290, 44.889, 300),
    (-0.280, 44.896, 300), (-0.270, 44.918, 300), (-0.250, 44.910, 250), (-0.243, 44.890, 250),
    (-0.210, 44.892, 250), (-0.205, 44.871, 250), (-0.185, 44.835, 220), (-0.135, 44.815, 200),
    (-0.090, 44.835, 200), (-0.042, 44.848, 180), (0.015, 44.845, 160), (0.070, 44.825, 150),
    (0.200, 44.835, 150),
]  # fmt: skip
DORDOGNE_LIBOURNE, DORDOGNE_HEAD = 13, 23
GARONNE_CARVE_FROM, DORDOGNE_CARVE_FROM = 11, 10  # first vertex beyond the Histolitt water
# Segments cut across water to separate regions: the estuary mouth (Pointe de Grave–Royan) and
# the Arcachon inlet (Cap Ferret–Pyla), both ends on land.
MOUTH = [(-1.075, 45.555), (-1.015, 45.635)]
ARCACHON_INLET = [(-1.262, 44.680), (-1.190, 44.560)]
ARCACHON_LAGOON = (-1.12, 44.68)  # a point of open water inside the lagoon
#: The lagoon's main channel (``lagoon=True``): from off the inlet through the passes between
#: the Cap Ferret spit and the Arguin bank, past the spit's tip, along the Arcachon waterfront
#: (the Eyrac gauge) and up the Teychan; positions read off the Histolitt water [approximate].
ARCACHON_CHANNEL = [
    (-1.290, 44.560), (-1.262, 44.595), (-1.245, 44.622), (-1.225, 44.645), (-1.195, 44.660),
    (-1.165, 44.668), (-1.130, 44.668), (-1.095, 44.675), (-1.060, 44.690),
]  # fmt: skip
ARCACHON_INLET_END = 3  # vertex index: the passes end past the spit's tip
LAGOON_CHANNEL_WIDTH = 800.0  # m [assumed]

ATTRIBUTION = {
    "source": (
        "Coastline: Histolitt v1.0 (SHOM/IGN 2007-2009), © IGN-Shom 2009, via vacumm-data 1.2.0; "
        "shelf bathymetry: NOAA NGDC ETOPO2v2 (2006, public domain) via VACUMM (CeCILL v2); "
        "estuary and river depths: published channel geometry (GPMB, Mer et Marine, JMM) and "
        "assumed section depths; gauge positions: TICON-4 (CC-BY-4.0) and SHOM RAM via VACUMM"
    ),
    "references": (
        "Histolitt: SHOM metadata BDML_TCH, data.gouv.fr; ETOPO2v2: NOAA NGDC, "
        "doi:10.7289/V5J1012Q; TICON-4: Hart-Davis, Dettmering, Seitz et al., DGFI-TUM, "
        "https://www.seanoe.org/data/00980/109129/ (via openwatersio/tide-database); "
        "docs/gironde.md"
    ),
    "license": (
        "Coastline: SHOM/IGN open data, free use citing '© IGN-Shom 2009'; ETOPO2v2: public "
        "domain; TICON-4 positions: CC-BY-4.0"
    ),
    "acknowledgement": "© IGN-Shom 2009 (Histolitt); NOAA NGDC ETOPO2v2; TICON-4 (DGFI-TUM)",
}


def _need(module: str):
    try:
        return __import__(module, fromlist=["_"])
    except ImportError:
        raise ImportError(
            f"the Gironde domain needs {module.split('.')[0]}: pip install 'twinbench[domains]'"
        ) from None


def transformer(inverse: bool = False):
    """The pyproj transformer lon/lat (WGS84) → Lambert-93 x/y (or back with ``inverse``)."""
    pyproj = _need("pyproj")
    src, dst = ("EPSG:4326", f"EPSG:{EPSG}")[:: -1 if inverse else 1]
    return pyproj.Transformer.from_crs(src, dst, always_xy=True)


def resolution_in_metres(
    resolution: Any, names: dict[str, float], low: float, high: float
) -> float:
    """Cell size in metres from a number in [low, high] or one of ``names`` (any domain's)."""
    if isinstance(resolution, str):
        if resolution not in names:
            raise ValueError(
                f"resolution must be metres or one of {sorted(names)}, got {resolution!r}"
            )
        return names[resolution]
    if isinstance(resolution, bool) or not isinstance(resolution, int | float | np.number):
        raise ValueError(f"resolution must be metres or a name, got {resolution!r}")
    value = float(resolution)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"resolution must be a positive number of metres, got {resolution!r}")
    if value < low or value > high:
        raise ValueError(f"resolution must be between {low:g} and {high:g} m, got {resolution!r}")
    return value


def resolve_resolution(resolution: Any) -> float:
    """Cell size in metres from a number (50–10000) or a name in :data:`RESOLUTIONS`."""
    return resolution_in_metres(resolution, RESOLUTIONS, 50.0, 10_000.0)


def _data_path(name: str):
    return resources.files("twinbench.domains") / "data" / name


def _rasterize_even_odd(
    rings: list[np.ndarray], x0: float, y0: float, d: float, shape
) -> np.ndarray:
    """Inside of polygon rings (x, y vertex arrays) at cell centres ``x0 + i d, y0 + j d``,
    by the even-odd rule (holes and multipolygons at once) with one scanline pass."""
    ny, nx = shape
    toggles = np.zeros((ny, nx + 1), np.int32)
    for ring in rings:
        xa, ya = ring[:-1, 0], ring[:-1, 1]
        xb, yb = ring[1:, 0], ring[1:, 1]
        lo = np.ceil((np.minimum(ya, yb) - y0) / d).astype(int)
        hi = np.ceil((np.maximum(ya, yb) - y0) / d).astype(int)
        lo, hi = np.clip(lo, 0, ny), np.clip(hi, 0, ny)
        count = hi - lo
        if not count.any():
            continue
        edge = np.repeat(np.arange(xa.size), count)
        row = lo[edge] + np.arange(edge.size) - np.repeat(np.cumsum(count) - count, count)
        yc = y0 + row * d
        t = (yc - ya[edge]) / (yb[edge] - ya[edge])
        xc = xa[edge] + t * (xb[edge] - xa[edge])
        col = np.clip(np.ceil((xc - x0) / d).astype(int), 0, nx)
        np.add.at(toggles, (row, col), 1)
    return (np.cumsum(toggles, axis=1)[:, :nx] % 2).astype(bool)


def _segment_distance(px, py, ax, ay, bx, by):
    """Distance from points to a segment and the fraction along it (0…1)."""
    dx, dy = bx - ax, by - ay
    t = np.clip(((px - ax) * dx + (py - ay) * dy) / max(dx * dx + dy * dy, 1e-12), 0.0, 1.0)
    return np.hypot(px - ax - t * dx, py - ay - t * dy), t


def polyline_distance(px: np.ndarray, py: np.ndarray, line: np.ndarray):
    """Distance (m) from points to a polyline ``(n, 2)`` and the along-line coordinate of the
    nearest point, counted in vertices (``2.5`` is half-way from vertex 2 to vertex 3)."""
    best = np.full(px.shape, np.inf)
    along = np.zeros(px.shape)
    for k in range(len(line) - 1):
        dist, t = _segment_distance(px, py, *line[k], *line[k + 1])
        closer = dist < best
        best = np.where(closer, dist, best)
        along = np.where(closer, k + t, along)
    return best, along


def _cut(water: np.ndarray, segment: np.ndarray, x0: float, y0: float, d: float) -> np.ndarray:
    """The cells a straight segment crosses (4-connected, sampled at a quarter cell)."""
    (xa, ya), (xb, yb) = segment
    n = int(np.hypot(xb - xa, yb - ya) / (0.25 * d)) + 2
    i = np.round((np.linspace(xa, xb, n) - x0) / d).astype(int)
    j = np.round((np.linspace(ya, yb, n) - y0) / d).astype(int)
    cut = np.zeros_like(water)
    keep = (i >= 0) & (i < water.shape[1]) & (j >= 0) & (j < water.shape[0])
    cut[j[keep], i[keep]] = True
    cut[j[keep], np.clip(i[keep] + 1, 0, water.shape[1] - 1)] = True
    return cut


def _component(mask: np.ndarray, seeds: np.ndarray) -> np.ndarray:
    """The 4-connected components of ``mask`` that contain any of the ``seeds`` cells."""
    ndimage = _need("scipy.ndimage")
    labels, _ = ndimage.label(mask)
    wanted = np.unique(labels[seeds & mask])
    return np.isin(labels, wanted[wanted > 0])


def _project(lonlat: np.ndarray) -> np.ndarray:
    x, y = transformer().transform(lonlat[:, 0], lonlat[:, 1])
    return np.column_stack([x, y])


def _land_rings() -> list[np.ndarray]:
    """Histolitt land rings in Lambert-93, and the ring of its clip box (lon ≤ 0.05)."""
    geojson = json.loads(_data_path("histolitt_land_gironde_simplified.geojson").read_text())
    polygons = geojson["features"][0]["geometry"]["coordinates"]
    return [_project(np.asarray(ring, float)) for polygon in polygons for ring in polygon]


def _clip_ring() -> np.ndarray:
    """Histolitt covers lon −1.75…0.05, lat 44.45…46.35: its box as a Lambert-93 ring."""
    t = np.linspace(0.0, 1.0, 200)
    west, east, south, north = -1.75, 0.05, 44.45, 46.35
    lon = np.concatenate([west + (east - west) * t, np.full_like(t, east)])
    lat = np.concatenate([np.full_like(t, south), south + (north - south) * t])
    lon = np.concatenate([lon, east - (east - west) * t, np.full_like(t, west)])
    lat = np.concatenate([lat, np.full_like(t, north), north - (north - south) * t])
    return _project(np.column_stack([lon, lat]))


def _etopo_depth(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """ETOPO2v2 depth below MSL (m, positive down) interpolated bilinearly."""
    interpolate = _need("scipy.interpolate")
    with np.load(str(_data_path("etopo2v2_gironde.npz"))) as grid:
        f = interpolate.RegularGridInterpolator((grid["lat"], grid["lon"]), -grid["z"])
    return f(np.column_stack([lat.ravel(), lon.ravel()])).reshape(lat.shape)


def _cell_of(point_xy, x0: float, y0: float, d: float, shape) -> tuple[int, int]:
    i = int(np.clip((point_xy[0] - x0) // d, 0, shape[1] - 1))
    j = int(np.clip((point_xy[1] - y0) // d, 0, shape[0] - 1))
    return j, i


def _seed(shape, *cells) -> np.ndarray:
    seeds = np.zeros(shape, bool)
    for j, i in cells:
        seeds[j, i] = True
    return seeds


def _east_crossing(line: np.ndarray, x_east: float) -> np.ndarray:
    """The first point where a polyline (x, y) reaches ``x = x_east``."""
    for a, b in itertools.pairwise(line):
        if (a[0] - x_east) * (b[0] - x_east) <= 0 and a[0] != b[0]:
            return a + (x_east - a[0]) / (b[0] - a[0]) * (b - a)
    raise RuntimeError("a river polyline does not reach the domain's east side")


def _connect(wet, frac, allowed, source, targets):
    """Add to ``wet`` the 4-connected least-cost paths from ``source`` to each target cell
    through ``allowed`` cells, the cost of a cell being ``1 / (water fraction + 0.05)``."""
    sparse, csgraph = _need("scipy.sparse"), _need("scipy.sparse.csgraph")
    index = np.full(wet.shape, -1)
    nodes = np.flatnonzero(allowed)
    index.flat[nodes] = np.arange(nodes.size)
    cost = 1.0 / (frac.ravel()[nodes] + 0.05)
    rows, cols = [], []
    for a, b in (
        (index[:, :-1], index[:, 1:]),
        (index[:-1, :], index[1:, :]),
    ):
        both = (a >= 0) & (b >= 0)
        rows += [a[both], b[both]]
        cols += [b[both], a[both]]
    rows, cols = np.concatenate(rows), np.concatenate(cols)
    graph = sparse.csr_matrix((cost[cols], (rows, cols)), shape=(nodes.size, nodes.size))
    start = index[source]
    _, predecessors = csgraph.dijkstra(graph, indices=start, return_predecessors=True)
    for target in targets:
        node = index[target]
        if node < 0 or (node != start and predecessors[node] < 0):
            raise RuntimeError(f"no water path from the mouth to cell {target}")
        while node >= 0:
            wet.flat[nodes[node]] = True
            node = predecessors[node] if node != start else -9999


def _river_heading(px: np.ndarray, py: np.ndarray, lines: list[np.ndarray]) -> np.ndarray:
    """Heading (rad from the x axis) of the nearest river centreline at each point."""
    best = np.full(px.shape, np.inf)
    heading = np.zeros(px.shape)
    for line in lines:
        dist, along = polyline_distance(px, py, line)
        k = np.clip(np.floor(along).astype(int), 0, len(line) - 2)
        step = line[k + 1] - line[k]
        closer = dist < best
        best = np.where(closer, dist, best)
        heading = np.where(closer, np.arctan2(step[:, 1], step[:, 0]), heading)
    return heading


def _scatter(values: np.ndarray, where: tuple, shape: tuple, fill: float) -> np.ndarray:
    out = np.full(shape, fill)
    out[where] = values
    return out


@functools.lru_cache(maxsize=8)
def _build(spacing: float, depth_items: tuple, lagoon: bool = False) -> dict[str, Any]:
    ndimage = _need("scipy.ndimage")
    depths = dict(depth_items)
    nx = round((X_EAST - X_WEST) / spacing)
    ny = round((Y_NORTH - Y_SOUTH) / spacing)
    k = int(np.ceil(spacing / SUBGRID_SPACING - 1e-9))
    d = spacing / k
    shape = (ny * k, nx * k)
    sx0, sy0 = X_WEST + 0.5 * d, Y_SOUTH + 0.5 * d
    x = X_WEST + (np.arange(nx) + 0.5) * spacing
    y = Y_SOUTH + (np.arange(ny) + 0.5) * spacing
    X, Y = np.meshgrid(x, y)
    lon, lat = transformer(inverse=True).transform(X, Y)

    # Water on the sub-grid: Histolitt (inside its box), plus the rivers carved beyond it.
    land = _rasterize_even_odd(_land_rings(), sx0, sy0, d, shape)
    covered = _rasterize_even_odd([_clip_ring()], sx0, sy0, d, shape)
    etopo = np.repeat(np.repeat(_etopo_depth(lon, lat), k, axis=0), k, axis=1)
    water = np.where(covered, ~land, etopo > 0)  # ETOPO2v2 beyond Histolitt's box
    sub_x = sx0 + np.arange(shape[1]) * d
    sub_y = sy0 + np.arange(shape[0]) * d
    lines = {}
    for name, table, carve_from in (
        ("garonne", GARONNE, GARONNE_CARVE_FROM),
        ("dordogne", DORDOGNE, DORDOGNE_CARVE_FROM),
    ):
        table = np.asarray(table, float)
        line = _project(table[:, :2])
        lines[name] = line
        part, widths = line[carve_from - 1 :], table[carve_from - 1 :, 2]
        pad = widths.max() + d
        ii = np.flatnonzero((sub_x > part[:, 0].min() - pad) & (sub_x < part[:, 0].max() + pad))
        jj = np.flatnonzero((sub_y > part[:, 1].min() - pad) & (sub_y < part[:, 1].max() + pad))
        PX, PY = np.meshgrid(sub_x[ii], sub_y[jj])
        dist, along = polyline_distance(PX, PY, part)
        half = np.maximum(0.5 * np.interp(along, np.arange(len(widths)), widths), 0.75 * d)
        water[np.ix_(jj, ii)] |= dist <= half
    thalweg = _project(np.asarray(THALWEG))
    lines["estuary"] = thalweg

    # The Arcachon lagoon is a separate tidal system: land, unless asked for. Lakes: land (not
    # joined to the sea).
    inlet = _cut(water, _project(np.asarray(ARCACHON_INLET)), sx0, sy0, d)
    lagoon_cell = _cell_of(_project(np.asarray([ARCACHON_LAGOON]))[0], X_WEST, Y_SOUTH, d, shape)
    in_lagoon_sub = _component(water & ~inlet, _seed(shape, lagoon_cell))
    if not lagoon:
        water &= ~in_lagoon_sub
    west_edge = np.zeros(shape, bool)
    west_edge[:, 0] = True
    water = _component(water, west_edge)
    mouth = _cut(water, _project(np.asarray(MOUTH)), sx0, sy0, d)
    pauillac = _cell_of(thalweg[10], X_WEST, Y_SOUTH, d, shape)
    inland = _component(water & ~mouth, _seed(shape, pauillac))

    # Depths on the sub-grid.
    shore_distance = ndimage.distance_transform_edt(water) * d
    depth = np.maximum(
        etopo,
        np.minimum(depths["shore"] + SEA_SHORE_SLOPE * shore_distance, depths["shelf_floor"]),
    )
    jw, iw = np.nonzero(water)
    px, py = sub_x[iw], sub_y[jw]
    dist_t, along_t = polyline_distance(px, py, thalweg)
    channel = np.interp(
        along_t,
        [0, THALWEG_VERDON, THALWEG_RICHARD, len(THALWEG) - 1],
        [depths["entrance_channel"]] * 2 + [depths["inner_channel"]] * 2,
    )
    taper = np.clip(1.0 - (dist_t - 0.5 * CHANNEL_WIDTH) / CHANNEL_TAPER, 0.0, 1.0)
    ramp = np.minimum(shore_distance[jw, iw] / SHORE_RAMP, 1.0)
    flats = depths["shore"] + (depths["estuary_flats"] - depths["shore"]) * ramp
    in_estuary = inland[jw, iw]
    base = np.where(in_estuary, flats, depth[jw, iw])
    value = np.maximum(base, base + (channel - base) * taper)
    dist_g, along_g = polyline_distance(px, py, lines["garonne"])
    dist_d, along_d = polyline_distance(px, py, lines["dordogne"])
    garonne = in_estuary & (dist_g < dist_t) & (dist_g <= dist_d)
    dordogne = in_estuary & (dist_d < dist_t) & (dist_d < dist_g)
    value = np.where(
        garonne,
        np.interp(
            along_g,
            [0, GARONNE_BORDEAUX, GARONNE_HEAD],
            [depths["garonne"], depths["garonne"], depths["garonne_head"]],
        ),
        value,
    )
    value = np.where(
        dordogne,
        np.interp(
            along_d,
            [0, DORDOGNE_LIBOURNE, DORDOGNE_HEAD],
            [depths["dordogne"], depths["dordogne"], depths["dordogne_head"]],
        ),
        value,
    )
    # The Garonne's channel through the confluence (GARONNE_MOUTH), the river's depth within
    # half its width: the thalweg's end and the Garonne's first vertex mark the Bec d'Ambès
    # tip, so without it the banks' shore ramp put 2–5 m flats across the Garonne's mouth on
    # the 500 m grid (its M2 fell 0.25 m in one cell there; the Dordogne's mouth is deep).
    mouth_line = _project(np.asarray(GARONNE_MOUTH))
    near = polyline_distance(px, py, mouth_line)[0] <= 0.5 * GARONNE[0][2]
    value = np.where(in_estuary & near, np.maximum(value, depths["garonne"]), value)
    lagoon_part = np.zeros(jw.shape, bool)
    if lagoon:
        value, lagoon_part = _lagoon_depths(value, px, py, in_lagoon_sub[jw, iw], depths)
    depth_sub = np.zeros(shape)
    depth_sub[jw, iw] = value
    # Friction zones (ZONES order): shelf, estuary below / above Pauillac, the two rivers;
    # then the lagoon when it is open.
    zone_of = np.select(
        [lagoon_part, ~in_estuary, garonne, dordogne, along_t < THALWEG_PAUILLAC],
        [len(ZONES), 0, 3, 4, 1],
        default=2,
    )
    zones_used = ZONES + (("lagoon",) if lagoon else ())

    # Model cells: wet when at least half water, with the mean depth of that water.
    blocks = (ny, k, nx, k)
    count = water.reshape(blocks).sum(axis=(1, 3))
    frac = count / k**2
    mean_depth = depth_sub.reshape(blocks).sum(axis=(1, 3)) / np.maximum(count, 1)
    wet = frac >= 0.5
    inland_cells = inland.reshape(blocks).any(axis=(1, 3))
    heads = {
        name: _cell_of(_east_crossing(lines[name], x[-1]), X_WEST, Y_SOUTH, spacing, (ny, nx))
        for name in ("garonne", "dordogne")
    }
    source = _cell_of(thalweg[THALWEG_VERDON], X_WEST, Y_SOUTH, spacing, (ny, nx))
    _connect(wet, frac, inland_cells & (count > 0), source, list(heads.values()))
    edge = np.zeros((ny, nx), bool)
    edge[:, 0] = True
    wet = _component(wet, edge)
    bed = np.where(wet, mean_depth, depths["land"])
    votes = np.zeros((len(zones_used), ny, nx))
    for z in range(len(zones_used)):
        mark = np.zeros(shape)
        mark[jw[zone_of == z], iw[zone_of == z]] = 1.0
        votes[z] = mark.reshape(blocks).sum(axis=(1, 3))
    zones = np.where(wet, np.argmax(votes, axis=0), -1).astype(np.int8)
    # Porosity (the engine's storage and face widths): the water fraction, except that a cell of
    # a river narrower than a cell must pass the river's whole width — a staircase corner holds
    # little water but carries all of it. There it is at least the local width fraction: the
    # water of the 3×3 block around the cell over the block's length of 3 cells.
    wet_frac = np.where(wet, frac, 0.0)
    width_fraction = 3.0 * ndimage.uniform_filter(wet_frac, size=3, mode="constant")
    in_river = np.isin(zones, [ZONES.index("garonne"), ZONES.index("dordogne")])
    narrow = wet & ((frac < 0.5) | in_river)
    porosity = np.where(narrow, np.maximum(frac, np.minimum(width_fraction, 1.0)), wet_frac)
    # Dual porosity in the rivers (core.porosity): their 4-connected path of cells runs
    # λ = |cos θ| + |sin θ| times the river's length (θ: the river's heading). Storage b/(λΔ)
    # and conveyance λb/Δ give the path the river's storage and its travel time; b/Δ is the
    # 3×3 width fraction times max(|cos θ|, |sin θ|) (a straight river through the block). A
    # river m = λb/Δ > 1 paths wide (at 500 m 194 of the 493 river cells, at 250 m most)
    # takes the weight ψ/φ = λ^(2/m) of such bands (core.porosity), where capping ψ at 1 had
    # left its wave up to 18 % slow.
    conveyance = porosity.copy()
    river = narrow & in_river  # not the lagoon (zone 5 when open): wide water, no heading
    jr, ir = np.nonzero(river)
    heading = _river_heading(x[ir], y[jr], [lines["garonne"], lines["dordogne"]])
    cos, sin = np.abs(np.cos(heading)), np.abs(np.sin(heading))
    path_factor = cos + sin
    width = width_fraction[jr, ir] * np.maximum(cos, sin)
    paths = np.maximum(width * path_factor, 1.0)
    porosity[jr, ir] = np.minimum(width / path_factor, 1.0)
    conveyance[jr, ir] = porosity[jr, ir] * path_factor ** (2.0 / paths)
    rivers = {}
    for name, (j, _) in heads.items():
        column = wet[:, -1]
        lo = hi = j
        while lo > 0 and column[lo - 1]:
            lo -= 1
        while hi < ny - 1 and column[hi + 1]:
            hi += 1
        rivers[name] = (lo, hi + 1)
    return {
        "x": x,
        "y": y,
        "lon": lon,
        "lat": lat,
        "depth": bed,
        "water_fraction": frac,
        "porosity": porosity,
        "conveyance": conveyance,
        "path_factor": _scatter(path_factor, (jr, ir), (ny, nx), 1.0),
        "zones": zones,
        "rivers": rivers,
        "subgrid": k,
        "zone_names": zones_used,
    }


def _lagoon_depths(value, px, py, in_lagoon, depths):
    """Depths of the Arcachon lagoon's water (flats, and its channel from the passes), and
    the channel's passes across the sea shore ramp; returns the depths and the lagoon mask
    (the lagoon's own water and the passes' channel cells seaward of it)."""
    line = _project(np.asarray(ARCACHON_CHANNEL))
    dist, along = polyline_distance(px, py, line)
    channel = np.interp(
        along,
        [0, ARCACHON_INLET_END, len(ARCACHON_CHANNEL) - 1],
        [depths["lagoon_inlet"], depths["lagoon_inlet"], depths["lagoon_channel"]],
    )
    taper = np.clip(1.0 - (dist - 0.5 * LAGOON_CHANNEL_WIDTH) / CHANNEL_TAPER, 0.0, 1.0)
    flats = depths["lagoon_flats"]
    lagoon_value = flats + (channel - flats) * taper
    passes = ~in_lagoon & (taper > 0) & (along <= ARCACHON_INLET_END)
    out = np.where(in_lagoon, lagoon_value, value)
    out = np.where(passes, np.maximum(out, lagoon_value), out)
    return out, in_lagoon | passes


def _depth_items(depths: dict | None) -> tuple:
    merged = dict(DEFAULT_DEPTHS)
    for key, value in (depths or {}).items():
        if key not in DEFAULT_DEPTHS:
            raise ValueError(f"unknown depth key {key!r}; known: {sorted(DEFAULT_DEPTHS)}")
        if isinstance(value, bool) or not np.isfinite(np.asarray(value, float)).all():
            raise ValueError(f"depths[{key!r}] must be a finite number of metres, got {value!r}")
        value = float(value)
        if (key == "land") != (value < 0) or value == 0:
            sign = "negative (m above MSL)" if key == "land" else "positive (m below MSL)"
            raise ValueError(f"depths[{key!r}] must be {sign}, got {value!r}")
        merged[key] = value
    return tuple(sorted(merged.items()))


def _crs_variable() -> xr.DataArray:
    pyproj = _need("pyproj")
    crs = pyproj.CRS.from_epsg(EPSG)
    attrs = {k: v for k, v in crs.to_cf().items() if not isinstance(v, dict | list)}
    attrs.update(crs_wkt=crs.to_wkt(), epsg_code=f"EPSG:{EPSG}", long_name=crs.name)
    return xr.DataArray(np.int32(0), attrs=attrs)


def gironde(
    resolution: float | str = "default", *, depths: dict | None = None, lagoon: bool = False
) -> xr.Dataset:
    """The Gironde estuary, its tidal rivers and the shelf off its mouth as CF inputs.

    Parameters
    ----------
    resolution
        Cell size in m (50–10000), or ``"coarse"`` (1500 m), ``"default"``/``"study"``
        (500 m) or ``"fine"`` (250 m).
    depths
        Overrides of :data:`DEFAULT_DEPTHS` (m below mean sea level; ``"land"`` negative), the
        knobs a calibration moves: channel, flats and river section depths.
    lagoon
        Open the Arcachon lagoon to the sea (default: land, a separate tidal system): its
        water from Histolitt, flats and a channel from :data:`DEFAULT_DEPTHS` (``lagoon_*``),
        in its own friction zone ``lagoon``. For storms and the Arcachon-Eyrac gauge.

    Returns
    -------
    xarray.Dataset
        ``depth`` (``sea_floor_depth_below_geoid``, m, land negative) on Lambert-93 cell centres
        ``x``, ``y`` (m), with 2-D ``lon``/``lat``, a ``crs`` grid mapping, ``land_mask`` and
        ``water_fraction`` (of each cell, from the sub-grid). Attributes name the open boundary
        (west), the river inflow rows on the east side and the data sources with attribution.
        Built once per process for each argument set; every call returns a fresh copy.

    Examples
    --------
    >>> ds = gironde("coarse")
    >>> ds.attrs["open_boundaries"], ds.sizes["x"], ds.sizes["y"]
    ('west', 86, 98)
    """
    spacing = resolve_resolution(resolution)
    items = _depth_items(depths)
    if not isinstance(lagoon, bool):
        raise ValueError(f"lagoon must be true or false, got {lagoon!r}")
    built = _build(spacing, items, lagoon)
    zone_names = built["zone_names"]
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
        "depth": (("y", "x"), depth, {**cf.attrs("depth"), **on_grid,
                                      "comment": "below mean sea level; land negative"}),
        "land_mask": (("y", "x"), (depth <= 0).astype(np.int8), {
            "standard_name": "land_binary_mask", "units": "1", **on_grid,
            "long_name": "land (1) or water (0)"}),
        "water_fraction": (("y", "x"), built["water_fraction"].copy(), {
            "units": "1", **on_grid,
            "long_name": "fraction of the cell that is water in the coastline and river data"}),
        "porosity": (("y", "x"), built["porosity"].copy(), {
            "standard_name": "sea_area_fraction", "units": "1", **on_grid,
            "long_name": "porosity: fraction of the cell's area open to water",
            "comment": "storage: the water fraction; in rivers narrower than a cell their "
                       "area per cell of their staircase path, b/(lambda dx) (0 on land)"}),
        "conveyance": (("y", "x"), built["conveyance"].copy(), {
            **cf.attrs("conveyance"), **on_grid,
            "comment": "the faces' open fraction: the porosity, except in rivers narrower than "
                       "a cell, lambda b/dx (b: river width, lambda = |cos|+|sin| of its "
                       "heading); dual porosity, Guinot et al. 2017"}),
        "path_factor": (("y", "x"), built["path_factor"].copy(), {
            "units": "1", **on_grid,
            "long_name": "length of a river's staircase path of cells over the river's length",
            "comment": "|cos| + |sin| of the river's heading in river cells; 1 elsewhere"}),
        "friction_zone": (("y", "x"), built["zones"].copy(), {
            "long_name": "bottom friction zone", "units": "1", **on_grid,
            "flag_values": np.arange(len(zone_names), dtype=np.int8),
            "flag_meanings": " ".join(zone_names), "_FillValue": np.int8(-1),
            "comment": "-1 on land; zones split at the mouth, off Pauillac and Bec d'Ambes"}),
        "crs": _crs_variable(),
    }  # fmt: skip
    rivers = built["rivers"]
    attrs = {
        "title": f"Gironde estuary domain{' with the Arcachon lagoon' if lagoon else ''}, "
        f"{spacing:g} m Lambert-93 grid",
        "Conventions": "CF-1.10",
        "institution": "twinbench",
        "resolution_m": spacing,
        "open_boundaries": "west",
        "closed_boundaries": "north south (walls on the shelf); east: land but the rivers",
        "river_inflow_side": "east",
        "river_garonne_rows": f"y[{rivers['garonne'][0]}:{rivers['garonne'][1]}]",
        "river_dordogne_rows": f"y[{rivers['dordogne'][0]}:{rivers['dordogne'][1]}]",
        "vertical_datum": "mean sea level (depth positive down; land stored negative)",
        "depth_parameters": json.dumps(dict(items)),
        **ATTRIBUTION,
    }
    return xr.Dataset(data, coords=coords, attrs=attrs)


def gironde_rivers(resolution: float | str = "default") -> dict[str, dict]:
    """Where the Garonne and the Dordogne enter the domain, for river inflow boundaries.

    Both rivers leave through the east side; ``rows`` is the slice of ``y`` indices of their
    wet cells in the last column (the other east cells are land). ``head`` is the head of the
    tide (La Réole, Pessac-sur-Dordogne) as (lon, lat).

    Examples
    --------
    >>> gironde_rivers("coarse")["dordogne"]["side"]
    'east'
    """
    built = _build(resolve_resolution(resolution), _depth_items(None))
    heads = {"garonne": GARONNE[GARONNE_HEAD][:2], "dordogne": DORDOGNE[DORDOGNE_HEAD][:2]}
    return {
        name: {"side": "east", "rows": slice(*built["rivers"][name]), "head": heads[name]}
        for name in ("garonne", "dordogne")
    }


def river_boundary(domain: xr.Dataset, discharges: dict[str, Any]) -> list[dict]:
    """East-side ``river`` boundary specs for :func:`twinbench.simulate` from river flows.

    ``discharges`` maps ``"garonne"``/``"dordogne"`` to a total discharge in m³ s⁻¹ (a number or
    a DataArray over ``time`` in s); each enters over its wet cells of the east side.

    >>> ds = gironde("coarse")
    >>> [r["name"] for r in river_boundary(ds, {"garonne": 600.0, "dordogne": 300.0})]
    ['garonne', 'dordogne']
    """
    specs = []
    for name, flow in discharges.items():
        key = f"river_{name}_rows"
        if key not in domain.attrs:
            raise ValueError(f"unknown river {name!r}; rivers are garonne, dordogne")
        lo, hi = (int(v) for v in domain.attrs[key][2:-1].split(":"))
        specs.append({"type": "river", "name": name, "cells": [lo, hi - 1], "discharge": flow})
    return specs
