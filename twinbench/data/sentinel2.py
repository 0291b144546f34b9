"""Sentinel-2 L2A scenes from the STAC API of the Copernicus Data Space Ecosystem (CDSE).

Request (STAC API "item search", POST, JSON body; searching needs no account)::

    POST https://stac.dataspace.copernicus.eu/v1/search
    {"collections": ["sentinel-2-l2a"], "bbox": [lon_min, lat_min, lon_max, lat_max],
     "datetime": "2024-06-01T00:00:00Z/2024-06-30T23:59:59Z", "limit": 100,
     "filter-lang": "cql2-json",
     "filter": {"op": "<=", "args": [{"property": "eo:cloud_cover"}, 20]},
     "sortby": [{"field": "properties.datetime", "direction": "asc"}]}

The answer is a GeoJSON ``FeatureCollection`` of STAC items; a ``links`` entry with
``rel = "next"`` (and its own ``body``) gives the next page, followed until ``max_items``.
Each answer is cached by :func:`twinbench.data.fetch.get_json` (request and body are the key).
The result is an item table as xarray: one row per scene with its time, cloud cover, MGRS
tile, footprint box and the ``href`` of every asset (``s3://eodata/...`` as the catalogue
gives them; downloading the assets needs a CDSE account and is left to the user).

Licence: Copernicus Sentinel data terms (free, full and open); attribution "Contains modified
Copernicus Sentinel data [year], processed by ESA".
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

import numpy as np
import pandas as pd
import xarray as xr

from twinbench.data import _cf
from twinbench.data.fetch import DataError, get_json
from twinbench.io.inputs import InputError

URL = "https://stac.dataspace.copernicus.eu/v1/search"
SERVICE = "CDSE STAC"
COLLECTION = "sentinel-2-l2a"
ATTRIBUTION = "Contains modified Copernicus Sentinel data {years}, processed by ESA."


def search_body(
    box: tuple[float, float, float, float],
    start: pd.Timestamp,
    end: pd.Timestamp,
    max_cloud_cover: float,
    limit: int,
) -> dict[str, Any]:
    """The STAC ``/search`` body for a box, a period and a cloud-cover ceiling (%)."""
    return {
        "collections": [COLLECTION],
        "bbox": list(box),
        "datetime": body_period(start, end),
        "limit": int(limit),
        "filter-lang": "cql2-json",
        "filter": {"op": "<=", "args": [{"property": "eo:cloud_cover"}, float(max_cloud_cover)]},
        "sortby": [{"field": "properties.datetime", "direction": "asc"}],
    }


def items_table(features: list[dict]) -> xr.Dataset:
    """An item table (one row per STAC item, ``item`` dimension) from STAC features."""
    assets = sorted({key for f in features for key in f.get("assets", {})})
    rows = []
    for f in features:
        props = f.get("properties", {})
        if "datetime" not in props or "id" not in f:
            raise DataError(f"{SERVICE}: a search answer item lacks 'id' or 'datetime': {f!r:.200}")
        rows.append(
            {
                "id": f["id"],
                "time": pd.Timestamp(props["datetime"]).tz_convert("UTC").tz_localize(None),
                "cloud_cover": float(props.get("eo:cloud_cover", np.nan)),
                "tile": str(props.get("grid:code", props.get("s2:mgrs_tile", ""))),
                "platform": str(props.get("platform", "")),
                "bbox": list(f.get("bbox", [np.nan] * 4))[:4],
                **{f"href_{key}": f["assets"].get(key, {}).get("href", "") for key in assets},
            }
        )
    table = pd.DataFrame(rows)
    box = np.array(table["bbox"].tolist(), dtype=float).reshape(len(table), 4)
    ds = xr.Dataset(
        {
            "cloud_cover": (
                "item",
                table["cloud_cover"].to_numpy(),
                {"units": "%", "long_name": "scene cloud cover (eo:cloud_cover)"},
            ),
            "tile": ("item", table["tile"].to_numpy(str), {"long_name": "MGRS tile"}),
            "platform": ("item", table["platform"].to_numpy(str), {"long_name": "satellite"}),
            "footprint_bbox": (
                ("item", "bbox_edge"),
                box,
                {"units": "degree", "long_name": "footprint box lon_min lat_min lon_max lat_max"},
            ),
            **{
                f"href_{key}": (
                    "item",
                    table[f"href_{key}"].to_numpy(str),
                    {"long_name": f"location of the {key} asset"},
                )
                for key in assets
            },
        },
        coords={
            "item": table["id"].to_numpy(str),
            "time": ("item", table["time"].to_numpy("datetime64[ns]")),
            "bbox_edge": ["lon_min", "lat_min", "lon_max", "lat_max"],
        },
    )
    ds["item"].attrs.update({"long_name": "STAC item id", "cf_role": "timeseries_id"})
    return _cf.with_coords(ds)


def search(
    bbox: Any,
    start: Any,
    end: Any,
    *,
    max_cloud_cover: float = 20.0,
    max_items: int = 100,
    url: str = URL,
) -> xr.Dataset:
    """Sentinel-2 L2A scenes over a box and a period with at most ``max_cloud_cover`` % cloud.

    Parameters
    ----------
    bbox : sequence or str
        ``(lon_min, lat_min, lon_max, lat_max)``, degrees.
    start, end : str or datetime
        The period (UTC).
    max_cloud_cover : float
        Largest ``eo:cloud_cover`` kept, percent (0–100).
    max_items : int
        Most scenes returned (pages are followed until then).
    url : str
        The STAC ``/search`` endpoint.

    Returns
    -------
    xarray.Dataset
        Over ``item`` (sorted by time): ``time``, ``cloud_cover`` (%), ``tile``, ``platform``,
        ``footprint_bbox`` and one ``href_<asset>`` variable per asset key.

    Raises
    ------
    InputError
        Bad box, period, cloud cover or item count.
    DataError
        The service failed, or no scene matched (the message says which search).
    """
    box = _cf.bbox(bbox)
    t0, t1 = _cf.period(start, end)
    if not 0 <= float(max_cloud_cover) <= 100:
        raise InputError(f"max_cloud_cover is a percentage 0..100, got {max_cloud_cover!r}")
    if int(max_items) < 1:
        raise InputError(f"max_items must be at least 1, got {max_items!r}")
    request: tuple[str, dict | None] | None = (
        url,
        search_body(box, t0, t1, max_cloud_cover, min(int(max_items), 100)),
    )
    features: list[dict] = []
    while request is not None and len(features) < int(max_items):
        address, body = request
        page = get_json(address, service=SERVICE, body=body)
        if not isinstance(page, dict) or page.get("type") != "FeatureCollection":
            raise DataError(
                f"{SERVICE} ({address}) did not answer a FeatureCollection: {page!r:.200}"
            )
        found = page.get("features", [])
        features.extend(found)
        following = [link for link in page.get("links", []) if link.get("rel") == "next"]
        # a POST search pages with a body; a GET-style "next" link carries its query in href
        nxt = following[0] if following and found else None
        request = (urljoin(address, nxt.get("href", address)), nxt.get("body")) if nxt else None
    if not features:
        raise DataError(
            f"{SERVICE}: no {COLLECTION} scene in {box} from {t0} to {t1} with at most "
            f"{max_cloud_cover}% cloud"
        )
    ds = items_table(features[: int(max_items)]).sortby("time")
    years = "-".join(sorted({str(t.year) for t in pd.DatetimeIndex(ds["time"].values)}))
    ds.attrs.update(
        _cf.attribution(
            f"Copernicus Sentinel-2 L2A, {SERVICE} ({url}, collection {COLLECTION})",
            "Copernicus Sentinel data terms (free, full and open)",
            ATTRIBUTION.format(years=years),
            search=f"bbox={list(box)} datetime={body_period(t0, t1)} cloud<={max_cloud_cover}",
        )
    )
    return ds


def body_period(start: pd.Timestamp, end: pd.Timestamp) -> str:
    """The STAC ``datetime`` interval of a period."""
    return f"{start:%Y-%m-%dT%H:%M:%SZ}/{end:%Y-%m-%dT%H:%M:%SZ}"
