"""Forecast weather as what-ifs: an hourly wind and pressure series over the whole domain.

:class:`Weather` puts a (spatially uniform) 10 m wind and sea-level pressure series — such as
an Open-Meteo forecast at the estuary mouth — into a run: the wind as the engine's surface
forcing (stress by Wu's drag law), the pressure both as the forcing and, because a uniform
pressure exerts no force inside the domain, as an inverse-barometer sea level
``−(p − 1013.25 hPa)/(ρ g)`` added to the mean level of the tidal boundary (≈ 1 cm per hPa).
:class:`WindScale` multiplies that wind by a factor, for ensemble members.

Both are registered what-ifs (``type: weather`` and ``type: wind_scale``), like the others of
:mod:`twinbench.scenarios.whatif`; the forecast (:mod:`twinbench.forecast`) builds them.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from twinbench.io import cf
from twinbench.io.inputs import InputError
from twinbench.scenarios.whatif_core import RunSetup, WhatIf, quantity, set_fields
from twinbench.storms.forcing import (
    AMBIENT_PRESSURE,
    GRAVITY,
    SEAWATER_DENSITY,
    grid_angle,
    to_grid_axes,
)

__all__ = ["Weather", "WindScale", "weather_from_dataset"]


def _floats(values: Any, what: str, n: int | None, lo: float, hi: float) -> tuple[float, ...]:
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise InputError(f"weather: {what} must be a list of numbers, got {values!r:.80}") from None
    if arr.ndim != 1 or (n is not None and arr.size != n):
        raise InputError(f"weather: {what} must hold one number per time ({n}), got {arr.shape}")
    if not np.all(np.isfinite(arr)) or np.any(arr < lo) or np.any(arr > hi):
        raise InputError(f"weather: {what} must be finite and within [{lo}, {hi}]")
    return tuple(float(x) for x in arr)


@dataclasses.dataclass(frozen=True)
class Weather(WhatIf):
    """A uniform wind and pressure series as the run's surface forcing.

    Parameters
    ----------
    time : list of UTC date-times (ISO strings), strictly increasing.
    eastward_wind, northward_wind : 10 m wind (m s⁻¹), one per time.
    pressure : sea-level pressure (Pa), one per time.
    inverse_barometer : add the inverse-barometer level to the tidal boundary (default true).

    Values before the first and after the last time are held.

    Examples
    --------
    >>> w = Weather(time=["2025-08-15T00:00", "2025-08-15T01:00"], eastward_wind=[5.0, 6.0],
    ...             northward_wind=[0.0, 1.0], pressure=[101325.0, 101225.0])
    >>> WhatIf.from_dict(w.to_dict()) == w
    True
    """

    type_name = "weather"
    time: tuple[str, ...]
    eastward_wind: tuple[float, ...]
    northward_wind: tuple[float, ...]
    pressure: tuple[float, ...]
    inverse_barometer: bool = True

    def __post_init__(self):
        try:
            stamps = pd.DatetimeIndex([pd.Timestamp(t) for t in self.time])
        except (TypeError, ValueError):
            raise InputError(
                f"weather: time must be UTC date-times, got {self.time!r:.80}"
            ) from None
        if stamps.size < 1 or np.any(
            np.diff(stamps.values.astype("datetime64[s]")).astype(int) <= 0
        ):
            raise InputError("weather: time must hold at least one date, strictly increasing")
        n = stamps.size
        set_fields(
            self,
            time=tuple(s.strftime("%Y-%m-%dT%H:%M:%S") for s in stamps),
            eastward_wind=_floats(self.eastward_wind, "eastward_wind", n, -100.0, 100.0),
            northward_wind=_floats(self.northward_wind, "northward_wind", n, -100.0, 100.0),
            pressure=_floats(self.pressure, "pressure (Pa)", n, 85000.0, 110000.0),
        )
        if not isinstance(self.inverse_barometer, bool):
            raise InputError(f"weather: inverse_barometer must be true or false, got "
                             f"{self.inverse_barometer!r}")  # fmt: skip

    def seconds(self, start: np.datetime64) -> np.ndarray:
        """The series' times in seconds from ``start``."""
        times = np.asarray(self.time, dtype="datetime64[s]")
        return (times - np.datetime64(start, "s")).astype(float)

    def apply(self, setup: RunSetup) -> RunSetup:
        if setup.forcing is not None:
            raise InputError("weather: the run already has a surface forcing (a storm?)")
        if setup.start is None:
            raise InputError("weather: the run needs a start date and time")
        t = self.seconds(setup.start)
        # One rotation for the whole grid: the forcing is uniform, and the grid's convergence
        # across the Gironde domain is well under a degree.
        angle = float(np.median(grid_angle(setup.domain)))
        wind_x, wind_y = to_grid_axes(np.asarray(self.eastward_wind),
                                      np.asarray(self.northward_wind), angle)  # fmt: skip
        coords = {"time": ("time", t, {"units": "s", "long_name": f"seconds since {setup.start}"})}
        forcing = xr.Dataset(
            {
                "x_wind": ("time", wind_x, cf.attrs("wind_x")),
                "y_wind": ("time", wind_y, cf.attrs("wind_y")),
                "air_pressure_at_sea_level": ("time", np.asarray(self.pressure),
                                              cf.attrs("pressure")),
            },
            coords=coords,
            attrs={"title": "forecast weather (uniform)", "start": str(setup.start)},
        )  # fmt: skip
        boundaries = dict(setup.boundaries)
        if self.inverse_barometer:
            rise = -(np.asarray(self.pressure) - 100.0 * AMBIENT_PRESSURE) / (
                SEAWATER_DENSITY * GRAVITY
            )
            level = xr.DataArray(rise, coords={"time": t}, dims="time", attrs={"units": "m"})
            for side, spec in setup.boundaries.items():
                if isinstance(spec, dict) and spec.get("type") == "tide":
                    boundaries[side] = {**spec, "mean": spec.get("mean", 0.0) + level}
        return setup.replace(forcing=forcing, boundaries=boundaries)


