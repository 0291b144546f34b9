"""holoviews views of what-if runs, in Lambert-93 kilometres, with the Histolitt coastline
drawn offline from the GeoJSON shipped in :mod:`twinbench.domains` (© IGN-Shom 2009)."""

from __future__ import annotations

import functools
import json
from importlib import resources

import numpy as np
import xarray as xr

ATTRIBUTION = "Coastline © IGN-Shom 2009 (Histolitt)"
COASTLINE_FILE = "histolitt_land_gironde_simplified.geojson"


def _hv():
    try:
        import bokeh  # noqa: F401
        import holoviews as hv
    except ImportError:
        raise ImportError(
            "twinbench.ui needs holoviews and bokeh: pip install 'twinbench[ui]'"
        ) from None
    if "bokeh" not in hv.Store.renderers:
        hv.renderer("bokeh")  # loads the backend's options without notebook output
    return hv


@functools.lru_cache(maxsize=1)
def coastline_km() -> tuple[np.ndarray, ...]:
    """The Histolitt coastline as (n, 2) arrays of Lambert-93 km (no network).

    The file holds land polygons cut at a lon/lat box; the cut edges (both ends on the box) are
    not coastline and are dropped, so each ring becomes one or more open lines.
    """
    from twinbench.domains.gironde import transformer

    text = resources.files("twinbench.domains").joinpath("data", COASTLINE_FILE).read_text()
    rings = []
    for feature in json.loads(text)["features"]:
        geometry = feature["geometry"]
        polygons = geometry["coordinates"]
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        rings += [np.asarray(ring, float) for polygon in polygons for ring in polygon]
    points = np.concatenate(rings)
    low, high = points.min(axis=0), points.max(axis=0)
    project = transformer()
    lines = []
    for ring in rings:
        on_box = np.isclose(ring, low, atol=1e-9) | np.isclose(ring, high, atol=1e-9)
        # A segment is a cut when both its ends lie on the same side of the box.
        cut = np.any(on_box[:-1] & on_box[1:] & np.isclose(ring[:-1], ring[1:]), axis=1)
        for piece in np.split(np.arange(len(ring)), np.flatnonzero(cut) + 1):
            if piece.size >= 2:
                x, y = project.transform(ring[piece, 0], ring[piece, 1])
                lines.append(np.column_stack([x, y]) / 1000.0)
    return tuple(lines)


def coastline(bounds: tuple[float, float, float, float] | None = None):
    """The coastline as an ``hv.Path`` (km), with the attribution as a text label."""
    hv = _hv()
    rings = coastline_km()
    if bounds is not None:
        x0, y0, x1, y1 = bounds
        rings = [
            r
            for r in rings
            if (r[:, 0].max() >= x0)
            & (r[:, 0].min() <= x1)
            & (r[:, 1].max() >= y0)
            & (r[:, 1].min() <= y1)
        ]
    path = hv.Path(list(rings), kdims=["x_km", "y_km"]).opts(color="black", line_width=0.8)
    x, y = (bounds[2], bounds[1]) if bounds else (0.0, 0.0)
    label = hv.Text(x, y, ATTRIBUTION, halign="right", valign="bottom", fontsize=8)
    return path * label


def _bounds(ds: xr.Dataset) -> tuple[float, float, float, float]:
    x, y = ds["x"].values / 1000.0, ds["y"].values / 1000.0
    return float(x.min()), float(y.min()), float(x.max()), float(y.max())


def _image(values: np.ndarray, ds: xr.Dataset, name: str, label: str):
    hv = _hv()
    x, y = ds["x"].values / 1000.0, ds["y"].values / 1000.0
    return hv.Image((x, y, values), kdims=["x_km", "y_km"], vdims=[name], label=label)


def hours_since_start(ds: xr.Dataset) -> np.ndarray:
    """The output times of a run in hours since its first (rounded to 3 decimals)."""
    t = ds["time"].values
    return np.round((t - t[0]) / np.timedelta64(1, "s") / 3600.0, 3)


