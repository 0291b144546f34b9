"""CF building blocks shared by the data readers: coordinates, attribution, input checks.

Every reader of :mod:`twinbench.data` returns xarray whose coordinates and variables carry
``standard_name`` (where CF defines one), ``units`` and ``long_name``, and whose global
attributes say where the data came from, under which licence, and how to cite it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from twinbench.io.inputs import InputError

#: CF attributes of the coordinates every reader uses.
COORDS: dict[str, dict[str, str]] = {
    "time": {"standard_name": "time", "long_name": "time (UTC)"},
    "latitude": {"standard_name": "latitude", "units": "degrees_north", "long_name": "latitude"},
    "longitude": {
        "standard_name": "longitude",
        "units": "degrees_east",
        "long_name": "longitude",
    },
}

#: Sea level above a stated datum (chart datum, a national levelling datum...); the datum goes
#: in the variable's ``reference_datum`` attribute.
SEA_LEVEL = {
    "standard_name": "water_surface_height_above_reference_datum",
    "units": "m",
    "long_name": "sea level above the reference datum",
}


def attribution(source: str, license: str, attribution: str, **extra: str) -> dict[str, str]:
    """Global attributes naming a dataset's source, licence and mandatory attribution."""
    return {
        "Conventions": "CF-1.10",
        "source": source,
        "license": license,
        "attribution": attribution,
        **extra,
    }


def with_coords(ds: xr.Dataset | xr.DataArray) -> xr.Dataset | xr.DataArray:
    """Put the CF attributes of :data:`COORDS` on the coordinates that are present."""
    for name, attrs in COORDS.items():
        if name in ds.coords:
            ds[name].attrs.update(attrs)
    return ds


def bbox(value: Any) -> tuple[float, float, float, float]:
    """A bounding box ``(lon_min, lat_min, lon_max, lat_max)`` in degrees, checked.

    Accepts a sequence of four numbers or a string ``"lon_min,lat_min,lon_max,lat_max"``.

    >>> bbox("-1.5,44.9,-0.5,45.7")
    (-1.5, 44.9, -0.5, 45.7)
    """
    items = value.replace(" ", "").split(",") if isinstance(value, str) else value
    try:
        box = tuple(float(v) for v in items)
    except (TypeError, ValueError):
        raise InputError(
            f"bbox must be four numbers (lon_min, lat_min, lon_max, lat_max), got {value!r}"
        ) from None
    if len(box) != 4 or not all(np.isfinite(box)):
        raise InputError(
            f"bbox must be four finite numbers (lon_min, lat_min, lon_max, lat_max), got {value!r}"
        )
    lon_min, lat_min, lon_max, lat_max = box
    if not (-180 <= lon_min < lon_max <= 360 and -90 <= lat_min < lat_max <= 90):
        raise InputError(
            "bbox must be (lon_min, lat_min, lon_max, lat_max) in degrees with min < max, "
            f"got {value!r}"
        )
    return box


def timestamp(value: Any, name: str) -> pd.Timestamp:
    """A UTC time from a string (``"2024-01-31"``, ISO 8601), a datetime or a Timestamp.

    >>> timestamp("2024-01-31T12:00", "start")
    Timestamp('2024-01-31 12:00:00')
    """
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise InputError(
            f"{name} must be a date or time (e.g. '2024-01-31'), got {value!r}"
        ) from None
    if stamp is pd.NaT:
        raise InputError(f"{name} must be a date or time (e.g. '2024-01-31'), got {value!r}")
    return stamp.tz_convert("UTC").tz_localize(None) if stamp.tzinfo else stamp


def period(start: Any, end: Any) -> tuple[pd.Timestamp, pd.Timestamp]:
    """``(start, end)`` as UTC timestamps with ``start < end``."""
    t0, t1 = timestamp(start, "start"), timestamp(end, "end")
    if t1 <= t0:
        raise InputError(f"end must be after start, got start={start!r}, end={end!r}")
    return t0, t1


def names(value: str | Sequence[str], name: str) -> list[str]:
    """A list of names from a sequence or a comma-separated string."""
    items = value.split(",") if isinstance(value, str) else list(value)
    items = [str(v).strip() for v in items if str(v).strip()]
    if not items:
        raise InputError(f"{name} must name at least one item, got {value!r}")
    return items


def time_series(
    times: pd.DatetimeIndex,
    variables: Mapping[str, tuple[np.ndarray, Mapping[str, str]]],
    *,
    attrs: Mapping[str, str],
    coords: Mapping[str, Any] | None = None,
) -> xr.Dataset:
    """A CF time-series dataset at one station (scalar ``latitude``/``longitude`` coordinates)."""
    ds = xr.Dataset(
        {
            name: ("time", np.asarray(data), dict(var_attrs))
            for name, (data, var_attrs) in variables.items()
        },
        coords={"time": pd.DatetimeIndex(times).tz_localize(None), **dict(coords or {})},
        attrs=dict(attrs),
    )
    ds.attrs.setdefault("featureType", "timeSeries")
    return with_coords(ds)