@dataclasses.dataclass(frozen=True)
class WindScale(WhatIf):
    """Multiply the run's wind forcing by ``factor`` (≥ 0), e.g. for an ensemble member.

    >>> WindScale(factor=1.2).to_dict()
    {'type': 'wind_scale', 'factor': 1.2}
    """

    type_name = "wind_scale"
    factor: float = 1.0

    def __post_init__(self):
        set_fields(self, factor=quantity(self.factor, "wind_scale: factor", "1", minimum=0))

    def apply(self, setup: RunSetup) -> RunSetup:
        forcing = setup.forcing
        wind_x = None if forcing is None else cf.find(forcing, "wind_x")
        wind_y = None if forcing is None else cf.find(forcing, "wind_y")
        if wind_x is None or wind_y is None:
            raise InputError(
                "wind_scale: the run has no wind forcing (add a weather what-if first)"
            )
        forcing = forcing.assign(
            {wind_x.name: wind_x * self.factor, wind_y.name: wind_y * self.factor}
        )
        for name in (wind_x.name, wind_y.name):
            forcing[name].attrs = dict(setup.forcing[name].attrs)
        return setup.replace(forcing=forcing)


def weather_from_dataset(weather: xr.Dataset) -> Weather:
    """A :class:`Weather` from a one-point :func:`twinbench.data.openmeteo.forecast` dataset.

    Hours the service left empty (NaN) are filled by linear interpolation in time (held at the
    ends); the count is in the dataset's ``missing_values`` attribute.

    Raises
    ------
    InputError
        When the dataset has several points, or no valid hour at all.
    """
    if "point" in weather.dims:
        raise InputError("weather_from_dataset needs one point: select it (ds.isel(point=0))")
    names = ("eastward_wind", "northward_wind", "air_pressure_at_mean_sea_level")
    hours = (weather["time"].values - weather["time"].values[0]) / np.timedelta64(1, "h")
    filled = {}
    for name in names:
        values = np.asarray(weather[name].values, float)
        valid = np.isfinite(values)
        if not valid.any():
            raise InputError(f"the weather forecast has no valid {name}")
        filled[name] = np.interp(hours, hours[valid], values[valid])
    return Weather(
        time=[str(t) for t in weather["time"].values.astype("datetime64[s]")],
        eastward_wind=filled["eastward_wind"].tolist(),
        northward_wind=filled["northward_wind"].tolist(),
        pressure=filled["air_pressure_at_mean_sea_level"].tolist(),
    )