def _player(frames: dict[float, object]):
    """A time player over ``frames`` (hours → element): a DynamicMap with the hours as values,
    so the overlaid coastline is drawn once rather than once per frame (6× faster in bokeh)."""
    hv = _hv()
    hours = hv.Dimension("hours", values=list(frames))
    return hv.DynamicMap(lambda hours: frames[hours], kdims=[hours])


def field_map(ds: xr.Dataset, variable: str = "eta", cmap: str = "viridis"):
    """A map of ``variable`` (``eta`` m, ``speed`` m s⁻¹, ``salinity`` g kg⁻¹) with a time
    player: a ``DynamicMap`` over hours since the start, overlaid with the coastline."""
    hv = _hv()
    if variable not in ds:
        raise KeyError(f"the run has no {variable!r}; it has {sorted(ds.data_vars)}")
    wet = ds["h"] > 1e-2
    frames = {
        hour: _image(
            ds[variable].isel(time=k).where(wet.isel(time=k)).values,
            ds,
            variable,
            f"{variable} ({ds[variable].attrs.get('units', '')})",
        )
        for k, hour in enumerate(hours_since_start(ds))
    }
    images = _player(frames).opts(
        hv.opts.Image(
            cmap=cmap, colorbar=True, aspect="equal", tools=["hover"], width=420, height=460
        )
    )
    return images * coastline(_bounds(ds))


def difference_map(baseline: xr.Dataset, scenario: xr.Dataset, variable: str = "eta"):
    """Scenario − baseline of ``variable`` over time (NaN where either is dry), with the
    coastline: a ``DynamicMap`` over hours."""
    hv = _hv()
    if baseline.sizes != scenario.sizes:
        raise ValueError(
            f"the runs differ in size: {dict(baseline.sizes)} vs {dict(scenario.sizes)}"
        )
    wet = (baseline["h"] > 1e-2) & (scenario["h"] > 1e-2)
    change = (scenario[variable] - baseline[variable]).where(wet)
    frames = {
        hour: _image(change.isel(time=k).values, baseline, f"d_{variable}", f"change of {variable}")
        for k, hour in enumerate(hours_since_start(baseline))
    }
    images = _player(frames).opts(
        hv.opts.Image(
            cmap="RdBu_r",
            colorbar=True,
            aspect="equal",
            symmetric=True,
            tools=["hover"],
            width=420,
            height=460,
        )
    )
    return images * coastline(_bounds(baseline))


def gauge_series(*runs: xr.Dataset, labels: tuple[str, ...] = ()):
    """Water level (m) at every gauge over hours: one curve per gauge and run."""
    hv = _hv()
    labels = labels or tuple(f"run {k}" for k in range(len(runs)))
    curves = {}
    for label, ds in zip(labels, runs, strict=True):
        hours = hours_since_start(ds)
        for name in ds["station"].values:
            values = ds["station_eta"].sel(station=name).values
            curves[(str(name), label)] = hv.Curve((hours, values), "hours", "eta_m")
    return hv.NdOverlay(curves, kdims=["station", "run"]).opts(
        hv.opts.Curve(width=520, height=300, tools=["hover"]),
        hv.opts.NdOverlay(legend_position="right"),
    )


def sensitivity_map(field: xr.DataArray):
    """The gradient field of :func:`twinbench.ui.gradients.sensitivity`, with the coastline."""
    ds = field.to_dataset()
    image = _image(field.values, ds, field.name, field.attrs.get("long_name", field.name))
    image = image.opts(
        cmap="RdBu_r",
        symmetric=True,
        colorbar=True,
        aspect="equal",
        tools=["hover"],
        width=420,
        height=460,
    )
    return image * coastline(_bounds(ds))


__all__ = [
    "ATTRIBUTION",
    "coastline",
    "coastline_km",
    "difference_map",
    "field_map",
    "gauge_series",
    "hours_since_start",
    "sensitivity_map",
]
