"""Parse what users hand to the tides functions: times, latitudes, amplitudes; fail loudly."""

from __future__ import annotations

import datetime as _dt

import numpy as np
import pandas as pd
import xarray as xr


def parse_times(times, *, name: str = "times") -> np.ndarray:
    """UTC times as a 1-D ``datetime64[ns]`` array.

    Accepts numpy ``datetime64`` arrays, pandas ``DatetimeIndex``/``Series``/``Timestamp``
    (timezone-aware values are converted to UTC; naive values are taken as UTC), Python
    ``datetime`` objects and xarray ``DataArray`` of datetimes. Numbers and strings are refused:
    a float has no epoch and a string no time zone.
    """
    if isinstance(times, xr.DataArray):
        times = times.values
    if isinstance(times, pd.Timestamp | _dt.datetime | np.datetime64):
        times = [times]
    if isinstance(times, pd.Series):
        times = pd.Index(times)
    if isinstance(times, pd.DatetimeIndex):
        index = times
    else:
        array = np.asarray(times)
        if array.dtype.kind == "M":
            index = pd.DatetimeIndex(array.ravel())
        elif (
            array.dtype == object
            and array.size
            and all(isinstance(v, _dt.datetime | pd.Timestamp) for v in array.ravel())
        ):
            index = pd.DatetimeIndex(pd.to_datetime(array.ravel(), utc=True))
        else:
            raise ValueError(
                f"{name} must be datetimes (numpy datetime64, pandas timestamps, UTC), "
                f"got an array of dtype {array.dtype} (e.g. {array.ravel()[:1].tolist()!r}); "
                "convert with pandas.to_datetime(..., utc=True)"
            )
    if index.tz is not None:
        index = index.tz_convert("UTC").tz_localize(None)
    values = index.values.astype("datetime64[ns]")
    if values.size == 0:
        raise ValueError(f"{name} is empty")
    if np.isnat(values).any():
        raise ValueError(
            f"{name} contains NaT (not-a-time) at {np.flatnonzero(np.isnat(values))[:5]}"
        )
    return values


def parse_latitude(latitude) -> float | None:
    """A latitude in degrees north, or ``None``."""
    if latitude is None:
        return None
    try:
        value = float(latitude)
    except (TypeError, ValueError):
        raise ValueError(f"latitude must be a number of degrees north, got {latitude!r}") from None
    if not np.isfinite(value) or abs(value) > 90:
        raise ValueError(f"latitude must be finite and within [-90, 90] degrees, got {latitude!r}")
    return value


def days_since_1899(times: np.ndarray) -> np.ndarray:
    """Days since 1899-12-31T12:00 UTC (the epoch of the Explanatory Supplement polynomials)."""
    delta = times.astype("datetime64[ns]") - np.datetime64("1899-12-31T12:00", "ns")
    return delta.astype(np.int64) / 86_400e9


def check_amplitude_phase(name: str, amplitude: np.ndarray, phase: np.ndarray) -> None:
    """Refuse negative or non-finite amplitudes and non-finite phases, naming the constituent."""
    if not np.all(np.isfinite(amplitude)):
        raise ValueError(f"amplitude of {name} must be finite, got {amplitude!r}")
    if np.any(amplitude < 0):
        raise ValueError(
            f"amplitude of {name} must be >= 0 (put the sign in the phase), got {amplitude!r}"
        )
    if not np.all(np.isfinite(phase)):
        raise ValueError(f"phase of {name} must be finite (degrees), got {phase!r}")
